package org.visualbackprop.flowgraph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Tensor;

/**
 * Remark 1 measured, not asserted. After Theorem 1 the paper conjectures that {@code phi} (eq. 3) is "a near-monotonic
 * function of" {@code phi_VBP} (eq. 4), the more so the smaller the kernels (Remark 1). Nothing proves it; this class
 * measures it as Spearman's rank correlation between the two over the input neurons of one network and input, and
 * summarizes it over random networks per kernel size.
 */
public final class Remark1 {
    private Remark1() {
    }

    /**
     * Spearman's rank correlation: Pearson's correlation of the ranks, ties given their average rank.
     *
     * @return a value in [-1, 1], or NaN when either sample is constant (no ranking to compare)
     * @throws IllegalArgumentException when the lengths differ or are below 2
     */
    public static double spearman(double[] a, double[] b) {
        if (a.length != b.length || a.length < 2) {
            throw new IllegalArgumentException("Spearman's correlation needs two samples of equal length >= 2, got "
                    + a.length + " and " + b.length);
        }
        return org.visualbackprop.evaluate.Similarity.spearman(a, b);
    }

    /**
     * Spearman's correlation between {@code phi(X)} and {@code phi_VBP(X)} over the input neurons X of one network on
     * one input (in double precision, BatchNorm in evaluation mode). Any network the flow graph reads works: a random
     * one or a trained one.
     *
     * @param input one sample, not modified
     * @return the correlation, or NaN when either map is constant (for example when every last-layer unit is dead)
     */
    public static double phiVersusVbp(Network network, Tensor input) {
        FlowGraph<Double> g = FlowGraph.of(network, input);
        return spearman(Verification.toDouble(g.field(), g.phi()), Verification.toDouble(g.field(), g.phiVbp()));
    }

    /**
     * The correlations of many networks, summarized.
     *
     * @param kernel   the kernel side of the networks (0 when mixed)
     * @param nets     how many networks were measured
     * @param defined  how many gave a correlation (the others had a constant map)
     * @param mean     mean correlation over those
     * @param median   median
     * @param lowest   smallest
     * @param above09  share of them above 0.9
     */
    public record Summary(int kernel, int nets, int defined, double mean, double median, double lowest, double above09) {
    }

    /** Summarizes correlations (NaN entries count as not defined). */
    public static Summary summarize(int kernel, double[] rhos) {
        double[] ok = Arrays.stream(rhos).filter(r -> !Double.isNaN(r)).sorted().toArray();
        if (ok.length == 0) {
            return new Summary(kernel, rhos.length, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double mean = Arrays.stream(ok).average().orElse(Double.NaN);
        int m = ok.length;
        double median = m % 2 == 1 ? ok[m / 2] : (ok[m / 2 - 1] + ok[m / 2]) / 2;
        double above = Arrays.stream(ok).filter(r -> r > 0.9).count() / (double) m;
        return new Summary(kernel, rhos.length, m, mean, median, ok[0], above);
    }

    /**
     * Spearman's correlation on {@code nets} random real-valued networks whose kernels are all {@code kernel x kernel}
     * (up to 4 conv layers, 1-4 channels, strides 1-2, conv biases {@code <= 0}, BatchNorm in about a third of the blocks;
     * see {@link SmallNet.Options#floating}), net i drawn from {@code (seed, kernel, i)}.
     */
    public static Summary measureRandom(int kernel, int nets, long seed) {
        SmallNet.Options o = SmallNet.Options.floating(SmallNet.Biases.NON_NEGATIVE_B, 0.3).withKernel(kernel);
        double[] rhos = new double[nets];
        for (int i = 0; i < nets; i++) {
            SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + kernel * 0xBF58476D1CE4E5B9L + i);
            SmallNet net = SmallNet.random(r, o);
            Tensor x = net.input();
            rhos[i] = x.shape().size() < 2 ? Double.NaN : phiVersusVbp(net.network(), x);
        }
        return summarize(kernel, rhos);
    }

    /** {@link #measureRandom(int, int, long)} for each kernel size. */
    public static List<Summary> measureRandom(int[] kernels, int nets, long seed) {
        List<Summary> out = new ArrayList<>();
        for (int k : kernels) {
            out.add(measureRandom(k, nets, seed));
        }
        return out;
    }
}
