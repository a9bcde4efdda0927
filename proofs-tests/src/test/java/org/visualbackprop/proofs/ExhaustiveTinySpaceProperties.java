package org.visualbackprop.proofs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.visualbackprop.explain.VbpPlan;
import org.visualbackprop.flowgraph.Field;
import org.visualbackprop.flowgraph.FlowGraph;
import org.visualbackprop.flowgraph.FlowGraph.Lemma2Reading;
import org.visualbackprop.flowgraph.FlowGraph.Quantity;
import org.visualbackprop.flowgraph.Rational;
import org.visualbackprop.flowgraph.SmallNet;
import org.visualbackprop.flowgraph.Verification;
import org.visualbackprop.tensor.Window;

/**
 * Every network of a tiny space, exhaustively: one channel, a fixed 4 x 4 input, two 2x2 conv layers (stride 1, no
 * padding: 4x4 -> 3x3 -> 2x2) with every weight in {-1, 0, 1} and each layer's bias 0 or -1 (so {@code b_v >= 0}):
 * 3^8 x 2 x 2 = 26,244 nets. On each, exactly: Theorem 1, Lemma 2 (corrected), Lemma 3, conservation, and enumeration
 * = dynamic programming = the literal oracle. And the erratum: the literal Lemma 2 fails on some of them.
 */
class ExhaustiveTinySpaceProperties {
    static final int SPACE = 6561 * 4;

    static final double[] INPUT = {
        1, 2, 0, 1,
        0, 3, 1, 2,
        2, 1, 1, 0,
        1, 0, 2, 3};

    @Provide
    Arbitrary<SmallNet> tinySpace() {
        Arbitrary<List<Integer>> kernel = Arbitraries.integers().between(-1, 1).list().ofSize(4);
        Arbitrary<Integer> bias = Arbitraries.of(0, -1);
        return Combinators.combine(kernel, kernel, bias, bias).as((w1, w2, b1, b2) -> new SmallNet(1, 4, 4, INPUT, List.of(
                new SmallNet.Block(null, Window.of(2, 1), 1, doubles(w1), new double[] {b1}),
                new SmallNet.Block(null, Window.of(2, 1), 1, doubles(w2), new double[] {b2}))));
    }

    private static double[] doubles(List<Integer> v) {
        return v.stream().mapToDouble(Integer::doubleValue).toArray();
    }

    /** Theorem 1, Lemmas 2 and 3, conservation and the three path sums, on all 26,244 nets of the space. */
    @Property(generation = GenerationMode.EXHAUSTIVE, tries = SPACE)
    void everyStatementHoldsExactlyOnEveryNetOfTheTinySpace(@ForAll("tinySpace") SmallNet net) {
        FlowGraph<Rational> g = FlowGraph.of(net, Field.RATIONAL);
        assertEquals(0, g.undefinedRatios());
        Proofs.assertHolds(Verification.theorem1Exact(g, VbpPlan.of(net.network())), net);
        Proofs.assertHolds(Verification.lemma2(g, Lemma2Reading.TARGET), net);
        Proofs.assertHolds(Verification.lemma3(g), net);
        Proofs.assertHolds(Verification.conservation(g), net);
        Rational[] phi = g.phi();
        // the path sums three ways, and the oracle
        LiteralOracle oracle = new LiteralOracle(net);
        Proofs.assertExactlyEqual(oracle.phi(), phi, "oracle phi");
        Proofs.assertExactlyEqual(oracle.phiVbp(), g.phiVbp(), "oracle phi_VBP");
        for (int x = 0; x < 16; x++) {
            assertEquals(g.pathSums(Quantity.PHI)[x], g.pathSumByEnumeration(Quantity.PHI, x));
        }
    }

    /** The erratum over the whole space: the literal Lemma 2 fails on many nets; the corrected one on none. */
    @Example
    void lemma2AsWordedFailsOnManyNetsOfTheTinySpace() {
        int nets = 0;
        int literalFails = 0;
        for (SmallNet net : tinySpace().exhaustive().orElseThrow()) {
            nets++;
            boolean same = Verification.lemma2(FlowGraph.of(net, Field.RATIONAL), Lemma2Reading.SOURCE).holds();
            literalFails += same ? 0 : 1;
        }
        assertEquals(SPACE, nets);
        int fails = literalFails;
        assertTrue(fails > SPACE / 10, () -> "the literal Lemma 2 failed on only " + fails + " of " + SPACE + " nets");
    }

}
