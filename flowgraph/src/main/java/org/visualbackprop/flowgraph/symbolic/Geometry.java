package org.visualbackprop.flowgraph.symbolic;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.MaxPool2d;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.ReLU;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Window;

/**
 * The geometry of a convolutional feature extractor, without its values: the input's channels and size, then conv
 * layers (window and output channels, each followed by a ReLU) and max-pooling layers (window). What Section 4's
 * statements are proved for, one geometry at a time, for every weight, bias and input.
 *
 * @param channels input channels
 * @param height   input height
 * @param width    input width
 * @param layers   from the input up; the last is a conv layer
 */
public record Geometry(int channels, int height, int width, List<Layer> layers) {

    /**
     * One layer.
     *
     * @param pool     true for max pooling, false for a conv layer with its ReLU
     * @param window   kernel, stride and padding per axis
     * @param channels output channels of a conv layer (a pool keeps its input's; 0 here)
     */
    public record Layer(boolean pool, Window window, int channels) {
        public Layer {
            Objects.requireNonNull(window, "window");
            if (!pool && channels < 1) {
                throw new IllegalArgumentException("a conv layer needs >= 1 output channel, got " + channels);
            }
        }

        /** A conv layer (followed by its ReLU). */
        public static Layer conv(Window window, int channels) {
            return new Layer(false, window, channels);
        }

        /** A max-pooling layer. */
        public static Layer pool(Window window) {
            return new Layer(true, window, 0);
        }

        @Override
        public String toString() {
            Window w = window;
            String s = (pool ? "pool " : "conv ") + w.describeKernel() + (w.strideH() + w.strideW() > 2 ? " s" + w.describeStride() : "")
                    + (w.padH() + w.padW() > 0 ? " p" + w.padH() + "x" + w.padW() : "");
            return pool ? s : s + " -> " + channels;
        }
    }

    public Geometry {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("input must be at least 1 x 1 x 1, got " + channels + " x " + height + " x " + width);
        }
        layers = List.copyOf(layers);
        if (layers.isEmpty() || layers.get(layers.size() - 1).pool()) {
            throw new IllegalArgumentException("a geometry ends with a conv layer: " + layers);
        }
    }

    /** Channels, height and width of the input ({@code shapes().get(0)}) and of every layer's output. */
    public List<int[]> shapes() {
        List<int[]> out = new ArrayList<>();
        int c = channels;
        int h = height;
        int w = width;
        out.add(new int[] {c, h, w});
        for (Layer l : layers) {
            if (!l.window().fits(h, w)) {
                throw new ShapeException("window " + l + " does not fit a " + h + " x " + w + " map in " + this);
            }
            h = l.window().outH(h);
            w = l.window().outW(w);
            c = l.pool() ? c : l.channels();
            out.add(new int[] {c, h, w});
        }
        return out;
    }

    /** True when every window fits the map it slides over. */
    public boolean fits() {
        int h = height;
        int w = width;
        for (Layer l : layers) {
            if (!l.window().fits(h, w)) {
                return false;
            }
            h = l.window().outH(h);
            w = l.window().outW(w);
        }
        return true;
    }

    /** Number of conv layers, the paper's L. */
    public int depth() {
        int n = 0;
        for (Layer l : layers) {
            n += l.pool() ? 0 : 1;
        }
        return n;
    }

    /** Number of neurons of the conv layers (the units a ReLU pattern decides). */
    public int hiddenUnits() {
        List<int[]> s = shapes();
        int n = 0;
        for (int i = 0; i < layers.size(); i++) {
            int[] o = s.get(i + 1);
            n += layers.get(i).pool() ? 0 : o[0] * o[1] * o[2];
        }
        return n;
    }

    /** True when the geometry has a pooling layer. */
    public boolean hasPooling() {
        return layers.stream().anyMatch(Layer::pool);
    }

    /**
     * A core network of this geometry (Conv2d without bias + ReLU per conv layer, MaxPool2d per pool): its weights are
     * seeded random numbers that the symbolic proofs never read (VbpPlan and the flow graph take only its geometry).
     */
    public Network network() {
        return network(new SplittableRandom(1));
    }

    /** As {@link #network()}, the conv weights drawn from {@code random} (with biases when {@code biases}). */
    public Network network(SplittableRandom random, boolean biases) {
        List<org.visualbackprop.nn.Layer> ls = new ArrayList<>();
        int c = channels;
        for (Layer l : layers) {
            if (l.pool()) {
                ls.add(MaxPool2d.of(l.window()));
            } else {
                ls.add(Conv2d.of(c, l.channels(), l.window(), biases, random));
                ls.add(ReLU.of());
                c = l.channels();
            }
        }
        return Network.of(new Shape(1, channels, height, width), ls);
    }

    private Network network(SplittableRandom random) {
        return network(random, false);
    }

    /**
     * An order from small to large: conv layers, pool layers, input neurons, neurons in all, kernel areas, strides,
     * padding; ties by the text. The first failing geometry in this order is the one reported.
     */
    public long[] sizeKey() {
        List<int[]> s = shapes();
        long neurons = 0;
        for (int[] o : s) {
            neurons += (long) o[0] * o[1] * o[2];
        }
        long area = 0;
        long stride = 0;
        long pad = 0;
        for (Layer l : layers) {
            area += l.window().area();
            stride += l.window().strideH() + l.window().strideW();
            pad += l.window().padH() + l.window().padW();
        }
        long pools = layers.size() - depth();
        return new long[] {depth(), pools, (long) channels * height * width, neurons, area, stride, pad};
    }

    /** {@code "1x3x4 | conv 2x2 -> 2 | pool 2x2 s2x2 | conv 1x1 -> 1"}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append(channels).append('x').append(height).append('x').append(width);
        for (Layer l : layers) {
            sb.append(" | ").append(l);
        }
        return sb.toString();
    }
}
