package org.visualbackprop.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.visualbackprop.nn.BatchNorm2d;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Layer;
import org.visualbackprop.nn.MaxPool2d;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;

/** LRP-epsilon against a literal oracle: every layer written as an explicit weight matrix, in double precision. */
class LrpProperties {

    /** A linear map as an explicit matrix {@code w[out][in]} and bias. */
    record Linear(double[][] w, double[] b) {
        Linear times(Linear below) {
            int out = w.length;
            int mid = below.w.length;
            int in = below.w[0].length;
            double[][] p = new double[out][in];
            double[] bias = b.clone();
            for (int o = 0; o < out; o++) {
                for (int m = 0; m < mid; m++) {
                    if (w[o][m] == 0) {
                        continue;
                    }
                    for (int i = 0; i < in; i++) {
                        p[o][i] += w[o][m] * below.w[m][i];
                    }
                    bias[o] += w[o][m] * below.b[m];
                }
            }
            return new Linear(p, bias);
        }
    }

    /** Conv2d as a matrix: output neuron (co, oy, ox) connects to input neuron (ci, iy, ix) inside its window. */
    static Linear convMatrix(Conv2d c, Shape in) {
        Shape out = c.outputShape(in);
        Window win = c.window();
        double[][] w = new double[out.sampleSize()][in.sampleSize()];
        double[] b = new double[out.sampleSize()];
        for (int co = 0; co < out.c(); co++) {
            for (int oy = 0; oy < out.h(); oy++) {
                for (int ox = 0; ox < out.w(); ox++) {
                    int j = (co * out.h() + oy) * out.w() + ox;
                    b[j] = c.bias() == null ? 0 : c.bias().value().data()[co];
                    for (int ci = 0; ci < in.c(); ci++) {
                        for (int ky = 0; ky < win.kernelH(); ky++) {
                            for (int kx = 0; kx < win.kernelW(); kx++) {
                                int iy = oy * win.strideH() - win.padH() + ky;
                                int ix = ox * win.strideW() - win.padW() + kx;
                                if (iy >= 0 && iy < in.h() && ix >= 0 && ix < in.w()) {
                                    w[j][(ci * in.h() + iy) * in.w() + ix] = c.weight().value().get(co, ci, ky, kx);
                                }
                            }
                        }
                    }
                }
            }
        }
        return new Linear(w, b);
    }

    static Linear denseMatrix(Dense d) {
        double[][] w = new double[d.outFeatures()][d.inFeatures()];
        double[] b = new double[d.outFeatures()];
        for (int o = 0; o < d.outFeatures(); o++) {
            for (int i = 0; i < d.inFeatures(); i++) {
                w[o][i] = d.weight().value().get(o, i, 0, 0);
            }
            b[o] = d.bias() == null ? 0 : d.bias().value().data()[o];
        }
        return new Linear(w, b);
    }

    /** BatchNorm in evaluation mode as a diagonal matrix, from its formula y = (x - mean) / sqrt(var + eps) * gamma + beta. */
    static Linear batchNormMatrix(BatchNorm2d bn, Shape in) {
        int size = in.sampleSize();
        double[][] w = new double[size][size];
        double[] b = new double[size];
        for (int q = 0; q < size; q++) {
            int c = q / in.plane();
            double inv = 1 / Math.sqrt((double) bn.runningVar().data()[c] + bn.eps());
            double g = bn.gamma().value().data()[c];
            w[q][q] = g * inv;
            b[q] = bn.beta().value().data()[c] - bn.runningMean().data()[c] * g * inv;
        }
        return new Linear(w, b);
    }

    /** One epsilon-rule step with activations {@code a} below: R_i = sum_j a_i w_ji / (z_j + eps sign z_j) R_j. */
    static double[] step(Linear l, double[] a, double[] r, double eps) {
        double[] below = new double[a.length];
        for (int j = 0; j < l.w.length; j++) {
            double z = l.b[j];
            for (int i = 0; i < a.length; i++) {
                z += a[i] * l.w[j][i];
            }
            double d = z + (z >= 0 ? eps : -eps);
            if (d == 0) {
                continue;
            }
            for (int i = 0; i < a.length; i++) {
                below[i] += a[i] * l.w[j][i] / d * r[j];
            }
        }
        return below;
    }

    static double[] sample(Tensor t, int i) {
        int s = t.shape().sampleSize();
        double[] d = new double[s];
        for (int q = 0; q < s; q++) {
            d[q] = t.data()[i * s + q];
        }
        return d;
    }

    /** The oracle: walk the layers down, folding a BatchNorm into the conv/dense above it when asked. */
    static double[] oracle(Trace t, int i, double eps, boolean fold) {
        Network net = t.network();
        int top = net.size() - 1;
        double[] scores = sample(t.output(top), i);
        int k = Target.predicted().resolve(t)[i];
        double[] r = new double[scores.length];
        r[k] = scores[k];
        for (int l = top; l >= 0; l--) {
            Layer layer = net.layer(l);
            Shape in = t.layerInput(l).shape().withBatch(1);
            double[] a = sample(t.layerInput(l), i);
            switch (layer.kind()) {
                case "ReLU", "Flatten", "Dropout" -> { }
                case "MaxPool2d" -> {
                    int[] win = ((MaxPool2d) layer).winners(t.layerInput(l).sample(i));
                    double[] below = new double[a.length];
                    for (int q = 0; q < win.length; q++) {
                        below[win[q]] += r[q];
                    }
                    r = below;
                }
                case "BatchNorm2d" -> r = step(batchNormMatrix((BatchNorm2d) layer, in), a, r, eps);
                default -> {
                    Linear m = layer instanceof Conv2d c ? convMatrix(c, in) : denseMatrix((Dense) layer);
                    int below = l - 1;
                    while (below >= 0 && net.layer(below).kind().equals("Flatten")) {
                        below--;
                    }
                    boolean foldable = below >= 0 && net.layer(below) instanceof BatchNorm2d
                            && (layer instanceof Dense || (below == l - 1 && ((Conv2d) layer).window().padH() == 0
                            && ((Conv2d) layer).window().padW() == 0));
                    if (fold && foldable) {
                        Shape bnIn = t.layerInput(below).shape().withBatch(1);
                        m = m.times(batchNormMatrix((BatchNorm2d) net.layer(below), bnIn));
                        r = step(m, sample(t.layerInput(below), i), r, eps);
                        l = below; // the BatchNorm is done
                    } else {
                        r = step(m, a, r, eps);
                    }
                }
            }
        }
        return r;
    }

    @Property(tries = 40)
    void relevanceEqualsTheLiteralEpsilonRule(@ForAll long seed, @ForAll @IntRange(min = 0, max = 2) int epsChoice,
                                              @ForAll boolean fold) {
        double eps = new double[] {0.01, 1, 100}[epsChoice];
        SplittableRandom r = new SplittableRandom(seed);
        Shape input = new Shape(1, 1 + r.nextInt(2), 6 + r.nextInt(8), 6 + r.nextInt(8));
        Network net = RandomNets.random(r, input, new RandomNets.Spec(1 + r.nextInt(3), true, true, r.nextBoolean(), 0.2));
        Tensor x = Tensor.uniform(input.withBatch(1 + r.nextInt(2)), 0, 1, r);
        Trace t = net.trace(x, Mode.EVAL);
        Attribution a = Lrp.epsilon(eps, fold ? Lrp.BatchNormRule.FOLD : Lrp.BatchNormRule.SEPARATE).attribute(t, Target.predicted());
        for (int i = 0; i < x.shape().n(); i++) {
            double[] want = oracle(t, i, eps, fold);
            double scale = 1e-300;
            for (double v : want) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int q = 0; q < want.length; q++) {
                Shape s = input;
                double got = a.value(i, q / s.plane(), q % s.plane() / s.w(), q % s.w());
                assertTrue(Math.abs(got - want[q]) <= 1e-3 * scale,
                        "input " + q + " of sample " + i + ": " + got + " vs oracle " + want[q] + " (largest " + scale + ") in " + net);
            }
        }
    }

    /**
     * LRP-0 on a network without biases (and without BatchNorm shifts) passes all relevance to the input. The
     * weights are made non-negative so that no z_j is a small difference of large terms: float32 rounding of such a
     * z_j is amplified by sum|z_ij| / |z_j| and would measure cancellation, not conservation.
     */
    @Property(tries = 40)
    void lrpZeroOnABiasFreeNetConservesRelevance(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Shape input = new Shape(1, 1 + r.nextInt(2), 8 + r.nextInt(8), 8 + r.nextInt(8));
        Network net = RandomNets.random(r, input, new RandomNets.Spec(1 + r.nextInt(3), true, false, false, 1.0));
        for (Layer l : net.layers()) {
            if (l instanceof Dense d) {
                if (d.bias() != null) {
                    d.bias().value().fillInPlace(0f);
                }
                float[] w = d.weight().value().data();
                for (int q = 0; q < w.length; q++) {
                    w[q] = Math.abs(w[q]);
                }
            }
        }
        Tensor x = Tensor.uniform(input.withBatch(2), 0, 1, r);
        Attribution a = Lrp.epsilon(0).attribute(net.trace(x, Mode.EVAL), Target.predicted());
        for (Attribution.Conservation c : a.conservation()) {
            assertEquals(c.output(), c.input(), 1e-4 * Math.max(1e-30, Math.abs(c.output())), c.toString());
            assertEquals(c.input(), a.total(a.conservation().indexOf(c)), 1e-6 * Math.max(1e-30, Math.abs(c.input())));
        }
    }

    /** As epsilon goes to 0 the two BatchNorm treatments coincide: at 0 the BatchNorm's x/y cancels its y/z. */
    @Property(tries = 30)
    void foldedAndSeparateBatchNormAgreeAtEpsilonZero(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Shape input = new Shape(1, 1, 8 + r.nextInt(8), 8 + r.nextInt(8));
        Network net = RandomNets.random(r, input, new RandomNets.Spec(1 + r.nextInt(3), false, true, true, 0.3));
        Trace t = net.trace(Tensor.uniform(input, 0, 1, r), Mode.EVAL);
        Attribution folded = Lrp.epsilon(0, Lrp.BatchNormRule.FOLD).attribute(t, Target.predicted());
        Attribution separate = Lrp.epsilon(0, Lrp.BatchNormRule.SEPARATE).attribute(t, Target.predicted());
        double[] f = folded.map(0);
        double[] s = separate.map(0);
        double scale = 1e-300;
        for (double v : f) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int q = 0; q < f.length; q++) {
            assertEquals(f[q], s[q], 2e-3 * scale);
        }
    }
}
