package org.visualbackprop.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.visualbackprop.testing.NumericAssert.assertBitIdentical;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;
import org.visualbackprop.testing.FiniteDifferences;
import org.visualbackprop.testing.TestData;
import org.visualbackprop.testing.Tolerances;

/**
 * Every layer's backward pass against central finite differences of its forward pass, for the input gradient and
 * every parameter gradient. The checked function is {@code J = sum_i r_i y_i} for a fixed random {@code r}, so the
 * backward pass is called with {@code gradOut = r}. Inputs are drawn so that no difference straddles a kink (ReLU
 * inputs away from 0, max pooling windows with a clear winner).
 */
class LayerGradientTest {
    /** Step for piecewise-linear layers, whose differences are exact up to rounding. */
    private static final double LINEAR_STEP = 1e-2;
    /** Step for smooth nonlinear layers (truncation error ~ step^2). */
    private static final double SMOOTH_STEP = 2e-3;

    /** Runs the check; {@code beforeForward} resets layer state that must not change between evaluations. */
    static void check(Layer layer, Tensor x, Mode mode, Runnable beforeForward, double step, long seed, String what) {
        SplittableRandom r = new SplittableRandom(seed);
        Shape os = layer.outputShape(x.shape());
        Tensor out = Tensor.zeros(os);
        Tensor weights = TestData.uniform(os, r);
        java.util.function.DoubleSupplier objective = () -> {
            beforeForward.run();
            layer.forward(x, out, mode);
            double s = 0;
            for (int i = 0; i < out.data().length; i++) {
                s += (double) weights.data()[i] * out.data()[i];
            }
            return s;
        };
        for (Parameter p : layer.parameters()) {
            p.zeroGrad();
        }
        objective.getAsDouble();
        Tensor dx = Tensor.zeros(x.shape());
        dx.fillInPlace(Float.NaN); // overwritten by backward
        layer.backward(x, out, weights, dx, mode, true);
        List<float[]> grads = new ArrayList<>();
        for (Parameter p : layer.parameters()) {
            grads.add(p.grad().data().clone());
        }

        // without parameter gradients: the same input gradient, parameter gradients untouched
        Tensor dx2 = Tensor.zeros(x.shape());
        dx2.fillInPlace(Float.NaN);
        objective.getAsDouble();
        layer.backward(x, out, weights, dx2, mode, false);
        assertBitIdentical(dx.data(), dx2.data(), what + ": input gradient without parameter gradients");
        for (int i = 0; i < grads.size(); i++) {
            assertBitIdentical(grads.get(i), layer.parameters().get(i).grad().data(),
                    what + ": parameter gradient after a backward pass that should not touch it");
        }

        FiniteDifferences.Report rep = FiniteDifferences.checkFloat(x.data(), dx.data(), objective, step, 400, r,
                Tolerances.FINITE_DIFFERENCE, what + ", input gradient");
        assertTrue(rep.scale() > 0, what + ": the input gradient is zero everywhere: nothing was checked");
        for (int i = 0; i < grads.size(); i++) {
            Parameter p = layer.parameters().get(i);
            FiniteDifferences.Report pr = FiniteDifferences.checkFloat(p.value().data(), grads.get(i), objective, step, 400, r,
                    Tolerances.FINITE_DIFFERENCE, what + ", gradient of " + p.name());
            assertTrue(pr.scale() > 0, what + ": the " + p.name() + " gradient is zero everywhere");
        }
    }

    static void check(Layer layer, Tensor x, Mode mode, double step, long seed, String what) {
        check(layer, x, mode, () -> { }, step, seed, what);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void conv2dGradientsMatchFiniteDifferences(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Window[] windows = {Window.of(3, 1, 0), new Window(2, 3, 2, 1, 1, 2), new Window(5, 1, 3, 2, 2, 0)};
        Window w = windows[(int) (seed - 1)];
        Conv2d conv = Conv2d.of(3, 4, w, r);
        TestData.uniform(Shape.vector(1, 4), r).data(); // a nonzero bias
        System.arraycopy(TestData.uniform(Shape.vector(1, 4), r).data(), 0, conv.bias().value().data(), 0, 4);
        Tensor x = TestData.uniform(new Shape(2, 3, 8, 9), r);
        check(conv, x, Mode.TRAIN, LINEAR_STEP, seed, "Conv2d " + w);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void batchNormGradientsMatchFiniteDifferences(Mode mode) {
        SplittableRandom r = new SplittableRandom(7);
        int c = 3;
        Tensor gamma = Tensor.uniform(Shape.vector(1, c), 0.5f, 1.5f, r);
        Tensor beta = TestData.uniform(Shape.vector(1, c), r);
        Tensor mean = TestData.uniform(Shape.vector(1, c), r);
        Tensor var = Tensor.uniform(Shape.vector(1, c), 0.5f, 2f, r);
        BatchNorm2d bn = BatchNorm2d.withStatistics(1e-5f, 0.1f, gamma, beta, mean, var);
        Tensor x = Tensor.uniform(new Shape(4, c, 3, 2), -2f, 2f, r);
        check(bn, x, mode, SMOOTH_STEP, 8, "BatchNorm2d in " + mode);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void batchNormOnFeatureVectorsGradientsMatchFiniteDifferences(Mode mode) {
        SplittableRandom r = new SplittableRandom(9);
        BatchNorm2d bn = BatchNorm2d.withStatistics(1e-5f, 0.1f, Tensor.uniform(Shape.vector(1, 5), 0.5f, 1.5f, r),
                TestData.uniform(Shape.vector(1, 5), r), TestData.uniform(Shape.vector(1, 5), r),
                Tensor.uniform(Shape.vector(1, 5), 0.5f, 2f, r));
        check(bn, Tensor.uniform(Shape.vector(6, 5), -2f, 2f, r), mode, SMOOTH_STEP, 10, "BatchNorm2d on vectors in " + mode);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void reluGradientMatchesFiniteDifferences(Mode mode) {
        SplittableRandom r = new SplittableRandom(11);
        Tensor x = TestData.awayFromZero(new Shape(2, 3, 4, 5), 4 * LINEAR_STEP, r);
        check(ReLU.of(), x, mode, LINEAR_STEP, 12, "ReLU");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void maxPoolGradientMatchesFiniteDifferences(int which) {
        Window[] windows = {Window.of(2, 2, 0), Window.of(3, 2, 1), new Window(3, 2, 1, 3, 0, 1)};
        SplittableRandom r = new SplittableRandom(13 + which);
        Tensor x = TestData.distinct(new Shape(2, 2, 7, 8), 4 * LINEAR_STEP, r);
        check(MaxPool2d.of(windows[which]), x, Mode.TRAIN, LINEAR_STEP, 14, "MaxPool2d " + windows[which]);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void flattenGradientMatchesFiniteDifferences(Mode mode) {
        SplittableRandom r = new SplittableRandom(15);
        check(Flatten.of(), TestData.uniform(new Shape(3, 2, 3, 4), r), mode, LINEAR_STEP, 16, "Flatten");
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void denseGradientsMatchFiniteDifferences(boolean withBias) {
        SplittableRandom r = new SplittableRandom(17);
        Dense d = Dense.of(13, 7, withBias, r);
        if (withBias) {
            System.arraycopy(TestData.uniform(Shape.vector(1, 7), r).data(), 0, d.bias().value().data(), 0, 7);
        }
        check(d, TestData.uniform(Shape.vector(5, 13), r), Mode.TRAIN, LINEAR_STEP, 18, "Dense, bias " + withBias);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void dropoutGradientWithAFixedMaskMatchesFiniteDifferences(Mode mode) {
        SplittableRandom r = new SplittableRandom(19);
        Dropout d = Dropout.of(0.4f, 5);
        check(d, TestData.uniform(new Shape(3, 2, 4, 4), r), mode, () -> d.reseed(5), LINEAR_STEP, 20, "Dropout in " + mode);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 7, 43})
    void logSoftmaxGradientMatchesFiniteDifferences(int classes) {
        SplittableRandom r = new SplittableRandom(21);
        check(LogSoftmax.of(), Tensor.uniform(Shape.vector(4, classes), -3f, 3f, r), Mode.EVAL, SMOOTH_STEP, 22,
                "LogSoftmax over " + classes);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void tanhGradientMatchesFiniteDifferences(Mode mode) {
        SplittableRandom r = new SplittableRandom(23);
        check(Tanh.of(), Tensor.uniform(new Shape(2, 3, 3, 3), -2f, 2f, r), mode, SMOOTH_STEP, 24, "Tanh");
    }
}
