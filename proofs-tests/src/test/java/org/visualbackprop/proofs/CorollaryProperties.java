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
 * Consequences of Lemma 3 that are not in the paper: phi is conserved, phi is LRP with the z-rule whose denominator
 * leaves out the bias started from the last conv layer's activations, and in a bias-free ReLU network phi is gradient x
 * input. The last two run through core's LRP and backward pass (float32). Each is the statement {@code vbp verify}
 * checks ({@link Verification#conservationExact}, {@link Verification#lrpFloat}, {@link Verification#gradientFloat}),
 * here on jqwik's nets, exact ones included.
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
        Assume.that(Statement.CONSERVATION_EXACT.precondition().test(net));
        Proofs.assertHolds(Statement.CONSERVATION_EXACT.check(net), net);
    }

    /** phi = core's LRP z-rule without bias in the denominator, from the last conv layer's ReLU output (exact nets). */
    @Property(seed = Proofs.SEED, tries = 1000)
    void phiIsLrpWithTheZRuleWithoutBiasFromTheLastConvLayer(@ForAll("exactNets") SmallNet net) {
        Assume.that(Statement.LEMMA2_EXACT.precondition().test(Verification.foldableBatchNorm(net)));
        Proofs.assertHolds(Verification.lrpFloat(net), net);
    }

    /** The same on larger real-valued nets. */
    @Property(seed = Proofs.SEED, tries = 1000)
    void phiIsLrpWithTheZRuleWithoutBiasOnLargerNets(@ForAll("realNets") SmallNet net) {
        Assume.that(Statement.LRP_FLOAT.precondition().test(Verification.foldableBatchNorm(net)));
        Proofs.assertHolds(Statement.LRP_FLOAT.check(net), net);
    }

    /** Bias-free: {@code phi(X) = v(X) d(sum_(A_L) a) / d v(X)}, the gradient from core's backward pass (exact nets). */
    @Property(seed = Proofs.SEED, tries = 1000)
    void withoutBiasesPhiIsInputTimesTheGradientOfTheLastLayersSum(@ForAll("exactBiasFreeNets") SmallNet net) {
        Proofs.assertHolds(Statement.GRADIENT_FLOAT.check(net), net);
    }

    /** The same on larger real-valued nets. */
    @Property(seed = Proofs.SEED, tries = 1000)
    void withoutBiasesPhiIsInputTimesTheGradientOnLargerNets(@ForAll("realBiasFreeNets") SmallNet net) {
        Proofs.assertHolds(Statement.GRADIENT_FLOAT.check(net), net);
    }
}
