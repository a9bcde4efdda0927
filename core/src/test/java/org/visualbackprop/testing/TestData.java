package org.visualbackprop.testing;

import java.util.SplittableRandom;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/** Seeded test data and conversions between float32 tensors and double arrays. */
public final class TestData {
    private TestData() {
    }

    /** A tensor of values uniform in {@code [-1, 1)}. */
    public static Tensor uniform(Shape shape, SplittableRandom random) {
        return Tensor.uniform(shape, -1f, 1f, random);
    }

    /** A tensor of values uniform in {@code [-1, 1)}, each at least {@code margin} away from 0 (clear of ReLU's kink). */
    public static Tensor awayFromZero(Shape shape, double margin, SplittableRandom random) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            double v = margin + (1 - margin) * random.nextDouble();
            d[i] = (float) (random.nextBoolean() ? v : -v);
        }
        return t;
    }

    /**
     * A tensor whose values are distinct and at least {@code gap} apart (a shuffled ladder {@code (i - size/2) * gap}),
     * so that a max pooling window has one clear winner that a perturbation smaller than {@code gap / 2} cannot change.
     */
    public static Tensor distinct(Shape shape, double gap, SplittableRandom random) {
        int n = shape.size();
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < n; i++) {
            t.data()[i] = (float) ((perm[i] - n / 2) * gap);
        }
        return t;
    }

    /** The values widened to double. */
    public static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /** The tensor's values widened to double. */
    public static double[] toDouble(Tensor t) {
        return toDouble(t.data());
    }
}
