package org.visualbackprop.proofs;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.visualbackprop.explain.Attribution;
import org.visualbackprop.explain.Lrp;
import org.visualbackprop.flowgraph.Field;
import org.visualbackprop.flowgraph.FlowGraph;
import org.visualbackprop.flowgraph.Rational;
import org.visualbackprop.flowgraph.SmallNet;
import org.visualbackprop.flowgraph.Tolerances;
import org.visualbackprop.flowgraph.Verification;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Tensor;

/**
 * Consequences of Lemma 3 that are not in the paper (proved in PAPER-NOTES section 3): phi is conserved, phi is LRP
 * with the z-rule whose denominator leaves out the bias started from the last conv layer's activations, and in a
 * bias-free ReLU network phi is gradient x input. The last two run through core's LRP and backward pass (float32).
 */
class CorollaryProperties {

    @Provide
    Arbitrary<SmallNet> exactNets() {
        return Nets.integers(Nets.Bias.NON_NEGATIVE_B, true);
    }

    @Provide
    Arbitrary<SmallNet> realNets() {
        return Nets.reals(Nets.Space.LARGER, Nets.Bias.NON_NEGATIVE_B, true);
    }

    @Provide
    Arbitrary<SmallNet> exactBiasFreeNets() {
        return Nets.integers(Nets.Bias.NONE, false);
    }

    @Provide
    Arbitrary<SmallNet> realBiasFreeNets() {
        return Nets.reals(Nets.Space.LARGER, Nets.Bias.NONE, false);
    }

    /** Conservation: {@code sum_X phi(X) = sum over v in A_L of a(v)}, exactly (where every live z is nonzero). */
    @Property(seed = Proofs.SEED, tries = 1000)
    void phiSumsToTheTotalActivationOfTheLastLayer(@ForAll("exactNets") SmallNet net) {
        FlowGraph<Rational> g = FlowGraph.of(net, Field.RATIONAL);
        Assume.that(g.undefinedRatios() == 0);
        Rational sum = Rational.ZERO;
        for (Rational p : g.phi()) {
            sum = sum.add(p);
        }
        Proofs.assertExactlyEqual(new Rational[] {g.totalOutput()}, new Rational[] {sum}, "sum phi vs sum a(A_L)");
    }

    /** phi = core's LRP z-rule without bias in the denominator, from the last conv layer's ReLU output (exact nets). */
    @Property(seed = Proofs.SEED, tries = 1000)
    void phiIsLrpWithTheZRuleWithoutBiasFromTheLastConvLayer(@ForAll("exactNets") SmallNet net) {
        SmallNet foldable = Verification.foldableBatchNorm(net);
        FlowGraph<Rational> g = FlowGraph.of(foldable, Field.RATIONAL);
        Assume.that(g.undefinedRatios() == 0);
        Proofs.assertClose(Proofs.doubles(g.field(), g.phi()), lrp(foldable), Tolerances.FLOAT32, "core LRP vs exact phi");
    }

    /** The same on larger real-valued nets, against phi in double. */
    @Property(seed = Proofs.SEED, tries = 1000)
    void phiIsLrpWithTheZRuleWithoutBiasOnLargerNets(@ForAll("realNets") SmallNet net) {
        SmallNet foldable = Verification.foldableBatchNorm(net);
        FlowGraph<Double> g = FlowGraph.of(foldable.network(), foldable.input());
        Assume.that(g.biasesNonNegative()); // float32 is well conditioned only where b_v >= 0 (a/z <= 1)
        Proofs.assertClose(Proofs.doubles(g.field(), g.phi()), lrp(foldable), Tolerances.FLOAT32, "core LRP vs phi");
    }

    /** Core's z-rule LRP without bias, with BatchNorm folded, started from the last layer's output. */
    static double[] lrp(SmallNet net) {
        Network n = net.network();
        Tensor x = net.input();
        Trace t = n.trace(x, Mode.EVAL);
        int last = n.size() - 1;
        Attribution r = Lrp.zWithoutBias(Lrp.BatchNormRule.FOLD).attributeFrom(t, last, t.output(last));
        double[] out = new double[x.shape().size()];
        int i = 0;
        for (int c = 0; c < net.channels(); c++) {
            for (int y = 0; y < net.height(); y++) {
                for (int xx = 0; xx < net.width(); xx++) {
                    out[i++] = r.value(0, c, y, xx);
                }
            }
        }
        return out;
    }

    /** Bias-free: {@code phi(X) = v(X) d(sum_(A_L) a) / d v(X)}, the gradient from core's backward pass (exact nets). */
    @Property(seed = Proofs.SEED, tries = 1000)
    void withoutBiasesPhiIsInputTimesTheGradientOfTheLastLayersSum(@ForAll("exactBiasFreeNets") SmallNet net) {
        FlowGraph<Rational> g = FlowGraph.of(net, Field.RATIONAL);
        Proofs.assertClose(Proofs.doubles(g.field(), g.phi()), gradientTimesInput(net), Tolerances.FLOAT32, "v(X) x gradient vs phi");
    }

    /** The same on larger real-valued nets. */
    @Property(seed = Proofs.SEED, tries = 1000)
    void withoutBiasesPhiIsInputTimesTheGradientOnLargerNets(@ForAll("realBiasFreeNets") SmallNet net) {
        FlowGraph<Double> g = FlowGraph.of(net.network(), net.input());
        Proofs.assertClose(Proofs.doubles(g.field(), g.phi()), gradientTimesInput(net), Tolerances.FLOAT32, "v(X) x gradient vs phi");
    }

    static double[] gradientTimesInput(SmallNet net) {
        Network n = net.network();
        Tensor x = net.input();
        Trace t = n.trace(x, Mode.EVAL);
        int last = n.size() - 1;
        Tensor ones = Tensor.zeros(t.output(last).shape());
        ones.fillInPlace(1f);
        Tensor grad = n.backwardFrom(t, last, ones, false, true);
        double[] out = new double[x.shape().size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (double) grad.data()[i] * x.data()[i];
        }
        return out;
    }
}
