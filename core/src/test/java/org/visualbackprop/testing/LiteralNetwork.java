package org.visualbackprop.testing;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.visualbackprop.nn.BatchNorm2d;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Dropout;
import org.visualbackprop.nn.Flatten;
import org.visualbackprop.nn.Layer;
import org.visualbackprop.nn.LogSoftmax;
import org.visualbackprop.nn.MaxPool2d;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.ReLU;
import org.visualbackprop.nn.Tanh;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/**
 * A literal double-precision forward pass of a {@link Network}, written from each layer's textbook formula with
 * the layer's own tensors (read, never modified) and {@link LiteralOracles} for the sliding windows. A pure
 * function: BatchNorm's running statistics are read in {@link Mode#EVAL} and never updated. Any tensor of the
 * network can be replaced by other values for one evaluation ({@code overrides}), which is what finite differences
 * in double precision need.
 *
 * <p>Formulas: BatchNorm {@code y = (x - mean) / sqrt(var + eps) * gamma + beta} with the batch mean and biased
 * batch variance over {@code (n, h, w)} when the mode uses batch statistics, else the running ones; Dense
 * {@code y = b + W x}; ReLU {@code max(0, x)}; Tanh; LogSoftmax {@code x - log sum exp x}; Dropout multiplies by the
 * mask the caller supplies in {@link Mode#TRAIN} and is the identity otherwise.
 */
public final class LiteralNetwork {
    private LiteralNetwork() {
    }

    /** What one pass produced: every layer's output, and its kinks (ReLU input signs and max pooling winners). */
    public record Pass(List<double[]> outputs, List<Shape> shapes, List<Object> kinks) {
        /** The network's output. */
        public double[] result() {
            return outputs.get(outputs.size() - 1);
        }
    }

    /**
     * Runs the network in double precision.
     *
     * @param x         the input, shape {@code xShape}
     * @param overrides values to use instead of the named tensors' own (by identity), may be empty
     * @param masks     for each Dropout layer, its mask ({@code 0} or {@code 1/(1-p)} per element), used in TRAIN mode
     */
    public static Pass forward(Network net, Shape xShape, double[] x, Mode mode, Map<Tensor, double[]> overrides,
                               Map<Dropout, float[]> masks) {
        List<double[]> outs = new ArrayList<>();
        List<Shape> shapes = new ArrayList<>();
        List<Object> kinks = new ArrayList<>();
        double[] a = x;
        Shape s = xShape;
        for (Layer l : net.layers()) {
            Shape o = l.outputShape(s);
            double[] y;
            if (l instanceof Conv2d c) {
                y = LiteralOracles.conv2d(s, a, values(c.weight().value(), overrides), c.bias() == null ? null
                        : values(c.bias().value(), overrides), c.outChannels(), c.window()).value();
            } else if (l instanceof BatchNorm2d bn) {
                y = batchNorm(bn, s, a, mode, overrides);
            } else if (l instanceof ReLU) {
                y = new double[a.length];
                BitSet signs = new BitSet();
                for (int i = 0; i < a.length; i++) {
                    y[i] = Math.max(0, a[i]);
                    signs.set(i, a[i] > 0);
                }
                kinks.add(signs);
            } else if (l instanceof MaxPool2d p) {
                int[] arg = LiteralOracles.maxPoolArgmax(s, a, p.window());
                y = new double[arg.length];
                for (int i = 0; i < arg.length; i++) {
                    y[i] = a[arg[i]];
                }
                kinks.add(java.nio.IntBuffer.wrap(arg));
            } else if (l instanceof Flatten) {
                y = a.clone();
            } else if (l instanceof Dense d) {
                y = dense(d, s, a, overrides);
            } else if (l instanceof Dropout d) {
                y = a.clone();
                if (mode == Mode.TRAIN && d.probability() > 0) {
                    float[] m = masks.get(d);
                    if (m == null || m.length != a.length) {
                        throw new IllegalArgumentException("no dropout mask of " + a.length + " values for " + d);
                    }
                    for (int i = 0; i < y.length; i++) {
                        y[i] *= m[i];
                    }
                }
            } else if (l instanceof LogSoftmax) {
                y = logSoftmax(s, a);
            } else if (l instanceof Tanh) {
                y = new double[a.length];
                for (int i = 0; i < a.length; i++) {
                    y[i] = Math.tanh(a[i]);
                }
            } else {
                throw new IllegalArgumentException("no literal version of layer " + l);
            }
            outs.add(y);
            shapes.add(o);
            a = y;
            s = o;
        }
        return new Pass(outs, shapes, kinks);
    }

    /** As {@link #forward(Network, Shape, double[], Mode, Map, Map)} with no overrides and no dropout masks. */
    public static Pass forward(Network net, Tensor x, Mode mode) {
        return forward(net, x.shape(), TestData.toDouble(x), mode, new IdentityHashMap<>(), Map.of());
    }

    /**
     * The mask a Dropout layer applies in TRAIN mode right after {@code reseed(seed)} to a tensor of {@code shape}: the
     * layer's own output for an input of ones. The layer's random source is left reseeded.
     */
    public static float[] dropoutMask(Dropout d, long seed, Shape shape) {
        d.reseed(seed);
        Tensor ones = Tensor.zeros(shape);
        ones.fillInPlace(1f);
        Tensor out = Tensor.zeros(shape);
        d.forward(ones, out, Mode.TRAIN);
        d.reseed(seed);
        return out.data();
    }

    private static double[] values(Tensor t, Map<Tensor, double[]> overrides) {
        double[] o = overrides.get(t);
        return o != null ? o : TestData.toDouble(t);
    }

    private static double[] batchNorm(BatchNorm2d bn, Shape s, double[] x, Mode mode, Map<Tensor, double[]> overrides) {
        double[] gamma = values(bn.gamma().value(), overrides);
        double[] beta = values(bn.beta().value(), overrides);
        double[] rm = values(bn.runningMean(), overrides);
        double[] rv = values(bn.runningVar(), overrides);
        double[] y = new double[x.length];
        int plane = s.h() * s.w();
        for (int c = 0; c < s.c(); c++) {
            double mean;
            double var;
            if (mode.batchStatistics()) {
                double sum = 0;
                for (int n = 0; n < s.n(); n++) {
                    for (int q = 0; q < plane; q++) {
                        sum += x[(n * s.c() + c) * plane + q];
                    }
                }
                mean = sum / ((double) s.n() * plane);
                double sq = 0;
                for (int n = 0; n < s.n(); n++) {
                    for (int q = 0; q < plane; q++) {
                        double d = x[(n * s.c() + c) * plane + q] - mean;
                        sq += d * d;
                    }
                }
                var = sq / ((double) s.n() * plane);
            } else {
                mean = rm[c];
                var = rv[c];
            }
            double inv = 1 / Math.sqrt(var + bn.eps());
            for (int n = 0; n < s.n(); n++) {
                for (int q = 0; q < plane; q++) {
                    int i = (n * s.c() + c) * plane + q;
                    y[i] = (x[i] - mean) * inv * gamma[c] + beta[c];
                }
            }
        }
        return y;
    }

    private static double[] dense(Dense d, Shape s, double[] x, Map<Tensor, double[]> overrides) {
        double[] w = values(d.weight().value(), overrides);
        double[] b = d.bias() == null ? null : values(d.bias().value(), overrides);
        int in = d.inFeatures();
        int out = d.outFeatures();
        double[] y = new double[s.n() * out];
        for (int n = 0; n < s.n(); n++) {
            for (int o = 0; o < out; o++) {
                double sum = b == null ? 0 : b[o];
                for (int i = 0; i < in; i++) {
                    sum += w[o * in + i] * x[n * in + i];
                }
                y[n * out + o] = sum;
            }
        }
        return y;
    }

    private static double[] logSoftmax(Shape s, double[] x) {
        int k = s.c();
        double[] y = new double[x.length];
        for (int n = 0; n < s.n(); n++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, x[n * k + j]);
            }
            double sum = 0;
            for (int j = 0; j < k; j++) {
                sum += Math.exp(x[n * k + j] - max);
            }
            double lse = max + Math.log(sum);
            for (int j = 0; j < k; j++) {
                y[n * k + j] = x[n * k + j] - lse;
            }
        }
        return y;
    }

    /** Mean squared error {@code mean((p - t)^2)} over every value. */
    public static double mse(double[] prediction, float[] target) {
        double s = 0;
        for (int i = 0; i < prediction.length; i++) {
            double d = prediction[i] - target[i];
            s += d * d;
        }
        return s / prediction.length;
    }

    /** Negative log-likelihood {@code -mean_n logp[n, t_n]} of log-probabilities for class indices. */
    public static double nll(double[] logProbabilities, float[] classes) {
        int n = classes.length;
        int k = logProbabilities.length / n;
        double s = 0;
        for (int i = 0; i < n; i++) {
            s -= logProbabilities[i * k + (int) classes[i]];
        }
        return s / n;
    }
}
