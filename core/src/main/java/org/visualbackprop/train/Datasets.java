package org.visualbackprop.train;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import org.visualbackprop.compute.Parallel;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;

/** Building and slicing {@link Dataset}s. */
public final class Datasets {
    private Datasets() {
    }

    /**
     * A data set over tensors already in memory (not copied).
     *
     * @param inputs  {@code n x c x h x w}
     * @param targets {@code n x outputs x 1 x 1}
     */
    public static Dataset of(Tensor inputs, Tensor targets, String description) {
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(targets, "targets");
        if (inputs.shape().n() != targets.shape().n()) {
            throw new ShapeException("inputs and targets must have the same number of samples, got "
                    + inputs.shape() + " and " + targets.shape());
        }
        Shape in = inputs.shape().withBatch(1);
        Shape tg = targets.shape().withBatch(1);
        return new Dataset() {
            @Override
            public int size() {
                return inputs.shape().n();
            }

            @Override
            public Shape inputShape() {
                return in;
            }

            @Override
            public Shape targetShape() {
                return tg;
            }

            @Override
            public void load(int index, float[] input, int inputOffset, float[] target, int targetOffset) {
                Objects.checkIndex(index, size());
                System.arraycopy(inputs.data(), index * in.size(), input, inputOffset, in.size());
                System.arraycopy(targets.data(), index * tg.size(), target, targetOffset, tg.size());
            }

            @Override
            public String describe() {
                return description;
            }
        };
    }

    /**
     * All samples of {@code d} loaded once into memory (a validation set read many times during a run, whose samples
     * are rendered or decoded on every load otherwise). Takes {@code d.size()} times the sample size in floats.
     *
     * @throws IllegalArgumentException when the samples would not fit in one array
     */
    public static Dataset cached(Dataset d) {
        long values = (long) d.size() * d.inputShape().size();
        if (values > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("cannot cache " + d.describe() + ": " + values + " values exceed one array");
        }
        Batch all = batch(d, 0, d.size());
        return of(all.inputs(), all.targets(), d.describe());
    }

    /** The samples of {@code d} at {@code indices}, in that order (a view). */
    public static Dataset subset(Dataset d, int[] indices, String description) {
        int[] idx = indices.clone();
        for (int i : idx) {
            Objects.checkIndex(i, d.size());
        }
        return new Dataset() {
            @Override
            public int size() {
                return idx.length;
            }

            @Override
            public Shape inputShape() {
                return d.inputShape();
            }

            @Override
            public Shape targetShape() {
                return d.targetShape();
            }

            @Override
            public void load(int index, float[] input, int inputOffset, float[] target, int targetOffset) {
                d.load(idx[index], input, inputOffset, target, targetOffset);
            }

            @Override
            public String describe() {
                return description;
            }
        };
    }

    /** Samples {@code from .. to-1} of {@code d} (a view). */
    public static Dataset range(Dataset d, int from, int to) {
        if (from < 0 || to > d.size() || from > to) {
            throw new IllegalArgumentException("range " + from + ".." + to + " outside a data set of " + d.size());
        }
        int[] idx = new int[to - from];
        Arrays.setAll(idx, i -> from + i);
        return subset(d, idx, d.describe() + " [" + from + ", " + to + ")");
    }

    /**
     * Loads the samples at {@code indices} into one batch, in parallel.
     *
     * @throws IllegalArgumentException for an empty index list
     */
    public static Batch batch(Dataset d, int[] indices) {
        if (indices.length == 0) {
            throw new IllegalArgumentException("a batch needs at least one sample");
        }
        Shape in = d.inputShape();
        Shape tg = d.targetShape();
        Tensor x = Tensor.zeros(in.withBatch(indices.length));
        Tensor y = Tensor.zeros(tg.withBatch(indices.length));
        Parallel.forRange(indices.length, 1, (a, b) -> {
            for (int i = a; i < b; i++) {
                d.load(indices[i], x.data(), i * in.size(), y.data(), i * tg.size());
            }
        });
        return new Batch(x, y);
    }

    /** Samples {@code from .. to-1} as one batch. */
    public static Batch batch(Dataset d, int from, int to) {
        int[] idx = new int[to - from];
        Arrays.setAll(idx, i -> from + i);
        return batch(d, idx);
    }

    /** The indices {@code 0 .. n-1} in an order drawn from {@code random} (Fisher-Yates). */
    public static int[] permutation(int n, SplittableRandom random) {
        int[] p = new int[n];
        Arrays.setAll(p, i -> i);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
