package org.visualbackprop.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.visualbackprop.testing.NumericAssert.assertWithinMagnitude;

import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.testing.ConvCase;
import org.visualbackprop.testing.LiteralOracles;
import org.visualbackprop.testing.TestData;
import org.visualbackprop.testing.Tolerances;

/**
 * The convolution kernels (implicit im2col, phase planes, the matrix kernel) against the literal double-precision
 * convolution of {@link LiteralOracles}, on random shapes: kernels 1-5 (non-square), strides 1-3, paddings 0-2,
 * several channels and batch sizes, inputs that leave their last rows or columns unused.
 */
class ConvKernelsProperties {

    @Provide
    Arbitrary<ConvCase> cases() {
        return ConvCase.cases(3, 5, 14);
    }

    private static float[] weights(ConvCase c, SplittableRandom r) {
        return TestData.uniform(new Shape(c.cout(), c.cin(), c.window().kernelH(), c.window().kernelW()), r).data();
    }

    @Property(tries = 150, edgeCases = EdgeCasesMode.NONE)
    void forwardEqualsLiteralConvolution(@ForAll("cases") ConvCase c, @ForAll boolean withBias) {
        SplittableRandom r = c.random();
        Tensor x = TestData.uniform(c.inShape(), r);
        float[] w = weights(c, r);
        float[] b = withBias ? TestData.uniform(Shape.vector(1, c.cout()), r).data() : null;
        float[] out = new float[c.n() * c.cout() * c.outH() * c.outW()];
        Arrays.fill(out, Float.NaN); // the kernel overwrites its output
        ConvKernels.forward(c.inShape(), x.data(), w, b, c.window(), c.cout(), out);
        LiteralOracles.Result want = LiteralOracles.conv2d(c.inShape(), TestData.toDouble(x), TestData.toDouble(w),
                b == null ? null : TestData.toDouble(b), c.cout(), c.window());
        assertWithinMagnitude(out, want, Tolerances.F32, "forward " + c);
    }

    @Property(tries = 150, edgeCases = EdgeCasesMode.NONE)
    void backwardEqualsLiteralGradients(@ForAll("cases") ConvCase c) {
        SplittableRandom r = c.random();
        Tensor x = TestData.uniform(c.inShape(), r);
        float[] w = weights(c, r);
        float[] dy = TestData.uniform(new Shape(c.n(), c.cout(), c.outH(), c.outW()), r).data();
        // the weight and bias gradients are added to what is there; the input gradient is overwritten
        float[] dw0 = TestData.uniform(new Shape(c.cout(), c.cin(), c.window().kernelH(), c.window().kernelW()), r).data();
        float[] db0 = TestData.uniform(Shape.vector(1, c.cout()), r).data();
        float[] dw = dw0.clone();
        float[] db = db0.clone();
        float[] dx = new float[c.inShape().size()];
        Arrays.fill(dx, Float.NaN);
        ConvKernels.backward(c.inShape(), x.data(), w, c.window(), c.cout(), dy, dx, dw, db);

        double[] dyd = TestData.toDouble(dy);
        assertWithinMagnitude(dx, LiteralOracles.conv2dGradInput(c.inShape(), TestData.toDouble(w), c.cout(), c.window(), dyd),
                Tolerances.F32, "input gradient " + c);
        LiteralOracles.Result gw = LiteralOracles.conv2dGradWeight(c.inShape(), TestData.toDouble(x), c.cout(), c.window(), dyd);
        assertWithinMagnitude(dw, plus(dw0, gw), Tolerances.F32, "weight gradient " + c);
        LiteralOracles.Result gb = LiteralOracles.conv2dGradBias(c.n(), c.cout(), c.outH(), c.outW(), dyd);
        assertWithinMagnitude(db, plus(db0, gb), Tolerances.F32, "bias gradient " + c);
    }

    @Property(tries = 100, edgeCases = EdgeCasesMode.NONE)
    void backwardWithoutInputGradientStillAccumulatesWeightGradients(@ForAll("cases") ConvCase c) {
        SplittableRandom r = c.random();
        Tensor x = TestData.uniform(c.inShape(), r);
        float[] w = weights(c, r);
        float[] dy = TestData.uniform(new Shape(c.n(), c.cout(), c.outH(), c.outW()), r).data();
        float[] dw = new float[w.length];
        ConvKernels.backward(c.inShape(), x.data(), w, c.window(), c.cout(), dy, null, dw, null);
        assertWithinMagnitude(dw, LiteralOracles.conv2dGradWeight(c.inShape(), TestData.toDouble(x), c.cout(), c.window(),
                TestData.toDouble(dy)), Tolerances.F32, "weight gradient " + c);
    }

    @Property(tries = 150, edgeCases = EdgeCasesMode.NONE)
    void transposedEqualsLiteralInputGradient(@ForAll("cases") ConvCase c) {
        SplittableRandom r = c.random();
        float[] w = weights(c, r);
        float[] dy = TestData.uniform(new Shape(c.n(), c.cout(), c.outH(), c.outW()), r).data();
        float[] dx = new float[c.inShape().size()];
        Arrays.fill(dx, Float.NaN);
        ConvKernels.transposed(c.inShape(), w, c.window(), c.cout(), dy, dx);
        assertWithinMagnitude(dx, LiteralOracles.conv2dGradInput(c.inShape(), TestData.toDouble(w), c.cout(), c.window(),
                TestData.toDouble(dy)), Tolerances.F32, "transposed " + c);
    }

    /**
     * Each gradient formulation on its own, whatever size the case has (the public entry points pick one by size):
     * the row-wise weight gradient and the input gradient as forward convolutions per phase, each with the Vector API
     * tile kernel and its scalar twin, and the im2col formulations, against the literal gradients.
     */
    @Property(tries = 150, edgeCases = EdgeCasesMode.NONE)
    void everyGradientFormulationEqualsTheLiteralGradients(@ForAll("cases") ConvCase c) {
        SplittableRandom r = c.random();
        Tensor x = TestData.uniform(c.inShape(), r);
        float[] w = weights(c, r);
        float[] dy = TestData.uniform(new Shape(c.n(), c.cout(), c.outH(), c.outW()), r).data();
        double[] dyd = TestData.toDouble(dy);
        LiteralOracles.Result gw = LiteralOracles.conv2dGradWeight(c.inShape(), TestData.toDouble(x), c.cout(), c.window(), dyd);
        LiteralOracles.Result gx = LiteralOracles.conv2dGradInput(c.inShape(), TestData.toDouble(w), c.cout(), c.window(), dyd);
        ConvKernels.Geometry g = new ConvKernels.Geometry(c.inShape(), c.cout(), c.window());
        MicroKernel vector = Sgemm.kernel();
        MicroKernel scalar = new ScalarMicroKernel(vector.nr());
        for (MicroKernel k : new MicroKernel[] {vector, scalar}) {
            float[] dw = new float[w.length];
            ConvKernels.weightGradient(k, g, c.n(), x.data(), dy, dw);
            assertWithinMagnitude(dw, gw, Tolerances.F32, "row-wise weight gradient (" + k.describe() + ") " + c);
            float[] dx = new float[c.inShape().size()];
            Arrays.fill(dx, Float.NaN);
            ConvKernels.transposed(k, g, c.n(), w, dy, dx);
            assertWithinMagnitude(dx, gx, Tolerances.F32, "input gradient by phases (" + k.describe() + ") " + c);
        }
        float[] dw = new float[w.length];
        ConvKernels.weightGradientColumns(g, c.n(), x.data(), dy, dw);
        assertWithinMagnitude(dw, gw, Tolerances.F32, "im2col weight gradient " + c);
        float[] dx = new float[c.inShape().size()];
        Arrays.fill(dx, Float.NaN);
        ConvKernels.transposedColumns(g, c.n(), w, dy, dx);
        assertWithinMagnitude(dx, gx, Tolerances.F32, "im2col input gradient " + c);
    }

    /** The convolution with its ReLU fused writes exactly what the convolution and a separate ReLU write. */
    @Property(tries = 100, edgeCases = EdgeCasesMode.NONE)
    void fusedReluWritesExactlyTheSeparateLayersOutputs(@ForAll("cases") ConvCase c, @ForAll boolean withBias) {
        SplittableRandom r = c.random();
        Tensor x = TestData.uniform(c.inShape(), r);
        float[] w = weights(c, r);
        float[] b = withBias ? TestData.uniform(Shape.vector(1, c.cout()), r).data() : null;
        int size = c.n() * c.cout() * c.outH() * c.outW();
        float[] plain = new float[size];
        ConvKernels.forward(c.inShape(), x.data(), w, b, c.window(), c.cout(), plain);
        float[] out = new float[size];
        float[] relu = new float[size];
        Arrays.fill(out, Float.NaN);
        Arrays.fill(relu, Float.NaN);
        ConvKernels.forward(c.inShape(), x.data(), w, b, c.window(), c.cout(), out, relu);
        for (int i = 0; i < size; i++) {
            assertEquals(Float.floatToRawIntBits(plain[i]), Float.floatToRawIntBits(out[i]), "conv output " + i + " of " + c);
            assertEquals(Math.max(0f, plain[i]), relu[i], 0f, "ReLU output " + i + " of " + c);
        }
    }

    /** {@code start + g}, with {@code |start|} added to the magnitudes. */
    static LiteralOracles.Result plus(float[] start, LiteralOracles.Result g) {
        double[] v = g.value().clone();
        double[] m = g.magnitude().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] += start[i];
            m[i] += Math.abs(start[i]);
        }
        return new LiteralOracles.Result(v, m);
    }
}
