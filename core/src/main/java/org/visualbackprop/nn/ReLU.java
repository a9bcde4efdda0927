package org.visualbackprop.nn;

import java.util.List;
import org.visualbackprop.compute.Elementwise;
import org.visualbackprop.compute.Parallel;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/** Rectified linear unit, {@code y = max(0, x)}; the gradient is passed where {@code x > 0}. */
public final class ReLU implements Layer {
    private ReLU() {
    }

    public static ReLU of() {
        return new ReLU();
    }

    @Override
    public String kind() {
        return "ReLU";
    }

    @Override
    public Shape outputShape(Shape in) {
        return in;
    }

    @Override
    public void forward(Tensor in, Tensor out, Mode mode) {
        checkShapes(in, out, null, null);
        float[] x = in.data();
        float[] y = out.data();
        Parallel.forRange(x.length, 1 << 16, (a, b) -> {
            for (int i = a; i < b; i++) {
                y[i] = Math.max(0f, x[i]);
            }
        });
    }

    /**
     * Forward pass that also writes the channel mean of the output, {@code mean[n, 0, y, x] = (1/C) sum_c out[n, c, y, x]},
     * in the same sweep over memory (what VisualBackProp reads; see {@link Network#trace(Tensor, Mode, Trace, int...)}).
     *
     * @param mean {@code n x 1 x h x w}, modified (overwritten)
     */
    public void forwardWithChannelMean(Tensor in, Tensor out, Tensor mean) {
        checkShapes(in, out, null, null);
        org.visualbackprop.tensor.Shape s = in.shape();
        org.visualbackprop.tensor.Shape ms = new org.visualbackprop.tensor.Shape(s.n(), 1, s.h(), s.w());
        if (!mean.shape().equals(ms)) {
            throw new org.visualbackprop.tensor.ShapeException("the channel mean of " + s + " has shape " + ms + ", got " + mean.shape());
        }
        int plane = s.plane();
        int channels = s.c();
        float[] x = in.data();
        float[] y = out.data();
        float[] m = mean.data();
        float inv = 1f / channels;
        int chunk = 8192;
        int chunksPerImage = (plane + chunk - 1) / chunk;
        Parallel.forRange(s.n() * chunksPerImage, 1, (a, b) -> {
            for (int job = a; job < b; job++) {
                int i = job / chunksPerImage;
                int q0 = job % chunksPerImage * chunk;
                int q1 = Math.min(plane, q0 + chunk);
                int mo = i * plane;
                java.util.Arrays.fill(m, mo + q0, mo + q1, 0f);
                for (int c = 0; c < channels; c++) {
                    int o = (i * channels + c) * plane;
                    // two simple loops rather than one with two stores into different arrays, which the JIT does not
                    // vectorize; the chunk of y just written is still in the L1 cache for the second
                    for (int q = q0; q < q1; q++) {
                        y[o + q] = Math.max(0f, x[o + q]);
                    }
                    int d = mo - o;
                    for (int q = o + q0; q < o + q1; q++) {
                        m[d + q] += y[q];
                    }
                }
                for (int q = q0; q < q1; q++) {
                    m[mo + q] *= inv;
                }
            }
        });
    }

    @Override
    public void backward(Tensor in, Tensor out, Tensor gradOut, Tensor gradIn, Mode mode, boolean parameterGradients) {
        checkShapes(in, out, gradOut, gradIn);
        if (gradIn == null) {
            return;
        }
        float[] x = in.data();
        float[] dy = gradOut.data();
        float[] dx = gradIn.data();
        Parallel.forRange(x.length, 1 << 16, (a, b) -> Elementwise.reluBackward(x, a, dy, a, dx, a, b - a));
    }

    @Override
    public List<Setting> settings() {
        return List.of();
    }

    @Override
    public String toString() {
        return "ReLU";
    }
}
