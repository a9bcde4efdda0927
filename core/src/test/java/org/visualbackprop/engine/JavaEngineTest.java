package org.visualbackprop.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.visualbackprop.explain.Attribution;
import org.visualbackprop.explain.Explanation;
import org.visualbackprop.explain.Lrp;
import org.visualbackprop.explain.Target;
import org.visualbackprop.explain.UnsupportedNetworkException;
import org.visualbackprop.explain.VisualBackProp;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Flatten;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/** The Java engine returns exactly what core's own calls return, detached from the trace it reuses. */
class JavaEngineTest {
    private static final Shape IN = new Shape(1, 3, 20, 26);

    @Test
    void resultsEqualCoresOwnCalls() {
        Network net = PaperNets.small(IN, 4, true, 3);
        Tensor x = Tensor.uniform(IN.withBatch(3), 0, 1, new SplittableRandom(3));
        Trace t = net.trace(x, Mode.EVAL);
        Explanation e = VisualBackProp.explain(t);
        Attribution a = Lrp.paper().attribute(t, Target.output(2));
        Tensor predictions = t.result().copy();
        Result r;
        try (InferenceEngine engine = Engines.open(net, JavaBackend.device())) {
            r = engine.run(x, Request.vbpAll().withLrp(Lrp.paper(), Target.output(2)));
        }
        assertEquals(JavaBackend.device(), r.device());
        assertArrayEquals(predictions.data(), r.predictions().data());
        assertArrayEquals(e.mask().data(), r.vbp().details().orElseThrow().mask().data());
        assertArrayEquals(e.raw().data(), r.vbp().details().orElseThrow().raw().data());
        for (int l = 0; l < e.averagedMaps().size(); l++) {
            assertArrayEquals(e.averagedMaps().get(l).data(), r.vbp().details().orElseThrow().averagedMaps().get(l).data());
            assertArrayEquals(e.intermediateMasks().get(l).data(), r.vbp().details().orElseThrow().intermediateMasks().get(l).data());
        }
        assertEquals(e.levelNames(), r.vbp().details().orElseThrow().levelNames());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(a.map(i), r.lrp().map(i));
            assertEquals(2, r.lrp().target(i));
            assertEquals(a.total(i), r.lrp().total(i), 0.0);
        }
    }

    @Test
    void resultsSurviveTheNextBatchAndMaskOnlyRequestsHoldNoDetails() {
        Network net = PaperNets.small(IN, 1, false, 4);
        SplittableRandom rnd = new SplittableRandom(4);
        try (InferenceEngine engine = Engines.open(net, JavaBackend.device())) {
            Result first = engine.run(Tensor.uniform(IN.withBatch(2), 0, 1, rnd), Request.vbpAll());
            float[] avg = first.vbp().details().orElseThrow().averagedMaps().get(0).data().clone();
            engine.run(Tensor.uniform(IN.withBatch(2), 0, 1, rnd), Request.vbpAll());
            assertArrayEquals(avg, first.vbp().details().orElseThrow().averagedMaps().get(0).data(), "not overwritten by the next forward pass");
            Result mask = engine.explainLast(Request.vbpMask());
            assertTrue(mask.vbp().details().isEmpty());
            assertArrayEquals(mask.vbp().scaled().data(), engine.explainLast(Request.vbpAll()).vbp().details().orElseThrow().mask().data());
            assertEquals(Integer.MAX_VALUE, engine.capacity());
        }
    }

    @Test
    void explainingNeedsAForwardPassAndVbpNeedsConvLayers() {
        Network dense = Network.of(new Shape(1, 1, 4, 4), Flatten.of(), Dense.of(16, 2, new SplittableRandom(1)));
        try (InferenceEngine engine = Engines.open(dense, JavaBackend.device())) {
            assertThrows(IllegalStateException.class, () -> engine.explainLast(Request.vbpMask()));
            Result p = engine.forward(Tensor.zeros(new Shape(1, 1, 4, 4)));
            assertEquals(Shape.vector(1, 2), p.predictions().shape());
            assertThrows(UnsupportedNetworkException.class, () -> engine.explainLast(Request.vbpMask()));
        }
    }

    @Test
    void resultsOfPartsJoinAlongTheBatch() {
        Network net = PaperNets.small(IN, 2, true, 5);
        Tensor x = Tensor.uniform(IN.withBatch(3), 0, 1, new SplittableRandom(5));
        Request req = Request.vbpAll().withLrp(Lrp.epsilon(1), Target.predicted());
        try (InferenceEngine engine = Engines.open(net, JavaBackend.device())) {
            Result whole = engine.run(x, req);
            Result joined = Result.concat(java.util.List.of(engine.run(x.slice(0, 2), req), engine.run(x.slice(2, 1), req)));
            assertSame(whole.device(), joined.device());
            assertArrayEquals(whole.predictions().data(), joined.predictions().data());
            assertArrayEquals(whole.vbp().details().orElseThrow().mask().data(), joined.vbp().details().orElseThrow().mask().data());
            assertArrayEquals(whole.vbp().details().orElseThrow().intermediateMasks().get(1).data(), joined.vbp().details().orElseThrow().intermediateMasks().get(1).data());
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(whole.lrp().map(i), joined.lrp().map(i), 1e-12 * Math.abs(whole.lrp().total(i)) + 1e-300);
                assertEquals(whole.vbp().details().orElseThrow().isFlat(i), joined.vbp().details().orElseThrow().isFlat(i));
            }
        }
    }
}
