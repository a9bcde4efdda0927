package org.visualbackprop.compute;

import java.util.Arrays;

/**
 * Single-precision matrix product {@code C (+)= A B}, blocked and multithreaded, the engine under convolutions
 * and dense layers. {@code A} is read through strides (so either orientation works), {@code B} through a
 * {@link PanelSource} that packs panels of it on demand: a strided matrix ({@link #matrix}) or the
 * convolution's fused im2col ({@link ConvKernels}).
 *
 * <p>Blocking (after Goto and van de Geijn): A is packed once into panels of {@code MR} rows; B is packed per
 * block of {@code nr} columns and {@value #KC} reduction steps into a panel that stays in the L1/L2 cache;
 * the {@link MicroKernel} keeps an {@code MR x nr} tile of C in registers. Threads take disjoint column blocks
 * (or disjoint row panels when there are few columns), so no two threads write the same part of C.
 * Buffers come from {@link Scratch}: no allocation in steady state.
 */
public final class Sgemm {
    /** Reduction steps per packed B panel. */
    static final int KC = 256;
    private static final MicroKernel KERNEL = chooseKernel();

    /** Packs a block of {@code B}. */
    @FunctionalInterface
    public interface PanelSource {
        /**
         * Writes rows {@code k0 .. k0+kc-1} and columns {@code j0 .. j0+nc-1} of B into {@code dst} as {@code kc}
         * rows of {@code nr} floats ({@code dst[kk*nr + jj]}); columns {@code nc .. nr-1} must be written as 0.
         */
        void pack(int k0, int kc, int j0, int nc, float[] dst, int nr);
    }

    private Sgemm() {
    }

    /** A {@link PanelSource} over a strided matrix: {@code B[k][j] = b[off + k*rowStride + j*colStride]}. */
    public static PanelSource matrix(float[] b, int off, int rowStride, int colStride) {
        return (k0, kc, j0, nc, dst, nr) -> {
            for (int kk = 0; kk < kc; kk++) {
                int src = off + (k0 + kk) * rowStride + j0 * colStride;
                int d = kk * nr;
                if (colStride == 1) {
                    System.arraycopy(b, src, dst, d, nc);
                } else {
                    for (int jj = 0; jj < nc; jj++) {
                        dst[d + jj] = b[src + jj * colStride];
                    }
                }
                if (nc < nr) {
                    Arrays.fill(dst, d + nc, d + nr, 0f);
                }
            }
        };
    }

    /**
     * {@code C (+)= A B} with A and B given by strides: {@code A[i][k] = a[aOff + i*aRow + k*aCol]},
     * {@code B[k][j] = b[bOff + k*bRow + j*bCol]}, {@code C[i][j] = c[cOff + i*ldc + j]}.
     *
     * @param a not modified
     * @param b not modified
     * @param c modified: the {@code m x n} block
     */
    public static void multiply(int m, int n, int k, float[] a, int aOff, int aRow, int aCol,
                                float[] b, int bOff, int bRow, int bCol, float[] c, int cOff, int ldc, boolean accumulate) {
        multiply(m, n, k, a, aOff, aRow, aCol, matrix(b, bOff, bRow, bCol), c, cOff, ldc, accumulate);
    }

    /** {@code C (+)= A B} with B packed by {@code b}; see {@link #multiply(int, int, int, float[], int, int, int, float[], int, int, int, float[], int, int, boolean)}. */
    public static void multiply(int m, int n, int k, float[] a, int aOff, int aRow, int aCol,
                                PanelSource b, float[] c, int cOff, int ldc, boolean accumulate) {
        multiply(KERNEL, m, n, k, a, aOff, aRow, aCol, b, c, cOff, ldc, accumulate);
    }

    static void multiply(MicroKernel kernel, int m, int n, int k, float[] a, int aOff, int aRow, int aCol,
                         PanelSource b, float[] c, int cOff, int ldc, boolean accumulate) {
        if (m <= 0 || n <= 0) {
            return;
        }
        if (k <= 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) {
                    Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
                }
            }
            return;
        }
        final int mr = MicroKernel.MR;
        final int nr = kernel.nr();
        final int mb = (m + mr - 1) / mr;
        final int nb = (n + nr - 1) / nr;
        final float[] packedA = Scratch.get(Scratch.Slot.PACK_A, mb * mr * k);
        Parallel.forRange(mb, (long) mb * mr * k < (1 << 16) ? mb : 1, (ib0, ib1) -> packA(a, aOff, aRow, aCol, m, k, ib0, ib1, packedA));
        int threads = Parallel.threads();
        if (nb >= 2 * threads || nb >= mb) {
            Parallel.forRange(nb, 1, (jb0, jb1) -> blocks(kernel, m, n, k, packedA, b, c, cOff, ldc, accumulate, jb0, jb1, 0, mb));
        } else {
            // one chunk per thread: every chunk packs all of B's panels again
            Parallel.forRange(mb, (mb + threads - 1) / threads, (ib0, ib1) -> blocks(kernel, m, n, k, packedA, b, c, cOff, ldc, accumulate, 0, nb, ib0, ib1));
        }
    }

    static void packA(float[] a, int aOff, int aRow, int aCol, int m, int k, int ib0, int ib1, float[] dst) {
        final int mr = MicroKernel.MR;
        for (int ib = ib0; ib < ib1; ib++) {
            int base = ib * mr * k;
            for (int r = 0; r < mr; r++) {
                int i = ib * mr + r;
                if (i >= m) {
                    for (int kk = 0; kk < k; kk++) {
                        dst[base + kk * mr + r] = 0f;
                    }
                    continue;
                }
                int src = aOff + i * aRow;
                for (int kk = 0; kk < k; kk++) {
                    dst[base + kk * mr + r] = a[src + kk * aCol];
                }
            }
        }
    }

    private static void blocks(MicroKernel kernel, int m, int n, int k, float[] packedA, PanelSource b,
                               float[] c, int cOff, int ldc, boolean accumulate, int jb0, int jb1, int ib0, int ib1) {
        final int mr = MicroKernel.MR;
        final int nr = kernel.nr();
        float[] panel = Scratch.get(Scratch.Slot.PACK_B, KC * nr);
        float[] tile = Scratch.get(Scratch.Slot.TILE, mr * nr);
        for (int jb = jb0; jb < jb1; jb++) {
            int j0 = jb * nr;
            int nc = Math.min(nr, n - j0);
            for (int k0 = 0; k0 < k; k0 += KC) {
                int kc = Math.min(KC, k - k0);
                b.pack(k0, kc, j0, nc, panel, nr);
                boolean acc = accumulate || k0 > 0;
                for (int ib = ib0; ib < ib1; ib++) {
                    int i0 = ib * mr;
                    int mc = Math.min(mr, m - i0);
                    int aOff = ib * mr * k + k0 * mr;
                    int cBase = cOff + i0 * ldc + j0;
                    if (mc == mr && nc == nr) {
                        kernel.tile(kc, packedA, aOff, panel, 0, c, cBase, ldc, acc);
                    } else {
                        if (acc) {
                            Arrays.fill(tile, 0, mr * nr, 0f);
                            for (int r = 0; r < mc; r++) {
                                System.arraycopy(c, cBase + r * ldc, tile, r * nr, nc);
                            }
                        }
                        kernel.tile(kc, packedA, aOff, panel, 0, tile, 0, nr, acc);
                        for (int r = 0; r < mc; r++) {
                            System.arraycopy(tile, r * nr, c, cBase + r * ldc, nc);
                        }
                    }
                }
            }
        }
    }

    /** What computes the products here, e.g. {@code "Vector API, 16 float lanes, 8x48 tiles, 2 threads"}. */
    public static String describe() {
        return KERNEL.describe() + ", " + Parallel.threads() + " thread" + (Parallel.threads() == 1 ? "" : "s");
    }

    /** True when the Vector API kernel is in use. */
    public static boolean vectorized() {
        return !(KERNEL instanceof ScalarMicroKernel);
    }

    static MicroKernel kernel() {
        return KERNEL;
    }

    private static MicroKernel chooseKernel() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() && !Boolean.getBoolean("vbp.scalar")) {
            try {
                MicroKernel k = (MicroKernel) Class.forName("org.visualbackprop.compute.VectorMicroKernel")
                        .getDeclaredConstructor().newInstance();
                if (k.nr() >= 12) {
                    return k;
                }
            } catch (ReflectiveOperationException | LinkageError e) {
                System.getLogger(Sgemm.class.getName()).log(System.Logger.Level.WARNING,
                        "Vector API kernel unavailable, using scalar kernel: " + e);
            }
        } else if (!Boolean.getBoolean("vbp.scalar")) {
            System.getLogger(Sgemm.class.getName()).log(System.Logger.Level.WARNING,
                    "jdk.incubator.vector is not loaded: matrix products run on the slow scalar kernel."
                            + " Start Java with --add-modules jdk.incubator.vector.");
        }
        return new ScalarMicroKernel(48);
    }
}
