package org.visualbackprop.compute;

import java.util.Arrays;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Window;

/**
 * Convolution forward and backward as matrix products over an implicit im2col matrix.
 *
 * <p><b>Polyphase layout.</b> The zero-padded input is split into {@code strideH x strideW} phase planes:
 * padded pixel {@code (y, x)} goes to phase {@code (y mod sh, x mod sw)} at {@code (y / sh, x / sw)}. Then the
 * im2col row of kernel tap {@code (ci, ky, kx)} restricted to one output row is one contiguous run of a phase plane
 * (stride 1 or 2 alike), so packing is plain array copies. Unpadded stride-1 inputs are used as they are.
 *
 * <p>Forward: {@code out[co][p] = bias[co] + sum_k W[co][k] col[k][p]} with the columns packed straight into the
 * matrix kernel's panels (no im2col matrix in memory). Backward, for outputs of {@link #ROWS_MIN_PIXELS} pixels and
 * more: the weight gradient as dot products along output rows, the input gradient as one forward convolution per phase
 * plane; for smaller outputs, through an explicit im2col matrix of a group of images: {@code dW += dY col^T}, then
 * {@code dcol = W^T dY} folded back into the input gradient (col2im).
 *
 * <p>Weights are {@code [cout][cin][kh][kw]} row-major. Every method checks nothing: {@code Conv2d} validates
 * shapes before calling.
 */
public final class ConvKernels {
    /** Phase planes of one image are grouped with others only while the group stays under this many floats. */
    private static final int GROUP_LIMIT = 1 << 22;

    private ConvKernels() {
    }

    /** Geometry of one convolution on one input shape, shared by the forward and backward kernels. */
    static final class Geometry {
        final int cin, h, w, cout, outH, outW, kh, kw, sh, sw, ph, pw;
        final int hq, wq, plane, imageSize, k, p;
        final boolean direct;
        final int[] koff;

        Geometry(Shape in, int cout, Window win) {
            cin = in.c();
            h = in.h();
            w = in.w();
            this.cout = cout;
            kh = win.kernelH();
            kw = win.kernelW();
            sh = win.strideH();
            sw = win.strideW();
            ph = win.padH();
            pw = win.padW();
            outH = win.outH(h);
            outW = win.outW(w);
            direct = sh == 1 && sw == 1 && ph == 0 && pw == 0;
            hq = (h + 2 * ph + sh - 1) / sh;
            wq = (w + 2 * pw + sw - 1) / sw;
            plane = hq * wq;
            imageSize = sh * sw * cin * plane;
            k = cin * kh * kw;
            p = outH * outW;
            koff = new int[k];
            for (int ci = 0; ci < cin; ci++) {
                for (int ky = 0; ky < kh; ky++) {
                    for (int kx = 0; kx < kw; kx++) {
                        int phase = (ky % sh) * sw + (kx % sw);
                        koff[(ci * kh + ky) * kw + kx] = (phase * cin + ci) * plane + (ky / sh) * wq + (kx / sw);
                    }
                }
            }
        }

        /**
         * A stride-1, unpadded convolution reading a strided view of a larger buffer: {@code cin} channels
         * {@code channelStride} floats apart, rows {@code rowStride} floats apart, of which {@code h x w} are read.
         */
        Geometry(int cin, int h, int w, int rowStride, int channelStride, int cout, int kh, int kw) {
            this.cin = cin;
            this.h = h;
            this.w = w;
            this.cout = cout;
            this.kh = kh;
            this.kw = kw;
            sh = 1;
            sw = 1;
            ph = 0;
            pw = 0;
            outH = h - kh + 1;
            outW = w - kw + 1;
            direct = true;
            hq = channelStride / rowStride;
            wq = rowStride;
            plane = channelStride;
            imageSize = cin * channelStride;
            k = cin * kh * kw;
            p = outH * outW;
            koff = new int[k];
            for (int ci = 0; ci < cin; ci++) {
                for (int ky = 0; ky < kh; ky++) {
                    for (int kx = 0; kx < kw; kx++) {
                        koff[(ci * kh + ky) * kw + kx] = ci * plane + ky * wq + kx;
                    }
                }
            }
        }

        /**
         * The images the kernels read for samples {@code first .. first + count - 1} of {@code in}, {@link #imageSize}
         * values each from {@link #sourceOffset}: {@code in} itself when the convolution needs no split (then an image is
         * the input's {@code cin * h * w} values), else their phase planes, written to scratch.
         */
        float[] source(float[] in, int first, int count) {
            return source(in, first, count, null, null);
        }

        /**
         * {@link #source(float[], int, int)} of {@code scale[c] * in + shift[c]} (per input channel; the padding stays
         * zero), when {@code scale} is not null: BatchNorm's affine map taken while the phase planes are written, the
         * values bit for bit those of {@link Elementwise#affine}. Needs a split ({@code !direct}) when {@code scale}
         * is given.
         */
        float[] source(float[] in, int first, int count, float[] scale, float[] shift) {
            if (direct) {
                if (scale != null) {
                    throw new IllegalStateException("an affine map on the input needs a convolution that splits its input");
                }
                return in;
            }
            float[] dst = Scratch.get(Scratch.Slot.PHASES, count * imageSize);
            split(in, first * cin * h * w, count, dst, scale, shift);
            return dst;
        }

        /** Where sample {@code first}'s image starts in the array {@link #source} returned for it. */
        int sourceOffset(int first) {
            return direct ? first * imageSize : 0;
        }

        /**
         * Writes the phase planes of {@code count} images starting at {@code src[srcOff]} into {@code dst}, each value
         * mapped by {@code scale[c] * x + shift[c]} when {@code scale} is not null.
         */
        void split(float[] src, int srcOff, int count, float[] dst, float[] scale, float[] shift) {
            int hp = h + 2 * ph;
            int wp = w + 2 * pw;
            int fused = scale == null ? 0 : Elementwise.fusedAffineBound(h * w);
            Parallel.forRange(count * cin, Math.max(1, 4096 / Math.max(1, h * w)), (from, to) -> {
                for (int job = from; job < to; job++) {
                    int img = job / cin;
                    int ci = job % cin;
                    int srcBase = srcOff + (img * cin + ci) * h * w;
                    int dstImage = img * imageSize;
                    for (int y = 0; y < hp; y++) {
                        int iy = y - ph;
                        int ry = y % sh;
                        int qy = y / sh;
                        for (int rx = 0; rx < sw; rx++) {
                            int d = dstImage + ((ry * sw + rx) * cin + ci) * plane + qy * wq;
                            if (iy < 0 || iy >= h) {
                                Arrays.fill(dst, d, d + wq, 0f);
                                continue;
                            }
                            int s = srcBase + iy * w;
                            // phase column qx holds padded column rx + qx*sw, input column rx + qx*sw - pw: a strided
                            // copy between the qx whose input column lies inside the row, zeros outside
                            int runs = (wp - rx + sw - 1) / sw;
                            int lo = Math.min(runs, Math.max(0, Math.floorDiv(pw - rx + sw - 1, sw)));
                            int hi = Math.max(lo, Math.min(runs, Math.floorDiv(w - 1 + pw - rx, sw) + 1));
                            Arrays.fill(dst, d, d + lo, 0f);
                            int first = s + rx - pw;
                            if (scale != null) {
                                // as Elementwise.affine computes it: a fused multiply-add below the plane index
                                // `fused`, a * x + b from there on (phase column qx is plane index planeIndex + qx*sw)
                                float a = scale[ci];
                                float b = shift[ci];
                                int planeIndex = iy * w + rx - pw;
                                int qf = Math.max(lo, Math.min(hi, -Math.floorDiv(planeIndex - fused, sw)));
                                int at = first + lo * sw;
                                for (int qx = lo; qx < qf; qx++, at += sw) {
                                    dst[d + qx] = Math.fma(a, src[at], b);
                                }
                                for (int qx = qf; qx < hi; qx++, at += sw) {
                                    dst[d + qx] = a * src[at] + b;
                                }
                            } else if (sw == 2) {
                                // the common stride as a constant: a third faster than the general loop (Java 17's
                                // two-vector rearrange, tried for this, is slower than either)
                                int at = first + lo * 2;
                                for (int qx = lo; qx < hi; qx++, at += 2) {
                                    dst[d + qx] = src[at];
                                }
                            } else {
                                for (int qx = lo; qx < hi; qx++) {
                                    dst[d + qx] = src[first + qx * sw];
                                }
                            }
                            Arrays.fill(dst, d + hi, d + runs, 0f);
                        }
                    }
                }
            });
        }

        /**
         * Writes the phase-plane gradient of one image, whose planes start at {@code phases[phasesOff]}, back into
         * {@code dst} at {@code dstOff} (an input-shaped gradient, overwritten there).
         */
        void merge(float[] phases, int phasesOff, float[] dst, int dstOff) {
            Parallel.forRange(cin, Math.max(1, 4096 / Math.max(1, h * w)), (from, to) -> {
                for (int ci = from; ci < to; ci++) {
                    for (int iy = 0; iy < h; iy++) {
                        int y = iy + ph;
                        int rowBase = phasesOff + ((y % sh) * sw * cin + ci) * plane + (y / sh) * wq;
                        int d = dstOff + (ci * h + iy) * w;
                        if (sw == 2 && pw == 0) {
                            // the two phases of the row interleaved, with constant strides (no division per value)
                            int even = rowBase;
                            int odd = rowBase + cin * plane;
                            int pairs = w / 2;
                            for (int q = 0; q < pairs; q++) {
                                dst[d + 2 * q] = phases[even + q];
                                dst[d + 2 * q + 1] = phases[odd + q];
                            }
                            if (w % 2 != 0) {
                                dst[d + w - 1] = phases[even + pairs];
                            }
                            continue;
                        }
                        for (int ix = 0; ix < w; ix++) {
                            int x = ix + pw;
                            dst[d + ix] = phases[rowBase + (x % sw) * cin * plane + x / sw];
                        }
                    }
                }
            });
        }
    }

    /**
     * {@code out = conv(in, weight) + bias} for a batch.
     *
     * @param in     {@code n x cin x h x w}, not modified
     * @param weight {@code cout x cin x kh x kw}, not modified
     * @param bias   {@code cout} values or null, not modified
     * @param out    {@code n x cout x outH x outW}, modified (overwritten)
     */
    public static void forward(Shape inShape, float[] in, float[] weight, float[] bias, Window window, int cout, float[] out) {
        forward(inShape, in, weight, bias, window, cout, out, null);
    }

    /**
     * {@link #forward(Shape, float[], float[], float[], Window, int, float[])}, and, when {@code reluOut} is not null,
     * {@code reluOut = max(0, out)}: a convolution and the ReLU after it in one pass, each output row rectified (and
     * its bias added) while it is still in the cache instead of in two more sweeps over memory.
     *
     * @param reluOut {@code out}-shaped or null, modified (overwritten)
     */
    public static void forward(Shape inShape, float[] in, float[] weight, float[] bias, Window window, int cout, float[] out, float[] reluOut) {
        forward(inShape, in, null, null, weight, bias, window, cout, out, reluOut);
    }

    /**
     * Whether a convolution with this window splits its input into phase planes (a stride above 1 or padding): then
     * {@link #forward(Shape, float[], float[], float[], float[], float[], Window, int, float[], float[])} can take a
     * per-channel affine map of the input (a BatchNorm in evaluation mode) at no extra pass over memory.
     */
    public static boolean splitsInput(Window window) {
        return window.strideH() != 1 || window.strideW() != 1 || window.padH() != 0 || window.padW() != 0;
    }

    /**
     * {@link #forward(Shape, float[], float[], float[], Window, int, float[], float[])} of {@code scale[c] * in + shift[c]}
     * (per input channel) when {@code scale} is not null, without writing that map anywhere: what a BatchNorm in
     * evaluation mode and this convolution compute one after the other, bit for bit, with one pass over the
     * BatchNorm's input instead of two over its output.
     *
     * @param scale per input channel, or null; needs {@link #splitsInput}
     * @param shift per input channel, or null with {@code scale}
     * @throws IllegalArgumentException when {@code scale} is given and the window does not split its input
     */
    public static void forward(Shape inShape, float[] in, float[] scale, float[] shift, float[] weight, float[] bias, Window window, int cout,
                               float[] out, float[] reluOut) {
        if (scale != null && !splitsInput(window)) {
            throw new IllegalArgumentException("an affine map of the input fuses only into a convolution with a stride or padding, not " + window);
        }
        Geometry g = new Geometry(inShape, cout, window);
        int n = inShape.n();
        int outImage = cout * g.p;
        int group = g.p >= 2048 ? 1 : Math.max(1, Math.min(n, Math.min(8192 / g.p, GROUP_LIMIT / Math.max(1, g.imageSize))));
        for (int n0 = 0; n0 < n; n0 += group) {
            int count = Math.min(group, n - n0);
            float[] src = g.source(in, n0, count, scale, shift);
            product(Sgemm.kernel(), g, src, g.sourceOffset(n0), g.imageSize, weight, 0, out, n0 * outImage, outImage, count, bias, reluOut);
        }
    }

    /**
     * {@code out = weight * im2col(src)} for {@code count} images of geometry {@code g} (no bias): by output rows when
     * they are wide ({@link #rowBlocks}), as one matrix product over the images' columns otherwise. Image {@code i}'s
     * output starts at {@code outOff + i * outImage}.
     */
    static void product(MicroKernel kernel, Geometry g, float[] src, int srcOff, int srcImage, float[] weight, int weightOff, float[] out,
                        int outOff, int outImage, int count) {
        product(kernel, g, src, srcOff, srcImage, weight, weightOff, out, outOff, outImage, count, null, null);
    }

    /** {@link #product}, then {@code out += bias} and {@code reluOut = max(0, out)} when those are not null. */
    static void product(MicroKernel kernel, Geometry g, float[] src, int srcOff, int srcImage, float[] weight, int weightOff, float[] out,
                        int outOff, int outImage, int count, float[] bias, float[] reluOut) {
        if (g.outW >= 2 * kernel.nr()) {
            rowBlocks(kernel, g, src, srcOff, srcImage, weight, weightOff, out, outOff, outImage, count, bias, reluOut);
            return;
        }
        Sgemm.PanelSource panels = columnPanels(g, src, srcOff, srcImage);
        if (count == 1) {
            Sgemm.multiply(kernel, g.cout, g.p, g.k, weight, weightOff, g.k, 1, panels, out, outOff, g.p, false);
        } else {
            int cols = count * g.p;
            float[] tmp = Scratch.get(Scratch.Slot.COLUMNS, g.cout * cols);
            Sgemm.multiply(kernel, g.cout, cols, g.k, weight, weightOff, g.k, 1, panels, tmp, 0, cols, false);
            for (int i = 0; i < count; i++) {
                for (int co = 0; co < g.cout; co++) {
                    System.arraycopy(tmp, co * cols + i * g.p, out, outOff + i * outImage + co * g.p, g.p);
                }
            }
        }
        if (bias != null || reluOut != null) {
            Parallel.forRange(count * g.cout, Math.max(1, 16384 / g.p), (j0, j1) -> {
                for (int j = j0; j < j1; j++) {
                    int o = outOff + (j / g.cout) * outImage + (j % g.cout) * g.p;
                    epilogue(out, reluOut, o, g.p, bias == null ? 0f : bias[j % g.cout], bias != null);
                }
            });
        }
    }

    /** {@code out[o..o+len) += b} (when {@code add}) and {@code reluOut[o..o+len) = max(0, out)} (when not null). */
    private static void epilogue(float[] out, float[] reluOut, int o, int len, float b, boolean add) {
        if (add) {
            for (int q = o; q < o + len; q++) {
                out[q] += b;
            }
        }
        if (reluOut != null) {
            for (int q = o; q < o + len; q++) {
                reluOut[q] = Math.max(0f, out[q]);
            }
        }
    }

    /**
     * The forward product for wide outputs, one output row at a time: every block of {@code nr} output pixels that lies
     * within a row is computed by {@link MicroKernel#tileGather} straight from the input (or phase planes), where each
     * kernel tap's pixels are contiguous, so nothing is packed; the short block at the end of a row is packed into a
     * zero-padded panel. Parallel over output rows; no two threads write the same part of {@code out}.
     */
    static void rowBlocks(MicroKernel kernel, Geometry g, float[] src, int srcOff, int srcImage, float[] weight, int weightOff,
                          float[] out, int outOff, int outImage, int count) {
        rowBlocks(kernel, g, src, srcOff, srcImage, weight, weightOff, out, outOff, outImage, count, null, null);
    }

    /** {@link #rowBlocks}, with the bias added and the ReLU taken on each output row right after it is computed. */
    static void rowBlocks(MicroKernel kernel, Geometry g, float[] src, int srcOff, int srcImage, float[] weight, int weightOff,
                          float[] out, int outOff, int outImage, int count, float[] bias, float[] reluOut) {
        final int mr = MicroKernel.MR;
        if (g.cout < mr) {
            // fewer output channels than a tile has rows (a transposed convolution back to a one-channel input): a tile
            // would be mostly empty, so each channel's row is one run of vector multiply-adds over the taps instead
            Parallel.forRange(count * g.outH, 1, (r0, r1) -> {
                for (int row = r0; row < r1; row++) {
                    int img = row / g.outH;
                    int oy = row - img * g.outH;
                    int base = srcOff + img * srcImage + oy * g.wq;
                    int outRow = outOff + img * outImage + oy * g.outW;
                    for (int co = 0; co < g.cout; co++) {
                        kernel.rowGather(g.k, weight, weightOff + co * g.k, src, base, g.koff, out, outRow + co * g.p, g.outW);
                        if (bias != null || reluOut != null) {
                            epilogue(out, reluOut, outRow + co * g.p, g.outW, bias == null ? 0f : bias[co], bias != null);
                        }
                    }
                }
            });
            return;
        }
        final int nr = kernel.nr();
        final int mb = (g.cout + mr - 1) / mr;
        final float[] packedA = Scratch.get(Scratch.Slot.PACK_A, mb * mr * g.k);
        Sgemm.packA(weight, weightOff, g.k, 1, g.cout, g.k, 0, mb, packedA);
        Parallel.forRange(count * g.outH, 1, (r0, r1) -> {
            float[] tile = Scratch.get(Scratch.Slot.TILE, mr * nr);
            float[] panel = null;
            for (int row = r0; row < r1; row++) {
                int img = row / g.outH;
                int oy = row - img * g.outH;
                int base = srcOff + img * srcImage + oy * g.wq;
                int outRow = outOff + img * outImage + oy * g.outW;
                for (int ox0 = 0; ox0 < g.outW; ox0 += nr) {
                    int nc = Math.min(nr, g.outW - ox0);
                    if (nc < nr) {
                        if (panel == null) {
                            panel = Scratch.get(Scratch.Slot.PACK_B, g.k * nr);
                        }
                        for (int kk = 0; kk < g.k; kk++) {
                            System.arraycopy(src, base + ox0 + g.koff[kk], panel, kk * nr, nc);
                            Arrays.fill(panel, kk * nr + nc, kk * nr + nr, 0f);
                        }
                    }
                    for (int ib = 0; ib < mb; ib++) {
                        int i0 = ib * mr;
                        int mc = Math.min(mr, g.cout - i0);
                        int cOff = outRow + i0 * g.p + ox0;
                        if (nc == nr && mc == mr) {
                            kernel.tileGather(g.k, packedA, ib * mr * g.k, src, base + ox0, g.koff, 0, out, cOff, g.p);
                            continue;
                        }
                        if (nc == nr) {
                            kernel.tileGather(g.k, packedA, ib * mr * g.k, src, base + ox0, g.koff, 0, tile, 0, nr);
                        } else {
                            kernel.tile(g.k, packedA, ib * mr * g.k, panel, 0, tile, 0, nr, false);
                        }
                        for (int r = 0; r < mc; r++) {
                            System.arraycopy(tile, r * nr, out, cOff + r * g.p, nc);
                        }
                    }
                }
                if (bias != null || reluOut != null) {
                    // the row of every output channel was just written: still in the cache
                    for (int co = 0; co < g.cout; co++) {
                        epilogue(out, reluOut, outRow + co * g.p, g.outW, bias == null ? 0f : bias[co], bias != null);
                    }
                }
            }
        });
    }

    /** Panels of the implicit im2col matrix: column {@code j = image * p + oy * outW + ox}. */
    private static Sgemm.PanelSource columnPanels(Geometry g, float[] src, int srcOff, int srcImage) {
        final int[] koff = g.koff;
        return (k0, kc, j0, nc, dst, nr) -> {
            int j = j0;
            int end = j0 + nc;
            while (j < end) {
                int img = j / g.p;
                int pix = j - img * g.p;
                int oy = pix / g.outW;
                int ox = pix - oy * g.outW;
                int len = Math.min(end - j, g.outW - ox);
                int base = srcOff + img * srcImage + oy * g.wq + ox;
                int d = j - j0;
                for (int kk = 0; kk < kc; kk++) {
                    System.arraycopy(src, base + koff[k0 + kk], dst, kk * nr + d, len);
                }
                j += len;
            }
            if (nc < nr) {
                for (int kk = 0; kk < kc; kk++) {
                    Arrays.fill(dst, kk * nr + nc, kk * nr + nr, 0f);
                }
            }
        };
    }

    /**
     * Gradients of a convolution for a batch: accumulates {@code gradWeight} and {@code gradBias}, and writes
     * (overwrites) {@code gradIn} when it is not null.
     *
     * <p>The weight gradient {@code dW[co][k] += sum_p dY[co][p] col[k][p]} is taken as dot products along output
     * rows straight from the input (or its phase planes), where each tap's pixels are contiguous
     * ({@link MicroKernel#weightGradient}): no im2col matrix. The input gradient is {@link #transposed}.
     *
     * @param in         the forward input, not modified
     * @param gradOut    {@code n x cout x outH x outW}, not modified
     * @param gradIn     input-shaped or null, modified
     * @param gradWeight {@code cout x k}, modified (added to)
     * @param gradBias   {@code cout} or null, modified (added to)
     */
    public static void backward(Shape inShape, float[] in, float[] weight, Window window, int cout, float[] gradOut,
                                float[] gradIn, float[] gradWeight, float[] gradBias) {
        Geometry g = new Geometry(inShape, cout, window);
        if (g.p >= ROWS_MIN_PIXELS) {
            weightGradient(Sgemm.kernel(), g, inShape.n(), in, gradOut, gradWeight);
        } else {
            weightGradientColumns(g, inShape.n(), in, gradOut, gradWeight);
        }
        if (gradBias != null) {
            int n = inShape.n();
            Parallel.forRange(cout, 1, (c0, c1) -> {
                double[] sums = new double[2];
                for (int co = c0; co < c1; co++) {
                    sums[0] = 0;
                    for (int i = 0; i < n; i++) {
                        Elementwise.shiftedSums(gradOut, (i * cout + co) * g.p, g.p, 0f, sums);
                    }
                    gradBias[co] += (float) sums[0];
                }
            });
        }
        if (gradIn != null) {
            transposed(g, inShape.n(), weight, gradOut, gradIn);
        }
    }

    /**
     * Outputs of at least this many pixels per channel take the row-wise kernels for their gradients (dot products
     * along rows, forward convolutions per phase); smaller ones the im2col matrix, which then fits the cache and
     * whose product runs at the tile kernel's speed (measured on NetSVF's layers: the row-wise kernels win from the
     * fifth layer's 27 x 155 outputs up, lose on the 13 x 77 ones below it).
     */
    static final int ROWS_MIN_PIXELS = 2048;

    private static void transposed(Geometry g, int n, float[] weight, float[] gradOut, float[] gradIn) {
        // fewer input channels than a tile has rows take the one-row path of rowBlocks: on the small net's first layer
        // (1 input channel) about half the time of the im2col formulation
        if (g.p >= ROWS_MIN_PIXELS) {
            transposed(Sgemm.kernel(), g, n, weight, gradOut, gradIn);
        } else {
            transposedColumns(g, n, weight, gradOut, gradIn);
        }
    }

    /** Taps per block of work in {@link #weightGradient}, a multiple of the vector kernel's six. */
    private static final int GRAD_TAPS = 12;

    /** {@code dW += dY col^T} for {@code n} images, parallel over blocks of taps (no two threads add to the same values). */
    static void weightGradient(MicroKernel kernel, Geometry g, int n, float[] in, float[] gradOut, float[] gradWeight) {
        int outImage = g.cout * g.p;
        int blocks = (g.k + GRAD_TAPS - 1) / GRAD_TAPS;
        int coBlocks = g.cout >= 16 && blocks < 2 * Parallel.threads() ? 2 : 1;
        int coHalf = (g.cout / 2 + 3) / 4 * 4;
        for (int i = 0; i < n; i++) {
            float[] src = g.source(in, i, 1);
            int srcOff = g.sourceOffset(i);
            int dyOff = i * outImage;
            Parallel.forRange(blocks * coBlocks, 1, (b0, b1) -> {
                for (int b = b0; b < b1; b++) {
                    int tb = b / coBlocks;
                    int k0 = tb * GRAD_TAPS;
                    int nk = Math.min(GRAD_TAPS, g.k - k0);
                    int c0 = coBlocks == 1 ? 0 : b % coBlocks == 0 ? 0 : coHalf;
                    int c1 = coBlocks == 1 ? g.cout : b % coBlocks == 0 ? coHalf : g.cout;
                    kernel.weightGradient(gradOut, dyOff, g.p, g.outW, src, srcOff, g.wq, g.koff, g.outH, g.outW, c0, c1 - c0, k0, nk,
                            gradWeight, g.k);
                }
            });
        }
    }

    /**
     * The transposed convolution with the real weights, {@code gradIn = conv^T(gradOut)}, without weight
     * gradients: what LRP's backward step and the input gradient need.
     */
    public static void transposed(Shape inShape, float[] weight, Window window, int cout, float[] gradOut, float[] gradIn) {
        transposed(new Geometry(inShape, cout, window), inShape.n(), weight, gradOut, gradIn);
    }

    /**
     * {@code gradIn = conv^T(gradOut)} as forward convolutions, one per phase plane of the (padded) input.
     *
     * <p>Padded input pixel {@code Y = s*oy + ky} lies in phase {@code ry = Y mod s} at {@code qy = Y div s}, and the
     * taps that reach phase {@code ry} are {@code ky = ry + s*ty}, {@code ty < T = ceil((kh - ry) / s)}, with
     * {@code oy = qy - ty}. So the phase's gradient is a stride-1 correlation of {@code dY}, padded by {@code T - 1}
     * rows above (and enough below), with the flipped sub-kernel {@code V[ci][co][a] = W[co][ci][ry + s*(T-1-a)]}
     * (likewise across columns): the forward kernel computes it at full speed, with the input channels as its output
     * channels. Stride 1 has one phase and {@code T = kh}: the "full" correlation with the flipped kernel. Phases no tap
     * reaches ({@code s > kh}) get zero. The phase planes are then merged into the input gradient.
     */
    static void transposed(MicroKernel kernel, Geometry g, int n, float[] weight, float[] gradOut, float[] gradIn) {
        int inImage = g.cin * g.h * g.w;
        int outImage = g.cout * g.p;
        int tyMax = (g.kh + g.sh - 1) / g.sh;
        int txMax = (g.kw + g.sw - 1) / g.sw;
        int hp = g.hq + tyMax - 1;
        int wp = g.wq + txMax - 1;
        int padImage = g.cout * hp * wp;
        boolean straight = g.direct;
        int phases = g.sh * g.sw;
        // the flipped sub-kernel of every phase, built once: V[ci][co][a][b] = W[co][ci][ry + s*(T-1-a)][rx + s*(T-1-b)]
        int[] vOff = new int[phases + 1];
        for (int ph = 0; ph < phases; ph++) {
            vOff[ph + 1] = vOff[ph] + g.cin * g.cout * taps(g.kh, g.sh, ph / g.sw) * taps(g.kw, g.sw, ph % g.sw);
        }
        float[] v = Scratch.get(Scratch.Slot.WEIGHTS, vOff[phases]);
        for (int ph = 0; ph < phases; ph++) {
            int ry = ph / g.sw;
            int rx = ph % g.sw;
            int ty = taps(g.kh, g.sh, ry);
            int tx = taps(g.kw, g.sw, rx);
            for (int ci = 0; ci < g.cin; ci++) {
                for (int co = 0; co < g.cout; co++) {
                    for (int a = 0; a < ty; a++) {
                        for (int b = 0; b < tx; b++) {
                            int ky = ry + g.sh * (ty - 1 - a);
                            int kx = rx + g.sw * (tx - 1 - b);
                            v[vOff[ph] + ((ci * g.cout + co) * ty + a) * tx + b] = weight[((co * g.cin + ci) * g.kh + ky) * g.kw + kx];
                        }
                    }
                }
            }
        }
        for (int i = 0; i < n; i++) {
            float[] pad = Scratch.get(Scratch.Slot.GRAD_PAD, padImage);
            padGradient(g, gradOut, i * outImage, pad, tyMax - 1, txMax - 1, hp, wp);
            float[] dst = straight ? gradIn : Scratch.get(Scratch.Slot.PHASE_GRAD, g.imageSize);
            int dstOff = straight ? i * inImage : 0;
            for (int ph = 0; ph < phases; ph++) {
                int phaseOff = dstOff + ph * g.cin * g.plane;
                int ty = taps(g.kh, g.sh, ph / g.sw);
                int tx = taps(g.kw, g.sw, ph % g.sw);
                if (ty == 0 || tx == 0) {
                    Arrays.fill(dst, phaseOff, phaseOff + g.cin * g.plane, 0f);
                    continue;
                }
                Geometry pg = new Geometry(g.cout, g.hq + ty - 1, g.wq + tx - 1, wp, hp * wp, g.cin, ty, tx);
                product(kernel, pg, pad, (tyMax - ty) * wp + (txMax - tx), padImage, v, vOff[ph], dst, phaseOff, g.cin * g.plane, 1);
            }
            if (!straight) {
                g.merge(dst, 0, gradIn, i * inImage);
            }
        }
    }

    /** How many taps of a kernel of {@code k} at stride {@code s} reach phase {@code r}: {@code ceil((k - r) / s)}, 0 when {@code r >= k}. */
    private static int taps(int k, int s, int r) {
        return r < k ? (k - r + s - 1) / s : 0;
    }

    /** {@code dY} of one image into {@code pad} ({@code cout x hp x wp}) at row {@code top}, column {@code left}, zeros around. */
    private static void padGradient(Geometry g, float[] gradOut, int off, float[] pad, int top, int left, int hp, int wp) {
        Parallel.forRange(g.cout, Math.max(1, 8192 / (hp * wp)), (c0, c1) -> {
            for (int co = c0; co < c1; co++) {
                int base = co * hp * wp;
                Arrays.fill(pad, base, base + top * wp, 0f);
                for (int oy = 0; oy < g.outH; oy++) {
                    int row = base + (top + oy) * wp;
                    Arrays.fill(pad, row, row + left, 0f);
                    System.arraycopy(gradOut, off + co * g.p + oy * g.outW, pad, row + left, g.outW);
                    Arrays.fill(pad, row + left + g.outW, row + wp, 0f);
                }
                Arrays.fill(pad, base + (top + g.outH) * wp, base + hp * wp, 0f);
            }
        });
    }

    /**
     * Floats of im2col matrix per group of images in the im2col formulations: images go into one product together
     * while their matrix stays this small (about L2-sized), so the tiny late layers take one product per batch
     * instead of one per image, and larger layers keep a matrix that stays in the cache.
     */
    private static final int COLUMN_GROUP_LIMIT = 1 << 18;

    /** How many images the im2col formulations take in one matrix product. */
    private static int columnGroup(Geometry g, int n) {
        return Math.max(1, Math.min(n, COLUMN_GROUP_LIMIT / Math.max(1, g.k * g.p)));
    }

    /** {@code dY} of images {@code first .. first + count - 1} side by side: row {@code co}, column {@code (image, pixel)}. */
    private static float[] sideBySide(Geometry g, float[] gradOut, int first, int count) {
        int cols = count * g.p;
        int outImage = g.cout * g.p;
        float[] dy = Scratch.get(Scratch.Slot.GRAD_PAD, g.cout * cols);
        Parallel.forRange(count * g.cout, Math.max(1, 4096 / g.p), (a, b) -> {
            for (int j = a; j < b; j++) {
                int i = j / g.cout;
                int co = j % g.cout;
                System.arraycopy(gradOut, (first + i) * outImage + co * g.p, dy, co * cols + i * g.p, g.p);
            }
        });
        return dy;
    }

    /**
     * {@link #weightGradient} through an explicit im2col matrix and the matrix product, {@code dW += dY col^T}, for a
     * group of images per product (their columns side by side): faster than the row dot products where the output is
     * small (the matrix is then cache-sized and the product runs at the tile kernel's speed).
     */
    static void weightGradientColumns(Geometry g, int n, float[] in, float[] gradOut, float[] gradWeight) {
        int group = columnGroup(g, n);
        for (int i0 = 0; i0 < n; i0 += group) {
            int count = Math.min(group, n - i0);
            int cols = count * g.p;
            float[] src = g.source(in, i0, count);
            float[] col = Scratch.get(Scratch.Slot.COLUMNS, g.k * cols);
            im2col(g, src, g.sourceOffset(i0), count, col);
            float[] dy = count == 1 ? gradOut : sideBySide(g, gradOut, i0, count);
            int dyOff = count == 1 ? i0 * g.cout * g.p : 0;
            Sgemm.multiply(g.cout, g.k, cols, dy, dyOff, cols, 1, col, 0, 1, cols, gradWeight, 0, g.k, true);
        }
    }

    /**
     * {@link #transposed} as {@code dcol = W^T dY} folded back into the input (col2im), for a group of images per
     * product: for outputs under {@link #ROWS_MIN_PIXELS} pixels, where the matrix fits the cache.
     */
    static void transposedColumns(Geometry g, int n, float[] weight, float[] gradOut, float[] gradIn) {
        int inImage = g.cin * g.h * g.w;
        int outImage = g.cout * g.p;
        int group = columnGroup(g, n);
        for (int i0 = 0; i0 < n; i0 += group) {
            int count = Math.min(group, n - i0);
            int cols = count * g.p;
            float[] dy = count == 1 ? gradOut : sideBySide(g, gradOut, i0, count);
            int dyOff = count == 1 ? i0 * outImage : 0;
            float[] col = Scratch.get(Scratch.Slot.COLUMNS, g.k * cols);
            Sgemm.multiply(g.k, cols, g.cout, weight, 0, 1, g.k, dy, dyOff, cols, 1, col, 0, cols, false);
            if (g.direct) {
                Arrays.fill(gradIn, i0 * inImage, (i0 + count) * inImage, 0f);
                col2im(g, col, cols, count, gradIn, i0 * inImage, inImage);
            } else {
                float[] phaseGrad = Scratch.get(Scratch.Slot.PHASE_GRAD, count * g.imageSize);
                Arrays.fill(phaseGrad, 0, count * g.imageSize, 0f);
                col2im(g, col, cols, count, phaseGrad, 0, g.imageSize);
                for (int i = 0; i < count; i++) {
                    g.merge(phaseGrad, i * g.imageSize, gradIn, (i0 + i) * inImage);
                }
            }
        }
    }

    /** The im2col matrix of {@code count} images: row {@code kk}, column {@code image * p + pixel}. */
    private static void im2col(Geometry g, float[] src, int srcOff, int count, float[] col) {
        int cols = count * g.p;
        Parallel.forRange(count * g.k, Math.max(1, 8192 / g.p), (from, to) -> {
            for (int job = from; job < to; job++) {
                int i = job / g.k;
                int kk = job % g.k;
                int s = srcOff + i * g.imageSize + g.koff[kk];
                int d = kk * cols + i * g.p;
                for (int oy = 0; oy < g.outH; oy++) {
                    System.arraycopy(src, s + oy * g.wq, col, d + oy * g.outW, g.outW);
                }
            }
        });
    }

    /** Adds the im2col-shaped {@code col} of {@code count} images (see {@link #im2col}) back into images {@code dstImage} apart. */
    private static void col2im(Geometry g, float[] col, int cols, int count, float[] dst, int dstOff, int dstImage) {
        int taps = g.kh * g.kw;
        Parallel.forRange(count * g.cin, 1, (from, to) -> {
            for (int job = from; job < to; job++) {
                int i = job / g.cin;
                int ci = job % g.cin;
                for (int t = 0; t < taps; t++) {
                    int kk = ci * taps + t;
                    int d0 = dstOff + i * dstImage + g.koff[kk];
                    int s0 = kk * cols + i * g.p;
                    for (int oy = 0; oy < g.outH; oy++) {
                        int d = d0 + oy * g.wq;
                        int s = s0 + oy * g.outW;
                        for (int ox = 0; ox < g.outW; ox++) {
                            dst[d + ox] += col[s + ox];
                        }
                    }
                }
            }
        });
    }
}
