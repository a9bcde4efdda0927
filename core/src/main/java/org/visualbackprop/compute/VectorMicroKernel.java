package org.visualbackprop.compute;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast tile kernel on Java's Vector API (incubator module {@code jdk.incubator.vector}): 8 rows by three
 * vectors of the platform's preferred width (8 x 48 floats with AVX-512), 24 accumulators held in registers,
 * one broadcast and three fused multiply-adds per row and reduction step. Loaded reflectively by {@link Sgemm}
 * only when the module is present.
 */
final class VectorMicroKernel implements MicroKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int NR = 3 * L;
    private static final MicroKernel SCALAR = new ScalarMicroKernel(NR);

    @Override
    public int nr() {
        return NR;
    }

    @Override
    public void tile(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc, boolean accumulate) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c10 = z, c11 = z, c12 = z, c20 = z, c21 = z, c22 = z, c30 = z, c31 = z, c32 = z;
        FloatVector c40 = z, c41 = z, c42 = z, c50 = z, c51 = z, c52 = z, c60 = z, c61 = z, c62 = z, c70 = z, c71 = z, c72 = z;
        int bo = bOff;
        int ao = aOff;
        for (int k = 0; k < kc; k++, bo += NR, ao += MR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bo + 2 * L);
            FloatVector v;
            v = FloatVector.broadcast(S, a[ao]);
            c00 = b0.fma(v, c00); c01 = b1.fma(v, c01); c02 = b2.fma(v, c02);
            v = FloatVector.broadcast(S, a[ao + 1]);
            c10 = b0.fma(v, c10); c11 = b1.fma(v, c11); c12 = b2.fma(v, c12);
            v = FloatVector.broadcast(S, a[ao + 2]);
            c20 = b0.fma(v, c20); c21 = b1.fma(v, c21); c22 = b2.fma(v, c22);
            v = FloatVector.broadcast(S, a[ao + 3]);
            c30 = b0.fma(v, c30); c31 = b1.fma(v, c31); c32 = b2.fma(v, c32);
            v = FloatVector.broadcast(S, a[ao + 4]);
            c40 = b0.fma(v, c40); c41 = b1.fma(v, c41); c42 = b2.fma(v, c42);
            v = FloatVector.broadcast(S, a[ao + 5]);
            c50 = b0.fma(v, c50); c51 = b1.fma(v, c51); c52 = b2.fma(v, c52);
            v = FloatVector.broadcast(S, a[ao + 6]);
            c60 = b0.fma(v, c60); c61 = b1.fma(v, c61); c62 = b2.fma(v, c62);
            v = FloatVector.broadcast(S, a[ao + 7]);
            c70 = b0.fma(v, c70); c71 = b1.fma(v, c71); c72 = b2.fma(v, c72);
        }
        // stores written out by hand: a helper method taking vectors may not be inlined, and boxed vectors are slow
        if (accumulate) {
            int o0 = cOff;
            c00.add(FloatVector.fromArray(S, c, o0)).intoArray(c, o0);
            c01.add(FloatVector.fromArray(S, c, o0 + L)).intoArray(c, o0 + L);
            c02.add(FloatVector.fromArray(S, c, o0 + 2 * L)).intoArray(c, o0 + 2 * L);
            int o1 = cOff + 1 * ldc;
            c10.add(FloatVector.fromArray(S, c, o1)).intoArray(c, o1);
            c11.add(FloatVector.fromArray(S, c, o1 + L)).intoArray(c, o1 + L);
            c12.add(FloatVector.fromArray(S, c, o1 + 2 * L)).intoArray(c, o1 + 2 * L);
            int o2 = cOff + 2 * ldc;
            c20.add(FloatVector.fromArray(S, c, o2)).intoArray(c, o2);
            c21.add(FloatVector.fromArray(S, c, o2 + L)).intoArray(c, o2 + L);
            c22.add(FloatVector.fromArray(S, c, o2 + 2 * L)).intoArray(c, o2 + 2 * L);
            int o3 = cOff + 3 * ldc;
            c30.add(FloatVector.fromArray(S, c, o3)).intoArray(c, o3);
            c31.add(FloatVector.fromArray(S, c, o3 + L)).intoArray(c, o3 + L);
            c32.add(FloatVector.fromArray(S, c, o3 + 2 * L)).intoArray(c, o3 + 2 * L);
            int o4 = cOff + 4 * ldc;
            c40.add(FloatVector.fromArray(S, c, o4)).intoArray(c, o4);
            c41.add(FloatVector.fromArray(S, c, o4 + L)).intoArray(c, o4 + L);
            c42.add(FloatVector.fromArray(S, c, o4 + 2 * L)).intoArray(c, o4 + 2 * L);
            int o5 = cOff + 5 * ldc;
            c50.add(FloatVector.fromArray(S, c, o5)).intoArray(c, o5);
            c51.add(FloatVector.fromArray(S, c, o5 + L)).intoArray(c, o5 + L);
            c52.add(FloatVector.fromArray(S, c, o5 + 2 * L)).intoArray(c, o5 + 2 * L);
            int o6 = cOff + 6 * ldc;
            c60.add(FloatVector.fromArray(S, c, o6)).intoArray(c, o6);
            c61.add(FloatVector.fromArray(S, c, o6 + L)).intoArray(c, o6 + L);
            c62.add(FloatVector.fromArray(S, c, o6 + 2 * L)).intoArray(c, o6 + 2 * L);
            int o7 = cOff + 7 * ldc;
            c70.add(FloatVector.fromArray(S, c, o7)).intoArray(c, o7);
            c71.add(FloatVector.fromArray(S, c, o7 + L)).intoArray(c, o7 + L);
            c72.add(FloatVector.fromArray(S, c, o7 + 2 * L)).intoArray(c, o7 + 2 * L);
        } else {
            int o0 = cOff;
            c00.intoArray(c, o0);
            c01.intoArray(c, o0 + L);
            c02.intoArray(c, o0 + 2 * L);
            int o1 = cOff + 1 * ldc;
            c10.intoArray(c, o1);
            c11.intoArray(c, o1 + L);
            c12.intoArray(c, o1 + 2 * L);
            int o2 = cOff + 2 * ldc;
            c20.intoArray(c, o2);
            c21.intoArray(c, o2 + L);
            c22.intoArray(c, o2 + 2 * L);
            int o3 = cOff + 3 * ldc;
            c30.intoArray(c, o3);
            c31.intoArray(c, o3 + L);
            c32.intoArray(c, o3 + 2 * L);
            int o4 = cOff + 4 * ldc;
            c40.intoArray(c, o4);
            c41.intoArray(c, o4 + L);
            c42.intoArray(c, o4 + 2 * L);
            int o5 = cOff + 5 * ldc;
            c50.intoArray(c, o5);
            c51.intoArray(c, o5 + L);
            c52.intoArray(c, o5 + 2 * L);
            int o6 = cOff + 6 * ldc;
            c60.intoArray(c, o6);
            c61.intoArray(c, o6 + L);
            c62.intoArray(c, o6 + 2 * L);
            int o7 = cOff + 7 * ldc;
            c70.intoArray(c, o7);
            c71.intoArray(c, o7 + L);
            c72.intoArray(c, o7 + 2 * L);
        }
    }

    @Override
    public void rowGather(int kc, float[] a, int aOff, float[] src, int base, int[] koff, float[] c, int cOff, int len) {
        int x = 0;
        // four vectors at a time (independent accumulators keep the FMA pipes busy), then one, then the scalar tail
        for (; x + 4 * L <= len; x += 4 * L) {
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            for (int k = 0; k < kc; k++) {
                FloatVector v = FloatVector.broadcast(S, a[aOff + k]);
                int bo = base + koff[k] + x;
                s0 = FloatVector.fromArray(S, src, bo).fma(v, s0);
                s1 = FloatVector.fromArray(S, src, bo + L).fma(v, s1);
                s2 = FloatVector.fromArray(S, src, bo + 2 * L).fma(v, s2);
                s3 = FloatVector.fromArray(S, src, bo + 3 * L).fma(v, s3);
            }
            s0.intoArray(c, cOff + x);
            s1.intoArray(c, cOff + x + L);
            s2.intoArray(c, cOff + x + 2 * L);
            s3.intoArray(c, cOff + x + 3 * L);
        }
        for (; x + L <= len; x += L) {
            FloatVector s0 = FloatVector.zero(S);
            for (int k = 0; k < kc; k++) {
                s0 = FloatVector.fromArray(S, src, base + koff[k] + x).fma(FloatVector.broadcast(S, a[aOff + k]), s0);
            }
            s0.intoArray(c, cOff + x);
        }
        for (; x < len; x++) {
            float sum = 0f;
            for (int k = 0; k < kc; k++) {
                sum += a[aOff + k] * src[base + koff[k] + x];
            }
            c[cOff + x] = sum;
        }
    }

    @Override
    public void tileGather(int kc, float[] a, int aOff, float[] src, int base, int[] koff, int k0, float[] c, int cOff, int ldc) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c10 = z, c11 = z, c12 = z, c20 = z, c21 = z, c22 = z, c30 = z, c31 = z, c32 = z;
        FloatVector c40 = z, c41 = z, c42 = z, c50 = z, c51 = z, c52 = z, c60 = z, c61 = z, c62 = z, c70 = z, c71 = z, c72 = z;
        int ao = aOff;
        for (int k = 0; k < kc; k++, ao += MR) {
            int bo = base + koff[k0 + k];
            FloatVector b0 = FloatVector.fromArray(S, src, bo);
            FloatVector b1 = FloatVector.fromArray(S, src, bo + L);
            FloatVector b2 = FloatVector.fromArray(S, src, bo + 2 * L);
            FloatVector v;
            v = FloatVector.broadcast(S, a[ao]);
            c00 = b0.fma(v, c00); c01 = b1.fma(v, c01); c02 = b2.fma(v, c02);
            v = FloatVector.broadcast(S, a[ao + 1]);
            c10 = b0.fma(v, c10); c11 = b1.fma(v, c11); c12 = b2.fma(v, c12);
            v = FloatVector.broadcast(S, a[ao + 2]);
            c20 = b0.fma(v, c20); c21 = b1.fma(v, c21); c22 = b2.fma(v, c22);
            v = FloatVector.broadcast(S, a[ao + 3]);
            c30 = b0.fma(v, c30); c31 = b1.fma(v, c31); c32 = b2.fma(v, c32);
            v = FloatVector.broadcast(S, a[ao + 4]);
            c40 = b0.fma(v, c40); c41 = b1.fma(v, c41); c42 = b2.fma(v, c42);
            v = FloatVector.broadcast(S, a[ao + 5]);
            c50 = b0.fma(v, c50); c51 = b1.fma(v, c51); c52 = b2.fma(v, c52);
            v = FloatVector.broadcast(S, a[ao + 6]);
            c60 = b0.fma(v, c60); c61 = b1.fma(v, c61); c62 = b2.fma(v, c62);
            v = FloatVector.broadcast(S, a[ao + 7]);
            c70 = b0.fma(v, c70); c71 = b1.fma(v, c71); c72 = b2.fma(v, c72);
        }
        // stores written out by hand: a helper method taking vectors may not be inlined, and boxed vectors are slow
        int o0 = cOff;
        c00.intoArray(c, o0);
        c01.intoArray(c, o0 + L);
        c02.intoArray(c, o0 + 2 * L);
        int o1 = cOff + 1 * ldc;
        c10.intoArray(c, o1);
        c11.intoArray(c, o1 + L);
        c12.intoArray(c, o1 + 2 * L);
        int o2 = cOff + 2 * ldc;
        c20.intoArray(c, o2);
        c21.intoArray(c, o2 + L);
        c22.intoArray(c, o2 + 2 * L);
        int o3 = cOff + 3 * ldc;
        c30.intoArray(c, o3);
        c31.intoArray(c, o3 + L);
        c32.intoArray(c, o3 + 2 * L);
        int o4 = cOff + 4 * ldc;
        c40.intoArray(c, o4);
        c41.intoArray(c, o4 + L);
        c42.intoArray(c, o4 + 2 * L);
        int o5 = cOff + 5 * ldc;
        c50.intoArray(c, o5);
        c51.intoArray(c, o5 + L);
        c52.intoArray(c, o5 + 2 * L);
        int o6 = cOff + 6 * ldc;
        c60.intoArray(c, o6);
        c61.intoArray(c, o6 + L);
        c62.intoArray(c, o6 + 2 * L);
        int o7 = cOff + 7 * ldc;
        c70.intoArray(c, o7);
        c71.intoArray(c, o7 + L);
        c72.intoArray(c, o7 + 2 * L);
    }

    /** Output channels and taps of one block of {@link #weightGradient}: 4 x 6 accumulators stay in registers. */
    static final int GRAD_CO = 4;
    static final int GRAD_K = 6;

    @Override
    public void weightGradient(float[] dy, int dyOff, int dyChannel, int dyRow, float[] src, int srcOff, int srcRow, int[] koff,
                               int rows, int width, int co0, int nco, int k0, int nk, float[] dw, int ldw) {
        for (int c = co0; c < co0 + nco; c += GRAD_CO) {
            int nc = Math.min(GRAD_CO, co0 + nco - c);
            for (int k = k0; k < k0 + nk; k += GRAD_K) {
                int nt = Math.min(GRAD_K, k0 + nk - k);
                gradientBlock(dy, dyOff, dyChannel, dyRow, src, srcOff, srcRow, koff, rows, width, c, nc, k, nt, dw, ldw);
            }
        }
    }

    /**
     * One block of up to 4 output channels by 6 taps; a smaller block repeats its last channel or tap (the repeated
     * sums are computed and dropped), so one loop body with 24 accumulators serves every block.
     */
    private static void gradientBlock(float[] dy, int dyOff, int dyChannel, int dyRow, float[] src, int srcOff, int srcRow, int[] koff,
                                      int rows, int width, int c, int nc, int k, int nt, float[] dw, int ldw) {
        int d0 = dyOff + c * dyChannel;
        int d1 = dyOff + (c + Math.min(1, nc - 1)) * dyChannel;
        int d2 = dyOff + (c + Math.min(2, nc - 1)) * dyChannel;
        int d3 = dyOff + (c + Math.min(3, nc - 1)) * dyChannel;
        int t0 = srcOff + koff[k];
        int t1 = srcOff + koff[k + Math.min(1, nt - 1)];
        int t2 = srcOff + koff[k + Math.min(2, nt - 1)];
        int t3 = srcOff + koff[k + Math.min(3, nt - 1)];
        int t4 = srcOff + koff[k + Math.min(4, nt - 1)];
        int t5 = srcOff + koff[k + Math.min(5, nt - 1)];
        FloatVector z = FloatVector.zero(S);
        FloatVector a00 = z, a01 = z, a02 = z, a03 = z, a04 = z, a05 = z;
        FloatVector a10 = z, a11 = z, a12 = z, a13 = z, a14 = z, a15 = z;
        FloatVector a20 = z, a21 = z, a22 = z, a23 = z, a24 = z, a25 = z;
        FloatVector a30 = z, a31 = z, a32 = z, a33 = z, a34 = z, a35 = z;
        if (width < L) {
            // rows shorter than a vector: the scalar twin's loops (only the last conv layers of small inputs)
            SCALAR.weightGradient(dy, dyOff, dyChannel, dyRow, src, srcOff, srcRow, koff, rows, width, c, nc, k, nt, dw, ldw);
            return;
        }
        int full = width - width % L;
        // the last partial vector of a row is loaded whole, ending at the row's end, and the lanes the loop already
        // summed are zeroed in the gradient (a blend with a fixed mask: masked loads are slow in Java 17)
        int last = width - L;
        VectorMask<Float> seen = S.indexInRange(0, full - last);
        for (int oy = 0; oy < rows; oy++) {
            int dr = oy * dyRow;
            int sr = oy * srcRow;
            int ox = 0;
            for (; ox < full; ox += L) {
                FloatVector g0 = FloatVector.fromArray(S, dy, d0 + dr + ox);
                FloatVector g1 = FloatVector.fromArray(S, dy, d1 + dr + ox);
                FloatVector g2 = FloatVector.fromArray(S, dy, d2 + dr + ox);
                FloatVector g3 = FloatVector.fromArray(S, dy, d3 + dr + ox);
                FloatVector v;
                v = FloatVector.fromArray(S, src, t0 + sr + ox);
                a00 = g0.fma(v, a00); a10 = g1.fma(v, a10); a20 = g2.fma(v, a20); a30 = g3.fma(v, a30);
                v = FloatVector.fromArray(S, src, t1 + sr + ox);
                a01 = g0.fma(v, a01); a11 = g1.fma(v, a11); a21 = g2.fma(v, a21); a31 = g3.fma(v, a31);
                v = FloatVector.fromArray(S, src, t2 + sr + ox);
                a02 = g0.fma(v, a02); a12 = g1.fma(v, a12); a22 = g2.fma(v, a22); a32 = g3.fma(v, a32);
                v = FloatVector.fromArray(S, src, t3 + sr + ox);
                a03 = g0.fma(v, a03); a13 = g1.fma(v, a13); a23 = g2.fma(v, a23); a33 = g3.fma(v, a33);
                v = FloatVector.fromArray(S, src, t4 + sr + ox);
                a04 = g0.fma(v, a04); a14 = g1.fma(v, a14); a24 = g2.fma(v, a24); a34 = g3.fma(v, a34);
                v = FloatVector.fromArray(S, src, t5 + sr + ox);
                a05 = g0.fma(v, a05); a15 = g1.fma(v, a15); a25 = g2.fma(v, a25); a35 = g3.fma(v, a35);
            }
            if (full < width) {
                ox = last;
                FloatVector g0 = FloatVector.fromArray(S, dy, d0 + dr + ox).blend(z, seen);
                FloatVector g1 = FloatVector.fromArray(S, dy, d1 + dr + ox).blend(z, seen);
                FloatVector g2 = FloatVector.fromArray(S, dy, d2 + dr + ox).blend(z, seen);
                FloatVector g3 = FloatVector.fromArray(S, dy, d3 + dr + ox).blend(z, seen);
                FloatVector v;
                v = FloatVector.fromArray(S, src, t0 + sr + ox);
                a00 = g0.fma(v, a00); a10 = g1.fma(v, a10); a20 = g2.fma(v, a20); a30 = g3.fma(v, a30);
                v = FloatVector.fromArray(S, src, t1 + sr + ox);
                a01 = g0.fma(v, a01); a11 = g1.fma(v, a11); a21 = g2.fma(v, a21); a31 = g3.fma(v, a31);
                v = FloatVector.fromArray(S, src, t2 + sr + ox);
                a02 = g0.fma(v, a02); a12 = g1.fma(v, a12); a22 = g2.fma(v, a22); a32 = g3.fma(v, a32);
                v = FloatVector.fromArray(S, src, t3 + sr + ox);
                a03 = g0.fma(v, a03); a13 = g1.fma(v, a13); a23 = g2.fma(v, a23); a33 = g3.fma(v, a33);
                v = FloatVector.fromArray(S, src, t4 + sr + ox);
                a04 = g0.fma(v, a04); a14 = g1.fma(v, a14); a24 = g2.fma(v, a24); a34 = g3.fma(v, a34);
                v = FloatVector.fromArray(S, src, t5 + sr + ox);
                a05 = g0.fma(v, a05); a15 = g1.fma(v, a15); a25 = g2.fma(v, a25); a35 = g3.fma(v, a35);
            }
        }
        // sums written out by hand, as the tile stores are: a loop over an array of vectors would box them
        int r0 = c * ldw + k;
        dw[r0] += a00.reduceLanes(VectorOperators.ADD);
        if (nt > 1) dw[r0 + 1] += a01.reduceLanes(VectorOperators.ADD);
        if (nt > 2) dw[r0 + 2] += a02.reduceLanes(VectorOperators.ADD);
        if (nt > 3) dw[r0 + 3] += a03.reduceLanes(VectorOperators.ADD);
        if (nt > 4) dw[r0 + 4] += a04.reduceLanes(VectorOperators.ADD);
        if (nt > 5) dw[r0 + 5] += a05.reduceLanes(VectorOperators.ADD);
        if (nc > 1) {
            int r1 = r0 + ldw;
            dw[r1] += a10.reduceLanes(VectorOperators.ADD);
            if (nt > 1) dw[r1 + 1] += a11.reduceLanes(VectorOperators.ADD);
            if (nt > 2) dw[r1 + 2] += a12.reduceLanes(VectorOperators.ADD);
            if (nt > 3) dw[r1 + 3] += a13.reduceLanes(VectorOperators.ADD);
            if (nt > 4) dw[r1 + 4] += a14.reduceLanes(VectorOperators.ADD);
            if (nt > 5) dw[r1 + 5] += a15.reduceLanes(VectorOperators.ADD);
        }
        if (nc > 2) {
            int r2 = r0 + 2 * ldw;
            dw[r2] += a20.reduceLanes(VectorOperators.ADD);
            if (nt > 1) dw[r2 + 1] += a21.reduceLanes(VectorOperators.ADD);
            if (nt > 2) dw[r2 + 2] += a22.reduceLanes(VectorOperators.ADD);
            if (nt > 3) dw[r2 + 3] += a23.reduceLanes(VectorOperators.ADD);
            if (nt > 4) dw[r2 + 4] += a24.reduceLanes(VectorOperators.ADD);
            if (nt > 5) dw[r2 + 5] += a25.reduceLanes(VectorOperators.ADD);
        }
        if (nc > 3) {
            int r3 = r0 + 3 * ldw;
            dw[r3] += a30.reduceLanes(VectorOperators.ADD);
            if (nt > 1) dw[r3 + 1] += a31.reduceLanes(VectorOperators.ADD);
            if (nt > 2) dw[r3 + 2] += a32.reduceLanes(VectorOperators.ADD);
            if (nt > 3) dw[r3 + 3] += a33.reduceLanes(VectorOperators.ADD);
            if (nt > 4) dw[r3 + 4] += a34.reduceLanes(VectorOperators.ADD);
            if (nt > 5) dw[r3 + 5] += a35.reduceLanes(VectorOperators.ADD);
        }
    }

    @Override
    public String describe() {
        return "Vector API, " + L + " float lanes, " + MR + "x" + NR + " tiles";
    }
}
