package org.visualbackprop.io.onnx;

import java.util.List;
import java.util.SplittableRandom;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.BatchNorm2d;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Dropout;
import org.visualbackprop.nn.Flatten;
import org.visualbackprop.nn.Layer;
import org.visualbackprop.nn.LogSoftmax;
import org.visualbackprop.nn.MaxPool2d;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Parameter;
import org.visualbackprop.nn.ReLU;
import org.visualbackprop.nn.Tanh;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;
import org.visualbackprop.testing.RandomNets;

/** Networks for the export tests: every layer kind and setting {@link OnnxExport} writes, with nonzero tensors. */
final class OnnxTestNets {
    private OnnxTestNets() {
    }

    /** Every parameter and BatchNorm statistic drawn at random (PaperNets starts BatchNorm at the identity and the head at 0). */
    static Network randomized(Network net, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (Layer l : net.layers()) {
            for (Parameter p : l.parameters()) {
                float[] d = p.value().data();
                for (int i = 0; i < d.length; i++) {
                    d[i] = (float) (r.nextDouble() - 0.5) * (l instanceof BatchNorm2d && p.name().equals("weight") ? 0.5f : 0.6f)
                            + (l instanceof BatchNorm2d && p.name().equals("weight") ? 1f : 0f);
                }
            }
            if (l instanceof BatchNorm2d b) {
                for (int i = 0; i < b.channels(); i++) {
                    b.runningMean().data()[i] = (float) (r.nextDouble() * 0.4 - 0.2);
                    b.runningVar().data()[i] = (float) (r.nextDouble() * 0.5 + 0.75);
                }
            }
        }
        return net;
    }

    /** The paper's small classifier (BatchNorm-conv-ReLU blocks, Flatten, hidden layer, LogSoftmax), randomized. */
    static Network smallClassifier(long seed) {
        return randomized(PaperNets.small(new Shape(1, 3, 24, 28), 5, true, seed), seed + 1);
    }

    /**
     * Every other setting: a bias-free convolution, padded convolution and max-pooling with unequal kernels and strides,
     * Tanh, BatchNorm on feature vectors with a momentum whose ONNX complement is not exact, Dropout, a Dense without bias,
     * a Dense straight after a {@code c x 1 x 1} map (no Flatten), and LogSoftmax.
     */
    static Network everyLayer(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Shape in = new Shape(1, 2, 13, 11);
        List<Layer> layers = List.of(
                Conv2d.of(2, 4, new Window(3, 2, 1, 2, 1, 1), false, r),
                Tanh.of(),
                MaxPool2d.of(new Window(3, 3, 2, 2, 1, 1)),
                Conv2d.of(4, 6, Window.of(3, 1, 1), r),
                ReLU.of(),
                MaxPool2d.of(new Window(7, 3, 1, 1, 0, 0)),
                Dense.of(6, 8, false, r),
                ReLU.of(),
                BatchNorm2d.withStatistics(1e-3f, 0.3f, vec(8, r, 0.5f, 1.5f), vec(8, r, -0.1f, 0.1f), vec(8, r, -0.2f, 0.2f),
                        vec(8, r, 0.5f, 1.5f)),
                Dropout.of(0.25f, 3L),
                Flatten.of(),
                Dense.of(8, 3, r),
                LogSoftmax.of());
        Network net = Network.of(in, layers);
        RandomNets.randomizeBiases(net, r);
        return net;
    }

    /** Feature vectors in, no convolution: the ONNX input is {@code [batch, 12]}. */
    static Network vectors(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Network net = Network.of(Shape.vector(1, 12), Dense.of(12, 7, r), ReLU.of(), RandomNets.batchNorm(7, r), Dense.of(7, 1, r));
        RandomNets.randomizeBiases(net, r);
        return net;
    }

    private static Tensor vec(int n, SplittableRandom r, float lo, float hi) {
        return Tensor.uniform(Shape.vector(1, n), lo, hi, r);
    }
}
