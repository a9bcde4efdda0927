package org.visualbackprop.compute;

/**
 * The element-wise loops of the ReLU and BatchNorm layers, on the Vector API when the JVM has the module
 * {@code jdk.incubator.vector} (as {@link Sgemm} chooses its tile kernel) and in plain loops otherwise. See
 * {@link ElementKernels} for what each computes; the arguments are not checked (the layers check shapes first).
 */
public final class Elementwise {
    private static final ElementKernels KERNELS = choose();

    private Elementwise() {
    }

    /** {@code dx[i] = x[i] > 0 ? dy[i] : 0} for {@code len} values. Modified: {@code dx}. */
    public static void reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int len) {
        KERNELS.reluBackward(x, xOff, dy, dyOff, dx, dxOff, len);
    }

    /** Adds {@code sum(x - shift)} and {@code sum((x - shift)^2)} to {@code out[0]} and {@code out[1]}. Modified: {@code out}. */
    public static void shiftedSums(float[] x, int off, int len, float shift, double[] out) {
        KERNELS.shiftedSums(x, off, len, shift, out);
    }

    /** Adds {@code sum(dy)} and {@code sum(dy * (x - mean))} to {@code out[0]} and {@code out[1]}. Modified: {@code out}. */
    public static void gradientSums(float[] dy, int dyOff, float[] x, int xOff, int len, float mean, double[] out) {
        KERNELS.gradientSums(dy, dyOff, x, xOff, len, mean, out);
    }

    /** See {@link ElementKernels#fusedAffineBound}. */
    static int fusedAffineBound(int len) {
        return KERNELS.fusedAffineBound(len);
    }

    /** {@code y[i] = a * x[i] + b}. Modified: {@code y}. */
    public static void affine(float[] x, int xOff, float a, float b, float[] y, int yOff, int len) {
        KERNELS.affine(x, xOff, a, b, y, yOff, len);
    }

    /** {@code dx[i] = a * dy[i] + b * (x[i] - xShift) + c}. Modified: {@code dx}. */
    public static void affine2(float[] dy, int dyOff, float[] x, int xOff, float xShift, float a, float b, float c, float[] dx, int dxOff, int len) {
        KERNELS.affine2(dy, dyOff, x, xOff, xShift, a, b, c, dx, dxOff, len);
    }

    static ElementKernels kernels() {
        return KERNELS;
    }

    private static ElementKernels choose() {
        if (Sgemm.vectorized()) {
            try {
                return (ElementKernels) Class.forName("org.visualbackprop.compute.VectorElementKernels").getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                System.getLogger(Elementwise.class.getName()).log(System.Logger.Level.WARNING,
                        "Vector API element loops unavailable, using scalar loops: " + e);
            }
        }
        return new ScalarElementKernels();
    }
}
