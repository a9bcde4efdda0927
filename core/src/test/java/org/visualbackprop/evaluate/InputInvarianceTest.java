package org.visualbackprop.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.visualbackprop.explain.Explainer;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Flatten;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.ReLU;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;
import org.visualbackprop.testing.NumericAssert;
import org.visualbackprop.testing.TestData;

/**
 * Kindermans et al.'s input shift: the compensated network computes the same outputs, the gradient and VisualBackProp
 * (which read only what the first layer passes on) do not move, gradient times input does (by the gradient times the shift).
 */
class InputInvarianceTest {

    @Test
    void theCompensatedNetworkGivesTheSameOutputsForShiftedInputs() {
        SplittableRandom r = new SplittableRandom(1);
        Tensor x = TestData.uniform(RandomizationTest.IN.withBatch(3), r);
        Tensor shifted = x.copy();
        for (int q = 0; q < shifted.data().length; q++) {
            shifted.data()[q] -= 1f;
        }
        // BatchNorm first (the paper's pattern), a conv first without padding, a dense first
        Network bn = RandomizationTest.net(2, false, 2);
        Shape small = new Shape(1, 1, 6, 7);
        Network conv = Network.of(small, Conv2d.of(1, 3, Window.of(3, 1), r), ReLU.of(), Flatten.of(), Dense.of(3 * 4 * 5, 2, r));
        Network dense = Network.of(small, Flatten.of(), Dense.of(42, 5, false, r), ReLU.of(), Dense.of(5, 1, r));
        Tensor xs = TestData.uniform(small.withBatch(3), r);
        Tensor xss = xs.copy();
        for (int q = 0; q < xss.data().length; q++) {
            xss.data()[q] -= 1f;
        }
        NumericAssert.assertCloseToLargest(bn.predict(x).data(), InputInvariance.compensated(bn, -1f, Mode.EVAL).predict(shifted).data(), 1e-5, "bn");
        NumericAssert.assertCloseToLargest(conv.predict(xs).data(), InputInvariance.compensated(conv, -1f, Mode.EVAL).predict(xss).data(), 1e-5, "conv");
        NumericAssert.assertCloseToLargest(dense.predict(xs).data(), InputInvariance.compensated(dense, -1f, Mode.EVAL).predict(xss).data(), 1e-5, "dense");
        Network reluFirst = Network.of(small, ReLU.of(), Flatten.of(), Dense.of(42, 1, r));
        assertThrows(IllegalArgumentException.class, () -> InputInvariance.compensated(reluFirst, -1f, Mode.EVAL));
    }

    @Test
    void theGradientAndVisualBackPropStayGradientTimesInputMoves() {
        Network net = RandomizationTest.net(1, false, 3);
        Tensor x = TestData.uniform(RandomizationTest.IN.withBatch(4), new SplittableRandom(4));
        List<Explainer> es = RandomizationTest.explainers(net, "vbp", "gradient", "gradxinput", "edge", "random", "smoothgrad");
        InputInvariance.Result r = InputInvariance.run(net, es, x, InputInvariance.KINDERMANS_SHIFT, 2, null);
        assertTrue(r.outputDiff() <= 1e-5 * Math.max(1, r.outputScale()), "outputs: " + r.outputDiff());
        for (String m : List.of("vbp", "gradient", "smoothgrad")) {
            assertTrue(r.unchanged(m), m + " moved by " + r.median(m));
        }
        assertEquals(0, r.framesChanged("vbp"), "VisualBackProp reads only activations, which do not move");
        assertTrue(r.worst("edge") < 1e-6, "Sobel of a shifted picture is the same, up to rounding the shifted values: " + r.worst("edge"));
        assertEquals(0.0, r.worst("random"), 0.0, "the same noise for the same batch");
        assertFalse(r.unchanged("gradxinput"), "gradient x input moves by gradient x shift: " + r.median("gradxinput"));
        assertEquals(4, r.framesChanged("gradxinput"));
        assertTrue(r.median("gradxinput") > 0.1);
    }
}
