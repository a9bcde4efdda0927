package org.visualbackprop.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Flatten;
import org.visualbackprop.nn.LogSoftmax;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.ReLU;
import org.visualbackprop.nn.Tanh;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;

class LrpTest {

    /** One Dense layer, one output: R_i = x_i w_i / (z + eps sign z) * z with z = w.x + b (Samek et al. Eq. 6). */
    @Test
    void oneLayerNetMatchesTheClosedForm() {
        float[] w = {0.5f, -2f, 1.5f, 3f};
        float b = 0.25f;
        Network net = Network.of(Shape.vector(1, 4), Dense.withWeights(Tensor.of(new Shape(1, 4, 1, 1), w), Tensor.of(Shape.vector(1, 1), b)));
        float[] x = {1f, 0.5f, -1f, 2f};
        double z = b;
        for (int i = 0; i < 4; i++) {
            z += (double) w[i] * x[i];
        }
        for (double eps : new double[] {0, 0.1, 100}) {
            Attribution a = Lrp.epsilon(eps).attribute(net.trace(Tensor.of(Shape.vector(1, 4), x), Mode.EVAL), Target.predicted());
            for (int i = 0; i < 4; i++) {
                double want = x[i] * w[i] / (z + eps * Math.signum(z)) * z;
                assertEquals(want, a.value(0, i, 0, 0), 1e-6 * Math.max(1, Math.abs(want)), "eps " + eps + ", input " + i);
            }
            Attribution.Conservation c = a.conservation().get(0);
            assertEquals(z, c.output(), 1e-6);
            assertEquals(z * (z - b) / (z + eps * Math.signum(z)), c.input(), 1e-5);
        }
    }

    @Test
    void classifiersAreExplainedFromTheScoreBelowLogSoftmax() {
        SplittableRandom r = new SplittableRandom(4);
        Network net = Network.of(Shape.vector(1, 3), Dense.of(3, 5, r), LogSoftmax.of());
        Tensor x = Tensor.of(Shape.vector(1, 3), 1, -1, 0.5f);
        Trace t = net.trace(x, Mode.EVAL);
        Attribution a = Lrp.epsilon(0).attribute(t, Target.output(2));
        assertEquals(2, a.target(0));
        assertEquals(t.output(0).data()[2], a.conservation().get(0).output(), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> Lrp.epsilon(0).attribute(t, Target.output(5)));
    }

    @Test
    void aLayerWithEveryUnitOffIsReportedAndTheMapIsZero() {
        SplittableRandom r = new SplittableRandom(9);
        Conv2d conv = Conv2d.withWeights(Window.of(3, 1), Tensor.uniform(new Shape(2, 1, 3, 3), -1, 1, r),
                Tensor.of(Shape.vector(1, 2), -50, -50));
        Dense head = Dense.withWeights(Tensor.uniform(new Shape(1, 18, 1, 1), -1, 1, r), Tensor.of(Shape.vector(1, 1), 0.7f));
        Network net = Network.of(new Shape(1, 1, 5, 5), conv, ReLU.of(), Flatten.of(), head);
        Attribution a = Lrp.paper().attribute(net.trace(Tensor.uniform(new Shape(1, 1, 5, 5), 0, 1, r), Mode.EVAL), Target.predicted());
        Attribution.Conservation c = a.conservation().get(0);
        assertEquals(0.7, c.output(), 1e-6);
        assertEquals("fc1", c.deadLayer());
        for (double v : a.map(0)) {
            assertEquals(0.0, v);
        }
    }

    @Test
    void relevanceOfAPaperNetAtEpsilon100StaysFarFromZeroAfterScaling() {
        Network net = PaperNets.netHvf(3);
        // the builder starts the output layer at zero; give it weights, as training would
        Dense head = (Dense) net.layer(net.size() - 1);
        head.weight().value().copyFromInPlace(Tensor.uniform(head.weight().value().shape(), -0.1f, 0.1f, new SplittableRandom(5)));
        Tensor x = Tensor.uniform(PaperNets.NETHVF_INPUT, 0, 1, new SplittableRandom(4));
        Attribution a = Lrp.paper().attribute(net.trace(x, Mode.EVAL), Target.predicted());
        Attribution.Conservation c = a.conservation().get(0);
        assertNull(c.deadLayer());
        // the relevance reaching the input is many orders of magnitude below the output, yet not lost
        assertTrue(Math.abs(c.input()) > 0 && Math.abs(c.input()) < 1e-6 * Math.abs(c.output()), c.toString());
        double total = a.total(0);
        assertEquals(c.input(), total, 1e-6 * Math.abs(total));
    }

    @Test
    void layersWithoutARuleAreRefusedByName() {
        SplittableRandom r = new SplittableRandom(1);
        Network net = Network.of(Shape.vector(1, 3), Dense.of(3, 3, r), Tanh.of(), Dense.of(3, 1, r));
        Trace t = net.trace(Tensor.of(Shape.vector(1, 3), 1, 2, 3), Mode.EVAL);
        UnsupportedNetworkException e = assertThrows(UnsupportedNetworkException.class, () -> Lrp.paper().attribute(t, Target.predicted()));
        assertTrue(e.getMessage().contains("tanh1 (Tanh)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Lrp.epsilon(-1));
    }
}
