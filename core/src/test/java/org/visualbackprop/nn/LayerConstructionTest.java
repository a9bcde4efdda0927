package org.visualbackprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;

/** The layers' checked factories: initialization bounds, copies of given tensors, and refused arguments with their values. */
class LayerConstructionTest {

    @Test
    void convAndDenseWeightsAreHeUniformAndBiasesZero() {
        SplittableRandom r = new SplittableRandom(91);
        Conv2d c = Conv2d.of(3, 8, new Window(3, 5, 1, 1, 0, 0), r);
        double bound = Math.sqrt(6.0 / (3 * 15));
        float max = 0;
        for (float v : c.weight().value().data()) {
            assertTrue(Math.abs(v) <= bound, "conv weight " + v + " beyond " + bound);
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max > 0.8 * bound, "weights fill the range");
        assertEquals(new Shape(8, 3, 3, 5), c.weight().value().shape());
        assertEquals(0.0, c.bias().value().sum());
        assertTrue(c.weight().decay() && !c.bias().decay(), "weight decay on weights only");
        assertNull(Conv2d.of(3, 8, Window.of(3, 1), false, r).bias());
        Dense d = Dense.of(50, 4, r);
        for (float v : d.weight().value().data()) {
            assertTrue(Math.abs(v) <= Math.sqrt(6.0 / 50));
        }
        assertEquals(new Shape(4, 50, 1, 1), d.weight().value().shape());
    }

    @Test
    void givenTensorsAreCopied() {
        Tensor w = Tensor.zeros(new Shape(2, 1, 3, 3));
        Conv2d c = Conv2d.withWeights(Window.of(3, 1), w, null);
        w.fillInPlace(5f);
        assertEquals(0.0, c.weight().value().sum());
        Tensor dw = Tensor.zeros(new Shape(2, 3, 1, 1));
        Dense d = Dense.withWeights(dw, Tensor.zeros(Shape.vector(1, 2)));
        dw.fillInPlace(1f);
        assertEquals(0.0, d.weight().value().sum());
    }

    @Test
    void refusedArgumentsNameTheirValues() {
        SplittableRandom r = new SplittableRandom(92);
        ShapeException k = assertThrows(ShapeException.class, () -> Conv2d.withWeights(Window.of(5, 1), Tensor.zeros(new Shape(2, 1, 3, 3)), null));
        assertTrue(k.getMessage().contains("5x5") && k.getMessage().contains("[2, 1, 3, 3]"), k.getMessage());
        assertThrows(ShapeException.class, () -> Conv2d.withWeights(Window.of(3, 1), Tensor.zeros(new Shape(2, 1, 3, 3)),
                Tensor.zeros(Shape.vector(1, 3))));
        assertThrows(ShapeException.class, () -> Conv2d.of(0, 3, Window.of(3, 1), r));
        assertThrows(ShapeException.class, () -> Dense.of(3, 0, r));
        assertThrows(ShapeException.class, () -> Dense.withWeights(Tensor.zeros(new Shape(2, 3, 2, 1)), null));
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class, () -> Dropout.of(1f, 1));
        assertTrue(p.getMessage().contains("1.0"), p.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Dropout.of(-0.1f, 1));
        ShapeException ls = assertThrows(ShapeException.class, () -> LogSoftmax.of().outputShape(new Shape(1, 3, 2, 2)));
        assertTrue(ls.getMessage().contains("[1, 3, 2, 2]"), ls.getMessage());
        ShapeException pool = assertThrows(ShapeException.class, () -> MaxPool2d.of(Window.of(4, 1)).outputShape(new Shape(1, 1, 3, 8)));
        assertTrue(pool.getMessage().contains("4x4") && pool.getMessage().contains("3 x 8"), pool.getMessage());
    }

    @Test
    void dropoutDropsAboutPAndScalesTheRestOnlyInTrainMode() {
        Dropout d = Dropout.of(0.3f, 93);
        Tensor x = Tensor.zeros(new Shape(1, 1, 100, 100));
        x.fillInPlace(1f);
        Tensor y = Tensor.zeros(x.shape());
        d.forward(x, y, Mode.TRAIN);
        int zeros = 0;
        for (float v : y.data()) {
            assertTrue(v == 0f || v == 1f / 0.7f, "value " + v);
            zeros += v == 0f ? 1 : 0;
        }
        assertEquals(3000, zeros, 200, "dropped about 30% of 10000");
        d.forward(x, y, Mode.EVAL);
        assertEquals(10000.0, y.sum());
    }
}
