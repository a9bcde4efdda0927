package org.visualbackprop.gpu;

/**
 * The tolerances of the device-against-core comparisons, in one place (core's {@code Tolerances} holds the others).
 * Comparisons are relative to the largest magnitude of the reference per image (of the batch, with a floor of 1, for
 * predictions), because float32 sums taken in another order differ by a few ulps of the largest terms, not of each
 * element. The kernels add in another order than core (blocked channels instead of a GEMM, BatchNorm folded into
 * the weights instead of applied to the activations).
 *
 * <p>Measured on PoCL (40 random networks, NetSVF, NetHVF, the traffic-sign net; 2026-11-28): forward outputs at
 * most 4e-6, averaged maps, intermediate and raw masks at most 1e-6, the normalized mask at most 1e-6 absolute,
 * LRP-epsilon relevance at most 6e-5 (epsilon 0.01 and 100). The bounds leave a factor of 10 or more for devices that
 * fuse multiply-adds or divide less exactly (OpenCL allows 2.5 ulp for a float division).
 */
final class DeviceTolerances {
    /** Forward outputs, averaged maps, intermediate and raw masks. */
    static final double DEVICE_F32 = 1e-4;
    /** LRP relevance: a product of ratios through every layer. */
    static final double LRP_F32 = 1e-3;
    /** The normalized mask, absolute (values in [0, 1]). */
    static final double MASK_ABS = 1e-4;

    private DeviceTolerances() {
    }
}
