package org.visualbackprop.explain;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/**
 * What an {@link Explainer} computed for a batch: a map per sample at input resolution, whatever the method. One
 * result type for every method (VisualBackProp, LRP, gradients, and the methods added on top of them).
 *
 * <p>Values are stored as float32, input-shaped ({@code n x C x H x W}) or one channel ({@code n x 1 x H x W}), with a
 * power-of-two scale per sample ({@code value = stored * 2^exponent}): LRP with epsilon = 100 shrinks relevance by
 * 10^2-10^4 per layer, below float32's range over a deep net, and its rules are linear in the relevance, so it is
 * carried scaled. {@link #map(int)} applies the scale in double precision and reduces the channels.
 *
 * <p>Besides the map: the explained output of each sample ({@link #target}), the network's outputs for the batch
 * ({@link #outputs()}: the predictions), where it was computed ({@link #device()}), a note per sample when something
 * about its map should be said ({@link #note}), LRP's bookkeeping ({@link #conservation()}) and VisualBackProp's
 * intermediate results ({@link #details()}: the raw mask, the averaged maps and intermediate masks of Figure 2).
 * Immutable by convention: the tensors returned are not copies.
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
    private final Tensor outputs;
    private final String device;
    private final Explanation details;
    private final String[] notes;

    private Attribution(String method, Tensor perChannel, int[] exponents, int[] targets, Reduction reduction,
                        List<Conservation> conservation, Tensor outputs, String device, Explanation details, String[] notes) {
        this.method = Objects.requireNonNull(method, "method");
        this.perChannel = Objects.requireNonNull(perChannel, "values");
        int n = perChannel.shape().n();
        if (exponents.length != n || targets.length != n) {
            throw new IllegalArgumentException("need one exponent and one target per sample: got " + exponents.length + " and "
                    + targets.length + " for a batch of " + n);
        }
        if (outputs != null && outputs.shape().n() != n) {
            throw new IllegalArgumentException("outputs of " + outputs.shape().n() + " samples for a batch of " + n);
        }
        if (notes != null && notes.length != n) {
            throw new IllegalArgumentException(notes.length + " notes for a batch of " + n);
        }
        this.exponents = exponents.clone();
        this.targets = targets.clone();
        this.reduction = Objects.requireNonNull(reduction, "reduction");
        this.conservation = conservation == null ? List.of() : List.copyOf(conservation);
        this.outputs = outputs;
        this.device = device;
        this.details = details;
        this.notes = notes == null ? new String[n] : notes.clone();
    }

    Attribution(String method, Tensor perChannel, int[] exponents, int[] targets, Reduction reduction, List<Conservation> conservation) {
        this(method, perChannel, exponents, targets, reduction, conservation, null, null, null, null);
    }

    /**
     * An attribution from stored values (for example computed on another device).
     *
     * @param perChannel input-shaped (or one-channel) stored values; not copied
     * @param exponents  per sample, the power of two that scales its stored values
     * @param targets    per sample, the explained output index
     */
    public static Attribution of(String method, Tensor perChannel, int[] exponents, int[] targets, Reduction reduction) {
        return new Attribution(method, perChannel, exponents, targets, reduction, null);
    }

    /** This attribution with the network's outputs for the batch ({@code n x k}; not copied). */
    public Attribution withOutputs(Tensor outputs) {
        return new Attribution(method, perChannel, exponents, targets, reduction, conservation, Objects.requireNonNull(outputs, "outputs"),
                device, details, notes);
    }

    /** This attribution with the device that computed it. */
    public Attribution withDevice(String device) {
        return new Attribution(method, perChannel, exponents, targets, reduction, conservation, outputs, device, details, notes);
    }

    /** This attribution with VisualBackProp's intermediate results. */
    public Attribution withDetails(Explanation details) {
        return new Attribution(method, perChannel, exponents, targets, reduction, conservation, outputs, device, details, notes);
    }

    /** This attribution under another method name (an LRP composite's). */
    Attribution withMethod(String method) {
        return new Attribution(method, perChannel, exponents, targets, reduction, conservation, outputs, device, details, notes);
    }

    /** This attribution with a note per sample (null entries: nothing to say). */
    public Attribution withNotes(String[] notes) {
        return new Attribution(method, perChannel, exponents, targets, reduction, conservation, outputs, device, details, notes);
    }

    /** The method's name as {@link Explainer#names()} lists it: {@code "vbp"}, {@code "lrp"}, {@code "gradient"}, ... */
    public String method() {
        return method;
    }

    /** Batch size. */
    public int size() {
        return perChannel.shape().n();
    }

    /** Stored values ({@code n x C x H x W}, or one channel); multiply sample i by {@code 2^exponent(i)}. Not a copy. */
    public Tensor scaled() {
        return perChannel;
    }

    /** The power of two that scales sample {@code i}'s stored values. */
    public int exponent(int i) {
        return exponents[i];
    }

    /** The explained output index of sample {@code i} (0 for methods that explain no particular output). */
    public int target(int i) {
        return targets[i];
    }

    /** The reduction over channels {@link #map(int)} applies. */
    public Reduction reduction() {
        return reduction;
    }

    /** Value of stored element {@code (i, c, y, x)} in double precision. */
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

    /** The network's outputs for the batch ({@code n x k}: predictions, or log-probabilities of a classifier); null when not recorded. */
    public Tensor outputs() {
        return outputs;
    }

    /** The device that computed the attribution, as it describes itself; null when not recorded. */
    public String device() {
        return device;
    }

    /** VisualBackProp's intermediate results (Figure 2) when the method is VisualBackProp and they were kept. */
    public Optional<Explanation> details() {
        return Optional.ofNullable(details);
    }

    /** What should be said about sample {@code i}'s map (a flat mask, relevance that died at a layer), if anything. */
    public Optional<String> note(int i) {
        return Optional.ofNullable(notes[i]);
    }

    /** How relevance flowed, per sample (LRP only; empty for other methods). */
    public List<Conservation> conservation() {
        return conservation;
    }

    /** The attributions of consecutive parts of one batch (same method), joined along the batch axis. */
    public static Attribution concat(List<Attribution> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        Attribution first = parts.get(0);
        List<Tensor> values = new ArrayList<>();
        List<Tensor> outs = new ArrayList<>();
        List<Explanation> det = new ArrayList<>();
        List<Conservation> cons = new ArrayList<>();
        int n = 0;
        for (Attribution p : parts) {
            if (!p.method.equals(first.method)) {
                throw new IllegalArgumentException("cannot join attributions of " + first.method + " and " + p.method);
            }
            values.add(p.perChannel);
            n += p.size();
            if (p.outputs != null) {
                outs.add(p.outputs);
            }
            p.details().ifPresent(det::add);
            cons.addAll(p.conservation);
        }
        int[] e = new int[n];
        int[] t = new int[n];
        String[] notes = new String[n];
        int off = 0;
        for (Attribution p : parts) {
            System.arraycopy(p.exponents, 0, e, off, p.size());
            System.arraycopy(p.targets, 0, t, off, p.size());
            System.arraycopy(p.notes, 0, notes, off, p.size());
            off += p.size();
        }
        return new Attribution(first.method, Tensor.stack(values), e, t, first.reduction,
                cons.size() == n ? cons : null, outs.size() == parts.size() ? Tensor.stack(outs) : null, first.device,
                det.size() == parts.size() ? Explanation.concat(det) : null, notes);
    }

    @Override
    public String toString() {
        return method + " attribution of " + size() + " sample(s), values " + perChannel.shape()
                + (device == null ? "" : ", on " + device) + (details == null ? "" : ", with VisualBackProp's details");
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
