package org.visualbackprop.flowgraph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.visualbackprop.explain.UnsupportedNetworkException;
import org.visualbackprop.flowgraph.FlowGraph.Lemma2Reading;
import org.visualbackprop.flowgraph.FlowGraph.Quantity;
import org.visualbackprop.nn.BatchNorm2d;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Flatten;
import org.visualbackprop.nn.MaxPool2d;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.ReLU;
import org.visualbackprop.nn.Tanh;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;

/** Examples worked out by hand, the BatchNorm fold, and the networks the flow graph refuses. */
class FlowGraphTest {

    /**
     * Input [1 2 0; 0 1 3; 2 0 1]; conv1 2x2 [1 1; 0 1], no bias: a1 = [4 5; 1 5]; conv2 2x2 [1 0; 0 1], bias -1
     * (b = 1): z2 = 4 + 5 = 9, a2 = 8. Every path's layer-1 factor w a/z is w (b = 0, all alive); the layer-2 factor is
     * w 8/9, nonzero only through (0,0) and (1,1). So phi = v(X) 8/9 (sum of conv1 weights linking X to those two):
     * phi = [8/9 16/9 0; 0 16/9 8/3; 0 0 8/9], summing to 8 = a2. phi_VBP = v(X) 8 (sum of the a1 of the layer-1
     * nodes whose window covers X), c = 1.
     */
    static SmallNet handNet() {
        return new SmallNet(1, 3, 3, new double[] {1, 2, 0, 0, 1, 3, 2, 0, 1}, List.of(
                new SmallNet.Block(null, Window.of(2, 1), 1, new double[] {1, 1, 0, 1}, null),
                new SmallNet.Block(null, Window.of(2, 1), 1, new double[] {1, 0, 0, 1}, new double[] {-1})));
    }

    static Rational[] r(String... v) {
        Rational[] out = new Rational[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Rational.parse(v[i]);
        }
        return out;
    }

    @Test
    void handComputedNetwork() {
        FlowGraph<Rational> g = FlowGraph.of(handNet(), Field.RATIONAL);
        assertEquals(2, g.depth());
        assertArrayEquals(r("4", "5", "1", "5"), g.activations(1));
        assertEquals(Rational.of(9), g.preActivation(2, 0));
        assertEquals(Rational.of(1), g.bias(2, 0));
        assertEquals(Rational.of(8), g.activation(2, 0));
        assertEquals(Rational.parse("8/9"), g.ratio(2, 0));
        assertArrayEquals(r("8/9", "16/9", "0", "0", "16/9", "8/3", "0", "0", "8/9"), g.phi());
        assertArrayEquals(r("32", "144", "0", "0", "120", "240", "16", "0", "40"), g.phiVbp());
        assertEquals(Rational.ONE, g.vbpConstant());
        assertArrayEquals(new long[] {1, 2, 1, 2, 4, 2, 1, 2, 1}, g.pathCounts());
        assertEquals(4, g.outDegree(0, g.part(0).node(0, 1, 1)));
        assertEquals(1, g.outDegree(0, g.part(0).node(0, 0, 0)));
        assertEquals(4, g.inDegree(1, 0));
        assertArrayEquals(new int[] {0, 1, 2, 3}, g.successors(0, 4));
        assertEquals(4 * 4 + 4, g.edgeCount());
        assertEquals(0, g.deadCount());
        assertTrue(g.biasesNonNegative());
        assertEquals(0, g.undefinedRatios());
        assertEquals("FlowGraph(rational, L = 2, input 1x3x3, conv1 1x2x2, conv2 1x1x1, 20 edges, 0 dead)", g.describe());
    }

    @Test
    void pathsFromTheCentrePixelAreListedInEdgeOrder() {
        FlowGraph<Rational> g = FlowGraph.of(handNet(), Field.RATIONAL);
        Iterator<FlowGraph<Rational>.Path> it = g.paths(4).iterator();
        StringBuilder sb = new StringBuilder();
        Rational sum = Rational.ZERO;
        while (it.hasNext()) {
            FlowGraph<Rational>.Path p = it.next();
            sb.append(p).append('\n');
            sum = sum.add(p.product(Quantity.PHI));
        }
        assertThrows(NoSuchElementException.class, it::next);
        assertEquals("""
                input(c0,y1,x1) -> conv1(c0,y0,x0) -> conv2(c0,y0,x0)
                input(c0,y1,x1) -> conv1(c0,y0,x1) -> conv2(c0,y0,x0)
                input(c0,y1,x1) -> conv1(c0,y1,x0) -> conv2(c0,y0,x0)
                input(c0,y1,x1) -> conv1(c0,y1,x1) -> conv2(c0,y0,x0)
                """, sb.toString());
        assertEquals(Rational.parse("16/9"), sum);
        assertEquals(Rational.parse("16/9"), g.pathSumByEnumeration(Quantity.PHI, 4));
        assertEquals(4, g.countPathsByEnumeration(4));
    }

    @Test
    void positionsNoWindowCoversHaveNoPaths() {
        // 1 x 3 input, kernel 1x1 stride 2: column 1 is seen by no window
        SmallNet net = new SmallNet(1, 1, 3, new double[] {1, 1, 1},
                List.of(new SmallNet.Block(null, new Window(1, 1, 1, 2, 0, 0), 1, new double[] {1}, null)));
        FlowGraph<Double> g = FlowGraph.of(net, Field.DOUBLE);
        assertArrayEquals(new long[] {1, 0, 1}, g.pathCounts());
        assertFalse(g.paths(1).iterator().hasNext());
        assertEquals(0, g.countPathsByEnumeration(1));
        assertEquals(0.0, g.phi()[1]);
    }

    @Test
    void threeWaysAgreeOnRandomNets() {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 40; i++) {
            SmallNet net = SmallNet.random(r, SmallNet.Options.exact(SmallNet.Biases.ANY, 0.3));
            Verification.Outcome o = Verification.pathSumsAgree(net, 5000);
            assertTrue(o.holds(), () -> o + "\n" + net);
        }
    }

    @Test
    void batchNormBeforeAPaddedConvFoldsExactlyWithAPositionDependentBias() {
        SmallNet.Norm norm = new SmallNet.Norm(0.25, new double[] {2}, new double[] {1}, new double[] {1}, new double[] {3.75});
        SmallNet net = new SmallNet(1, 3, 3, new double[] {1, 2, 0, 0, 1, 3, 2, 0, 1},
                List.of(new SmallNet.Block(norm, Window.of(3, 1, 1), 1, new double[] {1, 1, 1, 1, 1, 1, 1, 1, 1}, new double[] {-1})));
        FlowGraph<Rational> g = FlowGraph.of(net, Field.RATIONAL);
        // scale = 2 / sqrt(4) = 1, shift = 1 - 1 = 0: no shift, so try a net where the shift matters
        SmallNet.Norm shifted = new SmallNet.Norm(0.25, new double[] {1}, new double[] {1}, new double[] {0}, new double[] {0.75});
        SmallNet net2 = new SmallNet(1, 3, 3, net.inputValues(),
                List.of(new SmallNet.Block(shifted, Window.of(3, 1, 1), 1, new double[] {1, 1, 1, 1, 1, 1, 1, 1, 1}, new double[] {-1})));
        FlowGraph<Rational> g2 = FlowGraph.of(net2, Field.RATIONAL);
        // b_v = -(conv bias + sum over v's in-bounds edges of W * shift): corner 4 edges, centre 9
        assertEquals(Rational.of(1 - 4), g2.bias(1, g2.part(1).node(0, 0, 0)));
        assertEquals(Rational.of(1 - 9), g2.bias(1, g2.part(1).node(0, 1, 1)));
        for (FlowGraph<Rational> graph : List.of(g, g2)) {
            SmallNet n = graph == g ? net : net2;
            Trace t = n.network().trace(n.input(), Mode.EVAL);
            assertArrayEquals(Verification.toDouble(t.output(2)), Verification.toDouble(graph.field(), graph.activations(1)), 0.0);
        }
    }

    @Test
    void batchNormBetweenConvAndReluFoldsOnTheOutputSide() {
        SplittableRandom r = new SplittableRandom(3);
        Conv2d conv = Conv2d.of(2, 3, Window.of(2, 1, 1), r);
        Tensor gamma = Tensor.uniform(Shape.vector(1, 3), 0.5f, 1.5f, r);
        BatchNorm2d bn = BatchNorm2d.withStatistics(1e-5f, 0.1f, gamma, Tensor.uniform(gamma.shape(), -0.2f, 0.2f, r),
                Tensor.uniform(gamma.shape(), -0.2f, 0.2f, r), Tensor.uniform(gamma.shape(), 0.5f, 2f, r));
        Network n = Network.of(new Shape(1, 2, 5, 4), conv, bn, ReLU.of(), Flatten.of(), Dense.of(3 * 6 * 5, 1, r));
        Tensor x = Tensor.uniform(new Shape(1, 2, 5, 4), -1f, 1f, r);
        FlowGraph<Double> g = FlowGraph.of(n, x);
        assertEquals(1, g.depth());
        Trace t = n.trace(x, Mode.EVAL);
        assertArrayEquals(Verification.toDouble(t.output(2)), Verification.toDouble(g.field(), g.activations(1)), 1e-5);
    }

    @Test
    void refusesWhatSection4DoesNotCover() {
        SplittableRandom r = new SplittableRandom(1);
        Shape in = new Shape(1, 1, 6, 6);
        Conv2d c1 = Conv2d.of(1, 1, Window.of(3, 1), r);
        Conv2d c2 = Conv2d.of(1, 1, Window.of(1, 1), r);
        Tensor x = Tensor.zeros(in);
        UnsupportedNetworkException pool = assertThrows(UnsupportedNetworkException.class,
                () -> FlowGraph.of(Network.of(in, c1, ReLU.of(), MaxPool2d.of(Window.of(2, 2)), c2, ReLU.of()), x));
        assertTrue(pool.getMessage().contains("no pooling"), pool::getMessage);
        UnsupportedNetworkException noRelu = assertThrows(UnsupportedNetworkException.class,
                () -> FlowGraph.of(Network.of(in, c1, c2, ReLU.of()), x));
        assertTrue(noRelu.getMessage().contains("conv1 is followed by conv2"), noRelu::getMessage);
        UnsupportedNetworkException tanh = assertThrows(UnsupportedNetworkException.class,
                () -> FlowGraph.of(Network.of(in, c1, Tanh.of()), x));
        assertTrue(tanh.getMessage().contains("tanh1"), tanh::getMessage);
        assertThrows(ShapeException.class, () -> FlowGraph.of(Network.of(in, c1, ReLU.of()), Tensor.zeros(new Shape(2, 1, 6, 6))));
    }

    @Test
    void reweightedGraphsBecomeBiasFreeCoreNetworks() {
        FlowGraph<Rational> g = FlowGraph.of(handNet(), Field.RATIONAL);
        IllegalStateException biased = assertThrows(IllegalStateException.class, g::toNetwork);
        assertTrue(biased.getMessage().contains("b_v = 1"), biased::getMessage);
        Network tilde = g.reweighted(Lemma2Reading.TARGET).toNetwork();
        assertEquals("LocallyConnected2d", tilde.layer(0).kind());
        Tensor out = tilde.forward(g.inputTensor(), Mode.EVAL);
        assertEquals(8f, out.data()[0], 1e-6f);
        // and the literal reading: c(e) = a(n1)/z(n2) changes the activations
        assertFalse(Verification.lemma2(g, Lemma2Reading.SOURCE).holds());
        assertTrue(Verification.lemma2(g, Lemma2Reading.TARGET).holds());
    }
}
