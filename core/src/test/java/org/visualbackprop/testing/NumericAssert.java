package org.visualbackprop.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Element-wise comparisons of float32 results with double-precision references, with messages that locate the worst element. */
public final class NumericAssert {
    private NumericAssert() {
    }

    /**
     * Asserts {@code |got[i] - exact.value[i]| <= tol * exact.magnitude[i]} for every {@code i}: each float32 sum lies within
     * {@code tol} of the sum of the absolute values of its terms (exact zeros where nothing was added).
     */
    public static void assertWithinMagnitude(float[] got, LiteralOracles.Result exact, double tol, String what) {
        assertEquals(exact.value().length, got.length, what + ": number of values");
        int worst = -1;
        double worstRatio = 0;
        for (int i = 0; i < got.length; i++) {
            double err = Math.abs(got[i] - exact.value()[i]);
            double bound = tol * exact.magnitude()[i];
            if (!(err <= bound)) {
                double ratio = bound == 0 ? Double.POSITIVE_INFINITY : err / bound;
                if (worst < 0 || ratio > worstRatio || Double.isNaN(err)) {
                    worst = i;
                    worstRatio = ratio;
                }
            }
        }
        if (worst >= 0) {
            fail(what + ": element " + worst + " is " + got[worst] + ", expected " + exact.value()[worst]
                    + " (magnitude of its terms " + exact.magnitude()[worst] + ", tolerance " + tol + " of it)");
        }
    }

    /** Asserts {@code |got[i] - want[i]| <= tol * max(1, |got[i]|, |want[i]|)} (see {@link Tolerances#close}). */
    public static void assertClose(double[] want, float[] got, double tol, String what) {
        assertEquals(want.length, got.length, what + ": number of values");
        for (int i = 0; i < got.length; i++) {
            if (!Tolerances.close(want[i], got[i], tol)) {
                fail(what + ": element " + i + " is " + got[i] + ", expected " + want[i] + " (tolerance " + tol + ")");
            }
        }
    }

    /** Asserts the arrays hold the same bits, element by element. */
    public static void assertBitIdentical(float[] want, float[] got, String what) {
        assertEquals(want.length, got.length, what + ": number of values");
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                fail(what + ": element " + i + " is " + got[i] + ", expected bit-identical " + want[i]);
            }
        }
    }

    /**
     * Asserts {@code |got[i] - want[i]| <= tol * max_j |want[j]|} for every {@code i}: agreement relative to the largest
     * value of the tensor, as float32 results summed in different orders agree.
     */
    public static void assertCloseToLargest(float[] want, float[] got, double tol, String what) {
        assertEquals(want.length, got.length, what + ": number of values");
        double largest = 0;
        for (float v : want) {
            largest = Math.max(largest, Math.abs(v));
        }
        double bound = tol * largest;
        for (int i = 0; i < want.length; i++) {
            double err = Math.abs((double) got[i] - want[i]);
            if (!(err <= bound)) {
                fail(what + ": element " + i + " is " + got[i] + ", expected " + want[i] + " (difference " + err
                        + ", tolerance " + tol + " of the largest magnitude " + largest + ")");
            }
        }
    }
}
