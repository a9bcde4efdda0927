package org.visualbackprop.compute;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.visualbackprop.testing.NumericAssert.assertWithinMagnitude;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;
import org.visualbackprop.testing.ConvCase;
import org.visualbackprop.testing.LiteralOracles;
import org.visualbackprop.testing.TestData;
import org.visualbackprop.testing.Tolerances;

/**
 * Larger convolutions than the properties draw, chosen to reach the matrix kernel's blocking and edge paths:
 * outputs wider than a 48-column tile, reduction lengths over the 256-step panel, images batched into one product
 * and images large enough to go alone, strides that leave the last rows or columns unused.
 */
class ConvKernelsTest {

    static Stream<ConvCase> cases() {
        return Stream.of(
                // reduction 12*5*5 = 300 > 256, output 8 x 116 (> 48 wide), two images per product
                new ConvCase(2, 12, 19, 12, 120, Window.of(5, 1, 0), 11),
                // padded stride 2, output 32 x 65 = 2080 positions: one image per product
                new ConvCase(2, 3, 10, 64, 130, Window.of(3, 2, 1), 12),
                // reduction 30*9 = 270, stride 2 leaving the last row and column unused (60 x 102 -> 29 x 50)
                new ConvCase(3, 30, 9, 60, 102, Window.of(3, 2, 0), 13),
                // the paper's first layer shape on a strip of road: 1 -> 32 channels, 3x3, stride 1, 300 wide
                new ConvCase(1, 1, 32, 20, 300, Window.of(3, 1, 0), 14),
                // non-square everything, 1 x 4 kernel, stride 3 x 2, padding 0 x 2, wide
                new ConvCase(2, 7, 5, 17, 203, new Window(1, 4, 3, 2, 0, 2), 15),
                // many output channels (more than one row panel per thread) and a reduction of exactly 256 + 1
                new ConvCase(1, 257, 67, 5, 53, Window.of(1, 1, 0), 16),
                // stride larger than the kernel: some input pixels reach no output (their gradient is zero), output 100 wide
                new ConvCase(2, 5, 9, 9, 301, new Window(2, 1, 3, 3, 0, 0), 17),
                // NetSVF's second layer on a strip: 32 -> 32 channels, 3x3 stride 2, 3 images, 20 x 300
                new ConvCase(3, 32, 32, 20, 300, Window.of(3, 2, 0), 18),
                // the im2col formulations over several products: 1,152 x 2,000 columns per image, so one image per product
                new ConvCase(2, 128, 8, 42, 52, Window.of(3, 1, 0), 19),
                // 108 x 928 columns per image, then 144 x 800 at stride 2: two images in one product, then the third alone
                new ConvCase(3, 12, 8, 18, 60, Window.of(3, 1, 0), 21),
                new ConvCase(3, 16, 9, 33, 101, Window.of(3, 2, 0), 20));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void largeConvolutionsEqualTheLiteralOracle(ConvCase c) {
        assertTrue(c.outW() > 48 || c.cin() * c.window().area() > 256, "case reaches a blocking path: " + c);
        SplittableRandom r = new SplittableRandom(c.seed());
        Shape wShape = new Shape(c.cout(), c.cin(), c.window().kernelH(), c.window().kernelW());
        Tensor x = TestData.uniform(c.inShape(), r);
        float[] w = TestData.uniform(wShape, r).data();
        float[] b = TestData.uniform(Shape.vector(1, c.cout()), r).data();
        float[] dy = TestData.uniform(new Shape(c.n(), c.cout(), c.outH(), c.outW()), r).data();
        double[] xd = TestData.toDouble(x);
        double[] wd = TestData.toDouble(w);
        double[] dyd = TestData.toDouble(dy);

        float[] out = new float[dy.length];
        ConvKernels.forward(c.inShape(), x.data(), w, b, c.window(), c.cout(), out);
        assertWithinMagnitude(out, LiteralOracles.conv2d(c.inShape(), xd, wd, TestData.toDouble(b), c.cout(), c.window()),
                Tolerances.F32, "forward " + c);
        float[] fused = new float[out.length];
        float[] relu = new float[out.length];
        ConvKernels.forward(c.inShape(), x.data(), w, b, c.window(), c.cout(), fused, relu);
        for (int i = 0; i < out.length; i++) {
            org.junit.jupiter.api.Assertions.assertEquals(out[i], fused[i], 0f, "fused conv output " + i);
            org.junit.jupiter.api.Assertions.assertEquals(Math.max(0f, out[i]), relu[i], 0f, "fused ReLU output " + i);
        }

        float[] dx = new float[x.data().length];
        float[] dw = new float[w.length];
        float[] db = new float[b.length];
        ConvKernels.backward(c.inShape(), x.data(), w, c.window(), c.cout(), dy, dx, dw, db);
        LiteralOracles.Result gx = LiteralOracles.conv2dGradInput(c.inShape(), wd, c.cout(), c.window(), dyd);
        assertWithinMagnitude(dx, gx, Tolerances.F32, "input gradient " + c);
        assertWithinMagnitude(dw, LiteralOracles.conv2dGradWeight(c.inShape(), xd, c.cout(), c.window(), dyd),
                Tolerances.F32, "weight gradient " + c);
        assertWithinMagnitude(db, LiteralOracles.conv2dGradBias(c.n(), c.cout(), c.outH(), c.outW(), dyd),
                Tolerances.F32, "bias gradient " + c);

        float[] dxT = new float[x.data().length];
        ConvKernels.transposed(c.inShape(), w, c.window(), c.cout(), dy, dxT);
        assertWithinMagnitude(dxT, gx, Tolerances.F32, "transposed " + c);

        // the public entry points choose a formulation by size: check the row-wise ones on every case too
        ConvKernels.Geometry g = new ConvKernels.Geometry(c.inShape(), c.cout(), c.window());
        float[] dwRows = new float[w.length];
        ConvKernels.weightGradient(Sgemm.kernel(), g, c.n(), x.data(), dy, dwRows);
        assertWithinMagnitude(dwRows, LiteralOracles.conv2dGradWeight(c.inShape(), xd, c.cout(), c.window(), dyd),
                Tolerances.F32, "row-wise weight gradient " + c);
        // with both tile kernels: fewer input channels than a tile has rows take the one-row path (rowGather)
        for (MicroKernel k : new MicroKernel[] {Sgemm.kernel(), new ScalarMicroKernel(Sgemm.kernel().nr())}) {
            float[] dxPhases = new float[x.data().length];
            java.util.Arrays.fill(dxPhases, Float.NaN);
            ConvKernels.transposed(k, g, c.n(), w, dy, dxPhases);
            assertWithinMagnitude(dxPhases, gx, Tolerances.F32, "input gradient by phases (" + k.describe() + ") " + c);
        }
    }

    @org.junit.jupiter.api.Test
    void anAffineMapOfTheInputFusesOnlyIntoAConvolutionThatSplitsItsInput() {
        float[] in = new float[2 * 8 * 8];
        float[] w = new float[3 * 2 * 9];
        float[] out = new float[3 * 6 * 6];
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ConvKernels.forward(new Shape(1, 2, 8, 8), in, new float[] {1, 1}, new float[] {0, 0}, w, null, Window.of(3, 1, 0), 3, out, null));
        assertTrue(e.getMessage().contains("stride or padding"), e.getMessage());
        assertTrue(ConvKernels.splitsInput(Window.of(3, 2, 0)) && ConvKernels.splitsInput(Window.of(3, 1, 1)) && !ConvKernels.splitsInput(Window.of(3, 1, 0)));
    }

    /** The one-row kernel against a literal sum, at lengths around its four-vector, one-vector and scalar steps. */
    @org.junit.jupiter.api.Test
    void rowGatherEqualsTheLiteralSum() {
        SplittableRandom r = new SplittableRandom(21);
        float[] src = TestData.uniform(Shape.vector(1, 4000), r).data();
        float[] a = TestData.uniform(Shape.vector(1, 40), r).data();
        for (MicroKernel k : new MicroKernel[] {Sgemm.kernel(), new ScalarMicroKernel(Sgemm.kernel().nr())}) {
            for (int len : new int[] {1, 7, 16, 17, 63, 64, 65, 130, 301}) {
                for (int kc : new int[] {1, 9, 27}) {
                    int[] koff = new int[kc];
                    for (int i = 0; i < kc; i++) {
                        koff[i] = r.nextInt(3000);
                    }
                    float[] c = new float[len + 10];
                    java.util.Arrays.fill(c, Float.NaN);
                    k.rowGather(kc, a, 3, src, 11, koff, c, 5, len);
                    for (int x = 0; x < len; x++) {
                        double want = 0;
                        double mag = 0;
                        for (int i = 0; i < kc; i++) {
                            want += (double) a[3 + i] * src[11 + koff[i] + x];
                            mag += Math.abs((double) a[3 + i] * src[11 + koff[i] + x]);
                        }
                        org.junit.jupiter.api.Assertions.assertEquals(want, c[5 + x], 1e-5 * mag + 1e-30,
                                k.describe() + ": len " + len + ", kc " + kc + ", x " + x);
                    }
                    org.junit.jupiter.api.Assertions.assertTrue(Float.isNaN(c[4]) && Float.isNaN(c[5 + len]), "wrote outside its row");
                }
            }
        }
    }
}
