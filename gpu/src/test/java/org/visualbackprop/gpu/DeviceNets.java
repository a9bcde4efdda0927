package org.visualbackprop.gpu;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.visualbackprop.nn.BatchNorm2d;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Dropout;
import org.visualbackprop.nn.Flatten;
import org.visualbackprop.nn.Layer;
import org.visualbackprop.nn.LogSoftmax;
import org.visualbackprop.nn.MaxPool2d;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.ReLU;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;

/**
 * Random networks that exercise every path of the device program: BatchNorm folded into an unpadded conv, kept as
 * its own operation before a padded conv or between a conv and its ReLU, Dropout between a conv and its ReLU, max
 * pooling between conv stages, channel counts that are not multiples of 8 and more than 8 input channels, convs
 * with and without bias, BatchNorm folded into a Dense through Flatten, hidden Dense layers, a final LogSoftmax.
 */
final class DeviceNets {
    private DeviceNets() {
    }

    static BatchNorm2d randomBatchNorm(SplittableRandom r, int c) {
        Shape s = Shape.vector(1, c);
        return BatchNorm2d.withStatistics(1e-5f, 0.1f, Tensor.uniform(s, 0.5f, 1.5f, r), Tensor.uniform(s, -0.2f, 0.2f, r),
                Tensor.uniform(s, -0.2f, 0.5f, r), Tensor.uniform(s, 0.5f, 2f, r));
    }

    /**
     * A random conv net for {@code input} with {@code convs} conv blocks and {@code outputs} outputs
     * (log-probabilities when {@code classifier}).
     */
    static Network random(SplittableRandom r, Shape input, int convs, int outputs, boolean classifier) {
        List<Layer> layers = new ArrayList<>();
        Shape s = input.withBatch(1);
        int c = s.c();
        for (int l = 0; l < convs; l++) {
            Window w = fittingWindow(r, s);
            if (w == null) {
                break;
            }
            int out = r.nextInt(4) == 0 ? 9 + r.nextInt(4) : 1 + r.nextInt(5);
            int pattern = r.nextInt(4);
            if (pattern != 3) {
                layers.add(randomBatchNorm(r, c)); // folded when w is unpadded, its own operation otherwise
            }
            Tensor weight = Tensor.uniform(new Shape(out, c, w.kernelH(), w.kernelW()), -1f, 1f, r);
            for (int q = 0; q < weight.data().length; q++) {
                weight.data()[q] += 0.15f; // keeps some units on
            }
            Tensor bias = r.nextInt(3) == 0 ? null : Tensor.uniform(Shape.vector(1, out), -0.3f, 0.5f, r);
            Conv2d conv = Conv2d.withWeights(w, weight, bias);
            layers.add(conv);
            if (pattern == 1) {
                layers.add(randomBatchNorm(r, out)); // conv -> BN -> ReLU
            } else if (pattern == 2) {
                layers.add(Dropout.of(0.3f, r.nextLong())); // identity in evaluation mode
            }
            layers.add(ReLU.of());
            s = conv.outputShape(s);
            c = out;
            if (l + 1 < convs && r.nextInt(3) == 0) {
                Window p = Window.of(2, 2);
                if (p.fits(s.h(), s.w()) && s.h() >= 4 && s.w() >= 4) {
                    MaxPool2d pool = MaxPool2d.of(p);
                    layers.add(pool);
                    s = pool.outputShape(s);
                }
            }
        }
        if (r.nextBoolean()) {
            layers.add(randomBatchNorm(r, c)); // folded into the Dense through the Flatten
        }
        layers.add(Flatten.of());
        int f = s.sampleSize();
        if (r.nextBoolean()) {
            int h = 5 + r.nextInt(20);
            layers.add(Dense.of(f, h, r));
            layers.add(ReLU.of());
            f = h;
        }
        layers.add(Dense.of(f, outputs, r));
        if (classifier) {
            layers.add(LogSoftmax.of());
        }
        return Network.of(input, layers);
    }

    /** A window (kernel 1-5, stride 1-3, padding 0-2) that fits {@code s}, or null. */
    static Window fittingWindow(SplittableRandom r, Shape s) {
        for (int attempt = 0; attempt < 20; attempt++) {
            int kh = 1 + r.nextInt(5);
            int kw = 1 + r.nextInt(5);
            int ph = r.nextInt(Math.min(2, kh - 1) + 1);
            int pw = r.nextInt(Math.min(2, kw - 1) + 1);
            Window w = new Window(kh, kw, 1 + r.nextInt(3), 1 + r.nextInt(3), ph, pw);
            if (w.fits(s.h(), s.w())) {
                return w;
            }
        }
        return null;
    }
}
