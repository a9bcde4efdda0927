package org.visualbackprop.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.visualbackprop.engine.DeviceInfo;
import org.visualbackprop.engine.DevicePreference;
import org.visualbackprop.engine.DeviceUnavailableException;
import org.visualbackprop.engine.Engines;
import org.visualbackprop.engine.InferenceEngine;
import org.visualbackprop.engine.JavaBackend;
import org.visualbackprop.engine.Request;
import org.visualbackprop.engine.Result;
import org.visualbackprop.explain.Lrp;
import org.visualbackprop.explain.Target;
import org.visualbackprop.explain.UnsupportedNetworkException;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Flatten;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Tanh;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;

/** The OpenCL engine's behaviour besides parity: device choice, batches, errors, every operation's output. */
class OpenClEngineTest {
    private static final Shape SMALL = new Shape(1, 1, 30, 44);

    private static Network small(long seed) {
        return PaperNets.small(SMALL, 3, true, seed);
    }

    @Test
    void theOpenClBackendIsFoundAndListsItsDevices(TestReporter reporter) {
        DeviceInfo d = TestDevices.openCl();
        reporter.publishEntry("device", d.describe());
        assertTrue(Engines.backends().stream().anyMatch(b -> b instanceof OpenClBackend), "ServiceLoader finds the OpenCL backend");
        assertFalse(d.name().isBlank());
        assertFalse(d.vendor().isBlank());
        assertTrue(d.computeUnits() > 0 && d.memoryBytes() > 0, d.describe());
    }

    @Test
    void autoChoosesOpenClWithoutANotice() {
        DeviceInfo d = TestDevices.openCl();
        List<String> notices = new ArrayList<>();
        try (InferenceEngine e = Engines.open(small(1), DevicePreference.AUTO, notices::add)) {
            assertEquals(d, e.device());
            assertTrue(notices.isEmpty(), notices.toString());
            Result r = e.run(Tensor.uniform(SMALL.withBatch(2), 0, 1, new SplittableRandom(2)), Request.predictions());
            assertEquals(d, r.device(), "the device is reported with the result");
        }
    }

    @Test
    void aNetworkTheKernelsDoNotCoverRunsOnJavaWithANotice() {
        TestDevices.openCl();
        SplittableRandom r = new SplittableRandom(3);
        Network tanh = Network.of(new Shape(1, 1, 8, 8), Conv2d.of(1, 2, Window.of(3, 1), r), Tanh.of(), Flatten.of(),
                Dense.of(72, 1, r));
        List<String> notices = new ArrayList<>();
        try (InferenceEngine e = Engines.open(tanh, DevicePreference.GPU, notices::add)) {
            assertEquals(JavaBackend.device(), e.device());
        }
        assertEquals(1, notices.size());
        assertTrue(notices.get(0).contains("Tanh"), notices.get(0));
        assertThrows(DeviceUnavailableException.class, () -> Engines.openStrict(tanh, DevicePreference.OPENCL_CPU).close());
    }

    @Test
    void batchesLargerThanTheCapacityAreSplit() {
        DeviceInfo d = TestDevices.openCl();
        Network net = small(4);
        Tensor x = Tensor.uniform(SMALL.withBatch(5), 0, 1, new SplittableRandom(4));
        Request all = Request.vbpAll().withLrp(Lrp.paper(), Target.predicted());
        Result expected;
        try (InferenceEngine java = Engines.open(net, JavaBackend.device())) {
            expected = java.run(x, all);
        }
        System.setProperty("vbp.opencl.maxBatch", "2");
        try (InferenceEngine e = Engines.open(net, d)) {
            System.clearProperty("vbp.opencl.maxBatch");
            assertEquals(2, e.capacity());
            Parity.assertSame("5 images in parts of 2", expected, e.run(x, all));
            IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class, () -> e.forward(x));
            assertTrue(tooMany.getMessage().contains("5 images"), tooMany.getMessage());
        } finally {
            System.clearProperty("vbp.opencl.maxBatch");
        }
    }

    @Test
    void batchSizesMayChangeAndExplanationsRepeat() {
        DeviceInfo d = TestDevices.openCl();
        Network net = small(5);
        SplittableRandom r = new SplittableRandom(5);
        try (InferenceEngine e = Engines.open(net, d); InferenceEngine java = Engines.open(net, JavaBackend.device())) {
            for (int n : new int[] {1, 3, 2, 3}) {
                Tensor x = Tensor.uniform(SMALL.withBatch(n), 0, 1, r);
                Request req = Request.vbpAll().withLrp(Lrp.epsilon(0.5), Target.output(n % 3));
                Parity.assertSame("batch of " + n, java.run(x, req), e.run(x, req));
                Result mask = e.explainLast(Request.vbpMask());
                assertTrue(mask.vbp().details().isEmpty());
                assertEquals(0.0, mask.vbp().scaled().maxAbsDiff(e.explainLast(Request.vbpAll()).vbp().details().orElseThrow().mask()),
                        "same kept pass");
            }
        }
    }

    @Test
    void explainingBeforeAForwardPassAndUnsupportedLrpRulesAreRefused() {
        DeviceInfo d = TestDevices.openCl();
        Network net = small(6);
        try (InferenceEngine e = Engines.open(net, d)) {
            assertThrows(IllegalStateException.class, () -> e.explainLast(Request.vbpMask()));
            e.forward(Tensor.uniform(SMALL.withBatch(1), 0, 1, new SplittableRandom(6)));
            UnsupportedNetworkException u = assertThrows(UnsupportedNetworkException.class,
                    () -> e.explainLast(Request.lrpOnly(Lrp.epsilon(100, Lrp.BatchNormRule.SEPARATE), Target.predicted())));
            assertTrue(u.getMessage().contains("BatchNorm separate"), u.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> e.explainLast(Request.lrpOnly(Lrp.paper(), Target.output(7))), "only 3 outputs");
        }
        InferenceEngine closed = Engines.open(net, d);
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.forward(Tensor.zeros(SMALL)));
    }

    /** Each forward kernel against its Java twin: every device operation's output against core's layer output. */
    @Test
    void everyOperationsOutputEqualsCoresLayerOutput() {
        DeviceInfo d = TestDevices.openCl();
        SplittableRandom r = new SplittableRandom(8);
        Shape in = new Shape(1, 2, 26, 31);
        for (int k = 0; k < 4; k++) {
            Network net = DeviceNets.random(r, in, 3, 3, true);
            Tensor x = Tensor.uniform(in.withBatch(2), 0, 1, r);
            Trace t = net.trace(x, Mode.EVAL);
            try (OpenClEngine e = (OpenClEngine) Engines.open(net, d)) {
                e.forward(x);
                float[] work = e.downloadWork();
                DeviceProgram p = e.program();
                DeviceProgram.Layout lay = e.layout();
                for (DeviceProgram.Op op : p.ops) {
                    Tensor expected = op.kind == DeviceProgram.Kind.INPUT ? x : t.output(op.last);
                    int size = expected.shape().size();
                    int base = lay.regionBase[op.out];
                    Tensor actual = Tensor.wrap(expected.shape(), java.util.Arrays.copyOfRange(work, base, base + size));
                    assertNotNull(actual);
                    Parity.assertClose("operation " + op + " of " + net + " on " + d.describe(), expected, actual, 1e-30,
                            DeviceTolerances.DEVICE_F32);
                }
            }
        }
    }
}
