package org.visualbackprop.tensor;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A batch of float32 feature maps in row-major NCHW order, stored in one {@code float[]}.
 *
 * <p>No broadcasting: operations that combine tensors require equal shapes and say so when they differ.
 * Methods that modify this tensor carry {@code InPlace} in their name or say "Modified." in their javadoc;
 * everything else leaves its arguments alone. Not thread-safe (it is a plain array).
 */
public final class Tensor {
    private final Shape shape;
    private final float[] data;

    private Tensor(Shape shape, float[] data) {
        this.shape = shape;
        this.data = data;
    }

    /** A tensor of zeros. */
    public static Tensor zeros(Shape shape) {
        return new Tensor(Objects.requireNonNull(shape, "shape"), new float[shape.size()]);
    }

    /**
     * Wraps {@code data} (not copied: later writes to the array show in the tensor).
     *
     * @throws ShapeException when the array length differs from the shape's element count
     */
    public static Tensor wrap(Shape shape, float[] data) {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(data, "data");
        if (data.length != shape.size()) {
            throw new ShapeException("shape " + shape + " needs " + shape.size() + " values, got an array of " + data.length);
        }
        return new Tensor(shape, data);
    }

    /** A copy of {@code data} in a tensor of the given shape. */
    public static Tensor of(Shape shape, float... data) {
        return wrap(shape, data.clone());
    }

    /** Values drawn uniformly from {@code [lo, hi)} with the given random source. */
    public static Tensor uniform(Shape shape, float lo, float hi, SplittableRandom random) {
        Tensor t = zeros(shape);
        for (int i = 0; i < t.data.length; i++) {
            t.data[i] = lo + (hi - lo) * (float) random.nextDouble();
        }
        return t;
    }

    /** Stacks batch-1 or larger tensors of equal sample shape along the batch axis. */
    public static Tensor stack(List<Tensor> parts) {
        if (parts.isEmpty()) {
            throw new ShapeException("cannot stack an empty list of tensors");
        }
        Shape first = parts.get(0).shape;
        int n = 0;
        for (Tensor t : parts) {
            if (t.shape.c() != first.c() || t.shape.h() != first.h() || t.shape.w() != first.w()) {
                throw new ShapeException("cannot stack tensors of shapes " + first + " and " + t.shape
                        + ": channel, height and width must agree");
            }
            n += t.shape.n();
        }
        Tensor out = zeros(first.withBatch(n));
        int off = 0;
        for (Tensor t : parts) {
            System.arraycopy(t.data, 0, out.data, off, t.data.length);
            off += t.data.length;
        }
        return out;
    }

    public Shape shape() {
        return shape;
    }

    /** The backing array (not a copy). */
    public float[] data() {
        return data;
    }

    public float get(int n, int c, int y, int x) {
        return data[shape.index(n, c, y, x)];
    }

    /** Sets one element. Modified. */
    public void set(int n, int c, int y, int x, float value) {
        data[shape.index(n, c, y, x)] = value;
    }

    /** A deep copy. */
    public Tensor copy() {
        return new Tensor(shape, data.clone());
    }

    /** Same data, another shape with the same element count (shares the array). */
    public Tensor reshape(Shape newShape) {
        if (newShape.size() != shape.size()) {
            throw new ShapeException("cannot reshape " + shape + " (" + shape.size() + " values) to " + newShape
                    + " (" + newShape.size() + " values)");
        }
        return new Tensor(newShape, data);
    }

    /** A copy of samples {@code from .. from+count-1}. */
    public Tensor slice(int from, int count) {
        if (from < 0 || count < 1 || from + count > shape.n()) {
            throw new ShapeException("cannot take samples " + from + ".." + (from + count - 1) + " of a batch of " + shape.n());
        }
        int s = shape.sampleSize();
        return new Tensor(shape.withBatch(count), Arrays.copyOfRange(data, from * s, (from + count) * s));
    }

    /** A copy of sample {@code i} as a batch of one. */
    public Tensor sample(int i) {
        return slice(i, 1);
    }

    /** Copies {@code src} into this tensor. Modified: this. @throws ShapeException when the shapes differ */
    public void copyFromInPlace(Tensor src) {
        requireSameShape(src, "copy");
        System.arraycopy(src.data, 0, data, 0, data.length);
    }

    /** Sets every element to {@code value}. Modified. */
    public void fillInPlace(float value) {
        Arrays.fill(data, value);
    }

    /** Adds {@code other} element-wise. Modified: this. */
    public void addInPlace(Tensor other) {
        requireSameShape(other, "add");
        for (int i = 0; i < data.length; i++) {
            data[i] += other.data[i];
        }
    }

    /** Multiplies every element by {@code factor}. Modified. */
    public void scaleInPlace(float factor) {
        for (int i = 0; i < data.length; i++) {
            data[i] *= factor;
        }
    }

    /**
     * Writes the mean over channels, {@code mean[n, 0, y, x] = (1/C) sum_c this[n, c, y, x]}.
     *
     * @param mean {@code n x 1 x h x w}, modified (overwritten)
     */
    public void channelMeanInto(Tensor mean) {
        Shape want = new Shape(shape.n(), 1, shape.h(), shape.w());
        if (!mean.shape.equals(want)) {
            throw new ShapeException("the channel mean of " + shape + " has shape " + want + ", got " + mean.shape);
        }
        int plane = shape.plane();
        float[] m = mean.data;
        Arrays.fill(m, 0f);
        for (int i = 0; i < shape.n(); i++) {
            for (int c = 0; c < shape.c(); c++) {
                int o = (i * shape.c() + c) * plane;
                for (int q = 0; q < plane; q++) {
                    m[i * plane + q] += data[o + q];
                }
            }
        }
        float inv = 1f / shape.c();
        for (int q = 0; q < m.length; q++) {
            m[q] *= inv;
        }
    }

    /** Sum of all elements, accumulated in double. */
    public double sum() {
        double s = 0;
        for (float v : data) {
            s += v;
        }
        return s;
    }

    /** Largest absolute element-wise difference to {@code other}. */
    public float maxAbsDiff(Tensor other) {
        requireSameShape(other, "compare");
        float m = 0;
        for (int i = 0; i < data.length; i++) {
            m = Math.max(m, Math.abs(data[i] - other.data[i]));
        }
        return m;
    }

    /** Index of the first non-finite element, or -1 when all are finite. */
    public int firstNonFinite() {
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Throws when any element is NaN or infinite, naming {@code what}, the element's position and value.
     *
     * @return this tensor
     */
    public Tensor requireFinite(String what) {
        int i = firstNonFinite();
        if (i >= 0) {
            int s = shape.sampleSize();
            int p = shape.plane();
            throw new IllegalArgumentException(what + " contains " + data[i] + " at [" + (i / s) + ", "
                    + (i % s) / p + ", " + (i % p) / shape.w() + ", " + i % shape.w() + "] (shape " + shape + ")");
        }
        return this;
    }

    /** Throws a {@link ShapeException} when {@code other} has another shape. */
    public void requireSameShape(Tensor other, String operation) {
        if (!shape.equals(other.shape)) {
            throw new ShapeException("cannot " + operation + " tensors of shapes " + shape + " and " + other.shape);
        }
    }

    @Override
    public String toString() {
        return "Tensor" + shape;
    }
}
