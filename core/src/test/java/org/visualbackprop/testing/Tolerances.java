package org.visualbackprop.testing;

/**
 * Every numeric tolerance of the test suites, in one place (after EJML's {@code UtilEjml.TEST_F32}).
 * Relative tolerances compare {@code |a - b| <= tol * max(1, |a|, |b|)} unless a test says otherwise.
 */
public final class Tolerances {
    /**
     * Float32 kernel against a double-precision literal oracle, relative to the largest magnitude involved; for sums,
     * element by element relative to the sum of the absolute values of the terms
     * ({@code NumericAssert.assertWithinMagnitude}).
     */
    public static final double F32 = 1e-4;
    /** Double-precision computations that should agree up to rounding. */
    public static final double F64 = 1e-10;
    /** Central finite differences of a float32 network against its backward pass, relative. */
    public static final double GRADIENT_CHECK = 2e-2;

    /**
     * Central finite differences of one float32 layer or small network against its backward pass, relative to the
     * largest gradient of the tensor checked (see {@code FiniteDifferences}).
     */
    public static final double FINITE_DIFFERENCE = 2e-3;
    /**
     * A float32 result of another framework (PyTorch, ONNX Runtime) for the same weights and inputs, which sums in
     * another order: relative to the largest magnitude in the tensor compared ({@code NumericAssert.assertCloseToLargest}).
     */
    public static final double CROSS_FRAMEWORK = 1e-5;
    /** An 8-bit image value that went through one resampling: one level of 1/255, and a half for rounding. */
    public static final double IMAGE_LEVEL = 1.5 / 255;

    private Tolerances() {
    }

    /** True when {@code a} and {@code b} agree within {@code tol} relative to {@code max(1, |a|, |b|)}. */
    public static boolean close(double a, double b, double tol) {
        return Math.abs(a - b) <= tol * Math.max(1.0, Math.max(Math.abs(a), Math.abs(b)));
    }
}
