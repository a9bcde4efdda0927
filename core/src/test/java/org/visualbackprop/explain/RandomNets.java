package org.visualbackprop.explain;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.visualbackprop.nn.BatchNorm2d;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Flatten;
import org.visualbackprop.nn.Layer;
import org.visualbackprop.nn.MaxPool2d;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.ReLU;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;

/** Random small networks for the explanation tests. */
final class RandomNets {
    private RandomNets() {
    }

    /** Options for {@link #random}. */
    record Spec(int convs, boolean pools, boolean biases, boolean batchNorm, double positiveBias) {
    }

    /**
     * A random conv net for {@code input}: {@code convs} conv+ReLU blocks with kernels 1-5, strides 1-3, padding 0-2
     * (drawn while they still fit), optional max pools between them, optional BatchNorm before each conv with random
     * running statistics, then Flatten and Dense to one output. Weights are drawn with a positive bias so that some
     * units stay on.
     */
    static Network random(SplittableRandom r, Shape input, Spec spec) {
        List<Layer> layers = new ArrayList<>();
        Shape s = input.withBatch(1);
        int c = s.c();
        for (int l = 0; l < spec.convs(); l++) {
            Window w = fittingWindow(r, s, 5, 3, 2);
            if (w == null) {
                break;
            }
            int out = 1 + r.nextInt(3);
            if (spec.batchNorm()) {
                Tensor ones = Tensor.zeros(Shape.vector(1, c));
                Tensor gamma = Tensor.uniform(ones.shape(), 0.5f, 1.5f, r);
                Tensor beta = Tensor.uniform(ones.shape(), -0.2f, 0.2f, r);
                Tensor mean = Tensor.uniform(ones.shape(), -0.2f, 0.5f, r);
                Tensor var = Tensor.uniform(ones.shape(), 0.5f, 2f, r);
                layers.add(BatchNorm2d.withStatistics(1e-5f, 0.1f, gamma, beta, mean, var));
            }
            Tensor weight = Tensor.uniform(new Shape(out, c, w.kernelH(), w.kernelW()), -1f, 1f, r);
            for (int q = 0; q < weight.data().length; q++) {
                weight.data()[q] += (float) spec.positiveBias();
            }
            Tensor bias = spec.biases() ? Tensor.uniform(Shape.vector(1, out), -0.3f, 0.5f, r) : null;
            Conv2d conv = Conv2d.withWeights(w, weight, bias);
            layers.add(conv);
            layers.add(ReLU.of());
            s = conv.outputShape(s);
            c = out;
            if (spec.pools() && l + 1 < spec.convs() && r.nextBoolean()) {
                Window p = fittingWindow(r, s, 3, 2, 0);
                if (p != null) {
                    MaxPool2d pool = MaxPool2d.of(p);
                    layers.add(pool);
                    s = pool.outputShape(s);
                }
            }
        }
        layers.add(Flatten.of());
        layers.add(Dense.of(s.sampleSize(), 1, r));
        return Network.of(input, layers);
    }

    /** A window with kernel up to {@code maxK}, stride up to {@code maxS}, padding up to {@code maxP} that fits. */
    static Window fittingWindow(SplittableRandom r, Shape s, int maxK, int maxS, int maxP) {
        for (int attempt = 0; attempt < 20; attempt++) {
            int kh = 1 + r.nextInt(maxK);
            int kw = 1 + r.nextInt(maxK);
            int ph = r.nextInt(Math.min(maxP, kh - 1) + 1);
            int pw = r.nextInt(Math.min(maxP, kw - 1) + 1);
            Window w = new Window(kh, kw, 1 + r.nextInt(maxS), 1 + r.nextInt(maxS), ph, pw);
            if (w.fits(s.h(), s.w())) {
                return w;
            }
        }
        return null;
    }

    /** A small net in the paper's pattern (BN, 3x3 conv with strides 1, 2, ReLU) with random BN statistics. */
    static Network paperLike(SplittableRandom r, Shape input) {
        return random(r, input, new Spec(3, false, true, true, 0.2));
    }
}
