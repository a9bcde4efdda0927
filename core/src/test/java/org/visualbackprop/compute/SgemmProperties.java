package org.visualbackprop.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.visualbackprop.testing.NumericAssert.assertWithinMagnitude;

import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.visualbackprop.testing.LiteralOracles;
import org.visualbackprop.testing.TestData;
import org.visualbackprop.testing.Tolerances;

/**
 * The matrix product: the Vector API tile kernel against its scalar twin, and the blocked, multithreaded
 * {@link Sgemm#multiply} (with either kernel) against a naive triple loop in double precision, for odd sizes,
 * strided and transposed operands, offsets, and with and without accumulation.
 */
class SgemmProperties {
    private static final MicroKernel VECTOR = new VectorMicroKernel();
    private static final MicroKernel SCALAR = new ScalarMicroKernel(VECTOR.nr());

    /** A product problem: sizes, operand layouts, padding of the leading dimensions, offsets. */
    record Case(int m, int n, int k, boolean aTransposed, boolean bTransposed, int pad, int offset, boolean accumulate,
                long seed) {
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Integer> size = Arbitraries.oneOf(Arbitraries.integers().between(1, 20),
                Arbitraries.integers().between(1, 300));
        return Combinators.combine(size, size, size, Arbitraries.of(false, true), Arbitraries.of(false, true),
                        Arbitraries.integers().between(0, 5), Arbitraries.integers().between(0, 7),
                        Arbitraries.of(false, true))
                .flatAs((m, n, k, at, bt, pad, off, acc) -> Arbitraries.longs()
                        .map(seed -> new Case(m, n, k, at, bt, pad, off, acc, seed)));
    }

    @Property(tries = 40)
    void vectorProductEqualsTripleLoop(@ForAll("cases") Case c) {
        check(VECTOR, c);
    }

    @Property(tries = 25)
    void scalarProductEqualsTripleLoop(@ForAll("cases") Case c) {
        check(SCALAR, c);
    }

    @Property(tries = 40)
    void publicEntryPointEqualsTripleLoop(@ForAll("cases") Case c) {
        check(null, c);
    }

    private static void check(MicroKernel kernel, Case c) {
        SplittableRandom r = new SplittableRandom(c.seed());
        int m = c.m();
        int n = c.n();
        int k = c.k();
        // A is m x k: row-major with leading dimension k + pad, or stored transposed (k x m, leading dimension m + pad)
        int aRow = c.aTransposed() ? 1 : k + c.pad();
        int aCol = c.aTransposed() ? m + c.pad() : 1;
        float[] a = random(c.offset() + (c.aTransposed() ? k * (m + c.pad()) : m * (k + c.pad())), r);
        int bRow = c.bTransposed() ? 1 : n + c.pad();
        int bCol = c.bTransposed() ? k + c.pad() : 1;
        float[] b = random(c.offset() + (c.bTransposed() ? n * (k + c.pad()) : k * (n + c.pad())), r);
        int ldc = n + c.pad();
        float[] c0 = random(c.offset() + m * ldc, r);
        float[] out = c0.clone();
        if (kernel == null) {
            Sgemm.multiply(m, n, k, a, c.offset(), aRow, aCol, b, c.offset(), bRow, bCol, out, c.offset(), ldc, c.accumulate());
        } else {
            Sgemm.multiply(kernel, m, n, k, a, c.offset(), aRow, aCol, Sgemm.matrix(b, c.offset(), bRow, bCol), out,
                    c.offset(), ldc, c.accumulate());
        }
        double[][] ad = new double[m][k];
        double[][] bd = new double[k][n];
        for (int i = 0; i < m; i++) {
            for (int kk = 0; kk < k; kk++) {
                ad[i][kk] = a[c.offset() + i * aRow + kk * aCol];
            }
        }
        for (int kk = 0; kk < k; kk++) {
            for (int j = 0; j < n; j++) {
                bd[kk][j] = b[c.offset() + kk * bRow + j * bCol];
            }
        }
        LiteralOracles.Result want = LiteralOracles.matmul(ad, bd);
        float[] block = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                block[i * n + j] = out[c.offset() + i * ldc + j];
                if (c.accumulate()) {
                    float start = c0[c.offset() + i * ldc + j];
                    want.value()[i * n + j] += start;
                    want.magnitude()[i * n + j] += Math.abs(start);
                }
            }
        }
        assertWithinMagnitude(block, want, Tolerances.F32, "C block of " + c);
        // nothing outside the m x n block is written: the offset, the padding columns
        for (int idx = 0; idx < out.length; idx++) {
            int rel = idx - c.offset();
            boolean inside = rel >= 0 && rel % ldc < n;
            if (!inside && Float.floatToRawIntBits(out[idx]) != Float.floatToRawIntBits(c0[idx])) {
                fail("element " + idx + " outside the C block was written (" + c0[idx] + " -> " + out[idx] + ") in " + c);
            }
        }
    }

    @Property(tries = 60)
    void vectorTileEqualsScalarTile(@ForAll @IntRange(min = 1, max = 700) int kc, @ForAll @IntRange(min = 0, max = 9) int extraLd,
                                    @ForAll boolean accumulate, @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int nr = VECTOR.nr();
        int mr = MicroKernel.MR;
        int ldc = nr + extraLd;
        float[] a = random(3 + kc * mr, r);
        float[] b = random(5 + kc * nr, r);
        float[] c0 = random(2 + mr * ldc, r);
        float[] cv = c0.clone();
        float[] cs = c0.clone();
        VECTOR.tile(kc, a, 3, b, 5, cv, 2, ldc, accumulate);
        SCALAR.tile(kc, a, 3, b, 5, cs, 2, ldc, accumulate);
        double[] want = new double[mr * nr];
        double[] mag = new double[mr * nr];
        for (int i = 0; i < mr; i++) {
            for (int j = 0; j < nr; j++) {
                double s = accumulate ? c0[2 + i * ldc + j] : 0;
                double am = Math.abs(s);
                for (int kk = 0; kk < kc; kk++) {
                    double t = (double) a[3 + kk * mr + i] * b[5 + kk * nr + j];
                    s += t;
                    am += Math.abs(t);
                }
                want[i * nr + j] = s;
                mag[i * nr + j] = am;
            }
        }
        float[] tv = new float[mr * nr];
        float[] ts = new float[mr * nr];
        for (int i = 0; i < mr; i++) {
            System.arraycopy(cv, 2 + i * ldc, tv, i * nr, nr);
            System.arraycopy(cs, 2 + i * ldc, ts, i * nr, nr);
            for (int j = nr; j < ldc; j++) {
                assertEquals(c0[2 + i * ldc + j], cv[2 + i * ldc + j], "vector tile wrote past its columns");
                assertEquals(c0[2 + i * ldc + j], cs[2 + i * ldc + j], "scalar tile wrote past its columns");
            }
        }
        LiteralOracles.Result exact = new LiteralOracles.Result(want, mag);
        assertWithinMagnitude(tv, exact, Tolerances.F32, "vector tile, kc " + kc);
        assertWithinMagnitude(ts, exact, Tolerances.F32, "scalar tile, kc " + kc);
        assertWithinMagnitude(tv, new LiteralOracles.Result(TestData.toDouble(ts), mag), Tolerances.F32,
                "vector tile against scalar tile, kc " + kc);
    }

    /**
     * The convolution weight-gradient kernel (dot products along rows): vector and scalar against a double-precision
     * literal sum, on blocks of every size up to and past the vector kernel's 4 x 6 (repeated rows and taps must not
     * be added twice), rows shorter and longer than a vector, taps at scattered offsets.
     */
    @Property(tries = 60)
    void weightGradientKernelsEqualTheLiteralSum(@ForAll @IntRange(min = 1, max = 11) int nco, @ForAll @IntRange(min = 1, max = 15) int nk,
                                                 @ForAll @IntRange(min = 1, max = 5) int rows, @ForAll @IntRange(min = 1, max = 70) int width,
                                                 @ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int co0 = 1;
        int k0 = 2;
        int cout = co0 + nco + 1;
        int k = k0 + nk + 1;
        int dyRow = width + r.nextInt(3);
        int dyChannel = rows * dyRow + r.nextInt(5);
        int srcRow = width + 2 + r.nextInt(4);
        float[] dy = random(3 + cout * dyChannel, r);
        int[] koff = new int[k];
        for (int t = 0; t < k; t++) {
            koff[t] = r.nextInt(40);
        }
        float[] src = random(7 + 40 + rows * srcRow, r);
        float[] dw0 = random(cout * k, r);
        float[] dv = dw0.clone();
        float[] ds = dw0.clone();
        VECTOR.weightGradient(dy, 3, dyChannel, dyRow, src, 7, srcRow, koff, rows, width, co0, nco, k0, nk, dv, k);
        SCALAR.weightGradient(dy, 3, dyChannel, dyRow, src, 7, srcRow, koff, rows, width, co0, nco, k0, nk, ds, k);
        double[] want = new double[cout * k];
        double[] mag = new double[cout * k];
        for (int co = 0; co < cout; co++) {
            for (int t = 0; t < k; t++) {
                double s = dw0[co * k + t];
                double m = Math.abs(s);
                if (co >= co0 && co < co0 + nco && t >= k0 && t < k0 + nk) {
                    for (int oy = 0; oy < rows; oy++) {
                        for (int ox = 0; ox < width; ox++) {
                            double term = (double) dy[3 + co * dyChannel + oy * dyRow + ox] * src[7 + koff[t] + oy * srcRow + ox];
                            s += term;
                            m += Math.abs(term);
                        }
                    }
                }
                want[co * k + t] = s;
                mag[co * k + t] = m;
            }
        }
        LiteralOracles.Result exact = new LiteralOracles.Result(want, mag);
        assertWithinMagnitude(dv, exact, Tolerances.F32, "vector weight gradient " + nco + " x " + nk + ", " + rows + " x " + width);
        assertWithinMagnitude(ds, exact, Tolerances.F32, "scalar weight gradient " + nco + " x " + nk + ", " + rows + " x " + width);
    }

    @Property(tries = 20)
    void emptyReductionZeroesOrKeepsTheBlock(@ForAll @IntRange(min = 1, max = 40) int m, @ForAll @IntRange(min = 1, max = 60) int n,
                                             @ForAll boolean accumulate) {
        float[] c = random(m * n, new SplittableRandom(m * 100L + n));
        float[] before = c.clone();
        Sgemm.multiply(m, n, 0, new float[0], 0, 0, 1, new float[0], 0, n, 1, c, 0, n, accumulate);
        for (int i = 0; i < c.length; i++) {
            assertEquals(accumulate ? before[i] : 0f, c[i], "element " + i);
        }
    }

    private static float[] random(int size, SplittableRandom r) {
        float[] f = new float[size];
        for (int i = 0; i < size; i++) {
            f[i] = (float) (2 * r.nextDouble() - 1);
        }
        return f;
    }
}
