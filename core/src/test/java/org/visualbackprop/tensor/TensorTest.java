package org.visualbackprop.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Tensors and shapes: row-major NCHW indexing, copies and views, and the messages of refused operations. */
class TensorTest {

    @Test
    void indexingIsRowMajorNchw() {
        Shape s = new Shape(2, 3, 4, 5);
        assertEquals(120, s.size());
        assertEquals(((1 * 3 + 2) * 4 + 3) * 5 + 4, s.index(1, 2, 3, 4));
        Tensor t = Tensor.zeros(s);
        t.set(1, 2, 3, 4, 7f);
        assertEquals(7f, t.data()[119]);
        assertEquals("32 x 123 x 638", new Shape(1, 32, 123, 638).describeSample());
        assertEquals("1024", Shape.vector(1, 1024).describeSample());
    }

    @Test
    void slicesAndStacksCopyAndReshapesShare() {
        Tensor t = Tensor.of(new Shape(3, 1, 1, 2), 1, 2, 3, 4, 5, 6);
        Tensor mid = t.slice(1, 2);
        assertArrayEquals(new float[] {3, 4, 5, 6}, mid.data());
        mid.data()[0] = 99;
        assertEquals(3f, t.data()[2], "slice is a copy");
        Tensor r = t.reshape(Shape.vector(3, 2));
        r.data()[0] = 42;
        assertEquals(42f, t.data()[0], "reshape shares the array");
        Tensor s = Tensor.stack(List.of(t.sample(2), t.sample(0)));
        assertArrayEquals(new float[] {5, 6, 42, 2}, s.data());
        float[] raw = {1, 2};
        assertSame(raw, Tensor.wrap(Shape.vector(1, 2), raw).data());
    }

    @Test
    void refusedOperationsNameTheShapes() {
        Tensor a = Tensor.zeros(new Shape(1, 2, 3, 4));
        Tensor b = Tensor.zeros(new Shape(1, 2, 4, 3));
        ShapeException add = assertThrows(ShapeException.class, () -> a.addInPlace(b));
        assertTrue(add.getMessage().contains("[1, 2, 3, 4]") && add.getMessage().contains("[1, 2, 4, 3]"), add.getMessage());
        assertThrows(ShapeException.class, () -> a.reshape(new Shape(1, 1, 1, 23)));
        assertThrows(ShapeException.class, () -> a.slice(0, 2));
        assertThrows(ShapeException.class, () -> Tensor.wrap(new Shape(1, 1, 1, 3), new float[2]));
        assertThrows(ShapeException.class, () -> Tensor.stack(List.of(a, b)));
        assertThrows(ShapeException.class, () -> Tensor.stack(List.of()));
        ShapeException huge = assertThrows(ShapeException.class, () -> new Shape(1024, 1024, 1024, 4));
        assertTrue(huge.getMessage().contains("[1024, 1024, 1024, 4]"), huge.getMessage());
    }

    @Test
    void requireFiniteNamesWhatWhereAndTheValue() {
        Tensor t = Tensor.zeros(new Shape(2, 2, 2, 2));
        assertSame(t, t.requireFinite("x"));
        t.set(1, 0, 1, 0, Float.POSITIVE_INFINITY);
        assertEquals(new Shape(2, 2, 2, 2).index(1, 0, 1, 0), t.firstNonFinite());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.requireFinite("the mask"));
        assertTrue(e.getMessage().contains("the mask") && e.getMessage().contains("Infinity") && e.getMessage().contains("[1, 0, 1, 0]"),
                e.getMessage());
    }
}
