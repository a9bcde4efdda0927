package org.visualbackprop.compute;

/**
 * Plain-Java twin of {@code VectorMicroKernel}: the same tile contract in scalar loops. Used when the JVM was
 * started without {@code --add-modules jdk.incubator.vector} (it is about 20 times slower), and by the tests as
 * the reference for the vector kernel.
 */
final class ScalarMicroKernel implements MicroKernel {
    private final int nr;

    ScalarMicroKernel(int nr) {
        this.nr = nr;
    }

    @Override
    public int nr() {
        return nr;
    }

    @Override
    public void tile(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc, boolean accumulate) {
        float[] acc = new float[MR * nr];
        for (int k = 0; k < kc; k++) {
            int ao = aOff + k * MR;
            int bo = bOff + k * nr;
            for (int r = 0; r < MR; r++) {
                float av = a[ao + r];
                int base = r * nr;
                for (int j = 0; j < nr; j++) {
                    acc[base + j] += av * b[bo + j];
                }
            }
        }
        for (int r = 0; r < MR; r++) {
            int co = cOff + r * ldc;
            for (int j = 0; j < nr; j++) {
                c[co + j] = accumulate ? c[co + j] + acc[r * nr + j] : acc[r * nr + j];
            }
        }
    }

    @Override
    public void tileGather(int kc, float[] a, int aOff, float[] src, int base, int[] koff, int k0, float[] c, int cOff, int ldc) {
        float[] acc = new float[MR * nr];
        for (int k = 0; k < kc; k++) {
            int ao = aOff + k * MR;
            int bo = base + koff[k0 + k];
            for (int r = 0; r < MR; r++) {
                float av = a[ao + r];
                int row = r * nr;
                for (int j = 0; j < nr; j++) {
                    acc[row + j] += av * src[bo + j];
                }
            }
        }
        for (int r = 0; r < MR; r++) {
            System.arraycopy(acc, r * nr, c, cOff + r * ldc, nr);
        }
    }

    @Override
    public void rowGather(int kc, float[] a, int aOff, float[] src, int base, int[] koff, float[] c, int cOff, int len) {
        java.util.Arrays.fill(c, cOff, cOff + len, 0f);
        for (int k = 0; k < kc; k++) {
            float av = a[aOff + k];
            int bo = base + koff[k];
            for (int x = 0; x < len; x++) {
                c[cOff + x] += av * src[bo + x];
            }
        }
    }

    @Override
    public String describe() {
        return "scalar Java, " + MR + "x" + nr + " tiles (start the JVM with --add-modules jdk.incubator.vector for the fast kernel)";
    }

    @Override
    public void weightGradient(float[] dy, int dyOff, int dyChannel, int dyRow, float[] src, int srcOff, int srcRow, int[] koff,
                               int rows, int width, int co0, int nco, int k0, int nk, float[] dw, int ldw) {
        for (int co = co0; co < co0 + nco; co++) {
            for (int k = k0; k < k0 + nk; k++) {
                float s = 0;
                for (int oy = 0; oy < rows; oy++) {
                    int d = dyOff + co * dyChannel + oy * dyRow;
                    int x = srcOff + koff[k] + oy * srcRow;
                    for (int ox = 0; ox < width; ox++) {
                        s += dy[d + ox] * src[x + ox];
                    }
                }
                dw[co * ldw + k] += s;
            }
        }
    }
}
