package org.visualbackprop.explain;

import java.util.SplittableRandom;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/**
 * Two maps that do not depend on the network at all, as controls that every evaluation must rank correctly: a method
 * that scores as well as they do on a test has not shown, by that test, that it explains the network.
 * <ul>
 * <li><b>random</b>: uniform noise in [0, 1) per pixel, from a generator seeded by {@link Explainer.Options#seed} and the
 *     sample's place in its batch (the same batch always gets the same noise, whatever the network);</li>
 * <li><b>edge</b>: the Sobel edge magnitude of the input, the edge detector Adebayo et al. (2018, "Sanity checks for
 *     saliency maps", Section 3) set beside saliency methods: per channel
 *     {@code sqrt(Gx^2 + Gy^2)} with {@code Gx = [-1 0 1; -2 0 2; -1 0 1]} (cross-correlation) and {@code Gy} its
 *     transpose, the input's border pixels repeated outside it; summed over the channels.</li>
 * </ul>
 */
public final class Controls {
    private Controls() {
    }

    /** Seeded uniform noise, one channel, per sample of {@code x} (not modified). */
    public static Attribution random(Tensor x, long seed, int[] targets) {
        Shape s = x.shape();
        Tensor out = Tensor.zeros(new Shape(s.n(), 1, s.h(), s.w()));
        int plane = s.plane();
        for (int i = 0; i < s.n(); i++) {
            SplittableRandom r = new SplittableRandom(Backprop.sampleSeed(seed, i));
            for (int q = 0; q < plane; q++) {
                out.data()[i * plane + q] = (float) r.nextDouble();
            }
        }
        return new Attribution("random", out, new int[s.n()], targets, Attribution.Reduction.SUM, null);
    }

    /** The Sobel edge magnitude of every channel of every sample of {@code x} (not modified); the map sums the channels. */
    public static Attribution edge(Tensor x, int[] targets) {
        Shape s = x.shape();
        Tensor out = Tensor.zeros(s);
        int h = s.h();
        int w = s.w();
        float[] d = x.data();
        for (int p = 0; p < s.n() * s.c(); p++) {
            int o = p * h * w;
            for (int y = 0; y < h; y++) {
                int ym = Math.max(y - 1, 0);
                int yp = Math.min(y + 1, h - 1);
                for (int xx = 0; xx < w; xx++) {
                    int xm = Math.max(xx - 1, 0);
                    int xp = Math.min(xx + 1, w - 1);
                    double gx = (d[o + ym * w + xp] + 2.0 * d[o + y * w + xp] + d[o + yp * w + xp])
                            - (d[o + ym * w + xm] + 2.0 * d[o + y * w + xm] + d[o + yp * w + xm]);
                    double gy = (d[o + yp * w + xm] + 2.0 * d[o + yp * w + xx] + d[o + yp * w + xp])
                            - (d[o + ym * w + xm] + 2.0 * d[o + ym * w + xx] + d[o + ym * w + xp]);
                    out.data()[o + y * w + xx] = (float) Math.sqrt(gx * gx + gy * gy);
                }
            }
        }
        return new Attribution("edge", out, new int[s.n()], targets, Attribution.Reduction.SUM, null);
    }
}
