package org.visualbackprop.explain;

import java.util.List;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/**
 * A per-pixel attribution of one output per sample (LRP relevance, a gradient, gradient x input).
 *
 * <p>Values are stored as float32 with a power-of-two scale per sample ({@code value = stored * 2^exponent}): LRP
 * with epsilon = 100 shrinks relevance by 10^2-10^4 per layer, below float32's range over a deep net, and the rule
 * is linear in the relevance, so it is carried scaled. {@link #map(int)} applies the scale in double precision.
 */
public final class Attribution {
    /** How the per-channel values become one value per pixel. */
    public enum Reduction {
        /** Sum over input channels (relevance and gradient x input: keeps their totals). */
        SUM,
        /** Largest absolute value over input channels (gradient saliency, Simonyan et al. 2014). */
        MAX_ABS
    }

    private final String method;
    private final Tensor perChannel;
    private final int[] exponents;
    private final int[] targets;
    private final Reduction reduction;
    private final List<Conservation> conservation;

    Attribution(String method, Tensor perChannel, int[] exponents, int[] targets, Reduction reduction, List<Conservation> conservation) {
        this.method = method;
        this.perChannel = perChannel;
        this.exponents = exponents.clone();
        this.targets = targets.clone();
        this.reduction = reduction;
        this.conservation = conservation == null ? List.of() : List.copyOf(conservation);
    }

    /**
     * An attribution from stored values (for example computed on another device), without conservation records.
     *
     * @param perChannel input-shaped stored values; not copied
     * @param exponents  per sample, the power of two that scales its stored values
     * @param targets    per sample, the explained output index
     */
    public static Attribution of(String method, Tensor perChannel, int[] exponents, int[] targets, Reduction reduction) {
        int n = perChannel.shape().n();
        if (exponents.length != n || targets.length != n) {
            throw new IllegalArgumentException("need one exponent and one target per sample: got " + exponents.length + " and "
                    + targets.length + " for a batch of " + n);
        }
        return new Attribution(method, perChannel, exponents, targets, reduction, null);
    }

    /** The method's name: {@code "lrp"}, {@code "gradient"}, {@code "gradxinput"}. */
    public String method() {
        return method;
    }

    /** Batch size. */
    public int size() {
        return perChannel.shape().n();
    }

    /** Input-shaped stored values ({@code n x C x H x W}); multiply sample i by {@code 2^exponent(i)}. Not a copy. */
    public Tensor scaled() {
        return perChannel;
    }

    /** The power of two that scales sample {@code i}'s stored values. */
    public int exponent(int i) {
        return exponents[i];
    }

    /** The explained output index of sample {@code i}. */
    public int target(int i) {
        return targets[i];
    }

    /** Value of input element {@code (i, c, y, x)} in double precision. */
    public double value(int i, int c, int y, int x) {
        return Math.scalb((double) perChannel.get(i, c, y, x), exponents[i]);
    }

    /** Sample {@code i}'s map at input resolution, {@code H * W} values in row order, channels reduced. */
    public double[] map(int i) {
        Shape s = perChannel.shape();
        int plane = s.plane();
        double[] m = new double[plane];
        for (int c = 0; c < s.c(); c++) {
            int o = (i * s.c() + c) * plane;
            for (int q = 0; q < plane; q++) {
                double v = Math.scalb((double) perChannel.data()[o + q], exponents[i]);
                m[q] = reduction == Reduction.SUM ? m[q] + v : Math.max(m[q], Math.abs(v));
            }
        }
        return m;
    }

    /** Sum of sample {@code i}'s map. */
    public double total(int i) {
        double s = 0;
        for (double v : map(i)) {
            s += v;
        }
        return s;
    }

    /** How relevance flowed, per sample (LRP only; empty for gradients). */
    public List<Conservation> conservation() {
        return conservation;
    }

    /**
     * LRP's bookkeeping for one sample: the relevance the explained output started with, what reached the input,
     * and per layer what entered from above and what went on below (the difference was absorbed by biases and
     * epsilon, or, for a BatchNorm treated as its own step, by its shift).
     *
     * @param deadLayer the first layer (walking down) below which all relevance is exactly zero although the output
     *                  had some: every unit feeding it was off. Null when none.
     */
    public record Conservation(double output, double input, List<LayerFlow> layers, String deadLayer) {
        /** Share of the output relevance that reached the input ({@code input / output}). */
        public double conserved() {
            return output == 0 ? Double.NaN : input / output;
        }
    }

    /** Relevance entering a layer from above and leaving it below. */
    public record LayerFlow(String layer, double fromAbove, double toBelow) {
    }
}
