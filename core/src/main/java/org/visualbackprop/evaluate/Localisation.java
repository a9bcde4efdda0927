package org.visualbackprop.evaluate;

import java.util.Objects;

/**
 * Where a map puts its weight, against a ground-truth mask of the same image (Quantus's localisation metrics):
 * <ul>
 * <li><b>relevance mass accuracy</b> (Arras et al. 2022, "CLEVR-XAI: a benchmark dataset for the ground truth evaluation
 *     of neural network explanations", Section 4.2, Eq. 5): the positive part of the map inside the mask over its
 *     positive part everywhere, {@code sum_(p in M) max(R_p, 0) / sum_p max(R_p, 0)} (NaN when nothing is positive);</li>
 * <li><b>relevance rank accuracy</b> (ibid., Eq. 6): of the K highest values of the map, with K the mask's size, the
 *     share that lies inside the mask; values tied at the K-th place count in proportion (the expectation over breaking
 *     the tie at random), so a flat map scores the mask's area share;</li>
 * <li><b>pointing game</b> (Zhang et al. 2018, "Top-down neural attention by excitation backprop", Section 5.1): whether
 *     the map's largest value lies in the mask ("hit"); with a tolerance, whether it lies within {@code tolerance} pixels
 *     (Euclidean) of the mask (the paper's 15 pixels). Several pixels tied at the maximum count in proportion.</li>
 * </ul>
 * A method whose map is unrelated to the mask (the {@code random} control) scores the mask's area share on the first
 * two and on the pointing game without tolerance, in expectation.
 */
public final class Localisation {
    /** Zhang et al.'s tolerance of the pointing game, in pixels. */
    public static final double POINTING_TOLERANCE = 15;

    /**
     * The scores of one map against one region.
     *
     * @param massAccuracy  relevance mass accuracy
     * @param rankAccuracy  relevance rank accuracy
     * @param hit           pointing game, in [0, 1] (fractional only for tied maxima)
     * @param hitTolerant   pointing game with the region's tolerance
     * @param areaShare     the mask's share of the image, the score of a map unrelated to it
     */
    public record Scores(double massAccuracy, double rankAccuracy, double hit, double hitTolerant, double areaShare) {
    }

    /** A ground-truth mask, with its dilation by the pointing game's tolerance made once for every map scored against it. */
    public static final class Region {
        private final boolean[] mask;
        private final boolean[] near;
        private final int h;
        private final int w;
        private final int size;
        private final double tolerance;

        private Region(boolean[] mask, int h, int w, double tolerance) {
            this.mask = mask.clone();
            this.h = h;
            this.w = w;
            this.tolerance = tolerance;
            int c = 0;
            for (boolean b : mask) {
                c += b ? 1 : 0;
            }
            this.size = c;
            this.near = dilate(mask, h, w, tolerance);
        }

        /**
         * A region of an {@code h x w} image.
         *
         * @param tolerance the pointing game's tolerance in pixels ({@link #POINTING_TOLERANCE})
         * @throws IllegalArgumentException when the mask is empty or of another size
         */
        public static Region of(boolean[] mask, int h, int w, double tolerance) {
            Objects.requireNonNull(mask, "mask");
            if (mask.length != (long) h * w) {
                throw new IllegalArgumentException("mask of " + mask.length + " pixels for an image of " + h + " x " + w);
            }
            if (!(tolerance >= 0)) {
                throw new IllegalArgumentException("tolerance must be >= 0, got " + tolerance);
            }
            Region r = new Region(mask, h, w, tolerance);
            if (r.size == 0) {
                throw new IllegalArgumentException("the mask is empty: nothing to localise");
            }
            return r;
        }

        /** Pixels in the mask. */
        public int size() {
            return size;
        }

        /** The mask's share of the image. */
        public double areaShare() {
            return (double) size / mask.length;
        }

        /** The pointing game's tolerance in pixels. */
        public double tolerance() {
            return tolerance;
        }

        private static boolean[] dilate(boolean[] m, int h, int w, double r) {
            boolean[] out = m.clone();
            int ri = (int) Math.floor(r);
            double r2 = r * r;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    if (!m[y * w + x]) {
                        continue;
                    }
                    // only the mask's border pixels widen it: an interior pixel's disc lies inside its neighbours' discs
                    boolean interior = y > 0 && y < h - 1 && x > 0 && x < w - 1 && m[(y - 1) * w + x] && m[(y + 1) * w + x]
                            && m[y * w + x - 1] && m[y * w + x + 1];
                    if (interior) {
                        continue;
                    }
                    for (int dy = -ri; dy <= ri; dy++) {
                        int yy = y + dy;
                        if (yy < 0 || yy >= h) {
                            continue;
                        }
                        for (int dx = -ri; dx <= ri; dx++) {
                            int xx = x + dx;
                            if (xx >= 0 && xx < w && dy * dy + dx * dx <= r2) {
                                out[yy * w + xx] = true;
                            }
                        }
                    }
                }
            }
            return out;
        }
    }

    private Localisation() {
    }

    /** The scores of {@code map} ({@code H * W} values in row order) against {@code region}. */
    public static Scores of(double[] map, Region region) {
        Objects.requireNonNull(map, "map");
        boolean[] m = region.mask;
        if (map.length != m.length) {
            throw new IllegalArgumentException("map of " + map.length + " values for a mask of " + m.length);
        }
        double in = 0;
        double all = 0;
        double max = Double.NEGATIVE_INFINITY;
        for (int p = 0; p < map.length; p++) {
            double v = Math.max(map[p], 0);
            all += v;
            if (m[p]) {
                in += v;
            }
            max = Math.max(max, map[p]);
        }
        double mass = all > 0 ? in / all : Double.NaN;
        // pointing game: the maxima
        int maxima = 0;
        int maxIn = 0;
        int maxNear = 0;
        for (int p = 0; p < map.length; p++) {
            if (map[p] == max) {
                maxima++;
                maxIn += m[p] ? 1 : 0;
                maxNear += region.near[p] ? 1 : 0;
            }
        }
        // rank accuracy: the threshold value t of the K-th largest; values above t count whole, values equal to t in part
        int k = region.size;
        double t = kthLargest(map, k);
        int above = 0;
        int aboveIn = 0;
        int tied = 0;
        int tiedIn = 0;
        for (int p = 0; p < map.length; p++) {
            if (map[p] > t) {
                above++;
                aboveIn += m[p] ? 1 : 0;
            } else if (map[p] == t) {
                tied++;
                tiedIn += m[p] ? 1 : 0;
            }
        }
        double rank = (aboveIn + (double) (k - above) * tiedIn / tied) / k;
        return new Scores(mass, rank, (double) maxIn / maxima, (double) maxNear / maxima, region.areaShare());
    }

    /** The k-th largest value ({@code 1 <= k <= length}). */
    static double kthLargest(double[] v, int k) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s[s.length - k];
    }
}
