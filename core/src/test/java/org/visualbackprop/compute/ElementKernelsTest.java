package org.visualbackprop.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.visualbackprop.testing.Tolerances;

/**
 * The element loops, scalar and Vector API alike, against literal double-precision formulas; lengths that are not
 * multiples of the vector width and offsets into larger arrays reach the tails.
 */
class ElementKernelsTest {
    static List<ElementKernels> kernels() {
        List<ElementKernels> k = new ArrayList<>();
        k.add(new ScalarElementKernels());
        k.add(Elementwise.kernels());
        assertTrue(!Sgemm.vectorized() || Elementwise.kernels() instanceof VectorElementKernels,
                "with the Vector API loaded, the vector loops are the ones in use");
        return k;
    }

    static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return a;
    }

    @Test
    void reluBackwardPassesTheGradientWhereTheInputIsPositive() {
        for (ElementKernels k : kernels()) {
            for (int len : new int[] {0, 1, 15, 16, 17, 100, 2049}) {
                float[] x = random(len + 5, len);
                x[3] = 0f; // zero counts as off, as in the forward max(0, x)
                float[] dy = random(len + 7, len + 1);
                float[] dx = new float[len + 9];
                java.util.Arrays.fill(dx, 42f);
                k.reluBackward(x, 3, dy, 5, dx, 2, len);
                for (int i = 0; i < len; i++) {
                    assertEquals(x[3 + i] > 0 ? dy[5 + i] : 0f, dx[2 + i], 0f, k.describe() + " len " + len + " at " + i);
                }
                assertEquals(42f, dx[1], 0f);
                assertEquals(42f, dx[2 + len], 0f, "nothing written past the end");
            }
        }
    }

    @Test
    void sumsAndAffineMapsEqualTheirFormulasInDouble() {
        for (ElementKernels k : kernels()) {
            for (int len : new int[] {1, 13, 16, 1023, 1024, 1025, 5000}) {
                float[] x = random(len + 3, 2 * len);
                float[] dy = random(len + 4, 3 * len);
                float shift = 0.25f;
                double s = 0;
                double q = 0;
                double g = 0;
                double p = 0;
                double abs = 0;
                for (int i = 0; i < len; i++) {
                    double d = (double) x[3 + i] - shift;
                    s += d;
                    q += d * d;
                    g += dy[4 + i];
                    p += dy[4 + i] * d;
                    abs += Math.abs(d) + 1;
                }
                double[] out = {1, 2};
                k.shiftedSums(x, 3, len, shift, out);
                assertEquals(1 + s, out[0], Tolerances.F32 * abs, k.describe() + " sum, len " + len);
                assertEquals(2 + q, out[1], Tolerances.F32 * abs, k.describe() + " sum of squares, len " + len);
                double[] gs = {0, 0};
                k.gradientSums(dy, 4, x, 3, len, shift, gs);
                assertEquals(g, gs[0], Tolerances.F32 * abs, k.describe() + " sum of dy, len " + len);
                assertEquals(p, gs[1], Tolerances.F32 * abs, k.describe() + " sum of dy (x - mean), len " + len);

                float[] y = new float[len + 2];
                k.affine(x, 3, 1.5f, -0.5f, y, 2, len);
                float[] dx = new float[len + 1];
                k.affine2(dy, 4, x, 3, shift, 2f, -3f, 0.75f, dx, 1, len);
                for (int i = 0; i < len; i++) {
                    assertEquals(1.5 * x[3 + i] - 0.5, y[2 + i], 1e-6, "affine");
                    assertEquals(2.0 * dy[4 + i] - 3.0 * ((double) x[3 + i] - shift) + 0.75, dx[1 + i], 1e-5, "affine2");
                }
            }
        }
    }
}
