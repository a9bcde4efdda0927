package org.visualbackprop.proofs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.visualbackprop.flowgraph.Field;
import org.visualbackprop.flowgraph.Rational;
import org.visualbackprop.flowgraph.Tolerances;
import org.visualbackprop.flowgraph.Verification;

/** Shared by the property classes: the seed and small assertion helpers. */
final class Proofs {
    /** Every property runs from this seed, so a run is reproducible (vbp verify explores other seeds). */
    static final String SEED = "20170502";

    private Proofs() {
    }

    /**
     * Asserts that a statement's check ({@link Verification}: the one definition {@code vbp verify} also runs) holds on
     * a net, printing what differed and the net when it does not.
     */
    static void assertHolds(Verification.Outcome outcome, Object net) {
        assertTrue(outcome.holds(), () -> outcome.detail() + " (deviation " + outcome.deviation() + ")\n" + net);
    }

    /** Asserts exact equality of two rational maps, naming the first neuron that differs. */
    static void assertExactlyEqual(Rational[] expected, Rational[] actual, String what) {
        if (expected.length != actual.length) {
            throw new AssertionError(what + ": lengths differ, " + expected.length + " vs " + actual.length);
        }
        for (int i = 0; i < expected.length; i++) {
            if (!expected[i].equals(actual[i])) {
                throw new AssertionError(what + ": differ at input neuron " + i + ": expected " + expected[i] + ", got " + actual[i]);
            }
        }
    }

    /** Asserts {@code relativeDeviation(expected, actual) <= tolerance}. */
    static void assertClose(double[] expected, double[] actual, double tolerance, String what) {
        double dev = Tolerances.relativeDeviation(expected, actual);
        assertTrue(dev <= tolerance, () -> what + ": relative deviation " + dev + " exceeds " + tolerance);
    }

    static <T> double[] doubles(Field<T> f, T[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = f.toDouble(v[i]);
        }
        return out;
    }
}
