package org.visualbackprop.proofs;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.visualbackprop.flowgraph.SmallNet;
import org.visualbackprop.flowgraph.Verification;
import org.visualbackprop.flowgraph.Verification.Statement;

/**
 * Lemma 3 (Section 4; Supplement, section 9) with Definition 2: {@code phi^N(X) = phi^Ñ(X)}, the sum over paths of
 * Ñ's weight products (Definition 1, eq. 1), equals
 * {@code v(X) sum_P prod_(e in P) w_e a_e / (a_e + b_e)} (eq. 3), {@code a_e} the activation of e's target: the
 * statements {@link Verification#lemma3Exact} and {@link Verification#lemma3Float} of {@code vbp verify}.
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
        Assume.that(Statement.LEMMA3_EXACT.precondition().test(net)); // a BatchNorm shift can make b_v < 0
        Proofs.assertHolds(Statement.LEMMA3_EXACT.check(net), net);
    }

    /** With Ñ as a real core network: the flow graph read back from it gives, by Definition 1, eq. 3 of N. */
    @Property(seed = Proofs.SEED, tries = 1000)
    void definitionOneOnTheReweightedCoreNetworkIsEquationThree(@ForAll("realNets") SmallNet net) {
        Assume.that(Statement.LEMMA3_FLOAT.precondition().test(net)); // float32 is well conditioned only where b_v >= 0
        Proofs.assertHolds(Statement.LEMMA3_FLOAT.check(net), net);
    }
}
