package org.visualbackprop.data;

import java.util.SplittableRandom;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.train.Dataset;

/**
 * A tiny built-in regression task for quick runs and tests: a gray image with a bright vertical bar whose horizontal
 * position is the target, a bright horizontal bar at a random height that does not matter (like the horizontal road
 * markings a steering network should learn to ignore), and noise.
 *
 * <p>Target: the bar's centre column mapped to [-1, 1] ({@code -1} at the left edge, {@code +1} at the right).
 * Sample {@code i} is generated from {@code (seed, i)} alone, so it is the same on every call and thread.
 */
public final class BarPositions implements Dataset {
    private final int height;
    private final int width;
    private final int count;
    private final long seed;

    private BarPositions(int height, int width, int count, long seed) {
        if (height < 4 || width < 8) {
            throw new IllegalArgumentException("bar images need at least 4 x 8 pixels, got " + height + " x " + width);
        }
        if (count < 0) {
            throw new IllegalArgumentException("sample count must be >= 0, got " + count);
        }
        this.height = height;
        this.width = width;
        this.count = count;
        this.seed = seed;
    }

    /** {@code count} images of {@code height x width}. */
    public static BarPositions of(int height, int width, int count, long seed) {
        return new BarPositions(height, width, count, seed);
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public Shape inputShape() {
        return new Shape(1, 1, height, width);
    }

    @Override
    public Shape targetShape() {
        return Shape.vector(1, 1);
    }

    /** The vertical bar's first column in sample {@code index}. */
    public int barColumn(int index) {
        return random(index).nextInt(width - 2);
    }

    private SplittableRandom random(int index) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
    }

    @Override
    public void load(int index, float[] input, int inputOffset, float[] target, int targetOffset) {
        java.util.Objects.checkIndex(index, count);
        SplittableRandom r = random(index);
        int bar = r.nextInt(width - 2);
        int row = r.nextInt(height - 1);
        float background = 0.1f + 0.2f * (float) r.nextDouble();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float v = background + 0.08f * (float) r.nextDouble();
                if (y == row || y == row + 1) {
                    v = 0.8f;
                }
                if (x >= bar && x < bar + 2) {
                    v = 0.9f;
                }
                input[inputOffset + y * width + x] = v;
            }
        }
        target[targetOffset] = (bar + 1f) / (width - 1f) * 2f - 1f;
    }

    @Override
    public String describe() {
        return "bars(" + height + "x" + width + ", " + count + " samples, seed " + seed + ")";
    }
}
