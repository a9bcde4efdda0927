package org.visualbackprop.evaluate;

import java.util.Arrays;
import java.util.Objects;

/**
 * The similarity measures of Adebayo et al. (2018, "Sanity checks for saliency maps", Section 3 and Appendix) between
 * two maps of the same {@code h x w} image: Spearman's rank correlation of their absolute values and of the maps
 * themselves, the structural similarity index (SSIM) and the Pearson correlation of their histograms of oriented
 * gradients (HOG). SSIM and HOG compare the maps as Quantus does by default ({@code abs=True},
 * {@code normalise_by_max}): each map's absolute value divided by its largest absolute value.
 *
 * <ul>
 * <li>Spearman: the Pearson correlation of the ranks, ties given their mean rank (as {@code scipy.stats.spearmanr});</li>
 * <li>SSIM (Wang et al. 2004) as {@code skimage.metrics.structural_similarity} with its defaults, as Quantus calls it:
 *     7 x 7 uniform windows, {@code K1 = 0.01}, {@code K2 = 0.03}, sample covariances ({@code 49 / 48}), the data range
 *     {@code max - min} over both maps, the mean over the windows that lie inside the image;</li>
 * <li>HOG (Dalal and Triggs 2005) as {@code skimage.feature.hog} with its defaults: centred differences (zero on the
 *     border rows and columns), unsigned orientations in 9 bins of 20 degrees, magnitudes summed per 8 x 8 cell and divided
 *     by its area, blocks of 3 x 3 cells normalized by L2-Hys (L2, clipped at 0.2, L2 again; {@code eps = 1e-5}).</li>
 * </ul>
 * A measure that is undefined (a constant map has no rank correlation; an image under 7 pixels has no SSIM window, under
 * 24 no HOG block) is NaN.
 */
public final class Similarity {
    /** The four measures, in the order {@link #compare} returns them. */
    public enum Measure {
        SPEARMAN_ABS("Spearman |map|"), SPEARMAN("Spearman map"), SSIM("SSIM"), HOG("HOG Pearson");

        private final String label;

        Measure(String label) {
            this.label = label;
        }

        /** How tables name it. */
        public String label() {
            return label;
        }
    }

    private static final int SSIM_WINDOW = 7;
    private static final double K1 = 0.01;
    private static final double K2 = 0.03;
    private static final int HOG_CELL = 8;
    private static final int HOG_BLOCK = 3;
    private static final int HOG_BINS = 9;
    private static final double HOG_EPS = 1e-5;

    private Similarity() {
    }

    /** The four measures of {@code a} against {@code b}, indexed by {@link Measure#ordinal()}. */
    public static double[] compare(double[] a, double[] b, int h, int w) {
        check(a, b, h, w);
        double[] na = absOverMax(a);
        double[] nb = absOverMax(b);
        return new double[] {spearman(abs(a), abs(b)), spearman(a, b), ssim(na, nb, h, w), pearson(hog(na, h, w), hog(nb, h, w))};
    }

    private static void check(double[] a, double[] b, int h, int w) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        if (a.length != (long) h * w || b.length != (long) h * w) {
            throw new IllegalArgumentException("maps of " + a.length + " and " + b.length + " values for an image of " + h + " x " + w);
        }
    }

    /** {@code |v|}. */
    public static double[] abs(double[] v) {
        double[] o = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            o[i] = Math.abs(v[i]);
        }
        return o;
    }

    /** {@code |v| / max |v|} (all zeros when v is). */
    public static double[] absOverMax(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        double[] o = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            o[i] = m == 0 ? 0 : Math.abs(v[i]) / m;
        }
        return o;
    }

    /** Spearman's rank correlation, ties at their mean rank; NaN when either array is constant. */
    public static double spearman(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("rank correlation of " + a.length + " and " + b.length + " values");
        }
        return pearson(ranks(a), ranks(b));
    }

    /** Ranks 1..n, tied values sharing their mean rank. */
    public static double[] ranks(double[] v) {
        int n = v.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        // + 0.0 makes -0.0 equal to 0.0 (Double.compare tells them apart; as numbers they tie)
        Arrays.sort(order, (p, q) -> Double.compare(v[p] + 0.0, v[q] + 0.0));
        double[] r = new double[n];
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && v[order[j + 1]] == v[order[i]]) {
                j++;
            }
            double mean = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                r[order[k]] = mean;
            }
            i = j + 1;
        }
        return r;
    }

    /** Pearson's correlation; NaN when either array is constant (or empty). */
    public static double pearson(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("correlation of " + a.length + " and " + b.length + " values");
        }
        int n = a.length;
        if (n == 0) {
            return Double.NaN;
        }
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < n; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= n;
        mb /= n;
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < n; i++) {
            double da = a[i] - ma;
            double db = b[i] - mb;
            sab += da * db;
            saa += da * da;
            sbb += db * db;
        }
        if (saa == 0 || sbb == 0) {
            return Double.NaN;
        }
        return Math.max(-1, Math.min(1, sab / Math.sqrt(saa * sbb)));
    }

    /** SSIM of two {@code h x w} images (see the class description); NaN when the image is smaller than the window. */
    public static double ssim(double[] a, double[] b, int h, int w) {
        check(a, b, h, w);
        if (h < SSIM_WINDOW || w < SSIM_WINDOW) {
            return Double.NaN;
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < a.length; i++) {
            lo = Math.min(lo, Math.min(a[i], b[i]));
            hi = Math.max(hi, Math.max(a[i], b[i]));
        }
        double range = hi - lo;
        double c1 = (K1 * range) * (K1 * range);
        double c2 = (K2 * range) * (K2 * range);
        int np = SSIM_WINDOW * SSIM_WINDOW;
        double covNorm = np / (np - 1.0);
        // running sums over the window by summed-area tables of a, b, a^2, b^2, ab
        double[] sa = integral(a, h, w, 0);
        double[] sb = integral(b, h, w, 0);
        double[] saa = integral(a, h, w, 1);
        double[] sbb = integral(b, h, w, 2);
        double[] sab = integralProduct(a, b, h, w);
        double total = 0;
        int count = 0;
        for (int y = 0; y + SSIM_WINDOW <= h; y++) {
            for (int x = 0; x + SSIM_WINDOW <= w; x++) {
                double ux = box(sa, w, y, x) / np;
                double uy = box(sb, w, y, x) / np;
                double vx = covNorm * (box(saa, w, y, x) / np - ux * ux);
                double vy = covNorm * (box(sbb, w, y, x) / np - uy * uy);
                double vxy = covNorm * (box(sab, w, y, x) / np - ux * uy);
                double num = (2 * ux * uy + c1) * (2 * vxy + c2);
                double den = (ux * ux + uy * uy + c1) * (vx + vy + c2);
                total += den == 0 ? 1 : num / den;
                count++;
            }
        }
        return total / count;
    }

    /** Summed-area table ({@code (h+1) x (w+1)}) of v ({@code power 0}) or v^2 ({@code 1}, {@code 2}). */
    private static double[] integral(double[] v, int h, int w, int power) {
        double[] s = new double[(h + 1) * (w + 1)];
        for (int y = 0; y < h; y++) {
            double row = 0;
            for (int x = 0; x < w; x++) {
                double e = v[y * w + x];
                row += power == 0 ? e : e * e;
                s[(y + 1) * (w + 1) + x + 1] = s[y * (w + 1) + x + 1] + row;
            }
        }
        return s;
    }

    private static double[] integralProduct(double[] a, double[] b, int h, int w) {
        double[] s = new double[(h + 1) * (w + 1)];
        for (int y = 0; y < h; y++) {
            double row = 0;
            for (int x = 0; x < w; x++) {
                row += a[y * w + x] * b[y * w + x];
                s[(y + 1) * (w + 1) + x + 1] = s[y * (w + 1) + x + 1] + row;
            }
        }
        return s;
    }

    /** Sum over the window with top-left corner {@code (y, x)}. */
    private static double box(double[] s, int w, int y, int x) {
        int k = SSIM_WINDOW;
        int stride = w + 1;
        return s[(y + k) * stride + x + k] - s[y * stride + x + k] - s[(y + k) * stride + x] + s[y * stride + x];
    }

    /** The HOG feature vector of an {@code h x w} image (see the class description); empty when no block fits. */
    public static double[] hog(double[] v, int h, int w) {
        int cellsY = h / HOG_CELL;
        int cellsX = w / HOG_CELL;
        int blocksY = cellsY - HOG_BLOCK + 1;
        int blocksX = cellsX - HOG_BLOCK + 1;
        if (blocksY < 1 || blocksX < 1) {
            return new double[0];
        }
        double[] hist = new double[cellsY * cellsX * HOG_BINS];
        for (int y = 0; y < cellsY * HOG_CELL; y++) {
            for (int x = 0; x < cellsX * HOG_CELL; x++) {
                double gr = y == 0 || y == h - 1 ? 0 : v[(y + 1) * w + x] - v[(y - 1) * w + x];
                double gc = x == 0 || x == w - 1 ? 0 : v[y * w + x + 1] - v[y * w + x - 1];
                double mag = Math.hypot(gr, gc);
                double deg = Math.toDegrees(Math.atan2(gr, gc)) % 180.0;
                if (deg < 0) {
                    deg += 180.0;
                }
                int bin = Math.min(HOG_BINS - 1, (int) (deg / (180.0 / HOG_BINS)));
                hist[((y / HOG_CELL) * cellsX + x / HOG_CELL) * HOG_BINS + bin] += mag;
            }
        }
        double area = HOG_CELL * HOG_CELL;
        for (int i = 0; i < hist.length; i++) {
            hist[i] /= area;
        }
        int per = HOG_BLOCK * HOG_BLOCK * HOG_BINS;
        double[] out = new double[blocksY * blocksX * per];
        double[] block = new double[per];
        for (int by = 0; by < blocksY; by++) {
            for (int bx = 0; bx < blocksX; bx++) {
                int k = 0;
                for (int cy = by; cy < by + HOG_BLOCK; cy++) {
                    for (int cx = bx; cx < bx + HOG_BLOCK; cx++) {
                        System.arraycopy(hist, (cy * cellsX + cx) * HOG_BINS, block, k, HOG_BINS);
                        k += HOG_BINS;
                    }
                }
                l2Hys(block);
                System.arraycopy(block, 0, out, (by * blocksX + bx) * per, per);
            }
        }
        return out;
    }

    /** L2-Hys in place: L2-normalize, clip at 0.2, L2-normalize again. */
    private static void l2Hys(double[] b) {
        double s = 0;
        for (double v : b) {
            s += v * v;
        }
        double n = Math.sqrt(s + HOG_EPS * HOG_EPS);
        s = 0;
        for (int i = 0; i < b.length; i++) {
            b[i] = Math.min(b[i] / n, 0.2);
            s += b[i] * b[i];
        }
        n = Math.sqrt(s + HOG_EPS * HOG_EPS);
        for (int i = 0; i < b.length; i++) {
            b[i] /= n;
        }
    }
}
