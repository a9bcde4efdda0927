package org.visualbackprop.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Locale;
import org.visualbackprop.engine.DeviceInfo;
import org.visualbackprop.engine.Engines;
import org.visualbackprop.engine.InferenceEngine;
import org.visualbackprop.engine.JavaBackend;
import org.visualbackprop.engine.Request;
import org.visualbackprop.engine.Result;
import org.visualbackprop.explain.Attribution;
import org.visualbackprop.explain.Explanation;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/**
 * The comparison at the heart of the gpu tests: the same network and batch through the OpenCL engine and through
 * core's Java engine (the plain-Java twin of every kernel), every quantity within {@link DeviceTolerances}, each
 * failure message naming the device.
 */
final class Parity {
    private Parity() {
    }

    /** Runs {@code x} through both engines and compares everything {@code request} asks for; returns the device result. */
    static Result check(String what, Network net, Tensor x, Request request, DeviceInfo device) {
        Result expected;
        try (InferenceEngine java = Engines.open(net, JavaBackend.device())) {
            expected = java.run(x, request);
        }
        Result actual;
        try (InferenceEngine dev = Engines.open(net, device)) {
            actual = dev.run(x, request);
        }
        assertSame(what, expected, actual);
        return actual;
    }

    /** Asserts that {@code actual} was computed on OpenCL and matches {@code expected} (core). */
    static void assertSame(String what, Result expected, Result actual) {
        DeviceInfo d = actual.device();
        String on = what + " on " + d.describe();
        assertTrue(d.isOpenCL(), what + ": computed on " + d.describe() + ", not on an OpenCL device (a silent fallback)");
        assertClose(on + ": predictions", expected.predictions(), actual.predictions(), 1.0, DeviceTolerances.DEVICE_F32);
        if (expected.vbp() != null) {
            assertAbs(on + ": VisualBackProp mask", expected.vbp().scaled(), actual.vbp().scaled(), DeviceTolerances.MASK_ABS);
            for (int i = 0; i < expected.vbp().size(); i++) {
                assertEquals(expected.vbp().note(i).isPresent(), actual.vbp().note(i).isPresent(), on + ": flat mask note of image " + i);
            }
            assertEquals(expected.vbp().details().isPresent(), actual.vbp().details().isPresent(), on + ": details kept");
            if (expected.vbp().details().isPresent()) {
                Explanation e = expected.vbp().details().orElseThrow();
                Explanation a = actual.vbp().details().orElseThrow();
                assertEquals(e.levelNames(), a.levelNames(), on);
                for (int i = 0; i < e.size(); i++) {
                    assertEquals(e.isFlat(i), a.isFlat(i), on + ": flat mask flag of image " + i);
                }
                assertClose(on + ": raw mask", e.raw(), a.raw(), 0, DeviceTolerances.DEVICE_F32);
                for (int l = 0; l < e.averagedMaps().size(); l++) {
                    String level = e.levelNames().get(l);
                    assertClose(on + ": averaged map of " + level, e.averagedMaps().get(l), a.averagedMaps().get(l), 0,
                            DeviceTolerances.DEVICE_F32);
                    assertClose(on + ": intermediate mask of " + level, e.intermediateMasks().get(l),
                            a.intermediateMasks().get(l), 0, DeviceTolerances.DEVICE_F32);
                }
            }
        }
        if (expected.lrp() != null) {
            assertRelevance(on + ": LRP relevance", expected.lrp(), actual.lrp());
        }
    }

    /** Largest |a - b| per image relative to max(floor, largest |expected| of that image). */
    static double relativeError(Tensor expected, Tensor actual, double floor) {
        assertEquals(expected.shape(), actual.shape());
        int n = expected.shape().n();
        int size = expected.shape().sampleSize();
        double worst = 0;
        for (int i = 0; i < n; i++) {
            double scale = floor;
            double diff = 0;
            for (int q = 0; q < size; q++) {
                float b = expected.data()[i * size + q];
                float a = actual.data()[i * size + q];
                if (!Float.isFinite(a)) {
                    return Double.POSITIVE_INFINITY;
                }
                scale = Math.max(scale, Math.abs(b));
                diff = Math.max(diff, Math.abs((double) a - b));
            }
            worst = Math.max(worst, scale == 0 ? (diff == 0 ? 0 : Double.POSITIVE_INFINITY) : diff / scale);
        }
        return worst;
    }

    static void assertClose(String what, Tensor expected, Tensor actual, double floor, double tol) {
        double err = relativeError(expected, actual, floor);
        if (!(err <= tol)) {
            fail(String.format(Locale.ROOT, "%s: relative error %.3g exceeds %.1g (shape %s)", what, err, tol, expected.shape()));
        }
    }

    static void assertAbs(String what, Tensor expected, Tensor actual, double tol) {
        double err = expected.maxAbsDiff(actual);
        if (!(err <= tol)) {
            fail(String.format(Locale.ROOT, "%s: absolute error %.3g exceeds %.1g", what, err, tol));
        }
    }

    /** Relevance compared in double (stored value times 2^exponent), per image relative to its largest magnitude. */
    static void assertRelevance(String what, Attribution expected, Attribution actual) {
        assertEquals(expected.size(), actual.size(), what);
        int[] te = new int[expected.size()];
        int[] ta = new int[actual.size()];
        for (int i = 0; i < expected.size(); i++) {
            te[i] = expected.target(i);
            ta[i] = actual.target(i);
        }
        assertArrayEquals(te, ta, what + ": targets");
        Shape s = expected.scaled().shape();
        for (int i = 0; i < expected.size(); i++) {
            double scale = 0;
            double diff = 0;
            for (int c = 0; c < s.c(); c++) {
                for (int y = 0; y < s.h(); y++) {
                    for (int x = 0; x < s.w(); x++) {
                        double b = expected.value(i, c, y, x);
                        double a = actual.value(i, c, y, x);
                        scale = Math.max(scale, Math.abs(b));
                        diff = Math.max(diff, Math.abs(a - b));
                    }
                }
            }
            if (scale == 0) {
                assertEquals(0.0, diff, what + " of image " + i + ": core's relevance is zero everywhere, the device's is not");
            } else if (!(diff <= DeviceTolerances.LRP_F32 * scale)) {
                fail(String.format(Locale.ROOT, "%s of image %d: relative error %.3g exceeds %.1g (largest relevance %.3g)",
                        what, i, diff / scale, DeviceTolerances.LRP_F32, scale));
            }
        }
    }
}
