package org.visualbackprop.tensor;

/**
 * Geometry of a sliding window (convolution or pooling) along both spatial axes: kernel size, stride and
 * zero padding per axis. The single description of "which input positions does output position y see"
 * in this project: {@code Conv2d}, {@code MaxPool2d}, the VisualBackProp up-scaling and the flow graph's
 * edges all ask a {@code Window}, so the theory checks compare the real implementation and not a copy.
 *
 * <p>Along one axis of input length {@code n}, output position {@code y} sees input positions
 * {@code y*s - p .. y*s - p + k - 1} (positions outside {@code [0, n)} are the zero padding).
 * The output length is {@code floor((n + 2p - k) / s) + 1}. When {@code (n + 2p - k)} is not a multiple
 * of {@code s}, the last input rows/columns are seen by no window (the paper's 60 -> 29 with k = 3, s = 2).
 *
 * <p>Immutable.
 */
public record Window(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW) {

    public Window {
        if (kernelH < 1 || kernelW < 1) {
            throw new ShapeException("window kernel must be >= 1 per axis, got " + kernelH + " x " + kernelW);
        }
        if (strideH < 1 || strideW < 1) {
            throw new ShapeException("window stride must be >= 1 per axis, got " + strideH + " x " + strideW);
        }
        if (padH < 0 || padW < 0) {
            throw new ShapeException("window padding must be >= 0 per axis, got " + padH + " x " + padW);
        }
        if (padH >= kernelH || padW >= kernelW) {
            throw new ShapeException("window padding must be smaller than the kernel, got padding "
                    + padH + " x " + padW + " for kernel " + kernelH + " x " + kernelW);
        }
    }

    /** Square kernel, equal strides, equal padding. */
    public static Window of(int kernel, int stride, int pad) {
        return new Window(kernel, kernel, stride, stride, pad, pad);
    }

    /** Square kernel, equal strides, no padding. */
    public static Window of(int kernel, int stride) {
        return of(kernel, stride, 0);
    }

    /** Output height for an input of height {@code inH}. */
    public int outH(int inH) {
        return outLength(inH, kernelH, strideH, padH, "height");
    }

    /** Output width for an input of width {@code inW}. */
    public int outW(int inW) {
        return outLength(inW, kernelW, strideW, padW, "width");
    }

    /** True when the input is large enough for at least one window along both axes. */
    public boolean fits(int inH, int inW) {
        return inH + 2 * padH >= kernelH && inW + 2 * padW >= kernelW;
    }

    private static int outLength(int in, int k, int s, int p, String axis) {
        if (in < 1) {
            throw new ShapeException("input " + axis + " must be >= 1, got " + in);
        }
        int span = in + 2 * p - k;
        if (span < 0) {
            throw new ShapeException("input " + axis + " " + in + " (padding " + p + ") is smaller than the kernel " + k);
        }
        return span / s + 1;
    }

    /** First input row (may be negative: padding) seen by output row {@code oy}. */
    public int inputStartH(int oy) {
        return oy * strideH - padH;
    }

    /** First input column (may be negative: padding) seen by output column {@code ox}. */
    public int inputStartW(int ox) {
        return ox * strideW - padW;
    }

    /** True when output row {@code oy}'s window contains input row {@code iy}. */
    public boolean coversH(int oy, int iy) {
        int d = iy - inputStartH(oy);
        return d >= 0 && d < kernelH;
    }

    /** True when output column {@code ox}'s window contains input column {@code ix}. */
    public boolean coversW(int ox, int ix) {
        int d = ix - inputStartW(ox);
        return d >= 0 && d < kernelW;
    }

    /** Smallest output row whose window contains input row {@code iy} (may exceed the last row: none covers it). */
    public int firstOutputH(int iy) {
        return firstOutput(iy, kernelH, strideH, padH);
    }

    /** Largest output row whose window contains input row {@code iy}, clipped to {@code outH - 1}. */
    public int lastOutputH(int iy, int outH) {
        return Math.min(outH - 1, Math.floorDiv(iy + padH, strideH));
    }

    /** Smallest output column whose window contains input column {@code ix}. */
    public int firstOutputW(int ix) {
        return firstOutput(ix, kernelW, strideW, padW);
    }

    /** Largest output column whose window contains input column {@code ix}, clipped to {@code outW - 1}. */
    public int lastOutputW(int ix, int outW) {
        return Math.min(outW - 1, Math.floorDiv(ix + padW, strideW));
    }

    private static int firstOutput(int i, int k, int s, int p) {
        // smallest y with y*s - p <= i and y*s - p + k - 1 >= i, i.e. y >= (i + p - k + 1) / s
        return Math.max(0, Math.floorDiv(i + p - k + 1 + s - 1, s));
    }

    /** Number of output positions (rows x columns) whose windows contain input position {@code (iy, ix)}. */
    public int coverCount(int iy, int ix, int outH, int outW) {
        int rows = lastOutputH(iy, outH) - firstOutputH(iy) + 1;
        int cols = lastOutputW(ix, outW) - firstOutputW(ix) + 1;
        return Math.max(0, rows) * Math.max(0, cols);
    }

    /** Kernel area {@code kernelH * kernelW}. */
    public int area() {
        return kernelH * kernelW;
    }

    /** The paper's notation: {@code "3x3"}. */
    public String describeKernel() {
        return kernelH + "x" + kernelW;
    }

    /** The paper's notation: {@code "2x2"}. */
    public String describeStride() {
        return strideH + "x" + strideW;
    }

    @Override
    public String toString() {
        return "Window[kernel " + kernelH + "x" + kernelW + ", stride " + strideH + "x" + strideW
                + ", padding " + padH + "x" + padW + "]";
    }
}
