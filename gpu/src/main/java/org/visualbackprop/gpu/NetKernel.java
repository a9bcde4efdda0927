package org.visualbackprop.gpu;

import com.aparapi.Kernel;

/**
 * Every device operation of the OpenCL engine, in one Aparapi kernel: the scalar {@link #op} picks the operation
 * of a launch, and the other scalars are its parameters (each launch sets them; see {@link Launch}).
 *
 * <p>Why one kernel: an Aparapi {@code Kernel} owns its OpenCL buffers, and two kernel objects cannot share one
 * (each has its own context), so the activations could not stay on the device between layers if each operation
 * were its own kernel; Aparapi's named entry points do not work in 3.0.2 (the second entry point never runs). With
 * explicit buffer management ({@code setExplicit(true)}) the arrays below are uploaded only when the engine says
 * {@code put} and read back only on {@code get}: one upload of the batch, one download of the results.
 *
 * <p>Kernel code is restricted to what Aparapi translates to OpenCL C: primitive arrays and scalars, no objects,
 * no {@code break}/{@code continue}, simple conditions. Each operation has a plain-Java twin in core, named in its
 * javadoc, and the parity tests compare the two.
 *
 * <p>Array layout. {@code work} holds what the forward pass and VisualBackProp keep on the device between launches,
 * at the offsets of {@link DeviceProgram.Layout}: every materialized layer output (a region: the batch sample after
 * sample, NCHW), the averaged maps, intermediate and raw masks; {@code lrp} holds LRP's two relevance levels, group
 * maxima, scales and exponents. {@code params} holds the weights in the layouts the operations read. The small output arrays are written
 * by the last operation that computes them and downloaded right after.
 *
 * <p>The class is split where Aparapi allows it (it translates fields and methods of superclasses too):
 * {@link KernelState} holds the buffers and launch parameters, {@link ConvBlocks} the unrolled conv bodies, generated
 * by {@code ConvSource} in the test sources (a test regenerates and compares), and this class the operations.
 */
final class NetKernel extends ConvBlocks {
    static final int OP_COPY_INPUT = 0;
    static final int OP_CONV = 1;
    static final int OP_DENSE = 2;
    static final int OP_POOL = 3;
    static final int OP_AFFINE = 4;
    static final int OP_RELU = 5;
    static final int OP_LOGSOFTMAX = 6;
    static final int OP_OUTPUT = 7;
    static final int OP_VBP_UP = 10;
    static final int OP_VBP_NORM = 11;
    static final int OP_VBP_FUSED = 12;
    static final int OP_LRP_INIT = 20;
    static final int OP_LRP_EXP = 21;
    static final int OP_LRP_CONV = 22;
    static final int OP_LRP_DENSE = 23;
    static final int OP_LRP_POOL = 24;
    static final int OP_LRP_AFFINE = 25;
    static final int OP_COPY_OUT = 30;

    /** The smallest {@link #work} array: 4 Mi floats (16 MiB) is a humongous object for every G1 region size of Java 17. */
    static final int MIN_WORK_FLOATS = 1 << 22;

    /** Floats of work-group local memory: 4 per work item of the largest group. */
    static final int LOCAL_FLOATS = 2048;
    /** Output channels per work item of the conv and the input channels per work item of the LRP conv step. */
    static final int CHANNEL_BLOCK = 8;
    /** Output pixels per work item of the conv. */
    static final int PIXEL_BLOCK = 4;
    /** Samples per work item of the dense layer. */
    static final int SAMPLE_BLOCK = 4;

    @Override
    public void run() {
        if (op == OP_CONV) {
            convOp();
        } else if (op == OP_DENSE) {
            denseOp();
        } else if (op == OP_COPY_INPUT) {
            copyInputOp();
        } else if (op == OP_POOL) {
            poolOp();
        } else if (op == OP_AFFINE) {
            affineOp();
        } else if (op == OP_RELU) {
            reluOp();
        } else if (op == OP_LOGSOFTMAX) {
            logSoftmaxOp();
        } else if (op == OP_OUTPUT) {
            outputOp();
        } else if (op == OP_VBP_UP) {
            vbpUpOp();
        } else if (op == OP_VBP_NORM) {
            vbpNormOp();
        } else if (op == OP_VBP_FUSED) {
            vbpFusedOp();
        } else if (op == OP_LRP_INIT) {
            lrpInitOp();
        } else if (op == OP_LRP_EXP) {
            lrpExpOp();
        } else if (op == OP_LRP_CONV) {
            lrpConvOp();
        } else if (op == OP_LRP_DENSE) {
            lrpDenseOp();
        } else if (op == OP_LRP_POOL) {
            lrpPoolOp();
        } else if (op == OP_LRP_AFFINE) {
            lrpAffineOp();
        } else if (op == OP_COPY_OUT) {
            copyOutOp();
        }
    }

    /**
     * {@code work[outOff + i] = input[i]} for {@code i < count}: the batch enters the activation array. Global size:
     * {@code count} rounded up.
     */
    private void copyInputOp() {
        int i = getGlobalId();
        if (i < count) {
            work[outOff + i] = input[i];
        }
    }

    /**
     * Conv2d with its BatchNorm (evaluation mode, folded into the weights when the conv is unpadded), bias and ReLU
     * fused, writing the channel mean of its output as a by-product when {@code meanOff >= 0}. Java twin:
     * {@code BatchNorm2d.forward}, {@code Conv2d.forward} and {@code ReLU.forwardWithChannelMean}. Two ways to split
     * the work, the same arithmetic:
     * <ul>
     * <li>blocked ({@code tileT > 0}, the default): a work group is {@code groups} channel blocks times {@code tileT}
     *     pixel slots; work item (g, t) computes output channels {@code 8g .. 8g+7} at the pixels
     *     {@code qa, qa + tileT, qa + 2 tileT, qa + 3 tileT} of one sample ({@code qa = tile * 4 tileT + t}): 32
     *     accumulators, each weight load used 4 times and each input load 8 times; neighbouring work items read
     *     neighbouring pixels. The channel mean adds the block sums of a pixel's {@code groups} work items through
     *     local memory. {@code tiles} work groups per sample.</li>
     * <li>rows ({@code tileT == 0}, {@code -Dvbp.opencl.conv=rows}): a two-dimensional range, dimension 0 the output
     *     column and dimension 1 the sample and row; each work item computes every channel block of its pixel and the
     *     channel mean itself: no barrier, no local memory, addresses affine in the work-item index. Kept as the
     *     alternative to measure on a new device.</li>
     * </ul>
     *
     * <p>Parameters: {@code inOff, outOff} region bases; {@code cin, inH, inW, cout, outH, outW}; window
     * {@code kh, kw, sh, sw, ph, pw}; {@code wOff} weights as {@code [group][cin][kh][kw][8]} (padded to whole blocks
     * with zeros), {@code bOff} bias (padded, zeros when none); {@code relu}; {@code meanOff}; {@code invC = 1/cout};
     * {@code groups} channel blocks.
     */
    private void convOp() {
        if (tileT == 0) {
            convRows();
        } else {
            convBlocked();
        }
    }

    /** The blocked conv (see {@link #convOp}); {@code tileT > 0}. */
    private void convBlocked() {
        int lid = getLocalId();
        int gr = getGroupId();
        int n = gr / tiles;
        int tile = gr - n * tiles;
        int g = lid / tileT;
        int t = lid - g * tileT;
        int qa = tile * tileT * 4 + t;
        if (ph == 0) {
            if (pw == 0) {
                convDirect(n, g, t, qa);
            } else {
                convPadded(n, g, t, qa);
            }
        } else {
            convPadded(n, g, t, qa);
        }
        if (meanOff >= 0) {
            localBarrier();
            if (g == 0) {
                int plane = outH * outW;
                for (int p = 0; p < 4; p++) {
                    int q = qa + p * tileT;
                    if (q < plane) {
                        float tot = 0f;
                        for (int gg = 0; gg < groups; gg++) {
                            tot += lmem[(gg * 4 + p) * tileT + t];
                        }
                        work[meanOff + n * plane + q] = tot * invC;
                    }
                }
            }
        }
    }


    /**
     * Dense: {@code out[n, o] = b[o] + sum_i W[o, i] x[n, i]}, then ReLU when {@code relu == 1}. Java twin:
     * {@code Dense.forward} (and {@code ReLU.forward}). A work item computes one output feature for 4 samples, so
     * each weight is read once per 4 samples; neighbouring work items read neighbouring weights.
     *
     * <p>Parameters: {@code inOff, outOff}; {@code cin} input and {@code cout} output features; {@code wOff} the
     * weights transposed, {@code [in][out]} (any BatchNorm before it folded in); {@code bOff} bias (zeros when none);
     * {@code batch}.
     */
    private void denseOp() {
        int gid = getGlobalId();
        int blocks = (batch + 3) / 4;
        if (gid < blocks * cout) {
            int nb = gid / cout;
            int o = gid - nb * cout;
            int n0 = nb * 4;
            int n1 = min(n0 + 1, batch - 1);
            int n2 = min(n0 + 2, batch - 1);
            int n3 = min(n0 + 3, batch - 1);
            int x0 = inOff + n0 * cin;
            int x1 = inOff + n1 * cin;
            int x2 = inOff + n2 * cin;
            int x3 = inOff + n3 * cin;
            float a0 = 0f;
            float a1 = 0f;
            float a2 = 0f;
            float a3 = 0f;
            for (int i = 0; i < cin; i++) {
                float w = params[wOff + i * cout + o];
                a0 += w * work[x0 + i];
                a1 += w * work[x1 + i];
                a2 += w * work[x2 + i];
                a3 += w * work[x3 + i];
            }
            float b = params[bOff + o];
            a0 += b;
            a1 += b;
            a2 += b;
            a3 += b;
            if (relu == 1) {
                a0 = max(a0, 0f);
                a1 = max(a1, 0f);
                a2 = max(a2, 0f);
                a3 = max(a3, 0f);
            }
            denseStore(n0, o, a0);
            if (n0 + 1 < batch) {
                denseStore(n0 + 1, o, a1);
            }
            if (n0 + 2 < batch) {
                denseStore(n0 + 2, o, a2);
            }
            if (n0 + 3 < batch) {
                denseStore(n0 + 3, o, a3);
            }
        }
    }

    /** Stores a dense output, also into {@code pred} at {@code predOff} when this layer's output is downloaded. */
    private void denseStore(int n, int o, float v) {
        work[outOff + n * cout + o] = v;
        if (predOff >= 0) {
            pred[predOff + n * cout + o] = v;
        }
    }

    /**
     * Flat index, within its plane, of the winner of pool window {@code (oy, ox)}: the first maximal position in
     * row-major order, padding never winning (as {@code MaxPool2d} decides it); -1 when the window sees no input.
     */
    private int winner(int base, int oy, int ox) {
        int y0 = oy * sh - ph;
        int x0 = ox * sw - pw;
        float best = 0f;
        int found = -1;
        for (int ky = 0; ky < kh; ky++) {
            int iy = y0 + ky;
            if (iy >= 0) {
                if (iy < inH) {
                    for (int kx = 0; kx < kw; kx++) {
                        int ix = x0 + kx;
                        if (ix >= 0) {
                            if (ix < inW) {
                                float v = work[base + iy * inW + ix];
                                if (found < 0) {
                                    best = v;
                                    found = iy * inW + ix;
                                } else if (v > best) {
                                    best = v;
                                    found = iy * inW + ix;
                                }
                            }
                        }
                    }
                }
            }
        }
        return found;
    }

    /**
     * Max pooling, one output element per work item ({@code count = batch * channels * outH * outW}). Java twin:
     * {@code MaxPool2d.forward}. Parameters: {@code inOff, outOff, inH, inW, outH, outW}, window.
     */
    private void poolOp() {
        int gid = getGlobalId();
        if (gid < count) {
            int plane = outH * outW;
            int nc = gid / plane;
            int q = gid - nc * plane;
            int oy = q / outW;
            int ox = q - oy * outW;
            int base = inOff + nc * inH * inW;
            int w = winner(base, oy, ox);
            float v = 0f;
            if (w >= 0) {
                v = work[base + w];
            }
            work[outOff + gid] = v;
        }
    }

    /**
     * A BatchNorm in evaluation mode that could not be folded into the next layer:
     * {@code y = scale[c] * x + shift[c]} ({@code count = batch * cin * inH * inW}). Java twin:
     * {@code BatchNorm2d.forward} with {@code evalAffine()}. Parameters: {@code inOff, outOff, cin, inH, inW},
     * {@code wOff} scale, {@code bOff} shift.
     */
    private void affineOp() {
        int gid = getGlobalId();
        if (gid < count) {
            int plane = inH * inW;
            int c = (gid / plane) % cin;
            work[outOff + gid] = params[wOff + c] * work[inOff + gid] + params[bOff + c];
        }
    }

    /**
     * A ReLU not fused into the layer before it, one pixel of one sample per work item, all channels; writes the
     * channel mean too when {@code meanOff >= 0}. Java twin: {@code ReLU.forwardWithChannelMean}. Parameters:
     * {@code inOff, outOff, cin, inH, inW, batch, meanOff, invC}.
     */
    private void reluOp() {
        int gid = getGlobalId();
        int plane = inH * inW;
        if (gid < batch * plane) {
            int n = gid / plane;
            int q = gid - n * plane;
            float sum = 0f;
            for (int c = 0; c < cin; c++) {
                int idx = (n * cin + c) * plane + q;
                float v = max(work[inOff + idx], 0f);
                work[outOff + idx] = v;
                sum += v;
            }
            if (meanOff >= 0) {
                work[meanOff + n * plane + q] = sum * invC;
            }
        }
    }

    /**
     * Log-softmax over the {@code cin} features of each sample, one sample per work item. Java twin:
     * {@code LogSoftmax.forward}. Writes {@code pred} too when {@code predOff >= 0}.
     */
    private void logSoftmaxOp() {
        int n = getGlobalId();
        if (n < batch) {
            int b = n * cin;
            float mx = work[inOff + b];
            for (int j = 1; j < cin; j++) {
                mx = max(mx, work[inOff + b + j]);
            }
            float sum = 0f;
            for (int j = 0; j < cin; j++) {
                sum += exp(work[inOff + b + j] - mx);
            }
            float lse = mx + log(sum);
            for (int j = 0; j < cin; j++) {
                float v = work[inOff + b + j] - lse;
                work[outOff + b + j] = v;
                if (predOff >= 0) {
                    pred[predOff + b + j] = v;
                }
            }
        }
    }

    /**
     * Copies the network's output ({@code count = batch * outputs} values at {@code inOff}) into {@code pred}, and
     * the scores below a final LogSoftmax (at {@code aOff}, when {@code aOff >= 0}) after them.
     */
    private void outputOp() {
        int gid = getGlobalId();
        if (gid < count) {
            pred[gid] = work[inOff + gid];
            if (aOff >= 0) {
                pred[count + gid] = work[aOff + gid];
            }
        }
    }

    /** First upper-map row (or column) whose window covers lower-map row {@code i}: {@code Window.firstOutputH}. */
    private int firstCover(int i, int k, int s, int p) {
        return max(0, (i + p - k + s) / s);
    }

    /**
     * One VisualBackProp step (Section 3): the all-ones transposed convolution of the upper map through one stage's
     * window, {@code u(y, x) = sum of m(oy, ox) over the windows containing (y, x)}, times the averaged map of the
     * level below when {@code aOff >= 0}. One lower-map pixel per work item ({@code count = batch * inH * inW}).
     * Java twin: {@code VisualBackProp.upscale} and the product in {@code VisualBackProp.explain} (same order of
     * additions: along each window row first, then over rows).
     *
     * <p>Parameters (offsets into {@code work}): {@code srcOff} the upper map (the deepest level's averaged map, or
     * the map the previous step wrote); {@code outH, outW} upper and {@code inH, inW} lower size; window;
     * {@code aOff} the lower level's averaged map or -1 (below a pooling stage); {@code outOff} the destination (an
     * intermediate mask, or the raw mask at the last step).
     */
    private void vbpUpOp() {
        int gid = getGlobalId();
        int lower = inH * inW;
        if (gid < count) {
            int n = gid / lower;
            int q = gid - n * lower;
            int y = q / inW;
            int x = q - y * inW;
            int fy = firstCover(y, kh, sh, ph);
            int ly = min(outH - 1, (y + ph) / sh);
            int fx = firstCover(x, kw, sw, pw);
            int lx = min(outW - 1, (x + pw) / sw);
            int mb = srcOff + n * outH * outW;
            float u = 0f;
            for (int oy = fy; oy <= ly; oy++) {
                float row = 0f;
                for (int ox = fx; ox <= lx; ox++) {
                    row += work[mb + oy * outW + ox];
                }
                u += row;
            }
            if (aOff >= 0) {
                u = u * work[aOff + gid];
            }
            work[outOff + gid] = u;
        }
    }

    /**
     * Several VisualBackProp steps in one launch, one work group per image: the {@code count} stages described in
     * {@code meta} from {@code srcOff} on (deepest first; per stage: upper h, w, lower h, w, kernel h, w, stride h, w,
     * padding h, w, source, averaged map or -1, destination), each a pass of the group over the lower map with the
     * arithmetic of {@link #vbpUpOp}, a barrier between stages. For the deep stages, whose maps are small: one launch
     * instead of one per stage, which is what bounds VisualBackProp at batch 1 (a launch costs more than their work).
     */
    private void vbpFusedOp() {
        int n = getGroupId();
        int lid = getLocalId();
        int size = getLocalSize();
        for (int s = 0; s < count; s++) {
            int m = srcOff + s * STAGE_INTS;
            int uh = meta[m];
            int uw = meta[m + 1];
            int lh = meta[m + 2];
            int lw = meta[m + 3];
            int fkh = meta[m + 4];
            int fkw = meta[m + 5];
            int fsh = meta[m + 6];
            int fsw = meta[m + 7];
            int fph = meta[m + 8];
            int fpw = meta[m + 9];
            int from = meta[m + 10] + n * uh * uw;
            int avg = meta[m + 11];
            int lower = lh * lw;
            int to = meta[m + 12] + n * lower;
            for (int q = lid; q < lower; q += size) {
                int y = q / lw;
                int x = q - y * lw;
                int fy = firstCover(y, fkh, fsh, fph);
                int ly = min(uh - 1, (y + fph) / fsh);
                int fx = firstCover(x, fkw, fsw, fpw);
                int lx = min(uw - 1, (x + fpw) / fsw);
                float u = 0f;
                for (int oy = fy; oy <= ly; oy++) {
                    float row = 0f;
                    for (int ox = fx; ox <= lx; ox++) {
                        row += work[from + oy * uw + ox];
                    }
                    u += row;
                }
                if (avg >= 0) {
                    u = u * work[avg + n * lower + q];
                }
                work[to + q] = u;
            }
            localGlobalBarrier();
        }
    }

    /**
     * Min-max normalization of each image's raw mask into {@code mask}, one work group per image (its size a power of
     * two); {@code flat[n] = 1} when the raw mask is constant (the mask is then zero). Java twin:
     * {@code VisualBackProp.normalize}. Parameters: {@code inH, inW}.
     */
    private void vbpNormOp() {
        int n = getGroupId();
        int lid = getLocalId();
        int size = getLocalSize();
        int plane = inH * inW;
        int base = n * plane;
        float mn = work[rawOff + base];
        float mx = mn;
        for (int q = lid; q < plane; q += size) {
            float v = work[rawOff + base + q];
            mn = min(mn, v);
            mx = max(mx, v);
        }
        lmem[lid] = mn;
        lmem[size + lid] = mx;
        localBarrier();
        for (int s = size / 2; s > 0; s = s / 2) {
            if (lid < s) {
                lmem[lid] = min(lmem[lid], lmem[lid + s]);
                lmem[size + lid] = max(lmem[size + lid], lmem[size + lid + s]);
            }
            localBarrier();
        }
        mn = lmem[0];
        mx = lmem[size];
        if (mx > mn) {
            float range = mx - mn;
            for (int q = lid; q < plane; q += size) {
                mask[base + q] = (work[rawOff + base + q] - mn) / range;
            }
            if (lid == 0) {
                flat[n] = 0;
            }
        } else {
            for (int q = lid; q < plane; q += size) {
                mask[base + q] = 0f;
            }
            if (lid == 0) {
                flat[n] = 1;
            }
        }
    }

    /** LRP-epsilon's {@code R / (z + eps * sign(z))}, sign(0) = +1, 0 when the denominator is 0 ({@code Lrp.ratio}). */
    private float ratio(float r, float z) {
        float d = z + eps;
        if (z < 0f) {
            d = z - eps;
        }
        float out = 0f;
        if (d != 0f) {
            out = r / d;
        }
        return out;
    }

    /**
     * Stores relevance {@code r} of element {@code idx} (sample-major index within a level) of the level being
     * written: divided by the denominator of the linear layer below when {@code zOff >= 0} (so that layer's step
     * reads it ready to use), into {@code lrp} at {@code outOff}, or into {@code relIn} when {@code dst == 1}.
     *
     * @return the magnitude stored, for the per-sample scale
     */
    private float storeRel(int idx, float r) {
        float v = r;
        if (zOff >= 0) {
            v = ratio(r, work[zOff + idx]);
        }
        if (dst == 1) {
            relIn[idx] = v;
        } else {
            lrp[outOff + idx] = v;
        }
        return abs(v);
    }

    /** Reduces each work item's {@code m} to the group's maximum, written to {@code lrp[partOff + n * gps + group]}. */
    private void groupMax(float m, int n, int groupInSample) {
        int lid = getLocalId();
        int size = getLocalSize();
        lmem[lid] = m;
        localBarrier();
        for (int s = size / 2; s > 0; s = s / 2) {
            if (lid < s) {
                lmem[lid] = max(lmem[lid], lmem[lid + s]);
            }
            localBarrier();
        }
        if (lid == 0) {
            lrp[partOff + n * gps + groupInSample] = lmem[0];
        }
    }

    /**
     * LRP's start: relevance at the score layer is the targeted score, zero elsewhere ({@code Lrp.attribute}).
     * {@code count = batch * cout}; {@code aOff} scores; {@code zOff} the same when the score layer is linear;
     * {@code outOff}. Resets the per-sample exponents and scales; the level's maximum goes to {@code lrp[partOff + n]}.
     */
    private void lrpInitOp() {
        int gid = getGlobalId();
        if (gid < count) {
            int n = gid / cout;
            int j = gid - n * cout;
            float r = 0f;
            if (j == targets[n]) {
                r = work[aOff + gid];
            }
            float m = storeRel(gid, r);
            if (j == targets[n]) {
                lrp[partOff + n] = m;
            }
            if (j == 0) {
                lrp[expoOff + n] = 0f;
                lrp[sclOff + n] = 1f;
            }
        }
    }

    /** {@code 2^k} for {@code -126 <= k <= 127}, exactly. */
    private float pow2(int k) {
        float r = 1f;
        if (k >= 0) {
            for (int i = 0; i < k; i++) {
                r = r * 2f;
            }
        } else {
            for (int i = 0; i < -k; i++) {
                r = r * 0.5f;
            }
        }
        return r;
    }

    /**
     * The per-sample power-of-two scale of the level just written ({@code Lrp.rescale}): from the group maxima
     * {@code lrp[partOff + n * gps ..]}, the exponent e with {@code 2^(e-1) <= max < 2^e} (clamped to [-125, 126]); the next
     * step multiplies by the scale {@code 2^-e} (at {@code sclOff + n}) and the exponent (at {@code expoOff + n}) adds e. Zero or non-finite maxima leave the scale
     * at 1. One work group per sample.
     */
    private void lrpExpOp() {
        int n = getGroupId();
        int lid = getLocalId();
        int size = getLocalSize();
        float m = 0f;
        for (int k = lid; k < gps; k += size) {
            m = max(m, lrp[partOff + n * gps + k]);
        }
        lmem[lid] = m;
        localBarrier();
        for (int s = size / 2; s > 0; s = s / 2) {
            if (lid < s) {
                lmem[lid] = max(lmem[lid], lmem[lid + s]);
            }
            localBarrier();
        }
        if (lid == 0) {
            float mx = lmem[0];
            float sc = 1f;
            if (mx > 0f) {
                if (mx < 3.0e38f) {
                    int e = (int) floor(log2(mx)) + 1;
                    e = max(-125, min(126, e));
                    float p = pow2(e - 1);
                    if (p > mx) {
                        e = e - 1;
                    } else if (p * 2f <= mx) {
                        e = e + 1;
                    }
                    e = max(-125, min(126, e));
                    sc = pow2(-e);
                    lrp[expoOff + n] = lrp[expoOff + n] + e;
                }
            }
            lrp[sclOff + n] = sc;
        }
    }

    /**
     * LRP-epsilon through a Conv2d (BatchNorm before it folded in): {@code R_i = a_i * sum_j w_ij s_j} with
     * {@code s_j = R_j / (z_j + eps sign z_j)} stored by the step above, times this sample's scale. Java twin: the
     * Conv2d case of {@code Lrp.propagate} ({@code ConvKernels.transposed}). A work item computes 8 input channels of
     * one input pixel, gathering over the output positions whose windows contain it.
     *
     * <p>Parameters: {@code srcOff} the s level; {@code aOff} the conv's input activations; {@code zOff} denominator
     * of the layer below or -1; {@code outOff}/{@code dst} destination; {@code cin, inH, inW, cout, outH, outW};
     * window; {@code wOff} weights as {@code [cin block][cout][kh][kw][8]} (padded with zeros); {@code gps} work
     * groups per sample.
     */
    private void lrpConvOp() {
        int size = getLocalSize();
        int gr = getGroupId();
        int n = gr / gps;
        int gin = gr - n * gps;
        int item = gin * size + getLocalId();
        int inPlane = inH * inW;
        int items = ((cin + 7) / 8) * inPlane;
        int it = min(item, items - 1);
        int cg = it / inPlane;
        int q = it - cg * inPlane;
        int y = q / inW;
        int x = q - y * inW;
        int fy = firstCover(y, kh, sh, ph);
        int ly = min(outH - 1, (y + ph) / sh);
        int fx = firstCover(x, kw, sw, pw);
        int lx = min(outW - 1, (x + pw) / sw);
        int outPlane = outH * outW;
        int sBase = srcOff + n * cout * outPlane;
        float c0 = 0f;
        float c1 = 0f;
        float c2 = 0f;
        float c3 = 0f;
        float c4 = 0f;
        float c5 = 0f;
        float c6 = 0f;
        float c7 = 0f;
        for (int co = 0; co < cout; co++) {
            int wc = (cg * cout + co) * kh;
            for (int oy = fy; oy <= ly; oy++) {
                int ky = y + ph - oy * sh;
                for (int ox = fx; ox <= lx; ox++) {
                    int kx = x + pw - ox * sw;
                    float s = lrp[sBase + co * outPlane + oy * outW + ox];
                    int wi = wOff + ((wc + ky) * kw + kx) * 8;
                    c0 += params[wi] * s;
                    c1 += params[wi + 1] * s;
                    c2 += params[wi + 2] * s;
                    c3 += params[wi + 3] * s;
                    c4 += params[wi + 4] * s;
                    c5 += params[wi + 5] * s;
                    c6 += params[wi + 6] * s;
                    c7 += params[wi + 7] * s;
                }
            }
        }
        float m = 0f;
        if (item < items) {
            float sc = lrp[sclOff + n];
            int ci = cg * 8;
            int b = n * cin * inPlane + q;
            m = max(m, lrpConvStore(b, ci, inPlane, c0 * sc));
            m = max(m, lrpConvStore(b, ci + 1, inPlane, c1 * sc));
            m = max(m, lrpConvStore(b, ci + 2, inPlane, c2 * sc));
            m = max(m, lrpConvStore(b, ci + 3, inPlane, c3 * sc));
            m = max(m, lrpConvStore(b, ci + 4, inPlane, c4 * sc));
            m = max(m, lrpConvStore(b, ci + 5, inPlane, c5 * sc));
            m = max(m, lrpConvStore(b, ci + 6, inPlane, c6 * sc));
            m = max(m, lrpConvStore(b, ci + 7, inPlane, c7 * sc));
        }
        groupMax(m, n, gin);
    }

    /** {@code R_i = a_i * c} for input channel {@code ci} (skipped past the last channel); returns what was stored. */
    private float lrpConvStore(int b, int ci, int inPlane, float c) {
        float m = 0f;
        if (ci < cin) {
            int idx = b + ci * inPlane;
            m = storeRel(idx, work[aOff + idx] * c);
        }
        return m;
    }

    /**
     * LRP-epsilon through a Dense layer: {@code R_i = a_i * sum_o W[o, i] s_o} times the sample's scale, one input
     * feature per work item. Java twin: the Dense case of {@code Lrp.propagate}. Parameters as {@link #lrpConvOp}
     * with {@code cin, cout} features and {@code wOff} the (folded) weights {@code [out][in]}.
     */
    private void lrpDenseOp() {
        int size = getLocalSize();
        int gr = getGroupId();
        int n = gr / gps;
        int gin = gr - n * gps;
        int item = gin * size + getLocalId();
        int i = min(item, cin - 1);
        int sBase = srcOff + n * cout;
        float c = 0f;
        for (int o = 0; o < cout; o++) {
            c += params[wOff + o * cin + i] * lrp[sBase + o];
        }
        float m = 0f;
        if (item < cin) {
            int idx = n * cin + i;
            m = storeRel(idx, work[aOff + idx] * (c * lrp[sclOff + n]));
        }
        groupMax(m, n, gin);
    }

    /**
     * LRP through max pooling: each window's relevance goes to its winner ({@code Lrp.propagate}, MaxPool2d case),
     * gathered per input element (in the order of the output positions, as the Java twin adds them). Parameters:
     * {@code srcOff} level at the pool's output; {@code aOff} the pool's input; {@code cin} channels; sizes; window;
     * {@code zOff, outOff, dst, gps}.
     */
    private void lrpPoolOp() {
        int size = getLocalSize();
        int gr = getGroupId();
        int n = gr / gps;
        int gin = gr - n * gps;
        int item = gin * size + getLocalId();
        int inPlane = inH * inW;
        int items = cin * inPlane;
        int it = min(item, items - 1);
        int c = it / inPlane;
        int q = it - c * inPlane;
        int y = q / inW;
        int x = q - y * inW;
        int fy = firstCover(y, kh, sh, ph);
        int ly = min(outH - 1, (y + ph) / sh);
        int fx = firstCover(x, kw, sw, pw);
        int lx = min(outW - 1, (x + pw) / sw);
        int outPlane = outH * outW;
        int base = aOff + (n * cin + c) * inPlane;
        int sBase = srcOff + (n * cin + c) * outPlane;
        float v = 0f;
        for (int oy = fy; oy <= ly; oy++) {
            for (int ox = fx; ox <= lx; ox++) {
                if (winner(base, oy, ox) == q) {
                    v += lrp[sBase + oy * outW + ox];
                }
            }
        }
        float m = 0f;
        if (item < items) {
            m = storeRel(n * items + it, v * lrp[sclOff + n]);
        }
        groupMax(m, n, gin);
    }

    /**
     * LRP-epsilon through a BatchNorm kept as its own step: {@code R_x = scale * x * R_y / (y + eps sign y)}, times the
     * sample's scale (the BatchNorm2d case of {@code Lrp.propagate}). Parameters: {@code aOff} its input x,
     * {@code inOff} its output y, {@code srcOff} the level at y; {@code cin, inH, inW}; {@code wOff} scale;
     * {@code zOff, outOff, dst, gps}.
     */
    private void lrpAffineOp() {
        int size = getLocalSize();
        int gr = getGroupId();
        int n = gr / gps;
        int gin = gr - n * gps;
        int item = gin * size + getLocalId();
        int plane = inH * inW;
        int items = cin * plane;
        float m = 0f;
        if (item < items) {
            int idx = n * items + item;
            int c = item / plane;
            float xs = params[wOff + c] * work[aOff + idx];
            m = storeRel(idx, xs * ratio(lrp[srcOff + idx] * lrp[sclOff + n], work[inOff + idx]));
        }
        groupMax(m, n, gin);
    }

    /**
     * {@code detail[outOff + i] = work[srcOff + i]} for {@code i < count} (from {@code lrp} when {@code src == 1}, into
     * {@code relIn} when {@code dst == 1}):
     * gathers the parts of {@code work} a caller wants to download (averaged maps, intermediate and raw masks; LRP's
     * exponents after the input relevance) into an array downloaded as a whole.
     */
    private void copyOutOp() {
        int i = getGlobalId();
        if (i < count) {
            float v = work[srcOff + i];
            if (src == 1) {
                v = lrp[srcOff + i];
            }
            if (dst == 1) {
                relIn[outOff + i] = v;
            } else {
                detail[outOff + i] = v;
            }
        }
    }
}
