package org.visualbackprop.explain;

import java.util.SplittableRandom;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/**
 * SmoothGrad (Smilkov et al. 2017, "SmoothGrad: removing noise by adding noise", Section 3, Eq. 3): the gradient averaged
 * over noisy copies of the input,
 * <pre>
 *   M(x) = (1 / n) sum_(s=1..n) d y / d x  at  x + N(0, sigma^2),   sigma = noise * (max x - min x)
 * </pre>
 * with {@code y} the explained score, {@code n} = {@link Explainer.Options#samples} (25 by default) and the noise level
 * {@link Explainer.Options#noise} (15% of the sample's range by default; the paper finds 10-20% best). The output
 * explained is chosen on the clean input (the predicted class of {@code x}, not of each noisy copy). The map is the
 * largest absolute value over the input's channels, as for the plain gradient it smooths.
 *
 * <p>The noise of sample {@code i} of a batch is drawn from a generator seeded by {@link Explainer.Options#seed} and
 * {@code i}: the same batch gets the same noise every time, on any network, and so does the same batch shifted by a
 * constant (Kindermans et al.'s invariance test then compares like with like). The copies of all samples go through the network
 * together, as many per pass as fit in an eighth of the heap, in evaluation mode; a trace recorded with batch
 * statistics has its BatchNorm layers kept at the statistics of its batch for the copies (see
 * {@code Backprop.forCopies}).
 */
public final class SmoothGrad {
    private SmoothGrad() {
    }

    /**
     * SmoothGrad of the samples of a traced batch for outputs {@code targets}.
     *
     * @param trace   the batch's forward pass (its input is used, not modified)
     * @param targets the output explained for each sample
     */
    public static Attribution attribute(Trace trace, int[] targets, int samples, double noise, long seed) {
        if (samples < 1 || !(noise >= 0)) {
            throw new IllegalArgumentException("SmoothGrad needs >= 1 sample and a noise level >= 0, got " + samples + " and " + noise);
        }
        Tensor x = trace.input();
        Shape s = x.shape();
        int n = s.n();
        int size = s.sampleSize();
        // copy j is noisy copy j % samples of sample j / samples, drawn in that order from the sample's own generator
        SplittableRandom[] r = {null};
        float[] sigma = {0};
        double[] sum = Backprop.gradientSumOverCopies(trace, targets, samples, (j, i, dest, off) -> {
            if (j % samples == 0) {
                r[0] = new SplittableRandom(Backprop.sampleSeed(seed, i));
                sigma[0] = (float) (noise * range(x, i));
            }
            for (int q = 0; q < size; q++) {
                dest[off + q] = x.data()[i * size + q] + (float) (sigma[0] * gaussian(r[0]));
            }
        });
        Tensor mean = Tensor.zeros(s);
        for (int q = 0; q < sum.length; q++) {
            mean.data()[q] = (float) (sum[q] / samples);
        }
        return new Attribution("smoothgrad", mean, new int[n], targets, Attribution.Reduction.MAX_ABS, null);
    }

    /** {@code max - min} of sample {@code i}. */
    static double range(Tensor x, int i) {
        int size = x.shape().sampleSize();
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (int q = i * size; q < (i + 1) * size; q++) {
            lo = Math.min(lo, x.data()[q]);
            hi = Math.max(hi, x.data()[q]);
        }
        return (double) hi - lo;
    }

    /** A standard normal value (Box-Muller, one of the pair). */
    static double gaussian(SplittableRandom r) {
        double u = 1.0 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
