package org.visualbackprop.explain;

import java.util.ArrayList;
import java.util.List;
import org.visualbackprop.nn.BatchNorm2d;
import org.visualbackprop.nn.BatchNormFolding;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Flatten;
import org.visualbackprop.nn.Layer;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Tensor;

/**
 * Layer-wise relevance propagation: relevance starts at the explained output ({@link Target}: the regression value,
 * or a class score before a final LogSoftmax, all other outputs zero) and walks down the layers, each passing it on by
 * the {@link LrpRule} its {@link LrpComposite} chooses.
 *
 * <p>The paper compares VisualBackProp with the epsilon rule (Samek et al. 2016, Eq. 6), epsilon = 100
 * ({@link #paper()}): {@code R_i = sum_j z_ij / (z_j + eps * sign(z_j)) * R_j}, with {@code z_ij = a_i * w_ij},
 * {@code z_j = sum_i z_ij + b_j} and {@code sign(0) = +1}; with {@code eps = 0} (LRP-0) a zero denominator passes no
 * relevance. ReLU and Dropout pass relevance through, max pooling gives it to each window's winner. BatchNorm2d is
 * handled in one of two ways:
 * <ul>
 * <li>{@link BatchNormRule#FOLD} (default, as zennit's canonizer does): a BatchNorm directly before a Conv2d without
 *     padding, or before a Dense (possibly through a Flatten), is folded into that layer
 *     ({@link org.visualbackprop.nn.BatchNormFolding}). This is exact for the forward pass, so the rule then sees the
 *     BatchNorm's input as a_i. With padding the fold is not exact (the conv pads the normalized map with zeros, not
 *     the raw one), so such a BatchNorm, or one followed by anything else, falls back to its own step;</li>
 * <li>{@link BatchNormRule#SEPARATE}: every BatchNorm is its own linear step {@code y = scale * x + shift}, with the
 *     rule {@code R_x = scale * x / (y + eps * sign(y)) * R_y} (its shift absorbs relevance like a bias).</li>
 * </ul>
 * The BatchNorm's scale and shift are those of the trace's mode: running statistics in evaluation mode, the batch's
 * statistics (recomputed from the recorded input) otherwise. The two treatments give different maps at large epsilon
 * and coincide as epsilon goes to 0. zennit's composites {@link LrpComposite#epsilonPlusFlat} and
 * {@link LrpComposite#epsilonAlpha2Beta1Flat} are available through {@link #of(LrpComposite)}.
 *
 * <p>Relevance is carried in float32 with a power-of-two scale per sample renewed after every layer, so a deep net's
 * tiny relevance (10^-25 to 10^-41 of the output at epsilon = 100) neither underflows nor loses precision; the rules
 * are linear in the relevance, so the scale passes through them.
 */
public final class Lrp {
    /** The paper's epsilon. */
    public static final double PAPER_EPSILON = 100.0;

    /** How BatchNorm layers are treated by the epsilon rule; see the class description. */
    public enum BatchNormRule { FOLD, SEPARATE }

    private final LrpComposite composite;

    private Lrp(LrpComposite composite) {
        this.composite = java.util.Objects.requireNonNull(composite, "composite");
    }

    /** LRP with the rules of a composite. */
    public static Lrp of(LrpComposite composite) {
        return new Lrp(composite);
    }

    /** The epsilon rule with BatchNorm folded where exact. */
    public static Lrp epsilon(double epsilon) {
        return epsilon(epsilon, BatchNormRule.FOLD);
    }

    /** The epsilon rule with the given BatchNorm treatment. */
    public static Lrp epsilon(double epsilon, BatchNormRule batchNorm) {
        return new Lrp(LrpComposite.epsilon(epsilon, batchNorm));
    }

    /**
     * The z-rule with the bias left out of the denominator: {@code R_i = sum_j a_i w_ij / z'_j * R_j} with
     * {@code z'_j = sum_i a_i w_ij} (0 where {@code z'_j = 0}); a BatchNorm treated as its own step then passes
     * relevance through unchanged. Started from the last conv layer's activations this is the paper's phi (a
     * consequence of Lemma 3: {@code docs/paper-notes.md}, section 3).
     */
    public static Lrp zWithoutBias(BatchNormRule batchNorm) {
        return new Lrp(LrpComposite.zWithoutBias(batchNorm));
    }

    /** The paper's setting: epsilon = 100, BatchNorm folded. */
    public static Lrp paper() {
        return epsilon(PAPER_EPSILON);
    }

    /** The rules this LRP applies. */
    public LrpComposite composite() {
        return composite;
    }

    @Override
    public String toString() {
        return "LRP " + composite.name();
    }

    /**
     * The relevance of every input element for the targeted output of each sample.
     *
     * @throws UnsupportedNetworkException naming a layer the composite has no rule for (Tanh, a LogSoftmax not at the
     *                                     top)
     */
    public Attribution attribute(Trace trace, Target target) {
        return attribute(trace, target, plan(trace.network(), Target.scoreLayer(trace.network())));
    }

    /**
     * As {@link #attribute(Trace, Target)}, with a walk planned earlier ({@link #plan}) for the trace's network and its
     * score layer.
     */
    public Attribution attribute(Trace trace, Target target, Plan plan) {
        Network net = trace.network();
        int top = Target.scoreLayer(net);
        if (plan.network() != net || plan.top() != top) {
            throw new IllegalArgumentException("the LRP plan was made for another network or another top layer than the trace's");
        }
        int[] targets = target.resolve(trace);
        int n = trace.batch();
        Tensor scores = trace.output(top);
        int k = scores.shape().sampleSize();
        Tensor r = Tensor.zeros(scores.shape());
        for (int i = 0; i < n; i++) {
            r.data()[i * k + targets[i]] = scores.data()[i * k + targets[i]];
        }
        return propagateFrom(trace, plan, r, targets);
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
        return propagateFrom(trace, plan(trace.network(), layer), relevance.copy(), new int[trace.batch()]);
    }

    /**
     * Which rule every layer from {@code top} down gets, and which BatchNorms fold into the layer above them: made
     * once per network and score layer, so a network the composite cannot handle is refused before any work.
     *
     * @throws UnsupportedNetworkException naming the first layer (walking down) without a rule
     */
    public Plan plan(Network net, int top) {
        java.util.Objects.checkIndex(top, net.size());
        boolean[] folded = composite.foldsBatchNorm() ? BatchNormFolding.foldable(net, top) : new boolean[net.size()];
        int firstLinear = -1;
        for (int i = 0; i <= top && firstLinear < 0; i++) {
            if (net.layer(i) instanceof Conv2d || net.layer(i) instanceof Dense) {
                firstLinear = i;
            }
        }
        List<Plan.Step> steps = new ArrayList<>();
        for (int i = top; i >= 0; i--) {
            Layer l = net.layer(i);
            if (folded[i]) {
                continue; // absorbed into the linear layer above
            }
            int bn = -1;
            if (l instanceof Conv2d || l instanceof Dense) {
                int j = i - 1;
                while (j >= 0 && net.layer(j) instanceof Flatten) {
                    j--;
                }
                if (j >= 0 && folded[j]) {
                    bn = j;
                }
            }
            LrpRule rule = null;
            if (!(l instanceof Flatten)) {
                // a step without a trace: enough for the composite to choose (it reads the layer and its position)
                rule = composite.ruleFor(new LrpStep(null, net, i, bn, null, null, i == firstLinear));
            }
            steps.add(new Plan.Step(i, bn, i == firstLinear, rule));
        }
        return new Plan(net, top, steps);
    }

    /**
     * The walk of an {@link Lrp} through one network: per step, the layer, the BatchNorm folded into it (or -1), and
     * its rule (null for a Flatten, which only reshapes).
     */
    public record Plan(Network network, int top, List<Step> steps) {
        public Plan {
            steps = List.copyOf(steps);
        }

        /** One step of the walk. */
        public record Step(int layer, int foldedBatchNorm, boolean firstLinear, LrpRule rule) {
        }
    }

    private Attribution propagateFrom(Trace trace, Plan plan, Tensor r, int[] targets) {
        int n = trace.batch();
        int[] exps = new int[n];
        double[] outputRelevance = sums(r, exps);
        rescale(r, exps);
        List<List<Attribution.LayerFlow>> flows = new ArrayList<>();
        String[] dead = new String[n];
        for (int i = 0; i < n; i++) {
            flows.add(new ArrayList<>());
        }
        for (Plan.Step ps : plan.steps()) {
            LrpStep step = step(trace, ps);
            double[] above = sums(r, exps);
            r = ps.rule() == null ? r.reshape(step.input().shape()) : ps.rule().propagate(step, r);
            rescale(r, exps);
            double[] after = sums(r, exps);
            for (int i = 0; i < n; i++) {
                flows.get(i).add(new Attribution.LayerFlow(step.name(), above[i], after[i]));
                if (dead[i] == null && outputRelevance[i] != 0 && allZero(r, i)) {
                    dead[i] = step.name();
                }
            }
        }
        List<Attribution.Conservation> cons = new ArrayList<>();
        double[] input = sums(r, exps);
        String[] notes = new String[n];
        for (int i = 0; i < n; i++) {
            cons.add(new Attribution.Conservation(outputRelevance[i], input[i], flows.get(i), dead[i]));
            if (dead[i] != null) {
                notes[i] = "LRP relevance stops at " + dead[i] + " (every unit feeding it is off: the output "
                        + String.format(java.util.Locale.ROOT, "%.4g", outputRelevance[i]) + " is its bias alone); the LRP map is zero";
            }
        }
        return new Attribution("lrp", r, exps, targets, Attribution.Reduction.SUM, cons).withNotes(notes);
    }

    /** The step of a planned layer for one trace, with the folded weights for the trace's mode. */
    private static LrpStep step(Trace trace, Plan.Step ps) {
        Network net = trace.network();
        int bn = ps.foldedBatchNorm();
        if (bn < 0) {
            return new LrpStep(trace, net, ps.layer(), -1, null, null, ps.firstLinear());
        }
        Tensor bnInput = trace.layerInput(bn);
        float[][] affine = ((BatchNorm2d) net.layer(bn)).affine(bnInput, trace.mode());
        float[][] wb = BatchNormFolding.fold(net.layer(ps.layer()), affine[0], affine[1], bnInput.shape().plane());
        return new LrpStep(trace, net, ps.layer(), bn, wb[0], wb[1], ps.firstLinear());
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
