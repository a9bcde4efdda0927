package org.visualbackprop.experiments;

import java.awt.image.BufferedImage;
import java.util.Locale;
import org.visualbackprop.tensor.ShapeException;

/** Small picture and text helpers the experiment classes share. */
final class Panels {
    private Panels() {
    }

    /** A map in [0, 1] (clamped) as a gray picture: 0 black, 1 white (how the paper prints masks, Figures 7, 20, 21). */
    static BufferedImage gray(double[] map, int height, int width) {
        if (map.length != height * width) {
            throw new ShapeException("map has " + map.length + " values, not " + height + " x " + width);
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int q = 0; q < map.length; q++) {
            double v = Double.isNaN(map[q]) ? 0 : Math.max(0, Math.min(1, map[q]));
            img.getRaster().setSample(q % width, q / width, 0, (int) Math.round(255 * v));
        }
        return img;
    }

    /** {@code 0.1 -> "0.1"}, {@code 2.0 -> "2"}: an epoch position as the paper writes it. */
    static String epochs(double e) {
        return e == Math.rint(e) ? Long.toString((long) e) : String.format(Locale.ROOT, "%s", e);
    }

    /** Mean of an array, NaN when empty. */
    static double mean(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    /** Median of an array (not modified), NaN when empty. */
    static double median(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        int m = s.length;
        return m % 2 == 1 ? s[m / 2] : (s[m / 2 - 1] + s[m / 2]) / 2;
    }
}
