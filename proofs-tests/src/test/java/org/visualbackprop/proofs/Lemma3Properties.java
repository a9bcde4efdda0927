package org.visualbackprop.proofs;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.visualbackprop.flowgraph.Field;
import org.visualbackprop.flowgraph.FlowGraph;
import org.visualbackprop.flowgraph.FlowGraph.Lemma2Reading;
import org.visualbackprop.flowgraph.Rational;
import org.visualbackprop.flowgraph.SmallNet;
import org.visualbackprop.flowgraph.Tolerances;
import org.visualbackprop.tensor.Tensor;

/**
 * Lemma 3 (Section 4; Supplement, section 9) with Definition 2: {@code phi^N(X) = phi^Ñ(X)}, the sum over paths of
 * Ñ's weight products (Definition 1, eq. 1), equals
 * {@code v(X) sum_P prod_(e in P) w_e a_e / (a_e + b_e)} (eq. 3), {@code a_e} the activation of e's target.
 */
class Lemma3Properties {

    @Provide
    Arbitrary<SmallNet> nets() {
        return Nets.integers(Nets.Bias.NON_NEGATIVE_B, true);
    }

    @Provide
    Arbitrary<SmallNet> realNets() {
        return Nets.reals(Nets.Space.LARGER, Nets.Bias.NON_NEGATIVE_B, true);
    }

    /** Exactly: Definition 1 on the reweighted graph Ñ is eq. 3 on N. */
    @Property(seed = Proofs.SEED, tries = 1000)
    void definitionOneOnTheReweightedNetworkIsEquationThree(@ForAll("nets") SmallNet net) {
        FlowGraph<Rational> g = FlowGraph.of(net, Field.RATIONAL);
        Assume.that(g.undefinedRatios() == 0);
        Proofs.assertExactlyEqual(g.phi(), g.reweighted(Lemma2Reading.TARGET).phiDefinition1(), "phi^Ñ (eq. 1) vs eq. 3");
    }

    /** With Ñ as a real core network: the flow graph read back from it gives, by Definition 1, eq. 3 of N. */
    @Property(seed = Proofs.SEED, tries = 1000)
    void definitionOneOnTheReweightedCoreNetworkIsEquationThree(@ForAll("realNets") SmallNet net) {
        Tensor x = net.input();
        FlowGraph<Double> g = FlowGraph.of(net.network(), x);
        Assume.that(g.biasesNonNegative()); // float32 is well conditioned only where b_v >= 0 (a/z <= 1)
        FlowGraph<Double> tilde = FlowGraph.of(g.reweighted(Lemma2Reading.TARGET).toNetwork(), x);
        Proofs.assertClose(Proofs.doubles(g.field(), g.phi()), Proofs.doubles(tilde.field(), tilde.phiDefinition1()),
                Tolerances.FLOAT32, "phi^Ñ (core network) vs eq. 3");
    }
}
