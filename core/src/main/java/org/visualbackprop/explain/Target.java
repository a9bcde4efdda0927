package org.visualbackprop.explain;

import org.visualbackprop.nn.LogSoftmax;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Tensor;

/**
 * Which output an attribution method explains. For a regression network with one output (the steering angle) it
 * is that output; for a classifier it is one class's score (the value before a final LogSoftmax).
 */
public final class Target {
    private final int index;
    private final int[] perSample;

    private Target(int index) {
        this.index = index;
        this.perSample = null;
    }

    private Target(int[] perSample) {
        this.index = -2;
        this.perSample = perSample;
    }

    /** The largest score of each sample (the predicted class); the only output of a one-output network. */
    public static Target predicted() {
        return new Target(-1);
    }

    /** Output (class) {@code index} for every sample. */
    public static Target output(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("target output index must be >= 0, got " + index);
        }
        return new Target(index);
    }

    /**
     * Output {@code indices[i]} for sample {@code i}: a batch whose samples are explained for different outputs (a random
     * class per sample, as the random-logit test does; or the outputs chosen on the clean inputs, for methods that run
     * the network on noisy or scaled copies of them).
     *
     * @param indices one output index {@code >= 0} per sample of the batches it is used with (copied)
     */
    public static Target perSample(int... indices) {
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0) {
                throw new IllegalArgumentException("target output index of sample " + i + " must be >= 0, got " + indices[i]);
            }
        }
        return new Target(indices.clone());
    }

    /** True for {@link #predicted()}. */
    public boolean isPredicted() {
        return index == -1;
    }

    /**
     * The layer whose output holds the scores: the last layer, or the one below a final LogSoftmax.
     */
    public static int scoreLayer(Network network) {
        int last = network.size() - 1;
        return network.layer(last) instanceof LogSoftmax && last > 0 ? last - 1 : last;
    }

    /**
     * The chosen output index of every sample of the trace.
     *
     * @throws IllegalArgumentException when a given index is outside the outputs
     */
    public int[] resolve(Trace trace) {
        return resolve(trace.output(scoreLayer(trace.network())));
    }

    /**
     * The chosen output index of every sample, from the scores themselves (the output of {@link #scoreLayer}), for
     * callers that hold the scores but no trace (a compute engine that ran the forward pass on a device).
     *
     * @param scores {@code n x k x 1 x 1} (any {@code n x c x h x w}: a sample's values are its outputs), not modified
     * @throws IllegalArgumentException when a given index is outside the outputs
     */
    public int[] resolve(Tensor scores) {
        int n = scores.shape().n();
        int k = scores.shape().sampleSize();
        if (perSample != null) {
            if (perSample.length != n) {
                throw new IllegalArgumentException("per-sample targets for " + perSample.length + " samples, but the batch has " + n);
            }
            for (int i = 0; i < n; i++) {
                if (perSample[i] >= k) {
                    throw new IllegalArgumentException("target output " + perSample[i] + " of sample " + i + " does not exist: the network has "
                            + k + " output(s)");
                }
            }
            return perSample.clone();
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            if (index >= 0) {
                if (index >= k) {
                    throw new IllegalArgumentException("target output " + index + " does not exist: the network has " + k + " output(s)");
                }
                out[i] = index;
            } else {
                int best = 0;
                for (int j = 1; j < k; j++) {
                    if (scores.data()[i * k + j] > scores.data()[i * k + best]) {
                        best = j;
                    }
                }
                out[i] = best;
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return perSample != null ? "outputs " + java.util.Arrays.toString(perSample) : index < 0 ? "predicted" : "output " + index;
    }
}
