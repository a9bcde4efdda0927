package org.visualbackprop.explain;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.visualbackprop.explain.LrpProperties.Linear;
import org.visualbackprop.nn.BatchNorm2d;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Flatten;
import org.visualbackprop.nn.Layer;
import org.visualbackprop.nn.MaxPool2d;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/**
 * zennit's composites EpsilonPlusFlat and EpsilonAlpha2Beta1Flat against a literal oracle: every layer as an explicit
 * matrix in double precision, each rule written from zennit's definition term by term (its input and parameter
 * modifiers, its stabilized denominators, its reducer), the first linear layer Flat, BatchNorm folded where exact and
 * passed through otherwise.
 */
class LrpCompositeProperties {
    private static final double STAB = LrpComposite.ZENNIT_STABILIZER;

    private static double stab(double z) {
        return z + (z >= 0 ? STAB : -STAB);
    }

    /** zennit's AlphaBeta (ZPlus is alpha 1, beta 0): positive part (a+ w+, b+, a- w-), negative part (a+ w-, b-, a- w+). */
    static double[] alphaBeta(Linear m, double[] a, double[] r, double alpha, double beta) {
        double[] below = new double[a.length];
        for (int j = 0; j < m.w().length; j++) {
            double zp = Math.max(m.b()[j], 0);
            double zn = Math.min(m.b()[j], 0);
            for (int i = 0; i < a.length; i++) {
                double w = m.w()[j][i];
                zp += Math.max(a[i], 0) * Math.max(w, 0) + Math.min(a[i], 0) * Math.min(w, 0);
                zn += Math.max(a[i], 0) * Math.min(w, 0) + Math.min(a[i], 0) * Math.max(w, 0);
            }
            for (int i = 0; i < a.length; i++) {
                double w = m.w()[j][i];
                double pos = Math.max(a[i], 0) * Math.max(w, 0) + Math.min(a[i], 0) * Math.min(w, 0);
                double neg = Math.max(a[i], 0) * Math.min(w, 0) + Math.min(a[i], 0) * Math.max(w, 0);
                below[i] += alpha * pos / stab(zp) * r[j] - (beta == 0 ? 0 : beta * neg / stab(zn) * r[j]);
            }
        }
        return below;
    }

    /** zennit's Flat: every connection weighs 1, no bias, inputs 1. */
    static double[] flat(Linear connections, double[] r) {
        int in = connections.w()[0].length;
        double[] below = new double[in];
        for (int j = 0; j < connections.w().length; j++) {
            double z = Arrays.stream(connections.w()[j]).sum();
            for (int i = 0; i < in; i++) {
                below[i] += connections.w()[j][i] / stab(z) * r[j];
            }
        }
        return below;
    }

    /** The connections of a conv or dense layer as a 0/1 matrix (the conv's windows, all pairs for a dense). */
    static Linear connections(Layer layer, Shape in) {
        if (layer instanceof Conv2d c) {
            Tensor ones = Tensor.zeros(c.weight().value().shape());
            ones.fillInPlace(1f);
            return LrpProperties.convMatrix(Conv2d.withWeights(c.window(), ones, null), in);
        }
        Dense d = (Dense) layer;
        double[][] w = new double[d.outFeatures()][d.inFeatures()];
        for (double[] row : w) {
            Arrays.fill(row, 1);
        }
        return new Linear(w, new double[d.outFeatures()]);
    }

    static double[] oracle(Trace t, int i, double eps, double alpha, double beta) {
        Network net = t.network();
        int top = Target.scoreLayer(net);
        double[] scores = LrpProperties.sample(t.output(top), i);
        int k = Target.predicted().resolve(t)[i];
        double[] r = new double[scores.length];
        r[k] = scores[k];
        int first = 0;
        while (!(net.layer(first) instanceof Conv2d || net.layer(first) instanceof Dense)) {
            first++;
        }
        for (int l = top; l >= 0; l--) {
            Layer layer = net.layer(l);
            Shape in = t.layerInput(l).shape().withBatch(1);
            if (layer instanceof MaxPool2d p) {
                int[] win = p.winners(t.layerInput(l).sample(i));
                double[] below = new double[in.sampleSize()];
                for (int q = 0; q < win.length; q++) {
                    below[win[q]] += r[q];
                }
                r = below;
            } else if (layer instanceof Conv2d || layer instanceof Dense) {
                Linear m = layer instanceof Conv2d c ? LrpProperties.convMatrix(c, in) : LrpProperties.denseMatrix((Dense) layer);
                double[] a = LrpProperties.sample(t.layerInput(l), i);
                int below = l - 1;
                while (below >= 0 && net.layer(below) instanceof Flatten) {
                    below--;
                }
                boolean foldable = below >= 0 && net.layer(below) instanceof BatchNorm2d
                        && (layer instanceof Dense || (below == l - 1 && ((Conv2d) layer).window().padH() == 0
                        && ((Conv2d) layer).window().padW() == 0));
                if (foldable) {
                    m = m.times(LrpProperties.batchNormMatrix((BatchNorm2d) net.layer(below), t.layerInput(below).shape().withBatch(1)));
                    a = LrpProperties.sample(t.layerInput(below), i);
                }
                if (l == first) {
                    r = flat(connections(layer, in), r);
                } else if (layer instanceof Dense) {
                    r = LrpProperties.step(m, a, r, eps);
                } else {
                    r = alphaBeta(m, a, r, alpha, beta);
                }
                if (foldable) {
                    l = below;
                }
            }
            // ReLU, Dropout, Flatten and an unfolded BatchNorm pass relevance through
        }
        return r;
    }

    private static void check(long seed, boolean alphaBeta) {
        SplittableRandom r = new SplittableRandom(seed);
        Shape input = new Shape(1, 1 + r.nextInt(2), 6 + r.nextInt(8), 6 + r.nextInt(8));
        Network net = RandomNets.random(r, input, new RandomNets.Spec(1 + r.nextInt(3), true, true, r.nextBoolean(), 0.2));
        Tensor x = Tensor.uniform(input.withBatch(1 + r.nextInt(2)), -0.5f, 1, r);
        Trace t = net.trace(x, Mode.EVAL);
        double eps = 0.5;
        LrpComposite c = alphaBeta ? LrpComposite.epsilonAlpha2Beta1Flat(eps) : LrpComposite.epsilonPlusFlat(eps);
        Attribution a = Lrp.of(c).attribute(t, Target.predicted());
        for (int i = 0; i < x.shape().n(); i++) {
            double[] want = oracle(t, i, eps, alphaBeta ? 2 : 1, alphaBeta ? 1 : 0);
            double scale = 1e-300;
            for (double v : want) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int q = 0; q < want.length; q++) {
                double got = a.value(i, q / input.plane(), q % input.plane() / input.w(), q % input.w());
                assertTrue(Math.abs(got - want[q]) <= 1e-3 * scale, c + ": input " + q + " of sample " + i + ": " + got
                        + " vs oracle " + want[q] + " (largest " + scale + ") in " + net);
            }
        }
    }

    @Property(tries = 40)
    void epsilonPlusFlatEqualsZennitsDefinition(@ForAll long seed) {
        check(seed, false);
    }

    @Property(tries = 40)
    void epsilonAlpha2Beta1FlatEqualsZennitsDefinition(@ForAll long seed) {
        check(seed, true);
    }
}
