package org.visualbackprop.compute;

/**
 * Element-wise loops of the layers' forward and backward passes (ReLU, BatchNorm), in two implementations with the
 * same contract: {@code VectorElementKernels} (Java's Vector API, loaded only when the incubator module is present)
 * and {@link ScalarElementKernels}; {@link Elementwise} picks one, and a test runs both. Arrays are read from the
 * given offsets over {@code len} values; nothing is checked.
 */
interface ElementKernels {
    /**
     * How many leading values of a run of {@code len} {@link #affine} computes with a fused multiply-add (one rounding);
     * the rest it computes as {@code a * x + b} (two roundings). A loop that fuses the affine map into another pass
     * uses this to get the same values bit for bit.
     */
    int fusedAffineBound(int len);

    /** {@code dx[i] = x[i] > 0 ? dy[i] : 0}: the ReLU's backward step. Modified: {@code dx}. */
    void reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int len);

    /**
     * Adds {@code sum(x - shift)} to {@code out[0]} and {@code sum((x - shift)^2)} to {@code out[1]} (partial sums in
     * float over short runs, added up in double). Modified: {@code out}.
     */
    void shiftedSums(float[] x, int off, int len, float shift, double[] out);

    /**
     * Adds {@code sum(dy)} to {@code out[0]} and {@code sum(dy * (x - mean))} to {@code out[1]}. Modified: {@code out}.
     */
    void gradientSums(float[] dy, int dyOff, float[] x, int xOff, int len, float mean, double[] out);

    /** {@code y[i] = a * x[i] + b}. Modified: {@code y}. */
    void affine(float[] x, int xOff, float a, float b, float[] y, int yOff, int len);

    /** {@code dx[i] = a * dy[i] + b * (x[i] - xShift) + c}. Modified: {@code dx}. */
    void affine2(float[] dy, int dyOff, float[] x, int xOff, float xShift, float a, float b, float c, float[] dx, int dxOff, int len);

    /** Short description for reports. */
    String describe();
}
