package org.visualbackprop.explain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import org.visualbackprop.compute.Parallel;
import org.visualbackprop.compute.Scratch;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;

/**
 * VisualBackProp (Bojarski et al., Section 3, Figure 1), from a recorded forward pass (no second pass):
 * <ol>
 * <li>average each conv layer's ReLU output over its channels: {@code avg_l};</li>
 * <li>{@code m_L = avg_L}; for l = L .. 1, scale {@code m_l} up to the size of the layer below with a transposed
 *     convolution whose kernel is all ones, with conv l's kernel size, stride and padding (bias 0; input rows and
 *     columns no window covers get 0; padding positions are dropped), and if l > 1 multiply pointwise by
 *     {@code avg_(l-1)}: {@code m_(l-1) = avg_(l-1) * up_l(m_l)}. Max-pooling layers between convs are one more
 *     up-scaling through their window, with no product. The last up-scaling gives a map of the input's size;</li>
 * <li>min-max normalize that map to [0, 1], per image, only at the end (normalizing intermediate maps, as some
 *     public ports do, breaks Theorem 1).</li>
 * </ol>
 * The transposed convolution with an all-ones kernel maps {@code m} to {@code u(x) = sum of m(y) over the output
 * positions y whose window contains x}; {@link Window} says which those are.
 *
 * <p>Cost: one read of every kept activation (the averaging) plus {@code kh*kw} additions per averaged-map pixel:
 * far less than the forward pass.
 */
public final class VisualBackProp {
    private VisualBackProp() {
    }

    /**
     * A forward pass that records what VisualBackProp reads: every layer's output, and the channel means of the
     * plan's ReLU outputs taken in the same sweep as the ReLU (so {@link #explain(Trace, VbpPlan)} need not read the
     * feature maps again).
     *
     * @param reuse a trace of an earlier call to reuse the arrays of, or null
     */
    public static Trace trace(Network network, VbpPlan plan, Tensor x, Mode mode, Trace reuse) {
        int[] layers = plan.convStages().stream().mapToInt(VbpPlan.Stage::mapLayer).toArray();
        return network.trace(x, mode, reuse, layers);
    }

    /**
     * Explains the batch of a recorded forward pass. Channel means the trace recorded are used as they are; the
     * others are computed here.
     *
     * @throws UnsupportedNetworkException when the network has no conv layer or layers VisualBackProp cannot handle
     */
    public static Explanation explain(Trace trace) {
        return explain(trace, VbpPlan.of(trace.network()));
    }

    /** As {@link #explain(Trace)}, with a plan made earlier for the same network. */
    public static Explanation explain(Trace trace, VbpPlan plan) {
        return explain(trace, plan, null);
    }

    /**
     * As {@link #explain(Trace, VbpPlan)}, writing the masks into the arrays of an earlier explanation where their
     * shapes match (as {@link Network#trace} reuses a trace): no new memory per batch in a loop over batches.
     *
     * @param reuse an explanation returned earlier, or null; its normalized, raw and intermediate masks are
     *              overwritten (modified), its averaged maps are left alone (they belong to its trace)
     */
    public static Explanation explain(Trace trace, VbpPlan plan, Explanation reuse) {
        Network net = trace.network();
        if (!plan.inputShape().equals(net.inputShape())) {
            throw new ShapeException("the plan is for inputs " + plan.inputShape() + ", the trace's network takes " + net.inputShape());
        }
        int n = trace.batch();
        List<VbpPlan.Stage> stages = plan.stages();
        List<VbpPlan.Stage> convs = plan.convStages();
        int levels = convs.size();
        List<Tensor> averaged = new ArrayList<>(levels);
        List<Tensor> intermediate = new ArrayList<>(levels);
        for (int l = 0; l < levels; l++) {
            VbpPlan.Stage s = convs.get(l);
            Shape o = new Shape(n, 1, s.outputShape().h(), s.outputShape().w());
            Tensor recorded = trace.channelMean(s.mapLayer());
            averaged.add(recorded != null ? recorded : Tensor.zeros(o));
            intermediate.add(reusable(reuse == null || reuse.intermediateMasks().size() != levels ? null
                    : reuse.intermediateMasks().get(l), o));
        }
        // 1. channel means the forward pass did not record, one job per level
        boolean allRecorded = convs.stream().allMatch(s -> trace.channelMean(s.mapLayer()) != null);
        Parallel.forRange(allRecorded ? 0 : levels, 1, (a, b) -> {
            for (int l = a; l < b; l++) {
                int layer = convs.get(l).mapLayer();
                if (trace.channelMean(layer) == null) {
                    trace.output(layer).channelMeanInto(averaged.get(l));
                }
            }
        });
        // 2. from the deepest layer down, one job per image
        Shape in = plan.inputShape();
        int inPlane = in.plane();
        Shape maskShape = new Shape(n, 1, in.h(), in.w());
        Tensor raw = reusable(reuse == null ? null : reuse.raw(), maskShape);
        Tensor mask = reusable(reuse == null ? null : reuse.mask(), maskShape);
        boolean[] flat = new boolean[n];
        Parallel.forRange(n, 1, (a, b) -> {
            for (int i = a; i < b; i++) {
                int level = levels - 1;
                Tensor top = averaged.get(level);
                int topPlane = top.shape().plane();
                System.arraycopy(top.data(), i * topPlane, intermediate.get(level).data(), i * topPlane, topPlane);
                // the current map lives where it belongs (an intermediate mask, the raw mask) or, after a pool
                // stage, in scratch memory; each stage writes the next one there directly
                float[] m = intermediate.get(level).data();
                int mOff = i * topPlane;
                boolean misc = false; // which of two scratch slots holds the map after a pool stage
                for (int s = stages.size() - 1; s >= 0; s--) {
                    VbpPlan.Stage st = stages.get(s);
                    int plane = st.inputShape().plane();
                    float[] dst;
                    int dOff;
                    boolean product = s > 0 && stages.get(s - 1).isConv();
                    if (s == 0) {
                        dst = raw.data();
                        dOff = i * inPlane;
                    } else if (product) {
                        dst = intermediate.get(level - 1).data();
                        dOff = i * plane;
                    } else {
                        misc = !misc;
                        dst = Scratch.get(misc ? Scratch.Slot.MISC : Scratch.Slot.PHASE_GRAD, plane);
                        dOff = 0;
                    }
                    upscale(m, mOff, st.outputShape(), st.window(), st.inputShape(), dst, dOff);
                    if (product) {
                        level--;
                        float[] avg = averaged.get(level).data();
                        for (int q = 0; q < plane; q++) {
                            dst[dOff + q] *= avg[i * plane + q];
                        }
                    }
                    m = dst;
                    mOff = dOff;
                }
                flat[i] = normalize(raw.data(), i * inPlane, inPlane, mask.data());
            }
        });
        return new Explanation(plan, trace.input(), mask, raw, averaged, intermediate, flat);
    }

    /**
     * The explanation as an {@link Attribution} (method {@code "vbp"}): the normalized mask as its map, the
     * explanation itself as its {@link Attribution#details()}, and a note for every image whose mask is flat saying
     * why (a layer with every unit off, or values that are not finite).
     *
     * @param targets per image, the output the caller explains (VisualBackProp reads no output: it is recorded only)
     */
    public static Attribution attribution(Explanation e, int[] targets) {
        int n = e.size();
        String[] notes = new String[n];
        for (int i = 0; i < n; i++) {
            notes[i] = e.isFlat(i) ? flatReason(e, i) : null;
        }
        return new Attribution("vbp", e.mask(), new int[n], targets, Attribution.Reduction.SUM, null).withDetails(e).withNotes(notes);
    }

    /**
     * A normalized mask computed elsewhere (a compute device that was not asked for the details) as an
     * {@link Attribution} without details; flat masks get a note.
     *
     * @param mask {@code n x 1 x H x W}, not copied
     * @param flat per image: its raw mask was constant
     */
    public static Attribution maskAttribution(Tensor mask, boolean[] flat, int[] targets) {
        String[] notes = new String[flat.length];
        for (int i = 0; i < flat.length; i++) {
            notes[i] = flat[i] ? "the VisualBackProp mask is flat (some layer had every unit off, or values were not finite); "
                    + "its mask is all zeros" : null;
        }
        return new Attribution("vbp", mask, new int[flat.length], targets, Attribution.Reduction.SUM, null).withNotes(notes);
    }

    /** Why image {@code i}'s raw mask is constant. */
    private static String flatReason(Explanation e, int i) {
        Tensor raw = e.raw();
        int plane = raw.shape().plane();
        for (int q = 0; q < plane; q++) {
            if (!Float.isFinite(raw.data()[i * plane + q])) {
                return "the VisualBackProp mask is not finite (the input or the activations hold NaN or infinity); its mask is all zeros";
            }
        }
        List<Tensor> avg = e.averagedMaps();
        for (int l = 0; l < avg.size(); l++) {
            Tensor a = avg.get(l);
            int p = a.shape().plane();
            boolean off = true;
            for (int q = 0; q < p && off; q++) {
                off = a.data()[i * p + q] == 0f;
            }
            if (off) {
                return "the VisualBackProp mask is flat: every unit of " + e.levelNames().get(l) + " was off; its mask is all zeros";
            }
        }
        return "the VisualBackProp mask is flat (the same value at every pixel); its mask is all zeros";
    }

    /** {@code old} when it has shape {@code shape} (every value of it is overwritten), otherwise new zeros. */
    private static Tensor reusable(Tensor old, Shape shape) {
        return old != null && old.shape().equals(shape) ? old : Tensor.zeros(shape);
    }

    /**
     * The all-ones transposed convolution: {@code u(x) = sum of m(y) over output positions y whose window contains x},
     * from a map of {@code out}'s height and width to one of {@code in}'s. The all-ones kernel is separable, so it runs
     * as a pass along rows (each output column adds to the input columns its window covers) and a pass along columns
     * (each input row is the sum of the row-passed output rows whose windows cover it), parallel over rows.
     */
    static void upscale(float[] m, int mOff, Shape out, Window w, Shape in, float[] u, int uOff) {
        int ho = out.h();
        int wo = out.w();
        int hi = in.h();
        int wi = in.w();
        float[] r = Scratch.get(Scratch.Slot.TILE, ho * wi);
        Arrays.fill(r, 0, ho * wi, 0f);
        Arrays.fill(u, uOff, uOff + hi * wi, 0f);
        Parallel.forRange(ho, Math.max(16, (1 << 17) / Math.max(1, wi)), (a, b) -> {
            for (int oy = a; oy < b; oy++) {
                int ro = oy * wi;
                int mo = mOff + oy * wo;
                // kernel column outermost: for stride 1 the inner loop is a contiguous add the JIT vectorizes
                for (int kx = 0; kx < w.kernelW(); kx++) {
                    int shift = kx - w.padW();
                    int oxLo = Math.max(0, Math.floorDiv(-shift + w.strideW() - 1, w.strideW()));
                    int oxHi = Math.min(wo, Math.floorDiv(wi - 1 - shift, w.strideW()) + 1);
                    int base = ro + shift;
                    if (w.strideW() == 1) {
                        for (int ox = oxLo; ox < oxHi; ox++) {
                            r[base + ox] += m[mo + ox];
                        }
                    } else {
                        for (int ox = oxLo; ox < oxHi; ox++) {
                            r[base + ox * w.strideW()] += m[mo + ox];
                        }
                    }
                }
            }
        });
        Parallel.forRange(hi, Math.max(16, (1 << 17) / Math.max(1, wi)), (a, b) -> {
            for (int y = a; y < b; y++) {
                int uo = uOff + y * wi;
                int last = w.lastOutputH(y, ho);
                for (int oy = w.firstOutputH(y); oy <= last; oy++) {
                    int ro = oy * wi;
                    for (int x = 0; x < wi; x++) {
                        u[uo + x] += r[ro + x];
                    }
                }
            }
        });
    }

    /** Min-max normalization of {@code len} values from {@code off} into the same place of {@code dst}; returns true
     * when the map is constant or not finite (then all zeros: a mask of NaN would be silently wrong). */
    static boolean normalize(float[] m, int off, int len, float[] dst) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int q = off; q < off + len; q++) {
            min = Math.min(min, m[q]);
            max = Math.max(max, m[q]);
        }
        if (!(max > min) || !Float.isFinite(max - min)) {
            Arrays.fill(dst, off, off + len, 0f);
            return true;
        }
        float range = max - min;
        for (int q = off; q < off + len; q++) {
            dst[q] = (m[q] - min) / range;
        }
        return false;
    }

    /**
     * The raw mask of one image in any arithmetic (the same algorithm as {@link #explain}, for exact checks of
     * Theorem 1).
     *
     * @param activations for each conv stage of the plan, shallowest first, the ReLU output of that layer as
     *                    {@code f_l * h_l * w_l} values in channel, row, column order
     * @return the raw mask at input size, {@code H * W} values in row order
     */
    public static <T> T[] rawMask(VbpPlan plan, List<T[]> activations, Arithmetic<T> ar, IntFunction<T[]> newArray) {
        List<VbpPlan.Stage> stages = plan.stages();
        List<VbpPlan.Stage> convs = plan.convStages();
        if (activations.size() != convs.size()) {
            throw new ShapeException("need the activations of " + convs.size() + " conv layers, got " + activations.size());
        }
        List<T[]> averaged = new ArrayList<>();
        for (int l = 0; l < convs.size(); l++) {
            Shape o = convs.get(l).outputShape();
            T[] act = activations.get(l);
            if (act.length != o.sampleSize()) {
                throw new ShapeException("activations of " + convs.get(l).name() + " must have " + o.sampleSize()
                        + " values (" + o.describeSample() + "), got " + act.length);
            }
            int plane = o.plane();
            T[] avg = newArray.apply(plane);
            for (int q = 0; q < plane; q++) {
                T s = ar.zero();
                for (int c = 0; c < o.c(); c++) {
                    s = ar.add(s, act[c * plane + q]);
                }
                avg[q] = ar.divide(s, o.c());
            }
            averaged.add(avg);
        }
        int level = convs.size() - 1;
        T[] m = averaged.get(level);
        for (int s = stages.size() - 1; s >= 0; s--) {
            VbpPlan.Stage st = stages.get(s);
            Shape out = st.outputShape();
            Shape in = st.inputShape();
            Window w = st.window();
            T[] u = newArray.apply(in.plane());
            java.util.Arrays.fill(u, ar.zero());
            for (int oy = 0; oy < out.h(); oy++) {
                for (int ox = 0; ox < out.w(); ox++) {
                    T v = m[oy * out.w() + ox];
                    for (int ky = 0; ky < w.kernelH(); ky++) {
                        for (int kx = 0; kx < w.kernelW(); kx++) {
                            int y = w.inputStartH(oy) + ky;
                            int x = w.inputStartW(ox) + kx;
                            if (y >= 0 && y < in.h() && x >= 0 && x < in.w()) {
                                u[y * in.w() + x] = ar.add(u[y * in.w() + x], v);
                            }
                        }
                    }
                }
            }
            if (s > 0 && stages.get(s - 1).isConv()) {
                level--;
                T[] avg = averaged.get(level);
                for (int q = 0; q < u.length; q++) {
                    u[q] = ar.multiply(u[q], avg[q]);
                }
            }
            m = u;
        }
        return m;
    }
}
