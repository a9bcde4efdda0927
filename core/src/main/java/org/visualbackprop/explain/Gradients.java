package org.visualbackprop.explain;

import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Tensor;

/**
 * Gradient baselines from the same backward machinery as training:
 * <ul>
 * <li>{@link #sensitivity}: the gradient of the explained output with respect to the input (Simonyan et al. 2014);
 *     its map is the largest absolute value over input channels;</li>
 * <li>{@link #gradientTimesInput}: that gradient times the input, summed over input channels.</li>
 * </ul>
 * Each sample's own output is differentiated with respect to its own input: {@code d y_j / d x_j}. In evaluation mode
 * the samples of a batch are independent and one backward pass gives every sample's gradient. With BatchNorm using
 * the statistics of the batch ({@link org.visualbackprop.nn.Mode#batchStatistics()}), every output depends on every
 * input of the batch; then each sample gets its own backward pass, seeded at its output only, and the gradient
 * includes the path through the batch statistics (it is the gradient of the computation done).
 */
public final class Gradients {
    private Gradients() {
    }

    /** d(output) / d(input) per sample. */
    public static Attribution sensitivity(Trace trace, Target target) {
        return new Attribution("gradient", gradient(trace, target), new int[trace.batch()], target.resolve(trace),
                Attribution.Reduction.MAX_ABS, null);
    }

    /** d(output) / d(input) times the input, per sample. */
    public static Attribution gradientTimesInput(Trace trace, Target target) {
        Tensor g = gradient(trace, target);
        float[] x = trace.input().data();
        for (int q = 0; q < x.length; q++) {
            g.data()[q] *= x[q];
        }
        return new Attribution("gradxinput", g, new int[trace.batch()], target.resolve(trace), Attribution.Reduction.SUM, null);
    }

    /**
     * The gradient of each sample's explained output with respect to its own input, input-shaped.
     *
     * @param trace a forward pass of the network; its layers' state from that pass is used (run no other pass of the
     *              network between the trace and this call)
     */
    public static Tensor gradient(Trace trace, Target target) {
        Network net = trace.network();
        int top = Target.scoreLayer(net);
        int[] t = target.resolve(trace);
        Tensor scores = trace.output(top);
        int k = scores.shape().sampleSize();
        if (!trace.mode().batchStatistics() || t.length == 1) {
            Tensor seed = Tensor.zeros(scores.shape());
            for (int i = 0; i < t.length; i++) {
                seed.data()[i * k + t[i]] = 1f;
            }
            return net.backwardFrom(trace, top, seed, false, true);
        }
        // batch statistics couple the samples: d y_j / d x_j needs a backward pass from y_j alone
        Tensor out = Tensor.zeros(trace.input().shape());
        int size = out.shape().sampleSize();
        Tensor seed = Tensor.zeros(scores.shape());
        for (int j = 0; j < t.length; j++) {
            seed.fillInPlace(0f);
            seed.data()[j * k + t[j]] = 1f;
            Tensor g = net.backwardFrom(trace, top, seed, false, true);
            System.arraycopy(g.data(), j * size, out.data(), j * size, size);
        }
        return out;
    }
}
