package org.visualbackprop.explain;

import java.util.Arrays;
import org.visualbackprop.nn.BatchNorm2d;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Dropout;
import org.visualbackprop.nn.Layer;
import org.visualbackprop.nn.MaxPool2d;
import org.visualbackprop.nn.ReLU;
import org.visualbackprop.tensor.Tensor;

/**
 * How one layer passes relevance from its output to its input: the rules of layer-wise relevance propagation as small
 * objects, chosen per layer class by an {@link LrpComposite} (zennit's {@code rules.py} and {@code layer_map}).
 *
 * <p>Notation for the linear rules (a Conv2d or a Dense, possibly with a BatchNorm folded in): {@code a} the input
 * activations, {@code W}, {@code b} the weights and bias, {@code R} the relevance at the output; {@code x+ = max(x, 0)},
 * {@code x- = min(x, 0)}; {@code fwd(x; W, b)} is the layer's map with those inputs and parameters, {@code W^T s} its
 * transpose; {@code stab(z) = z + e * sign(z)} with {@code sign(0) = +1}. Where a denominator is exactly 0 the share is 0.
 * <ul>
 * <li>{@link Epsilon}: {@code R_in = a * W^T (R / stab_eps(z))}, {@code z = fwd(a; W, b)} (Bach et al. 2015;
 *     Samek et al. 2016, Eq. 6; epsilon = 0 is LRP-0);</li>
 * <li>{@link ZWithoutBias}: {@code R_in = a * W^T (R / (z - b))}: the z-rule with the bias left out of the
 *     denominator, which conserves relevance (Section 4's phi, see {@code docs/paper-notes.md}, section 3);</li>
 * <li>{@link ZPlus}: {@code z = fwd(a+; W+, b+) + fwd(a-; W-, 0)},
 *     {@code R_in = a+ * W+^T s + a- * W-^T s}, {@code s = R / stab(z)} (zennit's ZPlus: alpha 1, beta 0);</li>
 * <li>{@link AlphaBeta}: positive part {@code z+ = fwd(a+; W+, b+) + fwd(a-; W-, 0)}, negative part
 *     {@code z- = fwd(a+; W-, b-) + fwd(a-; W+, 0)};
 *     {@code R_in = alpha (a+ W+^T s+ + a- W-^T s+) - beta (a+ W-^T s- + a- W+^T s-)}, {@code s+- = R / stab(z+-)},
 *     {@code alpha - beta = 1};</li>
 * <li>{@link Flat}: every weight and input 1, no bias: {@code R_in = 1^T (R / stab(fwd(1; 1, 0)))}: each output's
 *     relevance spread evenly over its receptive field (Lapuschkin et al. 2019);</li>
 * <li>{@link WSquare}: inputs 1, weights and bias squared: {@code R_in = (W^2)^T (R / stab(fwd(1; W^2, b^2)))}
 *     (Montavon et al. 2017);</li>
 * <li>{@link Pass}: relevance passes unchanged (ReLU, Dropout; a BatchNorm in zennit's composites);</li>
 * <li>{@link WinnerTakesAll}: max pooling gives each window's relevance to its winner (the gradient);</li>
 * <li>{@link BatchNormAffine}: a BatchNorm as its own linear step {@code y = scale x + shift}:
 *     {@code R_x = scale x / stab_eps(y) R_y}, or with the shift left out of the denominator
 *     {@code R_x = scale x / (scale x) R_y}.</li>
 * </ul>
 * Folding a BatchNorm into the layer above it is not a rule but a choice of the composite
 * ({@link LrpComposite#foldsBatchNorm()}).
 */
public interface LrpRule {
    /**
     * The relevance at the step's input.
     *
     * @param relevance shaped as the step's output, not modified
     * @return shaped as the step's input (may be {@code relevance} itself for {@link Pass})
     */
    Tensor propagate(LrpStep step, Tensor relevance);

    /** True when the rule can handle this kind of layer. */
    boolean accepts(Layer layer);

    /** The epsilon rule (epsilon = 0: LRP-0). */
    static LrpRule epsilon(double epsilon) {
        return new Epsilon(epsilon);
    }

    /** The z-rule with the bias out of the denominator. */
    static LrpRule zWithoutBias() {
        return new ZWithoutBias();
    }

    /** zennit's ZPlus with its default stabilizer 1e-6. */
    static LrpRule zPlus() {
        return new ZPlus(LrpComposite.ZENNIT_STABILIZER);
    }

    /** zennit's AlphaBeta(alpha, beta) with its default stabilizer 1e-6. */
    static LrpRule alphaBeta(double alpha, double beta) {
        return new AlphaBeta(alpha, beta, LrpComposite.ZENNIT_STABILIZER);
    }

    /** zennit's Flat with its default stabilizer 1e-6. */
    static LrpRule flat() {
        return new Flat(LrpComposite.ZENNIT_STABILIZER);
    }

    /** zennit's WSquare with its default stabilizer 1e-6. */
    static LrpRule wSquare() {
        return new WSquare(LrpComposite.ZENNIT_STABILIZER);
    }

    /** Relevance passes unchanged. */
    static LrpRule pass() {
        return new Pass();
    }

    /** Max pooling: each window's relevance to its winner. */
    static LrpRule winnerTakesAll() {
        return new WinnerTakesAll();
    }

    /** The epsilon rule. */
    record Epsilon(double epsilon) implements LinearRule {
        public Epsilon {
            requireStabilizer("LRP epsilon", epsilon);
        }

        @Override
        public Tensor propagate(LrpStep step, Tensor r) {
            Tensor a = step.input();
            float[] w = step.weight();
            Tensor s = ratios(r, step.output(), null, epsilon);
            return times(a, step.transposed(s, w));
        }
    }

    /** The z-rule with the bias left out of the denominator. */
    record ZWithoutBias() implements LinearRule {
        @Override
        public Tensor propagate(LrpStep step, Tensor r) {
            Tensor s = ratios(r, step.output(), step.bias(), 0);
            return times(step.input(), step.transposed(s, step.weight()));
        }
    }

    /** zennit's ZPlus (alpha 1, beta 0, negative inputs allowed). */
    record ZPlus(double stabilizer) implements LinearRule {
        public ZPlus {
            requireStabilizer("ZPlus stabilizer", stabilizer);
        }

        @Override
        public Tensor propagate(LrpStep step, Tensor r) {
            Parts p = new Parts(step);
            Tensor z = p.forwardSum(p.fwd(true, p.wPos, p.bPos), p.fwd(false, p.wNeg, null));
            Tensor s = ratios(r, z, null, stabilizer);
            return p.backwardSum(p.back(true, s, p.wPos), p.back(false, s, p.wNeg));
        }
    }

    /** zennit's AlphaBeta: {@code alpha - beta = 1}, both non-negative. */
    record AlphaBeta(double alpha, double beta, double stabilizer) implements LinearRule {
        public AlphaBeta {
            if (!(alpha >= 0 && beta >= 0) || alpha - beta != 1) {
                throw new IllegalArgumentException("AlphaBeta needs alpha, beta >= 0 with alpha - beta = 1, got alpha " + alpha + ", beta " + beta);
            }
            requireStabilizer("AlphaBeta stabilizer", stabilizer);
        }

        @Override
        public Tensor propagate(LrpStep step, Tensor r) {
            Parts p = new Parts(step);
            Tensor zPos = p.forwardSum(p.fwd(true, p.wPos, p.bPos), p.fwd(false, p.wNeg, null));
            Tensor sPos = ratios(r, zPos, null, stabilizer);
            Tensor out = p.backwardSum(p.back(true, sPos, p.wPos), p.back(false, sPos, p.wNeg));
            scale(out, alpha);
            if (beta != 0) {
                Tensor zNeg = p.forwardSum(p.fwd(true, p.wNeg, p.bNeg), p.fwd(false, p.wPos, null));
                Tensor sNeg = ratios(r, zNeg, null, stabilizer);
                Tensor neg = p.backwardSum(p.back(true, sNeg, p.wNeg), p.back(false, sNeg, p.wPos));
                for (int q = 0; q < out.data().length; q++) {
                    out.data()[q] -= (float) (beta * neg.data()[q]);
                }
            }
            return out;
        }
    }

    /** zennit's Flat: weights and inputs 1, no bias. */
    record Flat(double stabilizer) implements LinearRule {
        public Flat {
            requireStabilizer("Flat stabilizer", stabilizer);
        }

        @Override
        public Tensor propagate(LrpStep step, Tensor r) {
            float[] ones = new float[step.weight().length];
            Arrays.fill(ones, 1f);
            Tensor x = Tensor.zeros(step.input().shape());
            Arrays.fill(x.data(), 1f);
            Tensor s = ratios(r, step.forward(x, ones, null), null, stabilizer);
            return step.transposed(s, ones);
        }
    }

    /** zennit's WSquare: inputs 1, weights and bias squared. */
    record WSquare(double stabilizer) implements LinearRule {
        public WSquare {
            requireStabilizer("WSquare stabilizer", stabilizer);
        }

        @Override
        public Tensor propagate(LrpStep step, Tensor r) {
            float[] w2 = step.weight().clone();
            for (int q = 0; q < w2.length; q++) {
                w2[q] *= w2[q];
            }
            float[] b2 = step.bias().clone();
            for (int q = 0; q < b2.length; q++) {
                b2[q] *= b2[q];
            }
            Tensor x = Tensor.zeros(step.input().shape());
            Arrays.fill(x.data(), 1f);
            Tensor s = ratios(r, step.forward(x, w2, b2), null, stabilizer);
            return step.transposed(s, w2);
        }
    }

    /** Relevance passes unchanged through an element-wise layer. */
    record Pass() implements LrpRule {
        @Override
        public Tensor propagate(LrpStep step, Tensor r) {
            return r;
        }

        @Override
        public boolean accepts(Layer layer) {
            return layer instanceof ReLU || layer instanceof Dropout || layer instanceof BatchNorm2d;
        }
    }

    /** Max pooling: each window's relevance goes to the input element that won it. */
    record WinnerTakesAll() implements LrpRule {
        @Override
        public Tensor propagate(LrpStep step, Tensor r) {
            int[] win = step.winners();
            Tensor below = Tensor.zeros(step.input().shape());
            for (int q = 0; q < win.length; q++) {
                below.data()[win[q]] += r.data()[q];
            }
            return below;
        }

        @Override
        public boolean accepts(Layer layer) {
            return layer instanceof MaxPool2d;
        }
    }

    /**
     * A BatchNorm as its own linear step {@code y = scale x + shift}: {@code R_x = scale x / stab_eps(y) R_y}; with
     * {@code shiftInDenominator} false the denominator is {@code scale x} and relevance passes through where
     * {@code scale x != 0}.
     */
    record BatchNormAffine(double epsilon, boolean shiftInDenominator) implements LrpRule {
        public BatchNormAffine {
            requireStabilizer("BatchNorm epsilon", epsilon);
        }

        @Override
        public Tensor propagate(LrpStep step, Tensor r) {
            float[] scale = step.batchNormAffine()[0];
            Tensor in = step.input();
            float[] out = step.output().data();
            Tensor below = Tensor.zeros(in.shape());
            int plane = in.shape().plane();
            int c = in.shape().c();
            float[] x = in.data();
            for (int q = 0; q < x.length; q++) {
                int ch = q / plane % c;
                float z = shiftInDenominator ? out[q] : x[q] * scale[ch];
                below.data()[q] = (float) (x[q] * scale[ch] * ratio(r.data()[q], z, epsilon));
            }
            return below;
        }

        @Override
        public boolean accepts(Layer layer) {
            return layer instanceof BatchNorm2d;
        }
    }

    /** A rule for Conv2d and Dense layers. */
    interface LinearRule extends LrpRule {
        @Override
        default boolean accepts(Layer layer) {
            return layer instanceof Conv2d || layer instanceof Dense;
        }
    }

    /** {@code rel / stab(z)}, {@code stab(z) = z + e sign(z)}, sign(0) = +1; 0 when that is 0. */
    static double ratio(float rel, float z, double e) {
        double d = z + (z >= 0 ? e : -e);
        return d == 0 ? 0.0 : rel / d;
    }

    /** Element-wise {@code r / stab(z - bias)}; bias per channel (null: none). */
    private static Tensor ratios(Tensor r, Tensor z, float[] bias, double e) {
        Tensor s = Tensor.zeros(z.shape());
        int plane = z.shape().plane();
        int channels = z.shape().c();
        float[] zd = z.data();
        for (int q = 0; q < zd.length; q++) {
            float v = zd[q];
            if (bias != null) {
                v -= bias[q / plane % channels];
            }
            s.data()[q] = (float) ratio(r.data()[q], v, e);
        }
        return s;
    }

    /** {@code a * c} element-wise, into {@code c}. */
    private static Tensor times(Tensor a, Tensor c) {
        float[] x = a.data();
        for (int q = 0; q < x.length; q++) {
            c.data()[q] *= x[q];
        }
        return c;
    }

    private static void scale(Tensor t, double f) {
        for (int q = 0; q < t.data().length; q++) {
            t.data()[q] = (float) (f * t.data()[q]);
        }
    }

    private static void requireStabilizer(String what, double e) {
        if (!(e >= 0) || !Double.isFinite(e)) {
            throw new IllegalArgumentException(what + " must be finite and >= 0, got " + e);
        }
    }

    /** The positive and negative parts of a linear step's inputs, weights and bias (the sign-split rules' pieces). */
    final class Parts {
        final LrpStep step;
        final Tensor aPos;
        final Tensor aNeg;
        final float[] wPos;
        final float[] wNeg;
        final float[] bPos;
        final float[] bNeg;

        Parts(LrpStep step) {
            this.step = step;
            Tensor a = step.input();
            aPos = clamp(a, true);
            aNeg = clamp(a, false);
            wPos = clamp(step.weight(), true);
            wNeg = clamp(step.weight(), false);
            bPos = clamp(step.bias(), true);
            bNeg = clamp(step.bias(), false);
        }

        /** {@code fwd(a+-; w, b)}; null when that part of the input is zero and there is no bias. */
        Tensor fwd(boolean positiveInput, float[] w, float[] b) {
            Tensor x = positiveInput ? aPos : aNeg;
            if (x == null) {
                return b == null ? null : step.forward(Tensor.zeros(step.input().shape()), w, b);
            }
            return step.forward(x, w, b);
        }

        /** {@code a+- * (w^T s)}; null when that part of the input is zero. */
        Tensor back(boolean positiveInput, Tensor s, float[] w) {
            Tensor x = positiveInput ? aPos : aNeg;
            return x == null ? null : times(x, step.transposed(s, w));
        }

        /** {@code a + b} shaped as the step's output; either may be null (zero). */
        Tensor forwardSum(Tensor a, Tensor b) {
            return sum(a, b, step.output().shape());
        }

        /** {@code a + b} shaped as the step's input; either may be null (zero). */
        Tensor backwardSum(Tensor a, Tensor b) {
            return sum(a, b, step.input().shape());
        }

        private static Tensor sum(Tensor a, Tensor b, org.visualbackprop.tensor.Shape shape) {
            if (a == null && b == null) {
                return Tensor.zeros(shape);
            }
            if (a == null) {
                return b;
            }
            if (b != null) {
                a.addInPlace(b);
            }
            return a;
        }

        /** The positive or negative part of a tensor; null when it is zero everywhere. */
        private static Tensor clamp(Tensor t, boolean positive) {
            float[] d = t.data();
            float[] out = null;
            for (int q = 0; q < d.length; q++) {
                float v = positive ? Math.max(d[q], 0f) : Math.min(d[q], 0f);
                if (v != 0f) {
                    if (out == null) {
                        out = new float[d.length];
                    }
                    out[q] = v;
                }
            }
            return out == null ? null : Tensor.of(t.shape(), out);
        }

        private static float[] clamp(float[] d, boolean positive) {
            float[] out = new float[d.length];
            for (int q = 0; q < d.length; q++) {
                out[q] = positive ? Math.max(d[q], 0f) : Math.min(d[q], 0f);
            }
            return out;
        }
    }
}
