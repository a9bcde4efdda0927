package org.visualbackprop.proofs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.visualbackprop.flowgraph.Field;
import org.visualbackprop.flowgraph.FlowGraph;
import org.visualbackprop.flowgraph.Rational;
import org.visualbackprop.flowgraph.SmallNet;
import org.visualbackprop.flowgraph.Verification;

/**
 * Sums over paths (Definition 1, Lemma 3's eq. 3, Theorem 1's eq. 4): the three computations of the flow graph agree
 * with each other, and the flow graph agrees with {@link LiteralOracle}, the paper's words followed literally.
 */
class PathSumProperties {

    @Provide
    Arbitrary<SmallNet> tinyNets() {
        return Nets.nets(Nets.Space.TINY, Nets.Bias.ANY, true, true);
    }

    @Provide
    Arbitrary<SmallNet> nets() {
        return Nets.integers(Nets.Bias.ANY, true);
    }

    /**
     * Enumeration of every path and dynamic programming agree exactly (sums and counts), the EJML sparse chain agrees
     * in double: {@link Verification#pathSumsAgree}, with no budget on the paths enumerated (the nets are tiny).
     */
    @Property(seed = Proofs.SEED, tries = 1000)
    void enumerationDynamicProgrammingAndSparseChainAgree(@ForAll("tinyNets") SmallNet net) {
        Verification.Outcome o = Verification.pathSumsAgree(net, Long.MAX_VALUE);
        Proofs.assertHolds(o, net);
        int inputs = net.channels() * net.height() * net.width();
        assertTrue(o.detail().contains("for " + inputs + " of " + inputs + " input neurons"), o::detail);
    }

    /** Every enumerated path follows edges of the graph, ends in A_L, and no path is listed twice. */
    @Property(seed = Proofs.SEED, tries = 500)
    void enumeratedPathsFollowEdgesAndAreDistinct(@ForAll("tinyNets") SmallNet net) {
        FlowGraph<Double> g = FlowGraph.of(net, Field.DOUBLE);
        for (int x = 0; x < g.part(0).size(); x++) {
            Set<List<Integer>> seen = new HashSet<>();
            for (FlowGraph<Double>.Path p : g.paths(x)) {
                assertEquals(x, p.node(0));
                Integer[] nodes = new Integer[g.depth() + 1];
                nodes[0] = x;
                for (int l = 1; l <= g.depth(); l++) {
                    int e = p.edge(l);
                    assertEquals(p.node(l - 1), g.edgeSource(l, e));
                    assertEquals(p.node(l), g.edgeTarget(l, e));
                    nodes[l] = p.node(l);
                }
                assertTrue(seen.add(List.of(nodes)), () -> "path listed twice: " + p);
            }
            assertEquals(g.pathCounts()[x], seen.size());
        }
    }

    /** The flow graph's exact forward pass, phi (eq. 3) and phi_VBP (eq. 4) equal the literal oracle's. */
    @Property(seed = Proofs.SEED, tries = 1000)
    void flowGraphAgreesWithTheLiteralReadingOfSection4(@ForAll("nets") SmallNet net) {
        FlowGraph<Rational> g = FlowGraph.of(net, Field.RATIONAL);
        LiteralOracle oracle = new LiteralOracle(net);
        for (int l = 0; l <= g.depth(); l++) {
            Proofs.assertExactlyEqual(oracle.activations(l), g.activations(l), "activations of part " + l);
        }
        Proofs.assertExactlyEqual(oracle.phi(), g.phi(), "phi (eq. 3)");
        Proofs.assertExactlyEqual(oracle.phiVbp(), g.phiVbp(), "phi_VBP (eq. 4)");
    }
}
