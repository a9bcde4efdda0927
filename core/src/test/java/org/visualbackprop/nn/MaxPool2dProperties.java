package org.visualbackprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;
import org.visualbackprop.testing.ConvCase;
import org.visualbackprop.testing.LiteralOracles;
import org.visualbackprop.testing.NumericAssert;
import org.visualbackprop.testing.TestData;
import org.visualbackprop.testing.Tolerances;

/**
 * Max pooling against the literal definition ({@link LiteralOracles#maxPool}): forward values, the winners, and the
 * backward pass that routes each output's gradient to its winner, on random shapes, windows and inputs with many
 * ties (values drawn from a handful of levels, so "the first maximal position in row-major order" matters).
 */
class MaxPool2dProperties {

    @Provide
    Arbitrary<ConvCase> cases() {
        return ConvCase.cases(3, 4, 12);
    }

    private static Tensor input(ConvCase c, boolean ties) {
        SplittableRandom r = c.random();
        Tensor x = TestData.uniform(c.inShape(), r);
        if (ties) {
            for (int i = 0; i < x.data().length; i++) {
                x.data()[i] = r.nextInt(4) - 2; // few distinct values: many ties, negative maxima too
            }
        }
        return x;
    }

    @Property(tries = 200, edgeCases = EdgeCasesMode.NONE)
    void forwardAndWinnersEqualLiteralMaxPooling(@ForAll("cases") ConvCase c, @ForAll boolean ties) {
        Tensor x = input(c, ties);
        MaxPool2d pool = MaxPool2d.of(c.window());
        Shape os = pool.outputShape(x.shape());
        assertEquals(new Shape(c.n(), c.cin(), c.outH(), c.outW()), os);
        Tensor out = Tensor.zeros(os);
        out.fillInPlace(Float.NaN);
        pool.forward(x, out, Mode.TRAIN);
        double[] xd = TestData.toDouble(x);
        NumericAssert.assertClose(LiteralOracles.maxPool(c.inShape(), xd, c.window()), out.data(), 0, "max pooling " + c);
        assertArrayEquals(LiteralOracles.maxPoolArgmax(c.inShape(), xd, c.window()), pool.winners(x), "winners " + c);
    }

    @Property(tries = 200, edgeCases = EdgeCasesMode.NONE)
    void backwardRoutesEachGradientToItsWinner(@ForAll("cases") ConvCase c, @ForAll boolean ties) {
        Tensor x = input(c, ties);
        MaxPool2d pool = MaxPool2d.of(c.window());
        Tensor out = Tensor.zeros(pool.outputShape(x.shape()));
        pool.forward(x, out, Mode.TRAIN);
        Tensor dy = TestData.uniform(out.shape(), new SplittableRandom(c.seed() + 1));
        Tensor dx = Tensor.zeros(x.shape());
        dx.fillInPlace(Float.NaN);
        pool.backward(x, out, dy, dx, Mode.TRAIN, true);
        double[] want = LiteralOracles.maxPoolGradInput(c.inShape(), TestData.toDouble(x), c.window(), TestData.toDouble(dy));
        // several windows may share a winner: float sums of a few values, compared relative to 1
        NumericAssert.assertClose(want, dx.data(), Tolerances.F32, "max pooling gradient " + c);
    }

    @Property(tries = 50, edgeCases = EdgeCasesMode.NONE)
    void paddingNeverWinsEvenWhenEveryInputIsNegative(@ForAll("cases") ConvCase c) {
        Tensor x = Tensor.zeros(c.inShape());
        x.fillInPlace(-5f);
        Window w = c.window();
        MaxPool2d pool = MaxPool2d.of(w);
        Tensor out = Tensor.zeros(pool.outputShape(x.shape()));
        pool.forward(x, out, Mode.EVAL);
        for (float v : out.data()) {
            assertEquals(-5f, v, "a padded zero won in " + c);
        }
    }
}
