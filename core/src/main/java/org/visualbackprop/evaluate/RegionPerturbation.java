package org.visualbackprop.evaluate;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import org.visualbackprop.explain.Explainer;
import org.visualbackprop.explain.Target;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/**
 * Region perturbation (Samek et al. 2017, "Evaluating the visualization of what a deep neural network has learned",
 * Section II, Eq. 12; Quantus's {@code RegionPerturbation}). The image is cut into square patches on a grid ({@code
 * patch} pixels, the last row and column of patches cut at the border), ranked by the map's mean over each patch (its sum
 * over the patch's area: for the full patches the order of the sums; a patch cut at the border would otherwise rank
 * low for its smaller area alone, and a map that is the same everywhere, like a random one, would send LeRF to the
 * border first and MoRF into the image), and replaced one after another by a baseline, {@code steps} times: most relevant first (MoRF) or least relevant first
 * (LeRF). After each step {@code k} the network runs on the perturbed image {@code x^(k)} (the first k patches replaced)
 * and the curve records how much its output fell:
 * <ul>
 * <li>a classifier: {@code f_c(x) - f_c(x^(k))} with {@code f_c} the explained class's score (below a final LogSoftmax);</li>
 * <li>a regression network: {@code |f(x) - f(x^(k))|}, the change of the output (a steering angle has no direction in
 *     which it is "less"), and the patches should then be ranked by the magnitude of the map (give {@code |map|}).</li>
 * </ul>
 * {@code AOPC = 1/(L+1) sum_(k=0..L) curve(k)} with {@code curve(0) = 0}, per frame, for both orders; {@code ABPC = AOPC_MoRF -
 * AOPC_LeRF} (the area between the curves). A faithful map has a large AOPC_MoRF, a small AOPC_LeRF, a large ABPC.
 * Ties in the ranking go to the patch that comes first in row order, in both orders.
 *
 * <p>The perturbed copies of all frames go through the network in batches (evaluation mode). Defaults: 8 x 8 patches,
 * 100 steps, {@link Baseline#UNIFORM}.
 */
public final class RegionPerturbation {
    /** What replaces a patch. */
    public enum Baseline {
        /** Uniform noise between the frame's smallest and largest value, drawn once per frame (Samek et al.'s choice). */
        UNIFORM("uniform noise in the frame's range"),
        /** The frame blurred by a Gaussian of standard deviation {@code patch / 2} pixels (borders repeated). */
        BLUR("the frame blurred (Gaussian, sigma = patch / 2)"),
        /** The mean of every frame evaluated, per channel. */
        MEAN("the frames' mean per channel"),
        /** Zero (black). */
        ZERO("zero");

        private final String description;

        Baseline(String description) {
            this.description = description;
        }

        /** In words, for reports. */
        public String description() {
            return description;
        }

        /** {@code uniform}, {@code blur}, {@code mean} or {@code zero}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses {@link #id()}, listing the known ones on failure. */
        public static Baseline parse(String s) {
            for (Baseline b : values()) {
                if (b.id().equalsIgnoreCase(s.trim())) {
                    return b;
                }
            }
            throw new IllegalArgumentException("unknown perturbation baseline '" + s + "': expected uniform, blur, mean or zero");
        }
    }

    /** The settings: patch side in pixels, steps, baseline, seed of the uniform baseline. */
    public record Settings(int patch, int steps, Baseline baseline, long seed) {
        public Settings {
            if (patch < 1 || steps < 1) {
                throw new IllegalArgumentException("region perturbation needs a patch >= 1 pixel and >= 1 step, got " + patch + " and " + steps);
            }
        }

        /** 8 x 8 patches, 100 steps, uniform noise, seed 1. */
        public static Settings defaults() {
            return new Settings(8, 100, Baseline.UNIFORM, 1L);
        }
    }

    /**
     * The curves of every frame: {@code morf[f][k]}, {@code lerf[f][k]} for {@code k = 0..L} ({@code [f][0] = 0}).
     */
    public record Curves(double[][] morf, double[][] lerf) {
        /** AOPC of frame {@code f}'s MoRF curve. */
        public double aopcMorf(int f) {
            return mean(morf[f]);
        }

        /** AOPC of frame {@code f}'s LeRF curve. */
        public double aopcLerf(int f) {
            return mean(lerf[f]);
        }

        /** Mean over frames of the MoRF AOPC. */
        public double aopcMorf() {
            double s = 0;
            for (int f = 0; f < morf.length; f++) {
                s += aopcMorf(f);
            }
            return s / morf.length;
        }

        /** Mean over frames of the LeRF AOPC. */
        public double aopcLerf() {
            double s = 0;
            for (int f = 0; f < lerf.length; f++) {
                s += aopcLerf(f);
            }
            return s / lerf.length;
        }

        /** {@code AOPC_MoRF - AOPC_LeRF}, mean over frames. */
        public double abpc() {
            return aopcMorf() - aopcLerf();
        }

        /** The mean curve over frames ({@code morf} or {@code lerf}). */
        public static double[] meanCurve(double[][] curves) {
            double[] m = new double[curves[0].length];
            for (double[] c : curves) {
                for (int k = 0; k < m.length; k++) {
                    m[k] += c[k] / curves.length;
                }
            }
            return m;
        }

        private static double mean(double[] c) {
            double s = 0;
            for (double v : c) {
                s += v;
            }
            return s / c.length;
        }
    }

    private RegionPerturbation() {
    }

    /**
     * Explains the frames with {@code e} (each frame's predicted output) and perturbs them in the order of its maps.
     *
     * @param regression true to measure the change of a single output and rank patches by the magnitude of the map
     */
    public static Curves run(Explainer e, Tensor x, Settings s, boolean regression, int batch, IntConsumer progress) {
        Network net = e.network();
        Batches.checkFrames(net, x);
        int n = x.shape().n();
        double[][] maps = new double[n][];
        int[] targets = Batches.predicted(Batches.scores(net, x, Mode.EVAL, batch));
        Batches.explain(net, List.of(e), x, targets, batch, null, r -> {
            for (int i = 0; i < r.size(); i++) {
                double[] m = r.map(e.name(), i);
                maps[r.first() + i] = regression ? Similarity.abs(m) : m;
            }
        });
        return curves(net, x, maps, targets, s, regression, batch, progress);
    }

    /**
     * The curves for given maps.
     *
     * @param maps     one {@code H * W} map per frame, ranked as given (pass {@code |map|} for a regression network)
     * @param targets  the class whose score is watched per frame (ignored for regression: output 0)
     * @param progress told the number of perturbed images run after each pass (may be null): {@code 2 * L * frames} in all
     */
    public static Curves curves(Network net, Tensor x, double[][] maps, int[] targets, Settings s, boolean regression, int batch,
                                IntConsumer progress) {
        Batches.checkFrames(net, x);
        Shape shape = x.shape();
        int n = shape.n();
        if (maps.length != n || targets.length != n) {
            throw new IllegalArgumentException(maps.length + " maps and " + targets.length + " targets for " + n + " frames");
        }
        int h = shape.h();
        int w = shape.w();
        int py = (h + s.patch() - 1) / s.patch();
        int px = (w + s.patch() - 1) / s.patch();
        int patches = py * px;
        int steps = Math.min(s.steps(), patches);
        Tensor baseline = baseline(x, s);
        // ranked patch order per frame, both orders
        int[][] morf = new int[n][];
        int[][] lerf = new int[n][];
        for (int f = 0; f < n; f++) {
            if (maps[f].length != h * w) {
                throw new IllegalArgumentException("map of frame " + f + " has " + maps[f].length + " values for " + h + " x " + w);
            }
            double[] sums = new double[patches];
            int[] area = new int[patches];
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < w; xx++) {
                    int p = (y / s.patch()) * px + xx / s.patch();
                    sums[p] += maps[f][y * w + xx];
                    area[p]++;
                }
            }
            for (int p = 0; p < patches; p++) {
                sums[p] /= area[p]; // the mean: a patch cut at the border must not rank low for its size alone
            }
            Integer[] idx = new Integer[patches];
            for (int p = 0; p < patches; p++) {
                idx[p] = p;
            }
            Integer[] desc = idx.clone();
            Arrays.sort(desc, (a, b) -> Double.compare(sums[b] + 0.0, sums[a] + 0.0)); // stable: ties keep row order
            Arrays.sort(idx, (a, b) -> Double.compare(sums[a] + 0.0, sums[b] + 0.0));
            morf[f] = Arrays.stream(desc).mapToInt(Integer::intValue).toArray();
            lerf[f] = Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
        }
        double[][] base = Batches.scores(net, x, Mode.EVAL, batch);
        double[][] cm = new double[n][steps + 1];
        double[][] cl = new double[n][steps + 1];
        // copy j: frame j / (2 L), order (j / L) % 2 (0 = MoRF), step j % L + 1
        int total = n * 2 * steps;
        int size = shape.sampleSize();
        int top = Target.scoreLayer(net);
        Trace trace = null;
        for (int j0 = 0; j0 < total; j0 += batch) {
            int m = Math.min(batch, total - j0);
            Tensor in = Tensor.zeros(shape.withBatch(m));
            for (int b = 0; b < m; b++) {
                int j = j0 + b;
                int f = j / (2 * steps);
                int[] order = (j / steps) % 2 == 0 ? morf[f] : lerf[f];
                int k = j % steps + 1;
                System.arraycopy(x.data(), f * size, in.data(), b * size, size);
                for (int p = 0; p < k; p++) {
                    replace(in, b, baseline, f, order[p], px, s.patch());
                }
            }
            trace = net.trace(in, Mode.EVAL, trace);
            Tensor scores = trace.output(top);
            int kk = scores.shape().sampleSize();
            for (int b = 0; b < m; b++) {
                int j = j0 + b;
                int f = j / (2 * steps);
                int k = j % steps + 1;
                int t = regression ? 0 : targets[f];
                double y = scores.data()[b * kk + t];
                double drop = regression ? Math.abs(base[f][t] - y) : base[f][t] - y;
                ((j / steps) % 2 == 0 ? cm : cl)[f][k] = drop;
            }
            if (progress != null) {
                progress.accept(m);
            }
        }
        return new Curves(cm, cl);
    }

    /** Copies patch {@code p} (grid of {@code px} columns) of frame {@code f} of the baseline into sample {@code b} of {@code in}. */
    private static void replace(Tensor in, int b, Tensor baseline, int f, int p, int px, int patch) {
        Shape s = in.shape();
        int y0 = (p / px) * patch;
        int x0 = (p % px) * patch;
        int y1 = Math.min(y0 + patch, s.h());
        int x1 = Math.min(x0 + patch, s.w());
        for (int c = 0; c < s.c(); c++) {
            for (int y = y0; y < y1; y++) {
                int dst = ((b * s.c() + c) * s.h() + y) * s.w();
                int src = ((f * s.c() + c) * s.h() + y) * s.w();
                System.arraycopy(baseline.data(), src + x0, in.data(), dst + x0, x1 - x0);
            }
        }
    }

    /** The baseline image of every frame ({@code x}'s shape). */
    static Tensor baseline(Tensor x, Settings s) {
        Shape shape = x.shape();
        Tensor b = Tensor.zeros(shape);
        int size = shape.sampleSize();
        int plane = shape.plane();
        switch (s.baseline()) {
            case ZERO -> {
            }
            case UNIFORM -> {
                for (int f = 0; f < shape.n(); f++) {
                    float lo = Float.POSITIVE_INFINITY;
                    float hi = Float.NEGATIVE_INFINITY;
                    for (int q = f * size; q < (f + 1) * size; q++) {
                        lo = Math.min(lo, x.data()[q]);
                        hi = Math.max(hi, x.data()[q]);
                    }
                    SplittableRandom r = new SplittableRandom(s.seed() ^ (0x9E3779B97F4A7C15L * (f + 1)));
                    for (int q = f * size; q < (f + 1) * size; q++) {
                        b.data()[q] = lo + (float) r.nextDouble() * (hi - lo);
                    }
                }
            }
            case MEAN -> {
                for (int c = 0; c < shape.c(); c++) {
                    double sum = 0;
                    for (int f = 0; f < shape.n(); f++) {
                        for (int q = 0; q < plane; q++) {
                            sum += x.data()[(f * shape.c() + c) * plane + q];
                        }
                    }
                    float mean = (float) (sum / ((double) shape.n() * plane));
                    for (int f = 0; f < shape.n(); f++) {
                        Arrays.fill(b.data(), (f * shape.c() + c) * plane, (f * shape.c() + c + 1) * plane, mean);
                    }
                }
            }
            case BLUR -> {
                double sigma = s.patch() / 2.0;
                int radius = (int) Math.ceil(3 * sigma);
                double[] k = new double[2 * radius + 1];
                double ks = 0;
                for (int i = -radius; i <= radius; i++) {
                    k[i + radius] = Math.exp(-i * i / (2 * sigma * sigma));
                    ks += k[i + radius];
                }
                for (int i = 0; i < k.length; i++) {
                    k[i] /= ks;
                }
                int h = shape.h();
                int w = shape.w();
                double[] tmp = new double[plane];
                for (int p = 0; p < shape.n() * shape.c(); p++) {
                    int o = p * plane;
                    for (int y = 0; y < h; y++) {
                        for (int xx = 0; xx < w; xx++) {
                            double v = 0;
                            for (int i = -radius; i <= radius; i++) {
                                v += k[i + radius] * x.data()[o + y * w + Math.min(Math.max(xx + i, 0), w - 1)];
                            }
                            tmp[y * w + xx] = v;
                        }
                    }
                    for (int y = 0; y < h; y++) {
                        for (int xx = 0; xx < w; xx++) {
                            double v = 0;
                            for (int i = -radius; i <= radius; i++) {
                                v += k[i + radius] * tmp[Math.min(Math.max(y + i, 0), h - 1) * w + xx];
                            }
                            b.data()[o + y * w + xx] = (float) v;
                        }
                    }
                }
            }
            default -> throw new AssertionError(s.baseline());
        }
        return b;
    }
}
