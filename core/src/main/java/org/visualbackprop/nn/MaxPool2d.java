package org.visualbackprop.nn;

import java.util.List;
import org.visualbackprop.compute.Parallel;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;

/**
 * Max pooling over each channel: {@code out[n, c, y, x] = max of in[n, c, .., ..]} over the {@link Window} of
 * {@code (y, x)}; padded positions never win. The gradient goes to the winner: the first maximal position of the
 * window in row-major order.
 */
public final class MaxPool2d implements Layer {
    private final Window window;

    private MaxPool2d(Window window) {
        this.window = window;
    }

    public static MaxPool2d of(Window window) {
        return new MaxPool2d(window);
    }

    @Override
    public Window window() {
        return window;
    }

    @Override
    public String kind() {
        return "MaxPool2d";
    }

    @Override
    public Shape outputShape(Shape in) {
        if (!window.fits(in.h(), in.w())) {
            throw new ShapeException("MaxPool2d window " + window.describeKernel() + " does not fit the input "
                    + in.h() + " x " + in.w() + " (input shape " + in + ")");
        }
        return new Shape(in.n(), in.c(), window.outH(in.h()), window.outW(in.w()));
    }

    /** Flat index (within the input) of the winner of output position {@code (oy, ox)} of plane {@code base}. */
    private int winner(float[] x, int base, int h, int w, int oy, int ox) {
        int y0 = window.inputStartH(oy);
        int x0 = window.inputStartW(ox);
        int best = -1;
        float bestValue = Float.NEGATIVE_INFINITY;
        for (int ky = 0; ky < window.kernelH(); ky++) {
            int iy = y0 + ky;
            if (iy < 0 || iy >= h) {
                continue;
            }
            for (int kx = 0; kx < window.kernelW(); kx++) {
                int ix = x0 + kx;
                if (ix < 0 || ix >= w) {
                    continue;
                }
                int idx = base + iy * w + ix;
                if (best < 0 || x[idx] > bestValue) {
                    best = idx;
                    bestValue = x[idx];
                }
            }
        }
        return best;
    }

    @Override
    public void forward(Tensor in, Tensor out, Mode mode) {
        checkShapes(in, out, null, null);
        Shape s = in.shape();
        Shape o = out.shape();
        float[] x = in.data();
        float[] y = out.data();
        Parallel.forRange(s.n() * s.c(), 1, (a, b) -> {
            for (int plane = a; plane < b; plane++) {
                int base = plane * s.plane();
                int ob = plane * o.plane();
                for (int oy = 0; oy < o.h(); oy++) {
                    for (int ox = 0; ox < o.w(); ox++) {
                        y[ob + oy * o.w() + ox] = x[winner(x, base, s.h(), s.w(), oy, ox)];
                    }
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
        Shape s = in.shape();
        Shape o = out.shape();
        float[] x = in.data();
        float[] dy = gradOut.data();
        float[] dx = gradIn.data();
        Parallel.forRange(s.n() * s.c(), 1, (a, b) -> {
            for (int plane = a; plane < b; plane++) {
                int base = plane * s.plane();
                java.util.Arrays.fill(dx, base, base + s.plane(), 0f);
                int ob = plane * o.plane();
                for (int oy = 0; oy < o.h(); oy++) {
                    for (int ox = 0; ox < o.w(); ox++) {
                        dx[winner(x, base, s.h(), s.w(), oy, ox)] += dy[ob + oy * o.w() + ox];
                    }
                }
            }
        });
    }

    /**
     * For each output position, the flat input index of its winner (what LRP and VBP need). Same order as
     * the output tensor's elements.
     */
    public int[] winners(Tensor in) {
        Shape s = in.shape();
        Shape o = outputShape(s);
        int[] idx = new int[o.size()];
        float[] x = in.data();
        for (int plane = 0; plane < s.n() * s.c(); plane++) {
            int base = plane * s.plane();
            int ob = plane * o.plane();
            for (int oy = 0; oy < o.h(); oy++) {
                for (int ox = 0; ox < o.w(); ox++) {
                    idx[ob + oy * o.w() + ox] = winner(x, base, s.h(), s.w(), oy, ox);
                }
            }
        }
        return idx;
    }

    @Override
    public List<Setting> settings() {
        return List.of(Setting.of("kernel", window.kernelH() + "x" + window.kernelW()),
                Setting.of("stride", window.strideH() + "x" + window.strideW()),
                Setting.of("padding", window.padH() + "x" + window.padW()));
    }

    @Override
    public String toString() {
        return "MaxPool2d(" + window + ")";
    }
}
