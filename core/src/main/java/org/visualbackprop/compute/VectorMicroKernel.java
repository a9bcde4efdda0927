package org.visualbackprop.compute;

import jdk.incubator.vector.FloatVector;
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

    @Override
    public String describe() {
        return "Vector API, " + L + " float lanes, " + MR + "x" + NR + " tiles";
    }
}
