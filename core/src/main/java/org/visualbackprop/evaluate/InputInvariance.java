package org.visualbackprop.evaluate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.visualbackprop.explain.Explainer;
import org.visualbackprop.nn.BatchNorm2d;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Flatten;
import org.visualbackprop.nn.Layer;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/**
 * Input invariance (Kindermans et al. 2017/2019, "The (un)reliability of saliency methods", Section 2): shift every input
 * by a constant {@code c} and compensate the shift in the first layer's bias, so that the network computes exactly the
 * same function of the original input; a method whose map changes attributes something the network does not see.
 * Kindermans et al. shift MNIST from [0, 1] to [-1, 0] ({@link #KINDERMANS_SHIFT}).
 *
 * <p>The compensation, in a copy of the network ({@link #compensated}):
 * <ul>
 * <li>a first {@link BatchNorm2d} (the paper's networks begin with one): {@code beta' = beta - gamma c / sqrt(var + eps)}
 *     in evaluation mode; with batch statistics nothing (the batch mean absorbs the shift);</li>
 * <li>a first {@link Conv2d}: {@code b'_o = b_o - c sum_(i,ky,kx) W_(o,i,ky,kx)} (exact where the window lies inside the
 *     image; a padded convolution's border outputs differ, and {@link Result#outputDiff} shows it);</li>
 * <li>a first {@link Dense} (after a {@link Flatten}): {@code b'_o = b_o - c sum_i W_(o,i)}.</li>
 * </ul>
 * Reported per method and frame: the largest absolute difference between the two maps, and that difference over the
 * original map's largest absolute value; a method counts as unchanged when that share is at most {@link #UNCHANGED} on
 * the median frame ({@link Result#unchanged}).
 */
public final class InputInvariance {
    /** Kindermans et al.'s shift, [0, 1] to [-1, 0]. */
    public static final float KINDERMANS_SHIFT = -1f;
    /** A map that moved by no more than this share of its largest absolute value counts as unchanged (float32 rounding). */
    public static final double UNCHANGED = 1e-3;

    /**
     * What the test gave.
     *
     * @param shift      the constant added to every input value
     * @param outputDiff the largest absolute difference between the two networks' outputs over the frames (zero up to
     *                   rounding when the compensation is exact)
     * @param outputScale the largest absolute output
     * @param diff       per method and frame, the largest absolute difference of the maps
     * @param relative   per method and frame, {@code diff} over the original map's largest absolute value (0 when both maps are zero, infinite when only the original is)
     */
    public record Result(float shift, double outputDiff, double outputScale, Map<String, double[]> diff, Map<String, double[]> relative) {
        /** The largest relative difference of a method's maps over the frames (NaN frames skipped). */
        public double worst(String method) {
            double w = Double.NaN;
            for (double v : relative.get(method)) {
                if (!Double.isNaN(v)) {
                    w = Double.isNaN(w) ? v : Math.max(w, v);
                }
            }
            return w;
        }

        /** The median relative difference of a method's maps over the frames where it is defined. */
        public double median(String method) {
            double[] v = java.util.Arrays.stream(relative.get(method)).filter(d -> !Double.isNaN(d)).sorted().toArray();
            if (v.length == 0) {
                return Double.NaN;
            }
            return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        }

        /** Number of frames whose map moved by more than {@link #UNCHANGED} of its scale. */
        public int framesChanged(String method) {
            int c = 0;
            for (double v : relative.get(method)) {
                c += v > UNCHANGED ? 1 : 0;
            }
            return c;
        }

        /**
         * Whether the method's map is unchanged on the typical frame: the median relative change is at most
         * {@link #UNCHANGED}. Float32 rounding of the shifted input and of the compensated bias can flip a ReLU whose
         * input lies within rounding of zero, which moves a gradient's map on the odd frame although the method is
         * invariant in exact arithmetic; {@link #framesChanged} and {@link #worst} say how often and how much.
         */
        public boolean unchanged(String method) {
            double m = median(method);
            return !Double.isNaN(m) && m <= UNCHANGED;
        }
    }

    private InputInvariance() {
    }

    /**
     * A copy of {@code net} whose output for {@code x + shift} is its output for {@code x}.
     *
     * @throws IllegalArgumentException when the first layer with parameters is not a BatchNorm2d, Conv2d or Dense, or a
     *                                  layer other than Flatten comes before it
     */
    public static Network compensated(Network net, float shift, Mode mode) {
        int first = 0;
        while (first < net.size() && net.layer(first) instanceof Flatten) {
            first++;
        }
        if (first == net.size()) {
            throw new IllegalArgumentException("the network has no layer to compensate an input shift in");
        }
        Layer l = net.layer(first);
        Layer replaced;
        if (l instanceof BatchNorm2d bn) {
            if (mode.batchStatistics()) {
                return net.copy();
            }
            int c = bn.channels();
            Tensor beta = bn.beta().value().copy();
            for (int k = 0; k < c; k++) {
                double scale = bn.gamma().value().data()[k] / Math.sqrt(bn.runningVar().data()[k] + (double) bn.eps());
                beta.data()[k] = (float) (beta.data()[k] - scale * shift);
            }
            replaced = BatchNorm2d.withStatistics(bn.eps(), bn.momentum(), bn.gamma().value(), beta, bn.runningMean(), bn.runningVar());
        } else if (l instanceof Conv2d conv) {
            Tensor w = conv.weight().value();
            int out = conv.outChannels();
            int per = w.shape().sampleSize();
            Tensor b = conv.bias() == null ? Tensor.zeros(Shape.vector(1, out)) : conv.bias().value().copy();
            for (int o = 0; o < out; o++) {
                double s = 0;
                for (int q = 0; q < per; q++) {
                    s += w.data()[o * per + q];
                }
                b.data()[o] = (float) (b.data()[o] - shift * s);
            }
            replaced = Conv2d.withWeights(conv.window(), w, b);
        } else if (l instanceof Dense d) {
            Tensor w = d.weight().value();
            int out = d.outFeatures();
            int in = d.inFeatures();
            Tensor b = d.bias() == null ? Tensor.zeros(Shape.vector(1, out)) : d.bias().value().copy();
            for (int o = 0; o < out; o++) {
                double s = 0;
                for (int q = 0; q < in; q++) {
                    s += w.data()[o * in + q];
                }
                b.data()[o] = (float) (b.data()[o] - shift * s);
            }
            replaced = Dense.withWeights(w, b);
        } else {
            throw new IllegalArgumentException("cannot compensate an input shift in " + net.name(first) + " (" + l
                    + "): the first layer must be BatchNorm2d, Conv2d or Dense");
        }
        int at = first;
        return net.copy(i -> i == at ? replaced : null);
    }

    /**
     * The test for every method on the frames of {@code x}: each method explains {@code x} on the network and
     * {@code x + shift} on the compensated copy (the same frames in the same batches, so methods that draw random numbers
     * draw the same ones).
     *
     * @param progress told the number of frames explained by one method (may be null): {@code 2 * frames * methods} in all
     */
    public static Result run(Network net, List<? extends Explainer> methods, Tensor x, float shift, int batch, IntConsumer progress) {
        Batches.checkFrames(net, x);
        Mode mode = Batches.mode(methods);
        Network moved = compensated(net, shift, mode);
        Tensor xs = x.copy();
        for (int q = 0; q < xs.data().length; q++) {
            xs.data()[q] += shift;
        }
        int n = x.shape().n();
        Map<String, double[][]> first = new LinkedHashMap<>();
        Map<String, double[]> diff = new LinkedHashMap<>();
        Map<String, double[]> rel = new LinkedHashMap<>();
        for (Explainer e : methods) {
            first.put(e.name(), new double[n][]);
            diff.put(e.name(), new double[n]);
            rel.put(e.name(), new double[n]);
        }
        double[][] out0 = new double[n][];
        double[][] out1 = new double[n][];
        int[] targets = Batches.predicted(Batches.scores(net, x, mode, batch));
        Batches.explain(net, methods, x, targets, batch, progress, r -> {
            for (int i = 0; i < r.size(); i++) {
                out0[r.first() + i] = row(r.scores(), i);
            }
            r.attributions().forEach((name, a) -> {
                for (int i = 0; i < r.size(); i++) {
                    first.get(name)[r.first() + i] = a.map(i);
                }
            });
        });
        Batches.explain(moved, methods, xs, targets, batch, progress, r -> {
            for (int i = 0; i < r.size(); i++) {
                out1[r.first() + i] = row(r.scores(), i);
            }
            r.attributions().forEach((name, a) -> {
                for (int i = 0; i < r.size(); i++) {
                    int f = r.first() + i;
                    double[] m0 = first.get(name)[f];
                    double[] m1 = a.map(i);
                    double d = 0;
                    double scale = 0;
                    for (int q = 0; q < m0.length; q++) {
                        d = Math.max(d, Math.abs(m0[q] - m1[q]));
                        scale = Math.max(scale, Math.abs(m0[q]));
                    }
                    diff.get(name)[f] = d;
                    rel.get(name)[f] = scale == 0 ? (d == 0 ? 0 : Double.POSITIVE_INFINITY) : d / scale;
                }
            });
        });
        double od = 0;
        double os = 0;
        for (int f = 0; f < n; f++) {
            for (int k = 0; k < out0[f].length; k++) {
                od = Math.max(od, Math.abs(out0[f][k] - out1[f][k]));
                os = Math.max(os, Math.abs(out0[f][k]));
            }
        }
        return new Result(shift, od, os, diff, rel);
    }

    private static double[] row(Tensor t, int i) {
        int k = t.shape().sampleSize();
        double[] r = new double[k];
        for (int j = 0; j < k; j++) {
            r[j] = t.data()[i * k + j];
        }
        return r;
    }
}
