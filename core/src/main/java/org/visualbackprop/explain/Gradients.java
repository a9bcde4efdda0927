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
 * Each sample's own output is differentiated. With BatchNorm in a batch-statistics mode the outputs of a batch depend
 * on every input of it, and the gradient includes that dependence (it is the gradient of the computation done).
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

    private static Tensor gradient(Trace trace, Target target) {
        Network net = trace.network();
        int top = Target.scoreLayer(net);
        int[] t = target.resolve(trace);
        Tensor seed = Tensor.zeros(trace.output(top).shape());
        int k = seed.shape().sampleSize();
        for (int i = 0; i < t.length; i++) {
            seed.data()[i * k + t[i]] = 1f;
        }
        return net.backwardFrom(trace, top, seed, false, true);
    }
}
