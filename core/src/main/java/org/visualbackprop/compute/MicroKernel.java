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

    /**
     * One output row of a single output channel, for convolutions with fewer output channels than a tile has rows:
     * {@code c[cOff + x] = sum over k < kc of a[aOff + k] * src[base + koff[k] + x]} for {@code x < len} (overwritten).
     * Reads {@code src} only inside those runs.
     */
    void rowGather(int kc, float[] a, int aOff, float[] src, int base, int[] koff, float[] c, int cOff, int len);

    /**
     * The weight gradient of a convolution over one image, as dot products along output rows: for every {@code co} in
     * {@code [co0, co0 + nco)} and tap {@code k} in {@code [k0, k0 + nk)}, adds to {@code dw[co * ldw + k]}
     * <pre>  sum over oy < rows, ox < width of  dy[dyOff + co * dyChannel + oy * dyRow + ox] * src[srcOff + koff[k] + oy * srcRow + ox]</pre>
     * (the output gradient times the input pixels each tap saw: contiguous runs of the input or its phase planes).
     * Partial sums are kept in float over one call.
     *
     * @param dy  not modified
     * @param src not modified
     * @param dw  modified (added to)
     */
    void weightGradient(float[] dy, int dyOff, int dyChannel, int dyRow, float[] src, int srcOff, int srcRow, int[] koff,
                        int rows, int width, int co0, int nco, int k0, int nk, float[] dw, int ldw);

    /** Short description for reports, such as {@code "Vector API, 16 float lanes, 8x48 tiles"}. */
    String describe();
}
