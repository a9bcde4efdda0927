package org.visualbackprop.flowgraph;

import java.util.List;
import org.visualbackprop.nn.Layer;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Parameter;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;

/**
 * A convolution whose weights are not shared: every output neuron {@code (co, oy, ox)} has its own kernel,
 * {@code out[n, co, oy, ox] = sum over ci, ky, kx of W[(co, oy, ox), ci, ky, kx] * in[n, ci, oy*s - p + ky, ox*s - p + kx]}
 * (zero outside the input), no bias. The geometry is a {@link Window}, as for {@code Conv2d}.
 *
 * <p>This is the layer of the reweighted network Ñ of Lemma 2: multiplying each edge weight {@code w_e} by a factor
 * {@code c(e)} that depends on the edge's end points breaks the weight sharing of a convolution, but not its window.
 * It works only for the input size it was made for.
 */
public final class LocallyConnected2d implements Layer {
    private final Shape inputSample;
    private final int outChannels;
    private final Window window;
    private final int outH;
    private final int outW;
    private final Parameter weight;

    private LocallyConnected2d(Shape inputSample, int outChannels, Window window, Tensor weight) {
        this.inputSample = inputSample;
        this.outChannels = outChannels;
        this.window = window;
        this.outH = window.outH(inputSample.h());
        this.outW = window.outW(inputSample.w());
        this.weight = Parameter.of("weight", weight, true);
    }

    /**
     * A layer with the given weights (copied).
     *
     * @param inputSample the input's {@code c x h x w} (batch size ignored)
     * @param weights     {@code outChannels * outH * outW * c * kh * kw} values: for each output neuron in
     *                    (channel, row, column) order, its kernel in core's {@code cin x kh x kw} order. Weights of
     *                    kernel positions that fall on the padding are never used.
     */
    public static LocallyConnected2d withWeights(Shape inputSample, int outChannels, Window window, float[] weights) {
        if (outChannels < 1) {
            throw new ShapeException("LocallyConnected2d needs >= 1 output channel, got " + outChannels);
        }
        if (!window.fits(inputSample.h(), inputSample.w())) {
            throw new ShapeException("LocallyConnected2d " + window + " does not fit the input " + inputSample.describeSample());
        }
        int neurons = outChannels * window.outH(inputSample.h()) * window.outW(inputSample.w());
        Shape ws = new Shape(neurons, inputSample.c(), window.kernelH(), window.kernelW());
        if (weights.length != ws.size()) {
            throw new ShapeException("LocallyConnected2d weights must have " + ws.size() + " values (" + neurons
                    + " output neurons x " + inputSample.c() + " x " + window.describeKernel() + "), got " + weights.length);
        }
        return new LocallyConnected2d(inputSample.withBatch(1), outChannels, window, Tensor.wrap(ws, weights.clone()));
    }

    public int outChannels() {
        return outChannels;
    }

    /** The weight parameter, {@code (cout*outH*outW) x cin x kh x kw}. */
    public Parameter weight() {
        return weight;
    }

    @Override
    public Window window() {
        return window;
    }

    @Override
    public String kind() {
        return "LocallyConnected2d";
    }

    @Override
    public Shape outputShape(Shape in) {
        if (in.c() != inputSample.c() || in.h() != inputSample.h() || in.w() != inputSample.w()) {
            throw new ShapeException("LocallyConnected2d was made for inputs " + inputSample.describeSample() + ", got "
                    + in.describeSample() + " (input shape " + in + ")");
        }
        return new Shape(in.n(), outChannels, outH, outW);
    }

    @Override
    public void forward(Tensor in, Tensor out, Mode mode) {
        run(in, out, null, null, null);
    }

    @Override
    public void backward(Tensor in, Tensor out, Tensor gradOut, Tensor gradIn, Mode mode, boolean parameterGradients) {
        if (gradIn != null) {
            gradIn.fillInPlace(0f);
        }
        run(in, null, gradOut, gradIn, parameterGradients ? weight.grad() : null);
    }

    /** Forward ({@code out != null}) or backward: one loop over every edge. */
    private void run(Tensor in, Tensor out, Tensor gradOut, Tensor gradIn, Tensor gradW) {
        Shape s = in.shape();
        int cin = s.c();
        int hi = s.h();
        int wi = s.w();
        int kh = window.kernelH();
        int kw = window.kernelW();
        float[] x = in.data();
        float[] w = weight.value().data();
        for (int n = 0; n < s.n(); n++) {
            for (int co = 0; co < outChannels; co++) {
                for (int oy = 0; oy < outH; oy++) {
                    for (int ox = 0; ox < outW; ox++) {
                        int neuron = (co * outH + oy) * outW + ox;
                        int o = ((n * outChannels + co) * outH + oy) * outW + ox;
                        double sum = 0;
                        float g = out == null ? gradOut.data()[o] : 0f;
                        for (int ci = 0; ci < cin; ci++) {
                            for (int ky = 0; ky < kh; ky++) {
                                int iy = window.inputStartH(oy) + ky;
                                if (iy < 0 || iy >= hi) {
                                    continue;
                                }
                                for (int kx = 0; kx < kw; kx++) {
                                    int ix = window.inputStartW(ox) + kx;
                                    if (ix < 0 || ix >= wi) {
                                        continue;
                                    }
                                    int wq = ((neuron * cin + ci) * kh + ky) * kw + kx;
                                    int xq = ((n * cin + ci) * hi + iy) * wi + ix;
                                    if (out != null) {
                                        sum += (double) w[wq] * x[xq];
                                    } else {
                                        if (gradIn != null) {
                                            gradIn.data()[xq] += w[wq] * g;
                                        }
                                        if (gradW != null) {
                                            gradW.data()[wq] += x[xq] * g;
                                        }
                                    }
                                }
                            }
                        }
                        if (out != null) {
                            out.data()[o] = (float) sum;
                        }
                    }
                }
            }
        }
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight);
    }

    @Override
    public List<Setting> settings() {
        return List.of(Setting.of("input", inputSample.describeSample()), Setting.of("out", outChannels),
                Setting.of("kernel", window.describeKernel()), Setting.of("stride", window.describeStride()),
                Setting.of("padding", window.padH() + "x" + window.padW()));
    }

    @Override
    public String toString() {
        return "LocallyConnected2d(" + inputSample.describeSample() + " -> " + outChannels + " x " + outH + " x " + outW
                + ", " + window + ", no bias)";
    }
}
