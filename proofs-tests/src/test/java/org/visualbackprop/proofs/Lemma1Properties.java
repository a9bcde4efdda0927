package org.visualbackprop.proofs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.visualbackprop.flowgraph.Field;
import org.visualbackprop.flowgraph.FlowGraph;
import org.visualbackprop.flowgraph.SmallNet;
import org.visualbackprop.flowgraph.Verification;

/**
 * Lemma 1 (Section 4; proof in the Supplement, section 7): in the multipartite graph of a CNN, a vertex of
 * {@code A_(i-1)} has {@code a_i b_i f_i} neighbours in {@code A_i} (stride 1, away from the border); in general, as
 * many as windows of layer i cover it, times {@code f_i}; and a vertex of {@code A_i} has its window's in-bounds
 * positions times {@code f_(i-1)} neighbours below. The statement is {@link Verification#lemma1} (windows counted from
 * the convolution's formula, independently of core's {@code Window}), the check {@code vbp verify} runs too.
 */
class Lemma1Properties {

    @Provide
    Arbitrary<SmallNet> nets() {
        return Nets.integers(Nets.Bias.ANY, true);
    }

    @Provide
    Arbitrary<SmallNet> strideOneNets() {
        return Nets.nets(Nets.Space.ISSUE.strideOne(), Nets.Bias.ANY, false, true);
    }

    /** Lemma 1 in general: out-degree = number of covering windows x f_l, in-degree = in-bounds positions x f_(l-1). */
    @Property(seed = Proofs.SEED, tries = 1000)
    void everyVertexHasAsManyNeighboursAboveAsWindowsCoverItTimesTheChannels(@ForAll("nets") SmallNet net) {
        Proofs.assertHolds(Verification.lemma1(FlowGraph.of(net, Field.DOUBLE)), net);
    }

    /** Lemma 1 as stated: with stride 1, a vertex whose every kernel placement is a window has a*b*f neighbours. */
    @Property(seed = Proofs.SEED, tries = 1000)
    void withStrideOneAnInteriorVertexHasABFNeighbours(@ForAll("strideOneNets") SmallNet net) {
        Verification.Outcome o = Verification.lemma1(FlowGraph.of(net, Field.DOUBLE));
        Proofs.assertHolds(o, net);
        assertTrue(o.detail().contains("interior stride-1 vertices"), o::detail);
    }
}
