package org.visualbackprop.explain;

import java.util.ArrayList;
import java.util.List;
import org.visualbackprop.compute.ConvKernels;
import org.visualbackprop.compute.Sgemm;
import org.visualbackprop.nn.BatchNorm2d;
import org.visualbackprop.nn.BatchNormFolding;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Layer;
import org.visualbackprop.nn.MaxPool2d;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/**
 * Layer-wise relevance propagation with the epsilon rule (Samek et al. 2016, Eq. 6), the method the paper compares
 * VisualBackProp with (epsilon = 100 there):
 * {@code R_i = sum_j z_ij / (z_j + eps * sign(z_j)) * R_j}, with {@code z_ij = a_i * w_ij},
 * {@code z_j = sum_i z_ij + b_j} and {@code sign(0) = +1}. With {@code eps = 0} (LRP-0) a zero denominator passes no
 * relevance. It starts from the explained output ({@link Target}): the regression value, or a class score before a
 * final LogSoftmax, with all other outputs' relevance zero.
 *
 * <p>Layers: Dense and Conv2d use the rule; ReLU, Dropout (identity outside training) and Flatten pass relevance
 * through; MaxPool2d gives it to each window's winner. BatchNorm2d is handled in one of two ways:
 * <ul>
 * <li>{@link BatchNormRule#FOLD} (default, as zennit does): a BatchNorm directly before a Conv2d without padding, or
 *     before a Dense (possibly through a Flatten), is folded into that layer: {@code W' = W * scale[c_in]},
 *     {@code b' = b + sum W * shift[c_in]}. This is exact for the forward pass (the folded layer computes the same
 *     z_j), so the rule then sees the BatchNorm's input as a_i. With padding the fold is not exact (the conv pads the
 *     normalized map with zeros, not the raw one), so such a BatchNorm, or one followed by anything else, falls back
 *     to its own step;</li>
 * <li>{@link BatchNormRule#SEPARATE}: every BatchNorm is its own linear step {@code y = scale * x + shift}, with the
 *     rule {@code R_x = scale * x / (y + eps * sign(y)) * R_y} (its shift absorbs relevance like a bias).</li>
 * </ul>
 * The BatchNorm's scale and shift are those of the trace's mode: running statistics in evaluation mode, the batch's
 * statistics (recomputed from the recorded input) otherwise. The two treatments give different maps at large epsilon
 * and coincide as epsilon goes to 0.
 *
 * <p>Relevance is carried in float32 with a power-of-two scale per sample renewed after every layer, so a deep net's
 * tiny relevance (10^-25 to 10^-41 of the output at epsilon = 100) neither underflows nor loses precision.
 */
public final class Lrp {
    /** The paper's epsilon. */
    public static final double PAPER_EPSILON = 100.0;

    /** How BatchNorm layers are treated; see the class description. */
    public enum BatchNormRule { FOLD, SEPARATE }

    private final double epsilon;
    private final BatchNormRule batchNorm;
    private final boolean biasInDenominator;

    private Lrp(double epsilon, BatchNormRule batchNorm, boolean biasInDenominator) {
        if (!(epsilon >= 0) || !Double.isFinite(epsilon)) {
            throw new IllegalArgumentException("LRP epsilon must be finite and >= 0, got " + epsilon);
        }
        this.epsilon = epsilon;
        this.batchNorm = batchNorm;
        this.biasInDenominator = biasInDenominator;
    }

    /** The epsilon rule with BatchNorm folded where exact. */
    public static Lrp epsilon(double epsilon) {
        return new Lrp(epsilon, BatchNormRule.FOLD, true);
    }

    /** The epsilon rule with the given BatchNorm treatment. */
    public static Lrp epsilon(double epsilon, BatchNormRule batchNorm) {
        return new Lrp(epsilon, java.util.Objects.requireNonNull(batchNorm), true);
    }

    /**
     * The z-rule with the bias left out of the denominator: {@code R_i = sum_j a_i w_ij / z'_j * R_j} with
     * {@code z'_j = sum_i a_i w_ij} (0 where {@code z'_j = 0}); a BatchNorm treated as its own step then passes
     * relevance through unchanged. Started from the last conv layer's activations this is the paper's phi
     * (PAPER-NOTES section 3: a consequence of Lemma 3).
     */
    public static Lrp zWithoutBias(BatchNormRule batchNorm) {
        return new Lrp(0, java.util.Objects.requireNonNull(batchNorm), false);
    }

    /** True when the denominator includes the bias (every rule but {@link #zWithoutBias}). */
    public boolean biasInDenominator() {
        return biasInDenominator;
    }

    /** The paper's setting: epsilon = 100, BatchNorm folded. */
    public static Lrp paper() {
        return epsilon(PAPER_EPSILON);
    }

    public double epsilon() {
        return epsilon;
    }

    public BatchNormRule batchNormRule() {
        return batchNorm;
    }

    /** One step of the backward walk: a layer (or a BatchNorm folded into the linear layer above it). */
    private record Step(int layer, int foldedBatchNorm, float[] weight, float[] bias) {
    }

    /**
     * The relevance of every input element for the targeted output of each sample.
     *
     * @throws UnsupportedNetworkException naming a layer the rule does not cover (Tanh, a LogSoftmax not at the top)
     */
    public Attribution attribute(Trace trace, Target target) {
        Network net = trace.network();
        int top = Target.scoreLayer(net);
        int[] targets = target.resolve(trace);
        int n = trace.batch();
        Tensor scores = trace.output(top);
        int k = scores.shape().sampleSize();
        Tensor r = Tensor.zeros(scores.shape());
        for (int i = 0; i < n; i++) {
            r.data()[i * k + targets[i]] = scores.data()[i * k + targets[i]];
        }
        return propagateFrom(trace, top, r, targets);
    }

    /**
     * Relevance of every input element when the relevance at the output of layer {@code layer} is {@code relevance}
     * (for example the activations of the last conv layer, from which the z-rule without bias gives the paper's phi).
     *
     * @param relevance shaped as that layer's output; not modified
     */
    public Attribution attributeFrom(Trace trace, int layer, Tensor relevance) {
        java.util.Objects.checkIndex(layer, trace.network().size());
        trace.output(layer).requireSameShape(relevance, "start LRP: layer output and relevance");
        return propagateFrom(trace, layer, relevance.copy(), new int[trace.batch()]);
    }

    private Attribution propagateFrom(Trace trace, int top, Tensor r, int[] targets) {
        Network net = trace.network();
        int n = trace.batch();
        List<Step> steps = plan(trace, top);
        int[] exps = new int[n];
        double[] outputRelevance = sums(r, exps);
        rescale(r, exps);
        List<List<Attribution.LayerFlow>> flows = new ArrayList<>();
        String[] dead = new String[n];
        for (int i = 0; i < n; i++) {
            flows.add(new ArrayList<>());
        }
        for (Step step : steps) {
            int li = step.layer();
            Layer layer = net.layer(li);
            double[] above = sums(r, exps);
            Tensor below = propagate(trace, step, layer, r);
            r = below;
            rescale(r, exps);
            double[] after = sums(r, exps);
            String name = net.name(li) + (step.foldedBatchNorm() >= 0 ? "+" + net.name(step.foldedBatchNorm()) : "");
            for (int i = 0; i < n; i++) {
                flows.get(i).add(new Attribution.LayerFlow(name, above[i], after[i]));
                if (dead[i] == null && outputRelevance[i] != 0 && allZero(r, i)) {
                    dead[i] = name;
                }
            }
        }
        List<Attribution.Conservation> cons = new ArrayList<>();
        double[] input = sums(r, exps);
        for (int i = 0; i < n; i++) {
            cons.add(new Attribution.Conservation(outputRelevance[i], input[i], flows.get(i), dead[i]));
        }
        return new Attribution("lrp", r, exps, targets, Attribution.Reduction.SUM, cons);
    }

    /** The walk from the score layer down, with BatchNorm layers folded into the linear layer above where allowed. */
    private List<Step> plan(Trace trace, int top) {
        Network net = trace.network();
        List<Step> steps = new ArrayList<>();
        boolean[] folded = batchNorm == BatchNormRule.FOLD ? BatchNormFolding.foldable(net, top) : new boolean[net.size()];
        for (int i = top; i >= 0; i--) {
            Layer l = net.layer(i);
            if (folded[i]) {
                continue; // absorbed into the linear layer above
            }
            int bn = -1;
            if (l instanceof Conv2d || l instanceof Dense) {
                int j = i - 1;
                while (j >= 0 && net.layer(j).kind().equals("Flatten")) {
                    j--;
                }
                if (j >= 0 && folded[j]) {
                    bn = j;
                }
            }
            if (bn >= 0) {
                steps.add(fold(trace, i, bn));
            } else {
                switch (l.kind()) {
                    case "Conv2d", "Dense", "ReLU", "Dropout", "Flatten", "MaxPool2d", "BatchNorm2d" -> steps.add(new Step(i, -1, null, null));
                    default -> throw new UnsupportedNetworkException("LRP has no rule for " + net.name(i) + " (" + l.kind()
                            + "); supported: Conv2d, Dense, ReLU, Dropout, Flatten, MaxPool2d, BatchNorm2d, and a final LogSoftmax");
                }
            }
        }
        return steps;
    }

    /** Folds BatchNorm {@code bn} into the linear layer {@code i} above it (possibly through Flattens). */
    private static Step fold(Trace trace, int i, int bn) {
        Network net = trace.network();
        Tensor bnInput = trace.layerInput(bn);
        float[][] affine = ((BatchNorm2d) net.layer(bn)).affine(bnInput, trace.mode());
        float[][] wb = BatchNormFolding.fold(net.layer(i), affine[0], affine[1], bnInput.shape().plane());
        return new Step(i, bn, wb[0], wb[1]);
    }

    /** Relevance at the input of {@code step} from relevance {@code r} at the output of its layer. */
    private Tensor propagate(Trace trace, Step step, Layer layer, Tensor r) {
        int li = step.layer();
        Tensor out = trace.output(li);
        Tensor in = step.foldedBatchNorm() >= 0 ? trace.layerInput(step.foldedBatchNorm()) : trace.layerInput(li);
        Shape inShape = trace.layerInput(li).shape();
        switch (layer.kind()) {
            case "ReLU", "Dropout" -> {
                return r;
            }
            case "Flatten" -> {
                return r.reshape(inShape);
            }
            case "MaxPool2d" -> {
                int[] win = ((MaxPool2d) layer).winners(trace.layerInput(li));
                Tensor below = Tensor.zeros(inShape);
                for (int q = 0; q < win.length; q++) {
                    below.data()[win[q]] += r.data()[q];
                }
                return below;
            }
            case "BatchNorm2d" -> {
                BatchNorm2d bn = (BatchNorm2d) layer;
                float[] scale = bn.affine(in, trace.mode())[0];
                Tensor below = Tensor.zeros(inShape);
                int plane = inShape.plane();
                int c = inShape.c();
                for (int q = 0; q < below.data().length; q++) {
                    int ch = q / plane % c;
                    float z = biasInDenominator ? out.data()[q] : in.data()[q] * scale[ch];
                    below.data()[q] = (float) (in.data()[q] * scale[ch] * ratio(r.data()[q], z));
                }
                return below;
            }
            default -> {
                // Conv2d or Dense: s_j = R_j / (z_j + eps sign z_j); c = W^T s; R_i = a_i c_i
                Tensor s = Tensor.zeros(out.shape());
                float[] bias = biasInDenominator ? null : biasOf(step, layer);
                int plane = out.shape().plane();
                int channels = out.shape().c();
                for (int q = 0; q < s.data().length; q++) {
                    float z = out.data()[q];
                    if (bias != null) {
                        z -= bias[q / plane % channels];
                    }
                    s.data()[q] = (float) ratio(r.data()[q], z);
                }
                Tensor c = Tensor.zeros(inShape);
                if (layer instanceof Conv2d conv) {
                    float[] w = step.weight() != null ? step.weight() : conv.weight().value().data();
                    ConvKernels.transposed(inShape, w, conv.window(), conv.outChannels(), s.data(), c.data());
                } else {
                    Dense d = (Dense) layer;
                    float[] w = step.weight() != null ? step.weight() : d.weight().value().data();
                    int nb = inShape.n();
                    Sgemm.multiply(nb, d.inFeatures(), d.outFeatures(), s.data(), 0, d.outFeatures(), 1, w, 0, d.inFeatures(), 1,
                            c.data(), 0, d.inFeatures(), false);
                }
                float[] a = in.data();
                for (int q = 0; q < c.data().length; q++) {
                    c.data()[q] *= a[q];
                }
                return c;
            }
        }
    }

    /** The bias of a conv/dense step (the folded one when a BatchNorm was folded in), zeros when it has none. */
    private static float[] biasOf(Step step, Layer layer) {
        if (step.bias() != null) {
            return step.bias();
        }
        if (layer instanceof Conv2d c) {
            return c.bias() == null ? new float[c.outChannels()] : c.bias().value().data();
        }
        Dense d = (Dense) layer;
        return d.bias() == null ? new float[d.outFeatures()] : d.bias().value().data();
    }

    /** {@code R / (z + eps * sign(z))}, sign(0) = +1; 0 when the denominator is 0 (LRP-0 at z = 0). */
    private double ratio(float rel, float z) {
        double d = z + (z >= 0 ? epsilon : -epsilon);
        return d == 0 ? 0.0 : rel / d;
    }

    /** Scales each sample by a power of two so its largest magnitude lies in [0.5, 1); adds the exponents. */
    static void rescale(Tensor r, int[] exps) {
        int n = r.shape().n();
        int size = r.shape().sampleSize();
        for (int i = 0; i < n; i++) {
            float max = 0f;
            for (int q = 0; q < size; q++) {
                max = Math.max(max, Math.abs(r.data()[i * size + q]));
            }
            if (max == 0f || !Float.isFinite(max)) {
                continue;
            }
            int e = Math.getExponent(max) + 1;
            if (e == 0) {
                continue;
            }
            for (int q = 0; q < size; q++) {
                r.data()[i * size + q] = Math.scalb(r.data()[i * size + q], -e);
            }
            exps[i] += e;
        }
    }

    private static double[] sums(Tensor r, int[] exps) {
        int n = r.shape().n();
        int size = r.shape().sampleSize();
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            double t = 0;
            for (int q = 0; q < size; q++) {
                t += r.data()[i * size + q];
            }
            s[i] = Math.scalb(t, exps[i]);
        }
        return s;
    }

    private static boolean allZero(Tensor r, int i) {
        int size = r.shape().sampleSize();
        for (int q = 0; q < size; q++) {
            if (r.data()[i * size + q] != 0f) {
                return false;
            }
        }
        return true;
    }
}
