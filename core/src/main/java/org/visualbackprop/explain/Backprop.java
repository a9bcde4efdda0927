package org.visualbackprop.explain;

import org.visualbackprop.io.Limits;
import org.visualbackprop.nn.BatchNorm2d;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/**
 * What the gradient methods share: the gradient of each sample's explained output with respect to the input of a layer,
 * through the network's backward passes with an optional {@link Network.BackwardRule}; seeds that make a method's random
 * numbers a function of its input; and how many copies of an input go through one forward pass.
 */
final class Backprop {
    private Backprop() {
    }

    /**
     * {@code d y_(i, t_i) / d (input of layer bottom)} for every sample {@code i}, with y the scores
     * ({@link Target#scoreLayer}). In evaluation mode one backward pass serves the whole batch (the samples are
     * independent); with batch statistics every output depends on every input, so each sample gets its own backward pass
     * seeded at its own output (as {@link Gradients#gradient} does).
     *
     * @param targets one output index per sample
     * @param rule    null for the layers' own backward passes
     */
    static Tensor gradient(Trace trace, int[] targets, int bottom, Network.BackwardRule rule) {
        Network net = trace.network();
        int top = Target.scoreLayer(net);
        Tensor scores = trace.output(top);
        int k = scores.shape().sampleSize();
        Tensor seed = Tensor.zeros(scores.shape());
        if (!trace.mode().batchStatistics() || targets.length == 1) {
            for (int i = 0; i < targets.length; i++) {
                seed.data()[i * k + targets[i]] = 1f;
            }
            return net.backwardBetween(trace, top, seed, bottom, rule);
        }
        Tensor out = null;
        for (int j = 0; j < targets.length; j++) {
            seed.fillInPlace(0f);
            seed.data()[j * k + targets[j]] = 1f;
            Tensor g = net.backwardBetween(trace, top, seed, bottom, rule);
            if (out == null) {
                out = Tensor.zeros(g.shape());
            }
            int size = g.shape().sampleSize();
            System.arraycopy(g.data(), j * size, out.data(), j * size, size);
        }
        return out;
    }

    /**
     * The network that copies of a traced batch (noisy, scaled) go through, in evaluation mode: the trace's own network
     * when the trace ran in evaluation mode; with batch statistics, a copy of it whose BatchNorm layers apply the affine
     * map they applied in the trace's pass ({@link BatchNorm2d#affine} of their input there), so that the copies see the
     * statistics of the batch explained, as LRP treats BatchNorm in that mode, and do not change each other's.
     */
    static Network forCopies(Trace trace) {
        Network net = trace.network();
        Mode mode = trace.mode();
        if (!mode.batchStatistics()) {
            return net;
        }
        return net.copy(i -> {
            if (!(net.layer(i) instanceof BatchNorm2d bn)) {
                return null;
            }
            float[][] a = bn.affine(trace.layerInput(i), mode);
            Tensor scale = Tensor.wrap(Shape.vector(1, bn.channels()), a[0]);
            Tensor shift = Tensor.wrap(Shape.vector(1, bn.channels()), a[1]);
            Tensor zero = Tensor.zeros(scale.shape());
            Tensor var = Tensor.zeros(scale.shape());
            var.fillInPlace(1f - FROZEN_EPS);
            return BatchNorm2d.withStatistics(FROZEN_EPS, bn.momentum(), scale, shift, zero, var);
        });
    }

    /** The epsilon of a frozen BatchNorm (its variance is {@code 1 - eps}, so it divides by one). */
    private static final float FROZEN_EPS = 1f / (1 << 20);

    /**
     * The seed of sample {@code i} of a batch: a function of {@code seed} and {@code i} only. A batch explained twice gets
     * the same random numbers, whatever the network (so a method that ignores the network, the {@code random} control,
     * gives the same map for the same batch), and so does the same batch shifted by a constant (so SmoothGrad's copies of
     * a shifted input are the shifted copies). Callers that want other numbers for another batch give another seed
     * ({@link Explainer.Options#withSeed}).
     */
    static long sampleSeed(long seed, int i) {
        return mix(seed ^ mix(0x9E3779B97F4A7C15L + i));
    }

    /** SplitMix64's finalizer. */
    static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * How many inputs go through one forward and backward pass when a method runs {@code wanted} copies: as many as fit
     * in an eighth of the heap with their recorded layer outputs and gradients (three times the trace), at least one.
     */
    static int chunk(Network net, int wanted) {
        long per = 3 * Limits.traceBytesPerSample(net);
        long fits = Runtime.getRuntime().maxMemory() / 8 / Math.max(1, per);
        return (int) Math.max(1, Math.min(wanted, fits));
    }

    /** Writes copy {@code j} of the input (a copy of sample {@code sample}) into {@code dest} from {@code offset}. */
    interface CopyWriter {
        void write(int j, int sample, float[] dest, int offset);
    }

    /**
     * Sums the gradient of each sample's explained score over {@code copies} copies of that sample, as SmoothGrad and
     * Integrated Gradients need: copy {@code j} belongs to sample {@code j / copies}, and {@code writer} is called for
     * {@code j = 0, 1, ...} in that order (so it may draw noise from a running generator). The copies go through the
     * network {@link #chunk} at a time on the network of {@link #forCopies}.
     *
     * @return per input value (sample-major, as the trace's input), the sum over its sample's copies
     */
    static double[] gradientSumOverCopies(Trace trace, int[] targets, int copies, CopyWriter writer) {
        Shape s = trace.input().shape();
        int n = s.n();
        int size = s.sampleSize();
        if (targets.length != n) {
            throw new IllegalArgumentException(targets.length + " targets for a batch of " + n);
        }
        Network net = forCopies(trace);
        double[] sum = new double[n * size];
        int total = n * copies;
        int chunk = chunk(net, total);
        Trace t = null;
        for (int j0 = 0; j0 < total; j0 += chunk) {
            int m = Math.min(chunk, total - j0);
            Tensor batch = Tensor.zeros(s.withBatch(m));
            int[] tg = new int[m];
            for (int b = 0; b < m; b++) {
                int i = (j0 + b) / copies;
                tg[b] = targets[i];
                writer.write(j0 + b, i, batch.data(), b * size);
            }
            t = net.trace(batch, Mode.EVAL, t);
            Tensor g = gradient(t, tg, 0, null);
            for (int b = 0; b < m; b++) {
                int i = (j0 + b) / copies;
                for (int q = 0; q < size; q++) {
                    sum[i * size + q] += g.data()[b * size + q];
                }
            }
        }
        return sum;
    }
}
