package org.visualbackprop.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.visualbackprop.compute.ConvKernels;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;

/**
 * 2-D convolution (cross-correlation, as in Torch and PyTorch):
 * {@code out[n, co, y, x] = b[co] + sum over ci, ky, kx of W[co, ci, ky, kx] * in[n, ci, y*s - p + ky, x*s - p + kx]},
 * zero outside the input. Weights have shape {@code cout x cin x kh x kw}; the bias is optional.
 * The geometry is a {@link Window}; the arithmetic runs in {@link ConvKernels}.
 */
public final class Conv2d implements Layer {
    private final int inChannels;
    private final int outChannels;
    private final Window window;
    private final Parameter weight;
    private final Parameter bias;

    private Conv2d(int inChannels, int outChannels, Window window, Tensor weight, Tensor bias) {
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.window = window;
        this.weight = Parameter.of("weight", weight, true);
        this.bias = bias == null ? null : Parameter.of("bias", bias, false);
    }

    /**
     * A convolution with He-uniform weights (bound {@code sqrt(6 / fanIn)}, fanIn = cin*kh*kw) and zero bias.
     */
    public static Conv2d of(int inChannels, int outChannels, Window window, SplittableRandom random) {
        return of(inChannels, outChannels, window, true, random);
    }

    /** As {@link #of(int, int, Window, SplittableRandom)}, with or without a bias. */
    public static Conv2d of(int inChannels, int outChannels, Window window, boolean withBias, SplittableRandom random) {
        checkChannels(inChannels, outChannels);
        Shape ws = new Shape(outChannels, inChannels, window.kernelH(), window.kernelW());
        float bound = (float) Math.sqrt(6.0 / (inChannels * window.area()));
        Tensor w = Tensor.uniform(ws, -bound, bound, random);
        Tensor b = withBias ? Tensor.zeros(Shape.vector(1, outChannels)) : null;
        return new Conv2d(inChannels, outChannels, window, w, b);
    }

    /**
     * A convolution with given tensors (copied).
     *
     * @param weight {@code cout x cin x kh x kw}, matching the window's kernel
     * @param bias   {@code 1 x cout x 1 x 1}, or null for none
     */
    public static Conv2d withWeights(Window window, Tensor weight, Tensor bias) {
        Shape s = weight.shape();
        if (s.h() != window.kernelH() || s.w() != window.kernelW()) {
            throw new ShapeException("Conv2d weight " + s + " does not match the kernel " + window.describeKernel());
        }
        checkChannels(s.c(), s.n());
        if (bias != null && !bias.shape().equals(Shape.vector(1, s.n()))) {
            throw new ShapeException("Conv2d bias must have shape " + Shape.vector(1, s.n()) + ", got " + bias.shape());
        }
        return new Conv2d(s.c(), s.n(), window, weight.copy(), bias == null ? null : bias.copy());
    }

    private static void checkChannels(int in, int out) {
        if (in < 1 || out < 1) {
            throw new ShapeException("Conv2d needs >= 1 input and output channels, got " + in + " -> " + out);
        }
    }

    public int inChannels() {
        return inChannels;
    }

    public int outChannels() {
        return outChannels;
    }

    @Override
    public Window window() {
        return window;
    }

    /** The weight parameter, {@code cout x cin x kh x kw}. */
    public Parameter weight() {
        return weight;
    }

    /** The bias parameter ({@code 1 x cout x 1 x 1}), or null. */
    public Parameter bias() {
        return bias;
    }

    @Override
    public String kind() {
        return "Conv2d";
    }

    @Override
    public Shape outputShape(Shape in) {
        if (in.c() != inChannels) {
            throw new ShapeException("Conv2d expects " + inChannels + " input channels, got " + in.c() + " (input shape " + in + ")");
        }
        if (!window.fits(in.h(), in.w())) {
            throw new ShapeException("Conv2d kernel " + window.describeKernel() + " (padding " + window.padH() + "x" + window.padW()
                    + ") does not fit the input " + in.h() + " x " + in.w() + " (input shape " + in + ")");
        }
        return new Shape(in.n(), outChannels, window.outH(in.h()), window.outW(in.w()));
    }

    @Override
    public void forward(Tensor in, Tensor out, Mode mode) {
        checkShapes(in, out, null, null);
        ConvKernels.forward(in.shape(), in.data(), weight.value().data(), bias == null ? null : bias.value().data(),
                window, outChannels, out.data());
    }

    /**
     * {@link #forward} and the ReLU that follows it in one pass: {@code out} as {@code forward} writes it, and
     * {@code reluOut = max(0, out)}, each output row rectified while it is in the cache ({@link ConvKernels}). What
     * {@link Network} runs for a conv followed by a ReLU; the two outputs are exactly those of the separate layers.
     *
     * @param reluOut shaped like {@code out}, modified (overwritten)
     */
    public void forwardWithRelu(Tensor in, Tensor out, Tensor reluOut) {
        checkShapes(in, out, null, null);
        out.requireSameShape(reluOut, "write a convolution and its ReLU:");
        ConvKernels.forward(in.shape(), in.data(), weight.value().data(), bias == null ? null : bias.value().data(),
                window, outChannels, out.data(), reluOut.data());
    }

    /**
     * This convolution (and, when {@code reluOut} is not null, the ReLU after it) applied to {@code scale[c] * in +
     * shift[c]}, the output of a BatchNorm in evaluation mode, without that output being written: the same values,
     * bit for bit, as the two layers one after the other. Only for convolutions that {@link ConvKernels#splitsInput
     * split their input} (a stride or padding), where the map costs nothing extra.
     *
     * @param in the BatchNorm's input, not modified
     */
    void forwardAfterAffine(Tensor in, float[] scale, float[] shift, Tensor out, Tensor reluOut) {
        checkShapes(in, out, null, null);
        if (reluOut != null) {
            out.requireSameShape(reluOut, "write a convolution and its ReLU:");
        }
        ConvKernels.forward(in.shape(), in.data(), scale, shift, weight.value().data(), bias == null ? null : bias.value().data(),
                window, outChannels, out.data(), reluOut == null ? null : reluOut.data());
    }

    /** Whether this convolution splits its input into phase planes: see {@link #forwardAfterAffine}. */
    boolean splitsInput() {
        return ConvKernels.splitsInput(window);
    }

    @Override
    public void backward(Tensor in, Tensor out, Tensor gradOut, Tensor gradIn, Mode mode, boolean parameterGradients) {
        checkShapes(in, out, gradOut, gradIn);
        if (parameterGradients) {
            ConvKernels.backward(in.shape(), in.data(), weight.value().data(), window, outChannels, gradOut.data(),
                    gradIn == null ? null : gradIn.data(), weight.grad().data(), bias == null ? null : bias.grad().data());
        } else if (gradIn != null) {
            ConvKernels.transposed(in.shape(), weight.value().data(), window, outChannels, gradOut.data(), gradIn.data());
        }
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> ps = new ArrayList<>(2);
        ps.add(weight);
        if (bias != null) {
            ps.add(bias);
        }
        return ps;
    }

    @Override
    public List<Setting> settings() {
        return List.of(Setting.of("in", inChannels), Setting.of("out", outChannels),
                Setting.of("kernel", window.kernelH() + "x" + window.kernelW()),
                Setting.of("stride", window.strideH() + "x" + window.strideW()),
                Setting.of("padding", window.padH() + "x" + window.padW()), Setting.of("bias", bias != null));
    }

    @Override
    public String toString() {
        return "Conv2d(" + inChannels + " -> " + outChannels + ", " + window + (bias == null ? ", no bias" : "") + ")";
    }
}
