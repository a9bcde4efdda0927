package org.visualbackprop.explain;

import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/**
 * Integrated Gradients (Sundararajan et al. 2017, "Axiomatic attribution for deep networks", Section 3, and its Riemann
 * approximation, Eq. 3) from the zero baseline {@code x' = 0}:
 * <pre>
 *   IG_i(x) = x_i * (1 / m) sum_(k=1..m) d y / d x_i  at  (k / m) x
 * </pre>
 * with {@code y} the explained score and {@code m} = {@link Explainer.Options#steps} (32 by default); the map sums the
 * input's channels. Completeness holds up to the Riemann sum's error: {@code sum_i IG_i = y(x) - y(0)} exactly for a
 * network that is linear along the path. The output explained is chosen on the input itself.
 *
 * <p>The scaled copies of all samples go through the network together, as many per pass as fit in an eighth of the
 * heap, in evaluation mode; a trace recorded with batch statistics has its BatchNorm layers kept at the statistics of
 * its batch for the copies (see {@code Backprop.forCopies}).
 */
public final class IntegratedGradients {
    private IntegratedGradients() {
    }

    /**
     * Integrated Gradients of the samples of a traced batch for outputs {@code targets}.
     *
     * @param trace   the batch's forward pass (its input is used, not modified)
     * @param targets the output explained for each sample
     */
    public static Attribution attribute(Trace trace, int[] targets, int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("Integrated Gradients needs >= 1 step, got " + steps);
        }
        Tensor x = trace.input();
        Shape s = x.shape();
        int n = s.n();
        int size = s.sampleSize();
        // copy j: step j % steps + 1 of sample j / steps, the input scaled by alpha = (j % steps + 1) / steps
        double[] sum = Backprop.gradientSumOverCopies(trace, targets, steps, (j, i, dest, off) -> {
            float alpha = (float) (j % steps + 1) / steps;
            for (int q = 0; q < size; q++) {
                dest[off + q] = alpha * x.data()[i * size + q];
            }
        });
        Tensor ig = Tensor.zeros(s);
        for (int q = 0; q < sum.length; q++) {
            ig.data()[q] = (float) (x.data()[q] * sum[q] / steps);
        }
        return new Attribution("integrated-gradients", ig, new int[n], targets, Attribution.Reduction.SUM, null);
    }
}
