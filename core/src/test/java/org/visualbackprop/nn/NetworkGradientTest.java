package org.visualbackprop.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;
import org.visualbackprop.testing.FiniteDifferences;
import org.visualbackprop.testing.LiteralNetwork;
import org.visualbackprop.testing.NumericAssert;
import org.visualbackprop.testing.RandomNets;
import org.visualbackprop.testing.TestData;
import org.visualbackprop.testing.Tolerances;
import org.visualbackprop.train.Loss;

/**
 * {@link Network#backward} of small whole networks with the MSE and NLL losses, in every mode, against central
 * finite differences of the loss computed in double precision by {@link LiteralNetwork} (a literal re-implementation
 * of the forward pass), for the input and every parameter tensor. A tiny step in double precision crosses no ReLU
 * kink or pooling tie in practice, and a coordinate where it would is skipped. The float32 forward pass is checked
 * against the same literal pass first.
 */
class NetworkGradientTest {
    /** Step of the double-precision differences. */
    private static final double STEP = 1e-6;

    static void check(Network net, Tensor x, Tensor target, Loss loss, Mode mode, Map<Dropout, float[]> masks,
                      Runnable beforeForward, long seed, String what) {
        ToDoubleFunction<double[]> literalLoss = p -> loss.name().equals("nll")
                ? LiteralNetwork.nll(p, target.data()) : LiteralNetwork.mse(p, target.data());
        net.zeroGrad();
        beforeForward.run();
        Trace t = net.trace(x, mode);
        Tensor g = Tensor.zeros(t.result().shape());
        double value = loss.evaluate(t.result(), target, g);
        Tensor dx = net.backward(t, g, true, true);

        double[] xd = TestData.toDouble(x);
        LiteralNetwork.Pass base = LiteralNetwork.forward(net, x.shape(), xd, mode, new IdentityHashMap<>(), masks);
        for (int i = 0; i < net.size(); i++) {
            NumericAssert.assertClose(base.outputs().get(i), t.output(i).data(), Tolerances.F32,
                    what + ": float32 output of " + net.name(i) + " against the literal pass");
        }
        double literal = literalLoss.applyAsDouble(base.result());
        assertTrue(Tolerances.close(literal, value, Tolerances.F32), what + ": loss " + value + ", literal " + literal);
        assertTrue(literal > 0, what + ": the loss is zero: nothing to check");

        SplittableRandom r = new SplittableRandom(seed);
        FiniteDifferences.checkExact(xd.length, dx.data(), (i, delta) -> {
            double[] moved = xd.clone();
            moved[i] += delta;
            LiteralNetwork.Pass p = LiteralNetwork.forward(net, x.shape(), moved, mode, new IdentityHashMap<>(), masks);
            return new FiniteDifferences.Value(literalLoss.applyAsDouble(p.result()), p.kinks());
        }, STEP, 150, r, Tolerances.FINITE_DIFFERENCE, what + ", input gradient");
        for (int l = 0; l < net.size(); l++) {
            for (Parameter p : net.layer(l).parameters()) {
                double[] pd = TestData.toDouble(p.value());
                FiniteDifferences.checkExact(pd.length, p.grad().data(), (i, delta) -> {
                    double[] moved = pd.clone();
                    moved[i] += delta;
                    Map<Tensor, double[]> over = new IdentityHashMap<>();
                    over.put(p.value(), moved);
                    LiteralNetwork.Pass q = LiteralNetwork.forward(net, x.shape(), xd, mode, over, masks);
                    return new FiniteDifferences.Value(literalLoss.applyAsDouble(q.result()), q.kinks());
                }, STEP, 40, r, Tolerances.FINITE_DIFFERENCE, what + ", gradient of " + net.name(l) + "." + p.name());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void convNetWithMseMatchesFiniteDifferences(Mode mode) {
        SplittableRandom r = new SplittableRandom(31);
        Shape in = new Shape(1, 2, 9, 11);
        Network net = Network.of(in,
                RandomNets.batchNorm(2, r), Conv2d.of(2, 4, Window.of(3, 1, 0), r), ReLU.of(),
                RandomNets.batchNorm(4, r), Conv2d.of(4, 5, new Window(3, 2, 2, 1, 1, 0), r), ReLU.of(),
                MaxPool2d.of(Window.of(2, 2, 0)), Flatten.of(), Dense.of(5 * 2 * 4, 6, r), Tanh.of(), Dense.of(6, 2, r));
        RandomNets.randomizeBiases(net, r);
        Tensor x = TestData.uniform(in.withBatch(3), r);
        Tensor y = TestData.uniform(Shape.vector(3, 2), r);
        check(net, x, y, Loss.mse(), mode, Map.of(), () -> { }, 32, "conv net, MSE, " + mode);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void classifierWithDropoutAndNllMatchesFiniteDifferences(Mode mode) {
        SplittableRandom r = new SplittableRandom(33);
        Shape in = new Shape(1, 3, 8, 8);
        Dropout drop = Dropout.of(0.3f, 77);
        Network net = Network.of(in,
                RandomNets.batchNorm(3, r), Conv2d.of(3, 6, Window.of(3, 2, 1), r), ReLU.of(),
                Flatten.of(), Dense.of(6 * 4 * 4, 10, r), ReLU.of(), drop, Dense.of(10, 5, r), LogSoftmax.of());
        RandomNets.randomizeBiases(net, r);
        Tensor x = TestData.uniform(in.withBatch(4), r);
        Tensor y = Tensor.of(Shape.vector(4, 1), 0, 3, 4, 1);
        Map<Dropout, float[]> masks = Map.of(drop, LiteralNetwork.dropoutMask(drop, 77, Shape.vector(4, 10)));
        check(net, x, y, Loss.nll(), mode, masks, () -> drop.reseed(77), 34, "classifier, NLL, " + mode);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void smallPaperNetWithMseMatchesFiniteDifferences(Mode mode) {
        SplittableRandom r = new SplittableRandom(35);
        Shape in = new Shape(1, 1, 16, 18);
        Network net = PaperNets.small(in, 3, false, 36);
        RandomNets.randomizeBiases(net, r);
        Tensor x = TestData.uniform(in.withBatch(2), r);
        Tensor y = TestData.uniform(Shape.vector(2, 3), r);
        check(net, x, y, Loss.mse(), mode, Map.of(), () -> { }, 37, "PaperNets.small, MSE, " + mode);
    }
}
