package org.visualbackprop.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.visualbackprop.engine.DevicePreference;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.BatchNorm2d;
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
import org.visualbackprop.testing.FiniteDifferences;
import org.visualbackprop.testing.LiteralNetwork;
import org.visualbackprop.testing.TestData;
import org.visualbackprop.testing.Tolerances;

/** The one entry point: every method by name, the same result type, the same numbers as the methods' own classes. */
class ExplainerTest {
    private static final Shape IN = new Shape(1, 1, 20, 30);

    private static Network classifier(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return Network.of(IN, BatchNorm2d.of(1), Conv2d.of(1, 4, Window.of(3, 1), r), ReLU.of(), Conv2d.of(4, 4, Window.of(3, 2), r),
                ReLU.of(), Flatten.of(), Dense.of(4 * 8 * 13, 5, r), LogSoftmax.of());
    }

    @Test
    void everyNamedMethodExplainsWithOneCallAndReportsItsOutputsAndDevice() {
        Network net = classifier(1);
        Tensor x = Tensor.uniform(IN.withBatch(3), 0, 1, new SplittableRandom(2));
        Tensor outputs = net.forward(x, Mode.EVAL);
        assertTrue(Explainer.names().containsAll(List.of("vbp", "lrp", "gradient", "gradxinput")), Explainer.names().toString());
        for (String name : Explainer.names()) {
            Explainer e = Explainer.of(name, net);
            Attribution a = e.explain(x, Target.predicted());
            assertEquals(name, a.method());
            assertEquals(3, a.size());
            assertEquals(IN.plane(), a.map(0).length);
            assertArrayEquals(outputs.data(), a.outputs().data(), name);
            assertTrue(a.device().startsWith("java"), a.device());
            assertEquals(Explainer.of(name, net).explain(x, Target.output(4)).target(0), 4);
        }
    }

    @Test
    void explainersGiveWhatTheMethodsThemselvesGive() {
        Network net = classifier(3);
        Tensor x = Tensor.uniform(IN.withBatch(2), 0, 1, new SplittableRandom(4));
        Trace t = VisualBackProp.trace(net, VbpPlan.of(net), x, Mode.EVAL, null);
        Explanation e = VisualBackProp.explain(t);
        Attribution vbp = Explainer.of("vbp", net).explain(t, Target.predicted());
        assertArrayEquals(e.mask().data(), vbp.scaled().data());
        assertArrayEquals(e.raw().data(), vbp.details().orElseThrow().raw().data());
        Attribution lrp = Lrp.paper().attribute(t, Target.output(1));
        Attribution viaApi = Explainer.of("lrp", net).explain(t, Target.output(1));
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(lrp.map(i), viaApi.map(i));
            assertEquals(lrp.conservation().get(i), viaApi.conservation().get(i));
        }
        Attribution eps = Explainer.of("lrp", net, Explainer.Options.defaults().withEpsilon(0.5).withLrpBatchNorm(Lrp.BatchNormRule.SEPARATE))
                .explain(t, Target.predicted());
        assertArrayEquals(Lrp.epsilon(0.5, Lrp.BatchNormRule.SEPARATE).attribute(t, Target.predicted()).map(1), eps.map(1));
        assertArrayEquals(Gradients.sensitivity(t, Target.predicted()).map(0), Explainer.of("gradient", net).explain(t, Target.predicted()).map(0));
        assertArrayEquals(Lrp.of(LrpComposite.epsilonPlusFlat(1e-6)).attribute(t, Target.predicted()).map(0),
                Explainer.of("lrp-epsilon-plus-flat", net).explain(t, Target.predicted()).map(0));
    }

    @Test
    void explainingATensorAndExplainingItsTraceAgree() {
        Network net = classifier(5);
        Tensor x = Tensor.uniform(IN.withBatch(2), 0, 1, new SplittableRandom(6));
        List<Explainer> es = List.of(Explainer.of("vbp", net), Explainer.of("gradxinput", net));
        Trace shared = Explainer.trace(net, x, Mode.EVAL, null, es);
        for (Explainer e : es) {
            assertArrayEquals(e.explain(x, Target.predicted()).map(1), e.explain(shared, Target.predicted()).map(1), e.name());
        }
        // the shared pass recorded VisualBackProp's channel means
        for (int layer : es.get(0).recordedMeans()) {
            assertTrue(shared.channelMean(layer) != null, "mean of layer " + layer);
        }
    }

    @Test
    void resultsOfOneCallSurviveTheNext() {
        Network net = classifier(7);
        SplittableRandom r = new SplittableRandom(8);
        Explainer vbp = Explainer.of("vbp", net);
        Attribution first = vbp.explain(Tensor.uniform(IN.withBatch(1), 0, 1, r), Target.predicted());
        float[] avg = first.details().orElseThrow().averagedMaps().get(0).data().clone();
        float[] mask = first.scaled().data().clone();
        Attribution second = vbp.explain(Tensor.uniform(IN.withBatch(1), 0, 1, r), Target.predicted());
        assertNotSame(first.scaled(), second.scaled());
        assertArrayEquals(avg, first.details().orElseThrow().averagedMaps().get(0).data());
        assertArrayEquals(mask, first.scaled().data());
    }

    @Test
    void unknownNamesAndUnsupportedNetworksAreRefusedNamingBoth() {
        Network net = classifier(9);
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Explainer.of("gradcam++", net));
        assertTrue(unknown.getMessage().contains("'gradcam++'") && unknown.getMessage().contains("vbp"), unknown.getMessage());
        SplittableRandom r = new SplittableRandom(1);
        Network dense = Network.of(new Shape(1, 1, 4, 4), Flatten.of(), Dense.of(16, 3, r), Tanh.of(), Dense.of(3, 1, r));
        UnsupportedNetworkException v = assertThrows(UnsupportedNetworkException.class, () -> Explainer.of("vbp", dense));
        assertTrue(v.getMessage().startsWith("vbp cannot explain this network") && v.getMessage().contains("conv"), v.getMessage());
        UnsupportedNetworkException l = assertThrows(UnsupportedNetworkException.class, () -> Explainer.of("lrp", dense));
        assertTrue(l.getMessage().startsWith("lrp cannot explain") && l.getMessage().contains("tanh1 (Tanh)"), l.getMessage());
        // gradients go through any layer
        Explainer.of("gradient", dense).explain(Tensor.zeros(new Shape(2, 1, 4, 4)), Target.predicted());
        IllegalArgumentException dev = assertThrows(IllegalArgumentException.class,
                () -> Explainer.of("gradient", net, Explainer.Options.defaults().withDevice(DevicePreference.GPU)));
        assertTrue(dev.getMessage().contains("Java threads only"), dev.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Explainer.Options.defaults().withBatchNorm(Mode.TRAIN));
        assertThrows(IllegalArgumentException.class, () -> Explainer.Options.defaults().withEpsilon(-1));
        Trace other = classifier(10).trace(Tensor.zeros(IN), Mode.EVAL);
        assertThrows(IllegalArgumentException.class, () -> Explainer.of("vbp", net).explain(other, Target.predicted()));
    }

    @Test
    void aFlatMaskAndDeadRelevanceComeWithANoteSayingWhy() {
        SplittableRandom r = new SplittableRandom(11);
        Conv2d conv = Conv2d.withWeights(Window.of(3, 1), Tensor.uniform(new Shape(2, 1, 3, 3), -1, 1, r), Tensor.of(Shape.vector(1, 2), -50, -50));
        Network net = Network.of(new Shape(1, 1, 5, 5), conv, ReLU.of(), Flatten.of(),
                Dense.withWeights(Tensor.uniform(new Shape(1, 18, 1, 1), -1, 1, r), Tensor.of(Shape.vector(1, 1), 0.7f)));
        Tensor x = Tensor.uniform(new Shape(1, 1, 5, 5), 0, 1, r);
        String vbp = Explainer.of("vbp", net).explain(x, Target.predicted()).note(0).orElseThrow();
        assertTrue(vbp.contains("every unit of conv1 was off"), vbp);
        String lrp = Explainer.of("lrp", net).explain(x, Target.predicted()).note(0).orElseThrow();
        assertTrue(lrp.contains("stops at fc1") && lrp.contains("0.7"), lrp);
        Network alive = PaperNets.small(new Shape(1, 1, 12, 12), 2, false, 3);
        Tensor y = Tensor.uniform(new Shape(1, 1, 12, 12), 0, 1, r);
        assertFalse(Explainer.of("vbp", alive).explain(y, Target.predicted()).note(0).isPresent());
        // activations that overflow float32 (weights of 1e20 in two layers) make a mask that is not finite
        for (var l : alive.layers()) {
            if (l instanceof Conv2d c) {
                c.weight().value().fillInPlace(1e20f);
            }
        }
        String bad = Explainer.of("vbp", alive).explain(y, Target.predicted()).note(0).orElseThrow();
        assertTrue(bad.contains("not finite"), bad);
    }

    /**
     * With batch statistics every output depends on every input; the gradient of image j is d y_j / d x_j (including
     * the path through the batch's statistics), checked against central differences of a double-precision literal
     * network that moves only x_j. A BatchNorm on the feature vector before the last Dense makes sum_i y_i constant,
     * so the gradient of that sum (the old behaviour) would be zero everywhere.
     */
    @Test
    void gradientsWithBatchStatisticsDifferentiateEachImagesOwnOutput() {
        SplittableRandom r = new SplittableRandom(12);
        Shape in = new Shape(1, 1, 6, 6);
        Network net = Network.of(in, Conv2d.of(1, 3, Window.of(3, 1), r), BatchNorm2d.of(3), ReLU.of(), Flatten.of(),
                Dense.of(48, 4, r), BatchNorm2d.of(4), Dense.of(4, 1, r));
        Dense head = (Dense) net.layer(net.size() - 1);
        head.weight().value().copyFromInPlace(Tensor.uniform(head.weight().value().shape(), -1, 1, r));
        Tensor x = Tensor.uniform(in.withBatch(3), 0, 1, r);
        Trace t = net.trace(x, Mode.BATCH_STATISTICS);
        Attribution g = Explainer.of("gradient", net, Explainer.Options.defaults().withBatchNorm(Mode.BATCH_STATISTICS))
                .explain(x, Target.predicted());
        Tensor grad = Gradients.gradient(t, Target.predicted());
        double largest = 0;
        for (float v : grad.data()) {
            largest = Math.max(largest, Math.abs(v));
        }
        assertTrue(largest > 1e-3, "the gradient is not zero: " + largest);
        double[] xd = TestData.toDouble(x);
        int size = in.sampleSize();
        for (int j = 0; j < 3; j++) {
            int image = j;
            float[] analytic = java.util.Arrays.copyOfRange(grad.data(), j * size, (j + 1) * size);
            Map<Tensor, double[]> none = new IdentityHashMap<>();
            FiniteDifferences.checkExact(size, analytic, (i, delta) -> {
                double[] moved = xd.clone();
                moved[image * size + i] += delta;
                LiteralNetwork.Pass p = LiteralNetwork.forward(net, x.shape(), moved, Mode.BATCH_STATISTICS, none, Map.of());
                return new FiniteDifferences.Value(p.result()[image], p.kinks());
            }, 1e-4, size, new SplittableRandom(j), Tolerances.FINITE_DIFFERENCE, "d y_" + j + " / d x_" + j);
            double[] map = g.map(j);
            for (int q = 0; q < size; q++) {
                assertEquals(Math.abs(analytic[q]), map[q], 1e-6 * largest, "gradient map of image " + j);
            }
        }
    }
}
