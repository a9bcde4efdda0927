package org.visualbackprop.compute;

/**
 * The innermost matrix-product step: {@code C[MR x nr] (+)= sum over k of A[k][0..MR) (outer) B[k][0..nr)}, with
 * {@code A} packed as {@code kc} rows of {@link #MR} values and {@code B} packed as {@code kc} rows of {@link #nr()}
 * values. Two implementations with the same contract: {@code VectorMicroKernel} (Java's Vector API) and
 * {@link ScalarMicroKernel}; a test runs both.
 */
interface MicroKernel {
    /** Rows of a tile (rows of A per packed panel). */
    int MR = 8;

    /** Columns of a tile (columns of B per packed panel). */
    int nr();

    /**
     * Computes one full tile.
     *
     * @param kc         reduction length
     * @param a          packed A, {@code kc * MR} values from {@code aOff}. Not modified.
     * @param b          packed B, {@code kc * nr()} values from {@code bOff}. Not modified.
     * @param c          output tile rows start at {@code cOff + r * ldc}. Modified.
     * @param accumulate add to {@code c} when true, overwrite it when false
     */
    void tile(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc, boolean accumulate);

    /**
     * Computes one full tile (overwriting it) with B read in place instead of from a packed panel: row {@code k} of B
     * is the {@link #nr()} floats of {@code src} starting at {@code base + koff[k0 + k]} (a convolution's input, where
     * each kernel tap's run of output pixels is contiguous).
     */
    void tileGather(int kc, float[] a, int aOff, float[] src, int base, int[] koff, int k0, float[] c, int cOff, int ldc);

    /** Short description for reports, such as {@code "Vector API, 16 float lanes, 8x48 tiles"}. */
    String describe();
}
