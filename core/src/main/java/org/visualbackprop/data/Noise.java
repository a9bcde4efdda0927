package org.visualbackprop.data;

import java.util.SplittableRandom;

/**
 * Deterministic noise for the generators: a fixed, tileable table of smooth value noise (built once from a constant
 * seed, so every run and every thread sees the same table) and stateless integer hashes for per-pixel grain.
 * Scenes choose their own offsets into the table, so the table's seed is not a parameter.
 */
final class Noise {
    /** Side of the square, tileable table. */
    static final int SIZE = 512;
    private static final int MASK = SIZE - 1;
    private static final long TABLE_SEED = 0x5eed_0f_70adL;
    /** Smooth noise, mean 0, standard deviation 1, features of 8 to 64 texels. */
    private static final float[] TABLE = build();

    private Noise() {
    }

    private static float[] build() {
        float[] t = new float[SIZE * SIZE];
        SplittableRandom random = new SplittableRandom(TABLE_SEED);
        int[] periods = {64, 32, 16, 8};
        double[] weights = {1.0, 0.6, 0.4, 0.25};
        for (int o = 0; o < periods.length; o++) {
            int p = periods[o];
            int cells = SIZE / p;
            double[] lattice = new double[cells * cells];
            for (int i = 0; i < lattice.length; i++) {
                lattice[i] = random.nextDouble() * 2 - 1;
            }
            for (int y = 0; y < SIZE; y++) {
                int cy = y / p;
                double fy = smooth((y % p) / (double) p);
                int cy1 = (cy + 1) % cells;
                for (int x = 0; x < SIZE; x++) {
                    int cx = x / p;
                    double fx = smooth((x % p) / (double) p);
                    int cx1 = (cx + 1) % cells;
                    double a = lattice[cy * cells + cx];
                    double b = lattice[cy * cells + cx1];
                    double c = lattice[cy1 * cells + cx];
                    double d = lattice[cy1 * cells + cx1];
                    double v = (a + (b - a) * fx) * (1 - fy) + (c + (d - c) * fx) * fy;
                    t[y * SIZE + x] += (float) (weights[o] * v);
                }
            }
        }
        double sum = 0;
        double sq = 0;
        for (float v : t) {
            sum += v;
            sq += (double) v * v;
        }
        double mean = sum / t.length;
        double sd = Math.sqrt(sq / t.length - mean * mean);
        for (int i = 0; i < t.length; i++) {
            t[i] = (float) ((t[i] - mean) / sd);
        }
        return t;
    }

    private static double smooth(double f) {
        return f * f * (3 - 2 * f);
    }

    /** Smooth noise at texel coordinates {@code (x, y)} (bilinear between texels, tiles every {@link #SIZE}). */
    static float sample(double x, double y) {
        double fx = Math.floor(x);
        double fy = Math.floor(y);
        int ix = (int) ((long) fx & MASK);
        int iy = (int) ((long) fy & MASK);
        float ax = (float) (x - fx);
        float ay = (float) (y - fy);
        int ix1 = (ix + 1) & MASK;
        int row = iy * SIZE;
        int row1 = ((iy + 1) & MASK) * SIZE;
        float a = TABLE[row + ix];
        float b = TABLE[row + ix1];
        float c = TABLE[row1 + ix];
        float d = TABLE[row1 + ix1];
        float top = a + (b - a) * ax;
        float bottom = c + (d - c) * ax;
        return top + (bottom - top) * ay;
    }

    /** The SplitMix64 finaliser: a well-mixed 64-bit hash of {@code z}. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** A hash of two values. */
    static long mix(long a, long b) {
        return mix(a * 0x9e3779b97f4a7c15L + mix(b));
    }

    /** A uniform value in [0, 1) from the top 53 bits of a hash. */
    static double unit(long h) {
        return (h >>> 11) * 0x1.0p-53;
    }

    /**
     * Two approximately normal values (mean 0, standard deviation 1) from one hash: each is the sum of two 16-bit
     * uniforms (a triangular distribution), rescaled. Index 0 or 1 picks which.
     */
    static float gauss(long h, int which) {
        int shift = which * 32;
        float a = ((h >>> shift) & 0xffff) * (1f / 65536f);
        float b = ((h >>> (shift + 16)) & 0xffff) * (1f / 65536f);
        // sum of two U(0,1) has variance 1/6
        return (a + b - 1f) * 2.4494897f;
    }
}
