package org.visualbackprop.tensor;

/**
 * The shape of a batch of feature maps: {@code n x c x h x w} (batch, channels, height, width),
 * always four dimensions. A vector of features (the output of {@code Flatten} or {@code Dense}) is
 * {@code n x features x 1 x 1}.
 *
 * <p>Immutable. Every dimension is at least 1 and the element count fits in an {@code int}.
 */
public record Shape(int n, int c, int h, int w) {

    public Shape {
        if (n < 1 || c < 1 || h < 1 || w < 1) {
            throw new ShapeException("every dimension of a shape must be >= 1, got " + format(n, c, h, w));
        }
        long size = (long) n * c * h * w;
        if (size > Integer.MAX_VALUE - 8) {
            throw new ShapeException("shape " + format(n, c, h, w) + " has " + size
                    + " elements, more than a Java array can hold");
        }
    }

    /** Shape of {@code n} feature vectors of length {@code features}: {@code n x features x 1 x 1}. */
    public static Shape vector(int n, int features) {
        return new Shape(n, features, 1, 1);
    }

    /** Number of elements, {@code n*c*h*w}. */
    public int size() {
        return n * c * h * w;
    }

    /** Elements of one sample, {@code c*h*w}. */
    public int sampleSize() {
        return c * h * w;
    }

    /** Elements of one feature map, {@code h*w}. */
    public int plane() {
        return h * w;
    }

    /** The same shape with another batch size. */
    public Shape withBatch(int batch) {
        return new Shape(batch, c, h, w);
    }

    /** True when this is a feature vector ({@code h == w == 1}). */
    public boolean isVector() {
        return h == 1 && w == 1;
    }

    /** Flat index of element {@code (i, ch, y, x)}, row-major. */
    public int index(int i, int ch, int y, int x) {
        return ((i * c + ch) * h + y) * w + x;
    }

    /** The per-sample part as the paper's tables write it: {@code "32 x 123 x 638"}, or {@code "1024"} for a vector. */
    public String describeSample() {
        return isVector() ? Integer.toString(c) : c + " x " + h + " x " + w;
    }

    @Override
    public String toString() {
        return format(n, c, h, w);
    }

    private static String format(int n, int c, int h, int w) {
        return "[" + n + ", " + c + ", " + h + ", " + w + "]";
    }
}
