package org.visualbackprop.flowgraph;

/**
 * Every tolerance of the theory checks, in one place (after EJML's {@code UtilEjml.TEST_F32}). The exact tier needs
 * none: there the statements are checked for equality of rational numbers.
 *
 * <p>Deviations are relative to the largest magnitude of the map compared: {@link #relativeDeviation}.
 */
public final class Tolerances {
    /**
     * Core's float32 computation (VisualBackProp, the forward pass, LRP, the backward pass, Ñ in float32) against the
     * flow graph in double precision. The float32 side rounds every product and sum (about 6e-8 each) over a few
     * layers of up to a few hundred terms, and Ñ's weights are rounded to float32.
     */
    public static final double FLOAT32 = 1e-4;

    /** Two double-precision computations of the same sum in a different order (dynamic programming vs sparse matrices). */
    public static final double FLOAT64 = 1e-9;

    private Tolerances() {
    }

    /**
     * {@code max_i |a_i - b_i| / max_i max(|a_i|, |b_i|)}, 0 when both are all zeros; NaN when a value is not finite.
     *
     * @throws IllegalArgumentException when the lengths differ
     */
    public static double relativeDeviation(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("compare maps of equal length, got " + a.length + " and " + b.length);
        }
        double scale = 0;
        double diff = 0;
        for (int i = 0; i < a.length; i++) {
            if (!Double.isFinite(a[i]) || !Double.isFinite(b[i])) {
                return Double.NaN;
            }
            scale = Math.max(scale, Math.max(Math.abs(a[i]), Math.abs(b[i])));
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
        }
        return scale == 0 ? 0 : diff / scale;
    }

    /** {@code |a - b| / max(|a|, |b|)}, 0 when both are 0. */
    public static double relativeDeviation(double a, double b) {
        return relativeDeviation(new double[] {a}, new double[] {b});
    }
}
