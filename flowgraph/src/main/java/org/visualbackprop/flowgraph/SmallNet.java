package org.visualbackprop.flowgraph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.visualbackprop.nn.BatchNorm2d;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Layer;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.ReLU;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;

/**
 * A small convolutional network of the kind Section 4 speaks of, together with one input, as plain values that print
 * readably: a chain of blocks {@code [BatchNorm2d] -> Conv2d -> ReLU} (no pooling, no fully connected part). It builds
 * the core {@link Network} ({@link #network()}) and the input tensor ({@link #input()}), and it is what the property
 * tests generate and shrink: its {@link #toString()} lists the layers, weights, biases and the input.
 *
 * <p>Weights are stored in core's layout, {@code cout x cin x kh x kw}; the input as {@code c x h x w}; all values are
 * taken as float32 when the network is built (small integers and halves are exact).
 *
 * @param channels input channels
 * @param height   input height
 * @param width    input width
 * @param inputValues {@code channels * height * width} values, channel-major, then rows
 * @param blocks   the conv blocks, from the input upwards; at least one
 */
public record SmallNet(int channels, int height, int width, double[] inputValues, List<Block> blocks) {

    /**
     * BatchNorm in evaluation mode, before a conv: {@code y = (x - mean) / sqrt(var + eps) * gamma + beta} per channel.
     * With {@code var + eps} a power of four (e.g. var 0.75, eps 0.25) the scale is exact in float32.
     */
    public record Norm(double eps, double[] gamma, double[] beta, double[] mean, double[] var) {
        public Norm {
            int c = gamma.length;
            if (beta.length != c || mean.length != c || var.length != c) {
                throw new ShapeException("BatchNorm parameters must all have " + c + " values, got gamma " + c + ", beta "
                        + beta.length + ", mean " + mean.length + ", var " + var.length);
            }
            gamma = gamma.clone();
            beta = beta.clone();
            mean = mean.clone();
            var = var.clone();
        }

        /** Number of channels. */
        public int channels() {
            return gamma.length;
        }

        BatchNorm2d layer() {
            Shape s = Shape.vector(1, channels());
            return BatchNorm2d.withStatistics((float) eps, BatchNorm2d.DEFAULT_MOMENTUM, tensor(s, gamma), tensor(s, beta),
                    tensor(s, mean), tensor(s, var));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Norm n && n.eps == eps && Arrays.equals(n.gamma, gamma) && Arrays.equals(n.beta, beta)
                    && Arrays.equals(n.mean, mean) && Arrays.equals(n.var, var);
        }

        @Override
        public int hashCode() {
            return Objects.hash(eps, Arrays.hashCode(gamma), Arrays.hashCode(beta), Arrays.hashCode(mean), Arrays.hashCode(var));
        }

        @Override
        public String toString() {
            return "BatchNorm(eps " + num(eps) + ", gamma " + list(gamma) + ", beta " + list(beta) + ", mean " + list(mean)
                    + ", var " + list(var) + ")";
        }
    }

    /**
     * One block: an optional BatchNorm, a convolution, a ReLU.
     *
     * @param norm        BatchNorm before the conv, or null
     * @param window      the conv's geometry
     * @param outChannels the conv's output channels
     * @param weights     {@code outChannels * inChannels * kh * kw} values
     * @param bias        {@code outChannels} values, or null for a conv without bias
     */
    public record Block(Norm norm, Window window, int outChannels, double[] weights, double[] bias) {
        public Block {
            Objects.requireNonNull(window, "window");
            if (outChannels < 1) {
                throw new ShapeException("a block needs >= 1 output channel, got " + outChannels);
            }
            if (weights.length % (outChannels * window.area()) != 0) {
                throw new ShapeException("block weights: " + weights.length + " values are not a multiple of "
                        + outChannels + " x " + window.describeKernel());
            }
            if (bias != null && bias.length != outChannels) {
                throw new ShapeException("block bias must have " + outChannels + " values, got " + bias.length);
            }
            weights = weights.clone();
            bias = bias == null ? null : bias.clone();
        }

        /** The weights (a copy). */
        @Override
        public double[] weights() {
            return weights.clone();
        }

        /** The bias (a copy), or null. */
        @Override
        public double[] bias() {
            return bias == null ? null : bias.clone();
        }

        /** Input channels of the conv. */
        public int inChannels() {
            return weights.length / (outChannels * window.area());
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Block b && Objects.equals(b.norm, norm) && b.window.equals(window) && b.outChannels == outChannels
                    && Arrays.equals(b.weights, weights) && Arrays.equals(b.bias, bias);
        }

        @Override
        public int hashCode() {
            return Objects.hash(norm, window, outChannels, Arrays.hashCode(weights), Arrays.hashCode(bias));
        }
    }

    public SmallNet {
        if (channels < 1 || height < 1 || width < 1) {
            throw new ShapeException("input must be at least 1 x 1 x 1, got " + channels + " x " + height + " x " + width);
        }
        if (inputValues.length != channels * height * width) {
            throw new ShapeException("input must have " + channels + " x " + height + " x " + width + " values, got " + inputValues.length);
        }
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException("a SmallNet needs at least one conv block");
        }
        inputValues = inputValues.clone();
        blocks = List.copyOf(blocks);
        int c = channels;
        int h = height;
        int w = width;
        for (int l = 0; l < blocks.size(); l++) {
            Block b = blocks.get(l);
            if (b.inChannels() != c) {
                throw new ShapeException("block " + (l + 1) + " expects " + b.inChannels() + " input channels, the layer below has " + c);
            }
            if (b.norm() != null && b.norm().channels() != c) {
                throw new ShapeException("block " + (l + 1) + " BatchNorm has " + b.norm().channels() + " channels, the layer below has " + c);
            }
            if (!b.window().fits(h, w)) {
                throw new ShapeException("block " + (l + 1) + " " + b.window() + " does not fit its input " + h + " x " + w);
            }
            c = b.outChannels();
            h = b.window().outH(h);
            w = b.window().outW(w);
        }
    }

    /** Number of conv layers, the paper's L. */
    public int depth() {
        return blocks.size();
    }

    /** The input sample shape, batch 1. */
    public Shape inputShape() {
        return new Shape(1, channels, height, width);
    }

    /** The core network: for each block {@code [BatchNorm2d], Conv2d, ReLU}. */
    public Network network() {
        List<Layer> layers = new ArrayList<>();
        for (Block b : blocks) {
            if (b.norm() != null) {
                layers.add(b.norm().layer());
            }
            Shape ws = new Shape(b.outChannels(), b.inChannels(), b.window().kernelH(), b.window().kernelW());
            layers.add(Conv2d.withWeights(b.window(), tensor(ws, b.weights()),
                    b.bias() == null ? null : tensor(Shape.vector(1, b.outChannels()), b.bias())));
            layers.add(ReLU.of());
        }
        return Network.of(inputShape(), layers);
    }

    /** The input values (a copy). */
    @Override
    public double[] inputValues() {
        return inputValues.clone();
    }

    /** The input as a tensor, {@code 1 x c x h x w}. */
    public Tensor input() {
        return tensor(inputShape(), inputValues);
    }

    /** True when some block has a BatchNorm. */
    public boolean hasBatchNorm() {
        return blocks.stream().anyMatch(b -> b.norm() != null);
    }

    /** True when some conv has a bias with a nonzero value, or some block has a BatchNorm (whose shift acts as a bias). */
    public boolean hasBiases() {
        for (Block b : blocks) {
            if (b.norm() != null) {
                return true;
            }
            if (b.bias() != null) {
                for (double v : b.bias()) {
                    if (v != 0) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The same net without BatchNorm layers. */
    public SmallNet withoutBatchNorm() {
        List<Block> bs = new ArrayList<>();
        for (Block b : blocks) {
            bs.add(new Block(null, b.window(), b.outChannels(), b.weights(), b.bias()));
        }
        return new SmallNet(channels, height, width, inputValues, bs);
    }

    /** The same net without biases (convs without bias; BatchNorm removed, since its shift is a bias). */
    public SmallNet withoutBiases() {
        List<Block> bs = new ArrayList<>();
        for (Block b : blocks) {
            bs.add(new Block(null, b.window(), b.outChannels(), b.weights(), null));
        }
        return new SmallNet(channels, height, width, inputValues, bs);
    }

    /** The same net with another input (same shape). */
    public SmallNet withInput(double[] values) {
        return new SmallNet(channels, height, width, values, blocks);
    }

    /** The largest kernel side of any block. */
    public int largestKernel() {
        int k = 0;
        for (Block b : blocks) {
            k = Math.max(k, Math.max(b.window().kernelH(), b.window().kernelW()));
        }
        return k;
    }

    static Tensor tensor(Shape s, double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return Tensor.wrap(s, f);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SmallNet n && n.channels == channels && n.height == height && n.width == width
                && Arrays.equals(n.inputValues, inputValues) && n.blocks.equals(blocks);
    }

    @Override
    public int hashCode() {
        return Objects.hash(channels, height, width, Arrays.hashCode(inputValues), blocks);
    }

    /**
     * Readable, one item per line:
     * <pre>
     * SmallNet(input 1 x 2 x 2, 1 conv layer)
     *   input  c0: [1 2; 0 1]
     *   conv1  1 -> 1, kernel 1x1, stride 1x1, padding 0x0, bias [-1]
     *          w[o0,i0] = [2]
     * </pre>
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append("SmallNet(input ").append(channels).append(" x ").append(height).append(" x ").append(width).append(", ")
                .append(blocks.size()).append(" conv layer").append(blocks.size() == 1 ? "" : "s").append(")");
        for (int c = 0; c < channels; c++) {
            sb.append("\n  input  c").append(c).append(": ").append(matrix(inputValues, c * height * width, height, width));
        }
        int h = height;
        int w = width;
        for (int l = 0; l < blocks.size(); l++) {
            Block b = blocks.get(l);
            Window win = b.window();
            if (b.norm() != null) {
                sb.append("\n  bn").append(l + 1).append("    ").append(b.norm());
            }
            h = win.outH(h);
            w = win.outW(w);
            sb.append("\n  conv").append(l + 1).append("  ").append(b.inChannels()).append(" -> ").append(b.outChannels())
                    .append(", kernel ").append(win.describeKernel()).append(", stride ").append(win.describeStride())
                    .append(", padding ").append(win.padH()).append('x').append(win.padW())
                    .append(", bias ").append(b.bias() == null ? "none" : list(b.bias()))
                    .append("  (output ").append(b.outChannels()).append(" x ").append(h).append(" x ").append(w).append(")");
            int area = win.area();
            for (int o = 0; o < b.outChannels(); o++) {
                for (int i = 0; i < b.inChannels(); i++) {
                    sb.append("\n         w[o").append(o).append(",i").append(i).append("] = ")
                            .append(matrix(b.weights(), (o * b.inChannels() + i) * area, win.kernelH(), win.kernelW()));
                }
            }
        }
        return sb.toString();
    }

    static String matrix(double[] v, int off, int rows, int cols) {
        StringBuilder sb = new StringBuilder("[");
        for (int r = 0; r < rows; r++) {
            if (r > 0) {
                sb.append("; ");
            }
            for (int c = 0; c < cols; c++) {
                if (c > 0) {
                    sb.append(' ');
                }
                sb.append(num(v[off + r * cols + c]));
            }
        }
        return sb.append(']').toString();
    }

    static String list(double[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            sb.append(i > 0 ? ", " : "").append(num(v[i]));
        }
        return sb.append(']').toString();
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        float f = (float) v;
        return f == v ? Float.toString(f) : Double.toString(v);
    }

    // ---------------------------------------------------------------- random nets, for the command line

    /**
     * What {@link #random} draws.
     *
     * @param maxDepth       conv layers, 1 .. maxDepth (fewer when the input runs out)
     * @param minKernel      smallest kernel side per axis
     * @param maxKernel      kernel side per axis, minKernel .. maxKernel
     * @param maxStride      stride per axis, 1 .. maxStride
     * @param maxPadding     padding per axis, 0 .. min(maxPadding, kernel - 1)
     * @param maxChannels    channels per conv layer, 1 .. maxChannels
     * @param maxInputSide   input height and width, 1 .. maxInputSide
     * @param maxInputChannels input channels, 1 .. maxInputChannels
     * @param integers       true: weights, biases and input are small integers (the exact tier); false: uniform reals
     * @param biases         how biases are drawn
     * @param batchNorm      probability that a block has a BatchNorm before its conv (exact-friendly statistics
     *                       when {@code integers})
     */
    public record Options(int maxDepth, int minKernel, int maxKernel, int maxStride, int maxPadding, int maxChannels, int maxInputSide,
                          int maxInputChannels, boolean integers, Biases biases, double batchNorm) {
        /** The space for the exact tier: 1-4 layers, kernels 1-3, strides 1-2, padding 0-1, 1-3 channels, 9x9. */
        public static Options exact(Biases biases, double batchNorm) {
            return new Options(4, 1, 3, 2, 1, 3, 9, 2, true, biases, batchNorm);
        }

        /** Larger real-valued nets for the float tier: up to 4 layers, kernels 1-5, up to 4 channels, 16 x 16 inputs. */
        public static Options floating(Biases biases, double batchNorm) {
            return new Options(4, 1, 5, 2, 2, 4, 16, 3, false, biases, batchNorm);
        }

        public Options {
            if (maxDepth < 1 || minKernel < 1 || maxKernel < minKernel || maxStride < 1 || maxPadding < 0 || maxChannels < 1
                    || maxInputSide < 1 || maxInputChannels < 1) {
                throw new IllegalArgumentException("random net options out of range: " + this);
            }
        }

        /** Only square kernels of side exactly {@code k} (for Remark 1); inputs large enough for a few of them. */
        public Options withKernel(int k) {
            return new Options(maxDepth, k, k, maxStride, Math.min(maxPadding, k - 1), maxChannels, Math.max(maxInputSide, 4 * k),
                    maxInputChannels, integers, biases, batchNorm);
        }
    }

    /** How {@link #random} draws conv biases (the paper's {@code b_v} is minus the conv bias). */
    public enum Biases {
        /** Convs without bias, no BatchNorm shift: the bias-free networks of Definition 1. */
        NONE,
        /** Conv bias {@code <= 0}, so the paper's {@code b_v >= 0} ("flow is lost"): Lemmas 2 and 3, conservation. */
        NON_NEGATIVE_B,
        /** Conv bias of either sign. */
        ANY
    }

    /**
     * A random net and input, drawn from {@code r}. Layers are drawn while they fit the shrinking input; at least one
     * does (a 1x1 kernel always fits).
     */
    public static SmallNet random(SplittableRandom r, Options o) {
        int cin = 1 + r.nextInt(o.maxInputChannels());
        int side0 = Math.min(o.minKernel(), o.maxInputSide());
        int inH = side0 + r.nextInt(o.maxInputSide() - side0 + 1);
        int inW = side0 + r.nextInt(o.maxInputSide() - side0 + 1);
        int h = inH;
        int w = inW;
        double[] input = new double[cin * h * w];
        for (int i = 0; i < input.length; i++) {
            input[i] = o.integers() ? r.nextInt(4) : r.nextDouble(-0.25, 1.0);
        }
        int depth = 1 + r.nextInt(o.maxDepth());
        List<Block> blocks = new ArrayList<>();
        int c = cin;
        for (int l = 0; l < depth; l++) {
            Window win = null;
            for (int attempt = 0; attempt < 12 && win == null; attempt++) {
                int kh = o.minKernel() + r.nextInt(o.maxKernel() - o.minKernel() + 1);
                int kw = o.minKernel() + r.nextInt(o.maxKernel() - o.minKernel() + 1);
                int ph = r.nextInt(Math.min(o.maxPadding(), kh - 1) + 1);
                int pw = r.nextInt(Math.min(o.maxPadding(), kw - 1) + 1);
                Window cand = new Window(kh, kw, 1 + r.nextInt(o.maxStride()), 1 + r.nextInt(o.maxStride()), ph, pw);
                if (cand.fits(h, w)) {
                    win = cand;
                }
            }
            if (win == null) {
                if (l > 0) {
                    break;
                }
                win = Window.of(1, 1); // only when minKernel does not fit the input at all

            }
            int out = 1 + r.nextInt(o.maxChannels());
            Norm norm = r.nextDouble() < o.batchNorm() ? randomNorm(r, c, o.integers()) : null;
            double[] weights = new double[out * c * win.area()];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = o.integers() ? INTEGER_WEIGHTS[r.nextInt(INTEGER_WEIGHTS.length)] : r.nextDouble(-1.0, 1.0) + 0.15;
            }
            double[] bias = switch (o.biases()) {
                case NONE -> null;
                case NON_NEGATIVE_B -> draw(r, out, o.integers() ? -2 : -0.5, 0.0, o.integers());
                case ANY -> draw(r, out, o.integers() ? -2 : -0.5, o.integers() ? 2 : 0.5, o.integers());
            };
            if (o.biases() == Biases.NONE) {
                norm = null;
            }
            blocks.add(new Block(norm, win, out, weights, bias));
            c = out;
            h = win.outH(h);
            w = win.outW(w);
        }
        return new SmallNet(cin, inH, inW, input, blocks);
    }

    /** Integer weights are drawn from these, skewed to the positive side so that deeper layers are not all dead. */
    private static final int[] INTEGER_WEIGHTS = {-2, -1, 0, 1, 1, 2, 2};

    private static double[] draw(SplittableRandom r, int n, double lo, double hi, boolean integers) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = integers ? (long) lo + r.nextInt((int) (hi - lo) + 1) : lo + r.nextDouble() * (hi - lo);
        }
        return v;
    }

    /** BatchNorm statistics; with integers, exact in float32 (var + eps = 1 or 4, so the scale is gamma or gamma/2). */
    static Norm randomNorm(SplittableRandom r, int c, boolean integers) {
        double[] gamma = new double[c];
        double[] beta = new double[c];
        double[] mean = new double[c];
        double[] var = new double[c];
        for (int i = 0; i < c; i++) {
            if (integers) {
                gamma[i] = 1 + r.nextInt(2);
                beta[i] = r.nextInt(3) - 1;
                mean[i] = r.nextInt(2);
                var[i] = r.nextBoolean() ? 0.75 : 3.75;
            } else {
                gamma[i] = r.nextDouble(0.5, 1.5);
                beta[i] = r.nextDouble(-0.2, 0.2);
                mean[i] = r.nextDouble(-0.2, 0.5);
                var[i] = r.nextDouble(0.5, 2.0);
            }
        }
        return new Norm(integers ? 0.25 : BatchNorm2d.DEFAULT_EPS, gamma, beta, mean, var);
    }
}
