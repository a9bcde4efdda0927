package org.visualbackprop.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;

/** In-memory data sets, their views and batches, and the seeded shuffling. */
class DatasetsTest {

    private static Dataset numbered(int n) {
        Tensor x = Tensor.zeros(new Shape(n, 1, 2, 2));
        Tensor y = Tensor.zeros(Shape.vector(n, 1));
        for (int i = 0; i < n; i++) {
            Arrays.fill(x.data(), i * 4, i * 4 + 4, i);
            y.data()[i] = 10 * i;
        }
        return Datasets.of(x, y, "numbered");
    }

    @Test
    void batchesHoldTheChosenSamplesInOrder() {
        Dataset d = numbered(10);
        Batch b = Datasets.batch(d, new int[] {7, 2, 2, 9});
        assertEquals(new Shape(4, 1, 2, 2), b.inputs().shape());
        assertArrayEquals(new float[] {70, 20, 20, 90}, b.targets().data());
        assertEquals(7f, b.inputs().get(0, 0, 1, 1));
        Dataset r = Datasets.range(d, 3, 6);
        assertEquals(3, r.size());
        assertArrayEquals(new float[] {30, 40, 50}, Datasets.batch(r, 0, 3).targets().data());
        Dataset s = Datasets.subset(d, new int[] {9, 0}, "ends");
        assertArrayEquals(new float[] {90, 0}, Datasets.batch(s, 0, 2).targets().data());
        assertEquals("ends", s.describe());
    }

    @Test
    void permutationsAreSeededPermutations() {
        int[] a = Datasets.permutation(50, new SplittableRandom(1));
        int[] b = Datasets.permutation(50, new SplittableRandom(1));
        int[] c = Datasets.permutation(50, new SplittableRandom(2));
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 50; i++) {
            assertEquals(i, sorted[i]);
        }
    }

    @Test
    void badArgumentsAreRefused() {
        Dataset d = numbered(5);
        assertThrows(IllegalArgumentException.class, () -> Datasets.batch(d, new int[0]));
        assertThrows(IllegalArgumentException.class, () -> Datasets.range(d, 2, 6));
        assertThrows(IndexOutOfBoundsException.class, () -> Datasets.subset(d, new int[] {5}, "past the end"));
        ShapeException e = assertThrows(ShapeException.class,
                () -> Datasets.of(Tensor.zeros(new Shape(3, 1, 2, 2)), Tensor.zeros(Shape.vector(4, 1)), "mismatch"));
        assertTrue(e.getMessage().contains("[3, 1, 2, 2]") && e.getMessage().contains("[4, 1, 1, 1]"), e.getMessage());
    }

    @Test
    void aCachedDataSetHoldsTheSameSamplesAsItsSource() {
        Dataset d = numbered(7);
        Dataset c = Datasets.cached(d);
        assertEquals(7, c.size());
        assertEquals(d.describe(), c.describe());
        Batch a = Datasets.batch(d, 0, 7);
        Batch b = Datasets.batch(c, 0, 7);
        assertArrayEquals(a.inputs().data(), b.inputs().data());
        assertArrayEquals(a.targets().data(), b.targets().data());
    }
}
