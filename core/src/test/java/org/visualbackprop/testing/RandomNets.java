package org.visualbackprop.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.visualbackprop.nn.BatchNorm2d;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Layer;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Parameter;
import org.visualbackprop.nn.ReLU;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;

/** Seeded random layers and networks for tests, with every tensor (biases and BatchNorm statistics included) nonzero. */
public final class RandomNets {
    private RandomNets() {
    }

    /** A BatchNorm with gamma in [0.5, 1.5), beta and running mean in [-1, 1), running variance in [0.5, 2). */
    public static BatchNorm2d batchNorm(int channels, SplittableRandom r) {
        Shape s = Shape.vector(1, channels);
        return BatchNorm2d.withStatistics(BatchNorm2d.DEFAULT_EPS, BatchNorm2d.DEFAULT_MOMENTUM,
                Tensor.uniform(s, 0.5f, 1.5f, r), TestData.uniform(s, r), TestData.uniform(s, r),
                Tensor.uniform(s, 0.5f, 2f, r));
    }

    /** Fills every bias-like parameter (named {@code bias}) with values in [-0.1, 0.1). Modified: the network. */
    public static void randomizeBiases(Network net, SplittableRandom r) {
        for (Layer l : net.layers()) {
            for (Parameter p : l.parameters()) {
                if (p.name().equals("bias") && !(l instanceof BatchNorm2d)) {
                    float[] d = p.value().data();
                    for (int i = 0; i < d.length; i++) {
                        d[i] = (float) (0.2 * r.nextDouble() - 0.1);
                    }
                }
            }
        }
    }

    /**
     * A chain of {@code [BatchNorm -> Conv -> ReLU]} blocks, the paper's feature extractor, with the given channels and
     * windows (random BatchNorm statistics, He-uniform weights, small random biases); no fully connected part.
     */
    public static Network convChain(Shape input, int[] channels, Window[] windows, SplittableRandom r) {
        List<Layer> layers = new ArrayList<>();
        int c = input.c();
        for (int i = 0; i < channels.length; i++) {
            layers.add(batchNorm(c, r));
            layers.add(Conv2d.of(c, channels[i], windows[i], r));
            layers.add(ReLU.of());
            c = channels[i];
        }
        Network net = Network.of(input, layers);
        randomizeBiases(net, r);
        return net;
    }
}
