package org.visualbackprop.compute;

/** Plain-Java twin of {@code VectorElementKernels}; see {@link ElementKernels} for the contract. */
final class ScalarElementKernels implements ElementKernels {
    /** Values summed in float before the partial sum goes into the double total. */
    static final int RUN = 1024;

    @Override
    public void reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int len) {
        for (int i = 0; i < len; i++) {
            dx[dxOff + i] = x[xOff + i] > 0f ? dy[dyOff + i] : 0f;
        }
    }

    @Override
    public void shiftedSums(float[] x, int off, int len, float shift, double[] out) {
        for (int r = 0; r < len; r += RUN) {
            int end = Math.min(len, r + RUN);
            float s = 0;
            float q = 0;
            for (int i = r; i < end; i++) {
                float d = x[off + i] - shift;
                s += d;
                q += d * d;
            }
            out[0] += s;
            out[1] += q;
        }
    }

    @Override
    public void gradientSums(float[] dy, int dyOff, float[] x, int xOff, int len, float mean, double[] out) {
        for (int r = 0; r < len; r += RUN) {
            int end = Math.min(len, r + RUN);
            float s = 0;
            float p = 0;
            for (int i = r; i < end; i++) {
                float g = dy[dyOff + i];
                s += g;
                p += g * (x[xOff + i] - mean);
            }
            out[0] += s;
            out[1] += p;
        }
    }

    @Override
    public int fusedAffineBound(int len) {
        return 0;
    }

    @Override
    public void affine(float[] x, int xOff, float a, float b, float[] y, int yOff, int len) {
        for (int i = 0; i < len; i++) {
            y[yOff + i] = a * x[xOff + i] + b;
        }
    }

    @Override
    public void affine2(float[] dy, int dyOff, float[] x, int xOff, float xShift, float a, float b, float c, float[] dx, int dxOff, int len) {
        for (int i = 0; i < len; i++) {
            dx[dxOff + i] = a * dy[dyOff + i] + b * (x[xOff + i] - xShift) + c;
        }
    }

    @Override
    public String describe() {
        return "scalar element loops";
    }
}
