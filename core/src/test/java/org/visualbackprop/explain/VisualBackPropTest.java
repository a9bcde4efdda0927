package org.visualbackprop.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Flatten;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.ReLU;
import org.visualbackprop.nn.Tanh;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;

class VisualBackPropTest {

    /**
     * A hand-worked example.
     *
     * <pre>
     * input x (4 x 4)        conv1: one channel, 2x2 all-ones kernel, stride 1, bias 0; then ReLU
     *   1 0 2 1              a1 = avg1 (3 x 3; one channel, so the mean is the map itself):
     *   0 1 0 0                2 3 3
     *   3 0 1 2                4 2 3
     *   1 1 0 0                5 2 3
     * conv2: 1 -> 2 channels, 2x2, stride 2 (output 1 x 1; row 2 and column 2 of a1 are seen by no window)
     *   channel A: [[1,0],[0,1]], bias 0:    2 + 2 = 4       -> ReLU 4
     *   channel B: [[0,1],[1,0]], bias -10:  3 + 4 - 10 = -3 -> ReLU 0
     *   avg2 = (4 + 0) / 2 = 2
     * m2 = [2]; up through conv2 (2x2, stride 2) to 3 x 3:   times avg1 = m1:
     *   2 2 0                                                  4 6 0
     *   2 2 0                                                  8 4 0
     *   0 0 0                                                  0 0 0
     * up through conv1 (2x2, stride 1) to 4 x 4: u(y,x) = sum of m1 over the 2x2 windows containing (y,x):
     *    4 10  6  0
     *   12 22 10  0
     *    8 12  4  0
     *    0  0  0  0
     * normalized: divide by 22 (the minimum is 0).
     * </pre>
     */
    @Test
    void handWorkedExample() {
        Network net = Network.of(new Shape(1, 1, 4, 4),
                Conv2d.withWeights(Window.of(2, 1), Tensor.of(new Shape(1, 1, 2, 2), 1, 1, 1, 1), Tensor.of(Shape.vector(1, 1), 0)),
                ReLU.of(),
                Conv2d.withWeights(Window.of(2, 2), Tensor.of(new Shape(2, 1, 2, 2), 1, 0, 0, 1, 0, 1, 1, 0),
                        Tensor.of(Shape.vector(1, 2), 0, -10)),
                ReLU.of(), Flatten.of(), Dense.of(2, 1, new SplittableRandom(1)));
        Tensor x = Tensor.of(new Shape(1, 1, 4, 4), 1, 0, 2, 1, 0, 1, 0, 0, 3, 0, 1, 2, 1, 1, 0, 0);
        Explanation e = VisualBackProp.explain(net.trace(x, Mode.EVAL));
        assertArrayEquals(new float[] {2, 3, 3, 4, 2, 3, 5, 2, 3}, e.averagedMaps().get(0).data());
        assertArrayEquals(new float[] {2}, e.averagedMaps().get(1).data());
        assertArrayEquals(new float[] {4, 6, 0, 8, 4, 0, 0, 0, 0}, e.intermediateMasks().get(0).data());
        assertArrayEquals(new float[] {2}, e.intermediateMasks().get(1).data());
        float[] raw = {4, 10, 6, 0, 12, 22, 10, 0, 8, 12, 4, 0, 0, 0, 0, 0};
        assertArrayEquals(raw, e.raw().data());
        for (int q = 0; q < raw.length; q++) {
            assertEquals(raw[q] / 22f, e.mask().data()[q], 1e-7f);
        }
        assertFalse(e.isFlat(0));
        assertEquals(List.of("conv1", "conv2"), e.levelNames());
    }

    @Test
    void aDeadDeepestLayerGivesAFlatZeroMask() {
        Network net = Network.of(new Shape(1, 1, 5, 5),
                Conv2d.withWeights(Window.of(3, 1), Tensor.of(new Shape(1, 1, 3, 3), 1, 1, 1, 1, 1, 1, 1, 1, 1),
                        Tensor.of(Shape.vector(1, 1), -100)),
                ReLU.of());
        Tensor x = Tensor.uniform(new Shape(2, 1, 5, 5), 0, 1, new SplittableRandom(3));
        Explanation e = VisualBackProp.explain(net.trace(x, Mode.EVAL));
        assertTrue(e.isFlat(0));
        assertTrue(e.isFlat(1));
        for (float v : e.mask().data()) {
            assertEquals(0f, v);
        }
    }

    @Test
    void recordedChannelMeansGiveTheSameExplanation() {
        Network net = RandomNets.paperLike(new SplittableRandom(5), new Shape(1, 2, 23, 31));
        Tensor x = Tensor.uniform(new Shape(3, 2, 23, 31), 0, 1, new SplittableRandom(6));
        VbpPlan plan = VbpPlan.of(net);
        Explanation plain = VisualBackProp.explain(net.trace(x, Mode.EVAL), plan);
        Explanation recorded = VisualBackProp.explain(VisualBackProp.trace(net, plan, x, Mode.EVAL, null), plan);
        assertEquals(0f, plain.raw().maxAbsDiff(recorded.raw()), 1e-6f * (float) Math.max(1, max(plain.raw())));
        assertEquals(0f, plain.mask().maxAbsDiff(recorded.mask()), 1e-5f);
    }

    @Test
    void networksVisualBackPropCannotExplainAreRefusedByName() {
        SplittableRandom r = new SplittableRandom(1);
        Network dense = Network.of(new Shape(1, 1, 4, 4), Flatten.of(), Dense.of(16, 1, r));
        assertTrue(assertThrows(UnsupportedNetworkException.class, () -> VbpPlan.of(dense)).getMessage().contains("at least one conv"));
        Network noRelu = Network.of(new Shape(1, 1, 6, 6), Conv2d.of(1, 2, Window.of(3, 1), r), Conv2d.of(2, 2, Window.of(3, 1), r), ReLU.of());
        assertTrue(assertThrows(UnsupportedNetworkException.class, () -> VbpPlan.of(noRelu)).getMessage().contains("conv1 is followed by conv2"));
        Network tanh = Network.of(new Shape(1, 1, 6, 6), Conv2d.of(1, 2, Window.of(3, 1), r), ReLU.of(), Tanh.of(),
                Conv2d.of(2, 2, Window.of(3, 1), r), ReLU.of());
        assertTrue(assertThrows(UnsupportedNetworkException.class, () -> VbpPlan.of(tanh)).getMessage().contains("tanh1 (Tanh)"));
    }

    static double max(Tensor t) {
        double m = Double.NEGATIVE_INFINITY;
        for (float v : t.data()) {
            m = Math.max(m, v);
        }
        return m;
    }
}
