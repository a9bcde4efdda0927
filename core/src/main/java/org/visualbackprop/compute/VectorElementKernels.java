package org.visualbackprop.compute;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ElementKernels} on Java's Vector API: the comparisons of the ReLU's backward step become a lane mask and a
 * blend (no branch per value, which the scalar loop mispredicts on half of all activations), and the BatchNorm sums
 * keep one float accumulator per lane over runs of {@link ScalarElementKernels#RUN} values. Loaded reflectively by
 * {@link Elementwise} only when the module {@code jdk.incubator.vector} is present.
 */
final class VectorElementKernels implements ElementKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public void reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int len) {
        int i = 0;
        int bound = S.loopBound(len);
        FloatVector zero = FloatVector.zero(S);
        for (; i < bound; i += L) {
            FloatVector xv = FloatVector.fromArray(S, x, xOff + i);
            FloatVector g = FloatVector.fromArray(S, dy, dyOff + i);
            zero.blend(g, xv.compare(VectorOperators.GT, 0f)).intoArray(dx, dxOff + i);
        }
        for (; i < len; i++) {
            dx[dxOff + i] = x[xOff + i] > 0f ? dy[dyOff + i] : 0f;
        }
    }

    @Override
    public void shiftedSums(float[] x, int off, int len, float shift, double[] out) {
        FloatVector sh = FloatVector.broadcast(S, shift);
        for (int r = 0; r < len; r += ScalarElementKernels.RUN) {
            int end = Math.min(len, r + ScalarElementKernels.RUN);
            FloatVector s = FloatVector.zero(S);
            FloatVector q = FloatVector.zero(S);
            int i = r;
            for (; i + L <= end; i += L) {
                FloatVector d = FloatVector.fromArray(S, x, off + i).sub(sh);
                s = s.add(d);
                q = d.fma(d, q);
            }
            float ts = 0;
            float tq = 0;
            for (; i < end; i++) {
                float d = x[off + i] - shift;
                ts += d;
                tq += d * d;
            }
            out[0] += s.reduceLanes(VectorOperators.ADD) + ts;
            out[1] += q.reduceLanes(VectorOperators.ADD) + tq;
        }
    }

    @Override
    public void gradientSums(float[] dy, int dyOff, float[] x, int xOff, int len, float mean, double[] out) {
        FloatVector mu = FloatVector.broadcast(S, mean);
        for (int r = 0; r < len; r += ScalarElementKernels.RUN) {
            int end = Math.min(len, r + ScalarElementKernels.RUN);
            FloatVector s = FloatVector.zero(S);
            FloatVector p = FloatVector.zero(S);
            int i = r;
            for (; i + L <= end; i += L) {
                FloatVector g = FloatVector.fromArray(S, dy, dyOff + i);
                FloatVector d = FloatVector.fromArray(S, x, xOff + i).sub(mu);
                s = s.add(g);
                p = g.fma(d, p);
            }
            float ts = 0;
            float tp = 0;
            for (; i < end; i++) {
                float g = dy[dyOff + i];
                ts += g;
                tp += g * (x[xOff + i] - mean);
            }
            out[0] += s.reduceLanes(VectorOperators.ADD) + ts;
            out[1] += p.reduceLanes(VectorOperators.ADD) + tp;
        }
    }

    @Override
    public int fusedAffineBound(int len) {
        return S.loopBound(len);
    }

    @Override
    public void affine(float[] x, int xOff, float a, float b, float[] y, int yOff, int len) {
        FloatVector av = FloatVector.broadcast(S, a);
        FloatVector bv = FloatVector.broadcast(S, b);
        int i = 0;
        int bound = S.loopBound(len);
        for (; i < bound; i += L) {
            FloatVector.fromArray(S, x, xOff + i).fma(av, bv).intoArray(y, yOff + i);
        }
        for (; i < len; i++) {
            y[yOff + i] = a * x[xOff + i] + b;
        }
    }

    @Override
    public void affine2(float[] dy, int dyOff, float[] x, int xOff, float xShift, float a, float b, float c, float[] dx, int dxOff, int len) {
        FloatVector av = FloatVector.broadcast(S, a);
        FloatVector bv = FloatVector.broadcast(S, b);
        FloatVector cv = FloatVector.broadcast(S, c);
        FloatVector sv = FloatVector.broadcast(S, xShift);
        int i = 0;
        int bound = S.loopBound(len);
        for (; i < bound; i += L) {
            FloatVector g = FloatVector.fromArray(S, dy, dyOff + i);
            FloatVector xv = FloatVector.fromArray(S, x, xOff + i).sub(sv);
            g.fma(av, xv.fma(bv, cv)).intoArray(dx, dxOff + i);
        }
        for (; i < len; i++) {
            dx[dxOff + i] = a * dy[dyOff + i] + b * (x[xOff + i] - xShift) + c;
        }
    }

    @Override
    public String describe() {
        return "Vector API element loops, " + L + " float lanes";
    }
}
