package org.visualbackprop.explain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.visualbackprop.explain.LrpProperties.Linear;
import org.visualbackprop.nn.BatchNorm2d;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Flatten;
import org.visualbackprop.nn.Layer;
import org.visualbackprop.nn.LogSoftmax;
import org.visualbackprop.nn.MaxPool2d;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.ReLU;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;
import org.visualbackprop.testing.LiteralOracles;
import org.visualbackprop.testing.NumericAssert;
import org.visualbackprop.testing.TestData;
import org.visualbackprop.testing.Tolerances;

/**
 * Grad-CAM, Guided Backprop, DeconvNet, SmoothGrad, Integrated Gradients and the two controls against literal
 * re-implementations: every layer as an explicit matrix in double precision walked backwards with the method's rule as
 * its paper (and zennit's hooks) state it, hand-worked examples, and identities (completeness of Integrated Gradients).
 */
class GradientMethodsTest {
    private static final Shape IN = new Shape(1, 2, 11, 13);

    /** A classifier with BatchNorm, a max pool, and dense layers, weights tilted positive so that units stay on. */
    private static Network classifier(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor mean = Tensor.uniform(Shape.vector(1, 2), -0.2f, 0.3f, r);
        Tensor var = Tensor.uniform(Shape.vector(1, 2), 0.5f, 2f, r);
        Tensor gamma = Tensor.uniform(Shape.vector(1, 2), 0.5f, 1.5f, r);
        Tensor beta = Tensor.uniform(Shape.vector(1, 2), -0.2f, 0.2f, r);
        Conv2d c1 = Conv2d.withWeights(Window.of(3, 1), Tensor.uniform(new Shape(3, 2, 3, 3), -0.6f, 1f, r),
                Tensor.uniform(Shape.vector(1, 3), -0.3f, 0.3f, r));
        Conv2d c2 = Conv2d.withWeights(Window.of(3, 2), Tensor.uniform(new Shape(4, 3, 3, 3), -0.6f, 1f, r),
                Tensor.uniform(Shape.vector(1, 4), -0.3f, 0.3f, r));
        List<Layer> layers = List.of(BatchNorm2d.withStatistics(1e-5f, 0.1f, gamma, beta, mean, var), c1, ReLU.of(),
                MaxPool2d.of(Window.of(2, 1)), c2, ReLU.of(), Flatten.of(),
                Dense.withWeights(Tensor.uniform(new Shape(6, 4 * 3 * 4, 1, 1), -0.3f, 0.4f, r), Tensor.uniform(Shape.vector(1, 6), -0.1f, 0.1f, r)),
                ReLU.of(), Dense.withWeights(Tensor.uniform(new Shape(3, 6, 1, 1), -1f, 1f, r), Tensor.uniform(Shape.vector(1, 3), -0.1f, 0.1f, r)),
                LogSoftmax.of());
        return Network.of(IN, layers);
    }

    /** How the literal walk goes back through a ReLU with input z and arriving gradient g. */
    private enum Relu { GRADIENT, GUIDED, DECONV }

    private static double relu(Relu rule, double z, double g) {
        return switch (rule) {
            case GRADIENT -> z > 0 ? g : 0;
            case GUIDED -> z > 0 && g > 0 ? g : 0;
            case DECONV -> Math.max(g, 0);
        };
    }

    /**
     * The literal walk: a double-precision forward pass with every layer as an explicit matrix (BatchNorm from its formula
     * with the running statistics), then a one at output {@code k} of the score layer walked back down: {@code W^T g} for
     * conv, dense and BatchNorm, the winner for max pooling, {@code rule} for ReLU. Returns, per layer index l, the
     * gradient with respect to layer l's output (index -1 -> the input is entry 0 of the list, then layer 0, ...).
     */
    private static List<double[]> literalBackward(Network net, double[] x, int k, Relu rule) {
        int top = Target.scoreLayer(net);
        List<double[]> acts = new ArrayList<>();
        List<Shape> shapes = new ArrayList<>();
        acts.add(x);
        Shape s = net.inputShape();
        shapes.add(s);
        List<Object> steps = new ArrayList<>();
        for (int l = 0; l <= top; l++) {
            Layer layer = net.layer(l);
            double[] a = acts.get(l);
            double[] y;
            if (layer instanceof Conv2d c) {
                Linear m = LrpProperties.convMatrix(c, s);
                y = apply(m, a);
                steps.add(m);
            } else if (layer instanceof Dense d) {
                Linear m = LrpProperties.denseMatrix(d);
                y = apply(m, a);
                steps.add(m);
            } else if (layer instanceof BatchNorm2d bn) {
                Linear m = LrpProperties.batchNormMatrix(bn, s);
                y = apply(m, a);
                steps.add(m);
            } else if (layer instanceof ReLU) {
                y = new double[a.length];
                for (int i = 0; i < a.length; i++) {
                    y[i] = Math.max(0, a[i]);
                }
                steps.add(a);
            } else if (layer instanceof MaxPool2d p) {
                int[] arg = LiteralOracles.maxPoolArgmax(s, a, p.window());
                y = new double[arg.length];
                for (int i = 0; i < arg.length; i++) {
                    y[i] = a[arg[i]];
                }
                steps.add(arg);
            } else {
                y = a.clone();
                steps.add(null);
            }
            s = layer.outputShape(s);
            shapes.add(s);
            acts.add(y);
        }
        double[][] grads = new double[top + 2][];
        double[] g = new double[acts.get(top + 1).length];
        g[k] = 1;
        grads[top + 1] = g;
        for (int l = top; l >= 0; l--) {
            Object st = steps.get(l);
            double[] below = new double[acts.get(l).length];
            if (st instanceof Linear m) {
                for (int j = 0; j < m.w().length; j++) {
                    for (int i = 0; i < below.length; i++) {
                        below[i] += m.w()[j][i] * g[j];
                    }
                }
            } else if (st instanceof double[] z) {
                for (int i = 0; i < below.length; i++) {
                    below[i] = relu(rule, z[i], g[i]);
                }
            } else if (st instanceof int[] arg) {
                for (int j = 0; j < arg.length; j++) {
                    below[arg[j]] += g[j];
                }
            } else {
                below = g.clone();
            }
            g = below;
            grads[l] = g;
        }
        return java.util.Arrays.asList(grads);
    }

    private static double[] apply(Linear m, double[] a) {
        double[] y = m.b().clone();
        for (int j = 0; j < y.length; j++) {
            for (int i = 0; i < a.length; i++) {
                y[j] += m.w()[j][i] * a[i];
            }
        }
        return y;
    }

    private static double[] sample(Tensor t, int i) {
        return LrpProperties.sample(t, i);
    }

    @Test
    void guidedBackpropAndDeconvNetFollowZennitsReluRulesLayerByLayer() {
        Network net = classifier(1);
        Tensor x = TestData.uniform(IN.withBatch(3), new SplittableRandom(2));
        Trace t = net.trace(x, Mode.EVAL);
        int[] targets = Target.predicted().resolve(t);
        for (GuidedBackprop.Rule rule : GuidedBackprop.Rule.values()) {
            Attribution a = Explainer.of(rule.method(), net).explain(t, Target.predicted());
            assertEquals(rule.method(), a.method());
            double largest = 0;
            for (int i = 0; i < 3; i++) {
                double[] want = literalBackward(net, sample(x, i), targets[i],
                        rule == GuidedBackprop.Rule.GUIDED_BACKPROP ? Relu.GUIDED : Relu.DECONV).get(0);
                float[] got = java.util.Arrays.copyOfRange(a.scaled().data(), i * IN.sampleSize(), (i + 1) * IN.sampleSize());
                NumericAssert.assertCloseToLargest(toFloat(want), got, Tolerances.F32, rule + " sample " + i);
                for (double v : want) {
                    largest = Math.max(largest, Math.abs(v));
                }
                // the map sums the channels
                double[] map = a.map(i);
                for (int q = 0; q < IN.plane(); q++) {
                    assertEquals(a.value(i, 0, q / IN.w(), q % IN.w()) + a.value(i, 1, q / IN.w(), q % IN.w()), map[q], 1e-12);
                }
            }
            assertTrue(largest > 1e-3, rule + " is not zero: " + largest);
        }
        // the rules differ from each other and from the gradient on this net
        Attribution gb = GuidedBackprop.guidedBackprop(t, Target.predicted());
        Attribution dc = GuidedBackprop.deconvNet(t, Target.predicted());
        Tensor grad = Gradients.gradient(t, Target.predicted());
        assertTrue(gb.scaled().maxAbsDiff(dc.scaled()) > 1e-4);
        assertTrue(gb.scaled().maxAbsDiff(grad) > 1e-4);
    }

    @Test
    void gradCamWeighsTheLastConvLayersReluOutputByItsMeanGradient() {
        Network net = classifier(3);
        assertEquals(5, GradCam.defaultLayer(net), "relu after conv2");
        Tensor x = TestData.uniform(IN.withBatch(2), new SplittableRandom(4));
        Trace t = net.trace(x, Mode.EVAL);
        Attribution a = Explainer.of("gradcam", net).explain(t, Target.output(2));
        Shape fm = t.output(5).shape();
        for (int i = 0; i < 2; i++) {
            double[] gradAtLayer = literalBackward(net, sample(x, i), 2, Relu.GRADIENT).get(6); // d y / d (output of layer 5)
            double[] act = sample(t.output(5), i);
            int plane = fm.plane();
            double[] cam = new double[plane];
            for (int k = 0; k < fm.c(); k++) {
                double alpha = 0;
                for (int q = 0; q < plane; q++) {
                    alpha += gradAtLayer[k * plane + q] / plane;
                }
                for (int q = 0; q < plane; q++) {
                    cam[q] += alpha * act[k * plane + q];
                }
            }
            for (int q = 0; q < plane; q++) {
                cam[q] = Math.max(cam[q], 0);
            }
            double[] want = literalResize(cam, fm.h(), fm.w(), IN.h(), IN.w());
            NumericAssert.assertCloseToLargest(toFloat(want), toFloat(a.map(i)), Tolerances.F32, "Grad-CAM sample " + i);
        }
        // another layer by name; an unknown one is refused with the possible ones listed
        Attribution low = Explainer.of("gradcam", net, Explainer.Options.defaults().withGradCamLayer("relu1")).explain(t, Target.output(2));
        assertTrue(low.scaled().maxAbsDiff(a.scaled()) > 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Explainer.of("gradcam", net, Explainer.Options.defaults().withGradCamLayer("fc9")));
        assertTrue(e.getMessage().contains("'fc9'") && e.getMessage().contains("relu2"), e.getMessage());
        Network dense = Network.of(new Shape(1, 1, 3, 3), Flatten.of(), Dense.of(9, 1, new SplittableRandom(1)));
        assertThrows(UnsupportedNetworkException.class, () -> Explainer.of("gradcam", dense));
    }

    /** OpenCV's INTER_LINEAR written from its definition: source coordinate (d + 0.5) * scale - 0.5, clamped. */
    private static double[] literalResize(double[] src, int h, int w, int oh, int ow) {
        double[] out = new double[oh * ow];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                double sy = (y + 0.5) * ((double) h / oh) - 0.5;
                double sx = (x + 0.5) * ((double) w / ow) - 0.5;
                sy = sy < 0 ? 0 : sy;
                sx = sx < 0 ? 0 : sx;
                int y0 = Math.min((int) sy, h - 1);
                int x0 = Math.min((int) sx, w - 1);
                double fy = y0 == h - 1 ? 0 : sy - y0;
                double fx = x0 == w - 1 ? 0 : sx - x0;
                int y1 = Math.min(y0 + 1, h - 1);
                int x1 = Math.min(x0 + 1, w - 1);
                out[y * ow + x] = src[y0 * w + x0] * (1 - fy) * (1 - fx) + src[y0 * w + x1] * (1 - fy) * fx
                        + src[y1 * w + x0] * fy * (1 - fx) + src[y1 * w + x1] * fy * fx;
            }
        }
        return out;
    }

    @Test
    void bilinearResizingMatchesAHandWorkedExample() {
        // [[0, 1], [2, 3]] to 4 x 4: OpenCV's INTER_LINEAR gives these rows (centres aligned, borders clamped)
        float[] out = new float[16];
        GradCam.resizeBilinear(new double[] {0, 1, 2, 3}, 2, 2, out, 0, 4, 4);
        assertArrayEquals(new float[] {0f, 0.25f, 0.75f, 1f, 0.5f, 0.75f, 1.25f, 1.5f, 1.5f, 1.75f, 2.25f, 2.5f, 2f, 2.25f, 2.75f, 3f}, out);
    }

    @Test
    void gradCamOfOneConvFeedingOneOutputIsTheReluOfTheWeightedMapHandWorked() {
        // one 1x1 conv with two channels (weights 1 and -1, no bias) on a 2 x 2 input, ReLU, then y = 1*sum(ch0) + 3*sum(ch1)
        Conv2d conv = Conv2d.withWeights(Window.of(1, 1), Tensor.of(new Shape(2, 1, 1, 1), 1f, -1f), null);
        Dense head = Dense.withWeights(Tensor.of(new Shape(1, 8, 1, 1), 1, 1, 1, 1, 3, 3, 3, 3), null);
        Network net = Network.of(new Shape(1, 1, 2, 2), conv, ReLU.of(), Flatten.of(), head);
        Tensor x = Tensor.of(new Shape(1, 1, 2, 2), 2f, -1f, 0.5f, -4f);
        // A0 = relu(x) = [2, 0, 0.5, 0], A1 = relu(-x) = [0, 1, 0, 4]; alpha = (1, 3); cam = A0 + 3 A1 = [2, 3, 0.5, 12]
        Attribution a = Explainer.of("gradcam", net).explain(x, Target.predicted());
        assertArrayEquals(new double[] {2, 3, 0.5, 12}, a.map(0), 1e-6);
    }

    @Test
    void smoothGradAveragesTheGradientsOfItsSeededNoisyCopies() {
        Network net = classifier(5);
        Tensor x = TestData.uniform(IN.withBatch(2), new SplittableRandom(6));
        Trace t = net.trace(x, Mode.EVAL);
        int[] targets = Target.predicted().resolve(t);
        Explainer.Options o = Explainer.Options.defaults().withSamples(5).withNoise(0.2).withSeed(9);
        Attribution a = Explainer.of("smoothgrad", net, o).explain(t, Target.predicted());
        int size = IN.sampleSize();
        for (int i = 0; i < 2; i++) {
            // the literal version: draw the same noise (the sample's seed, Box-Muller), each copy's gradient by the literal walk
            SplittableRandom r = new SplittableRandom(Backprop.sampleSeed(9, i));
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (int q = 0; q < size; q++) {
                lo = Math.min(lo, x.data()[i * size + q]);
                hi = Math.max(hi, x.data()[i * size + q]);
            }
            double sigma = 0.2 * (hi - lo);
            double[] mean = new double[size];
            for (int s = 0; s < 5; s++) {
                double[] noisy = new double[size];
                for (int q = 0; q < size; q++) {
                    double u = 1.0 - r.nextDouble();
                    double v = r.nextDouble();
                    noisy[q] = (float) (x.data()[i * size + q] + (float) (sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)));
                }
                double[] g = literalBackward(net, noisy, targets[i], Relu.GRADIENT).get(0);
                for (int q = 0; q < size; q++) {
                    mean[q] += g[q] / 5;
                }
            }
            float[] got = java.util.Arrays.copyOfRange(a.scaled().data(), i * size, (i + 1) * size);
            NumericAssert.assertCloseToLargest(toFloat(mean), got, Tolerances.F32, "SmoothGrad sample " + i);
        }
        // the same batch gives the same map again; another seed gives another
        Attribution again = Explainer.of("smoothgrad", net, o).explain(x, Target.predicted());
        assertArrayEquals(a.map(1), again.map(1));
        assertNotEquals(a.map(1)[7], Explainer.of("smoothgrad", net, o.withSeed(10)).explain(t, Target.predicted()).map(1)[7]);
        // no noise and one sample: the gradient itself
        Attribution plain = Explainer.of("smoothgrad", net, o.withSamples(1).withNoise(0)).explain(t, Target.predicted());
        assertArrayEquals(Gradients.gradient(t, Target.predicted()).data(), plain.scaled().data());
    }

    @Test
    void integratedGradientsIsTheInputTimesTheRiemannMeanOfLiteralGradientsAndIsComplete() {
        Network net = classifier(7);
        Tensor x = TestData.uniform(IN.withBatch(2), new SplittableRandom(8));
        Trace t = net.trace(x, Mode.EVAL);
        int[] targets = Target.predicted().resolve(t);
        Attribution a = Explainer.of("integrated-gradients", net, Explainer.Options.defaults().withSteps(8)).explain(t, Target.predicted());
        int size = IN.sampleSize();
        for (int i = 0; i < 2; i++) {
            double[] want = new double[size];
            double[] xi = sample(x, i);
            for (int k = 1; k <= 8; k++) {
                double[] scaled = new double[size];
                for (int q = 0; q < size; q++) {
                    scaled[q] = (float) ((float) k / 8 * (float) xi[q]);
                }
                double[] g = literalBackward(net, scaled, targets[i], Relu.GRADIENT).get(0);
                for (int q = 0; q < size; q++) {
                    want[q] += xi[q] * g[q] / 8;
                }
            }
            float[] got = java.util.Arrays.copyOfRange(a.scaled().data(), i * size, (i + 1) * size);
            NumericAssert.assertCloseToLargest(toFloat(want), got, Tolerances.F32, "Integrated Gradients sample " + i);
        }
        // completeness on a network linear along the path (BatchNorm, conv, dense; no ReLU): sum IG = y(x) - y(0) exactly
        SplittableRandom r = new SplittableRandom(9);
        Network linear = Network.of(new Shape(1, 1, 6, 7), BatchNorm2d.of(1), Conv2d.of(1, 2, Window.of(3, 1), r), Flatten.of(),
                Dense.withWeights(Tensor.uniform(new Shape(2, 2 * 4 * 5, 1, 1), -1, 1, r), Tensor.of(Shape.vector(1, 2), 0.5f, -0.25f)));
        Tensor z = TestData.uniform(new Shape(1, 1, 6, 7), r);
        Attribution ig = Explainer.of("integrated-gradients", linear).explain(z, Target.output(1));
        double y = linear.predict(z).data()[1];
        double y0 = linear.predict(Tensor.zeros(z.shape())).data()[1];
        assertEquals(y - y0, ig.total(0), 1e-5 * Math.max(1, Math.abs(y - y0)));
    }

    @Test
    void theRandomControlIsSeededNoiseOfTheInputAloneAndTheEdgeControlIsTheSobelMagnitude() {
        Network a = classifier(11);
        Network b = classifier(12);
        Tensor x = TestData.uniform(IN.withBatch(2), new SplittableRandom(13));
        Attribution ra = Explainer.of("random", a).explain(x, Target.predicted());
        Attribution rb = Explainer.of("random", b).explain(x, Target.predicted());
        assertArrayEquals(ra.map(0), rb.map(0), "a function of the input, not of the network");
        Tensor shifted = x.copy();
        for (int q = 0; q < shifted.data().length; q++) {
            shifted.data()[q] -= 1f;
        }
        assertArrayEquals(ra.map(1), Explainer.of("random", a).explain(shifted, Target.predicted()).map(1), "the same batch, shifted");
        assertNotEquals(ra.map(0)[0], ra.map(1)[0]);
        assertNotEquals(ra.map(0)[0], Explainer.of("random", a, Explainer.Options.defaults().withSeed(1)).explain(x, Target.predicted()).map(0)[0]);
        double mean = 0;
        for (double v : ra.map(0)) {
            assertTrue(v >= 0 && v < 1);
            mean += v / IN.plane();
        }
        assertEquals(0.5, mean, 4 * Math.sqrt(1.0 / 12 / IN.plane()), "uniform on [0, 1)");
        // edge: a vertical step from 0 to 1 between columns 1 and 2 of a 4 x 4 picture. Columns 1 and 2 see the step with
        // Sobel weights 1 + 2 + 1 = 4 (borders repeat the edge row), columns 0 and 3 see none
        Tensor step = Tensor.of(new Shape(1, 1, 4, 4), 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1);
        Network any = Network.of(new Shape(1, 1, 4, 4), Flatten.of(), Dense.of(16, 1, new SplittableRandom(1)));
        double[] e = Explainer.of("edge", any).explain(step, Target.predicted()).map(0);
        assertArrayEquals(new double[] {0, 4, 4, 0, 0, 4, 4, 0, 0, 4, 4, 0, 0, 4, 4, 0}, e, 0);
        // random two-channel pictures against the Sobel cross-correlation written out, borders repeated
        Tensor dot = Tensor.zeros(new Shape(1, 2, 5, 6));
        SplittableRandom rr = new SplittableRandom(3);
        for (int q = 0; q < dot.data().length; q++) {
            dot.data()[q] = (float) rr.nextDouble();
        }
        Network any2 = Network.of(new Shape(1, 2, 5, 6), Flatten.of(), Dense.of(60, 1, new SplittableRandom(1)));
        double[] got = Explainer.of("edge", any2).explain(dot, Target.predicted()).map(0);
        double[][] kx = {{-1, 0, 1}, {-2, 0, 2}, {-1, 0, 1}};
        for (int y = 0; y < 5; y++) {
            for (int xx = 0; xx < 6; xx++) {
                double want = 0;
                for (int c = 0; c < 2; c++) {
                    double gx = 0;
                    double gy = 0;
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++) {
                            double v = dot.get(0, c, Math.min(Math.max(y + dy, 0), 4), Math.min(Math.max(xx + dx, 0), 5));
                            gx += kx[dy + 1][dx + 1] * v;
                            gy += kx[dx + 1][dy + 1] * v;
                        }
                    }
                    want += Math.sqrt(gx * gx + gy * gy);
                }
                assertEquals(want, got[y * 6 + xx], 1e-5, "edge at " + y + ", " + xx);
            }
        }
    }

    @Test
    void withBatchStatisticsTheCopiesSeeTheExplainedBatchsStatistics() {
        // the frozen copy gives the same forward pass as the batch it was frozen at, so with no noise and one sample
        // SmoothGrad is the gradient through BatchNorm as the fixed affine map of that batch
        Network net = classifier(14);
        Tensor x = TestData.uniform(IN.withBatch(3), new SplittableRandom(15));
        Trace t = net.trace(x, Mode.BATCH_STATISTICS);
        Network frozen = Backprop.forCopies(t);
        NumericAssert.assertCloseToLargest(t.result().data(), frozen.predict(x).data(), 1e-5, "frozen copy, same batch");
        Explainer.Options o = Explainer.Options.defaults().withBatchNorm(Mode.BATCH_STATISTICS).withSamples(1).withNoise(0);
        Attribution sg = Explainer.of("smoothgrad", net, o).explain(t, Target.predicted());
        Tensor g = Gradients.gradient(frozen.trace(x, Mode.EVAL), Target.perSample(Target.predicted().resolve(t)));
        assertArrayEquals(g.data(), sg.scaled().data());
        // and the network's own state is left as the trace left it (the next explainer reads the same gradient)
        assertArrayEquals(Gradients.gradient(net.trace(x, Mode.BATCH_STATISTICS), Target.predicted()).data(),
                Gradients.gradient(t, Target.predicted()).data());
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
