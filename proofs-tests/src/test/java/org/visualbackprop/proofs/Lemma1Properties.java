package org.visualbackprop.proofs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.visualbackprop.flowgraph.Field;
import org.visualbackprop.flowgraph.FlowGraph;
import org.visualbackprop.flowgraph.SmallNet;

/**
 * Lemma 1 (Section 4; proof in the Supplement, section 7): in the multipartite graph of a CNN, a vertex of
 * {@code A_(i-1)} has {@code a_i b_i f_i} neighbours in {@code A_i} (stride 1, away from the border); in general, as
 * many as windows of layer i cover it, times {@code f_i}. The windows are counted here from the convolution's formula,
 * independently of core's {@code Window}.
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

    /** Lemma 1 in general: out-degree = number of covering windows x f_l, counted literally. */
    @Property(seed = Proofs.SEED, tries = 1000)
    void everyVertexHasAsManyNeighboursAboveAsWindowsCoverItTimesTheChannels(@ForAll("nets") SmallNet net) {
        FlowGraph<Double> g = FlowGraph.of(net, Field.DOUBLE);
        for (int l = 1; l <= g.depth(); l++) {
            SmallNet.Block b = net.blocks().get(l - 1);
            FlowGraph.Part below = g.part(l - 1);
            FlowGraph.Part above = g.part(l);
            for (int u = 0; u < below.size(); u++) {
                int iy = below.rowOf(u);
                int ix = below.columnOf(u);
                int covering = 0;
                for (int oy = 0; oy < above.height(); oy++) {
                    for (int ox = 0; ox < above.width(); ox++) {
                        int top = oy * b.window().strideH() - b.window().padH();
                        int left = ox * b.window().strideW() - b.window().padW();
                        if (top <= iy && iy < top + b.window().kernelH() && left <= ix && ix < left + b.window().kernelW()) {
                            covering++;
                        }
                    }
                }
                assertEquals(covering * b.outChannels(), g.outDegree(l - 1, u), below.describe(u));
            }
        }
    }

    /** Lemma 1 as stated: with stride 1, a vertex whose every kernel placement is a window has a*b*f neighbours. */
    @Property(seed = Proofs.SEED, tries = 1000)
    void withStrideOneAnInteriorVertexHasABFNeighbours(@ForAll("strideOneNets") SmallNet net) {
        FlowGraph<Double> g = FlowGraph.of(net, Field.DOUBLE);
        for (int l = 1; l <= g.depth(); l++) {
            SmallNet.Block b = net.blocks().get(l - 1);
            int a = b.window().kernelH();
            int bw = b.window().kernelW();
            int p1 = b.window().padH();
            int p2 = b.window().padW();
            FlowGraph.Part below = g.part(l - 1);
            for (int u = 0; u < below.size(); u++) {
                int iy = below.rowOf(u);
                int ix = below.columnOf(u);
                boolean interior = iy >= a - 1 - p1 && iy <= below.height() - a + p1 && ix >= bw - 1 - p2 && ix <= below.width() - bw + p2;
                if (interior) {
                    assertEquals(a * bw * b.outChannels(), g.outDegree(l - 1, u), below.describe(u));
                }
            }
        }
    }

    /** The other side: a vertex of A_l has its window's in-bounds positions times f_(l-1) neighbours below. */
    @Property(seed = Proofs.SEED, tries = 1000)
    void everyVertexHasItsWindowsInBoundsPositionsTimesTheChannelsBelowAsNeighbours(@ForAll("nets") SmallNet net) {
        FlowGraph<Double> g = FlowGraph.of(net, Field.DOUBLE);
        for (int l = 1; l <= g.depth(); l++) {
            SmallNet.Block b = net.blocks().get(l - 1);
            FlowGraph.Part below = g.part(l - 1);
            FlowGraph.Part above = g.part(l);
            for (int v = 0; v < above.size(); v++) {
                int inBounds = 0;
                for (int ky = 0; ky < b.window().kernelH(); ky++) {
                    for (int kx = 0; kx < b.window().kernelW(); kx++) {
                        int iy = above.rowOf(v) * b.window().strideH() - b.window().padH() + ky;
                        int ix = above.columnOf(v) * b.window().strideW() - b.window().padW() + kx;
                        inBounds += iy >= 0 && iy < below.height() && ix >= 0 && ix < below.width() ? 1 : 0;
                    }
                }
                assertEquals(inBounds * below.channels(), g.inDegree(l, v), above.describe(v));
            }
        }
    }
}
