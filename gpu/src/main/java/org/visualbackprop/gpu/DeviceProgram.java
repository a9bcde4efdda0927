package org.visualbackprop.gpu;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.visualbackprop.explain.UnsupportedNetworkException;
import org.visualbackprop.explain.Target;
import org.visualbackprop.explain.VbpPlan;
import org.visualbackprop.nn.BatchNorm2d;
import org.visualbackprop.nn.BatchNormFolding;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Dropout;
import org.visualbackprop.nn.Flatten;
import org.visualbackprop.nn.Layer;
import org.visualbackprop.nn.LogSoftmax;
import org.visualbackprop.nn.MaxPool2d;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.ReLU;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;

/**
 * A network compiled for {@link NetKernel}: the device operations of its forward pass (with the fusions), the
 * weights in the layouts the kernels read, and the launches of the forward pass, VisualBackProp and LRP-epsilon for
 * a batch size.
 *
 * <p>Fusions, all exact in evaluation mode: a BatchNorm directly before an unpadded Conv2d, or before a Dense
 * (through Flattens), is folded into that layer's weights and bias, by the same rule and the same arithmetic as
 * {@code Lrp}'s {@link org.visualbackprop.explain.Lrp.BatchNormRule#FOLD}, so the LRP steps use the very weights
 * the forward pass used; a ReLU after a Conv2d or Dense (Dropouts between are the identity) is applied in that
 * layer's kernel, which also writes the channel mean VisualBackProp reads; Flatten and Dropout are no-ops (the
 * layout is already flat). Other BatchNorms and ReLUs are operations of their own.
 *
 * <p>Not supported (the engine refuses the network, naming the layer): Tanh, a LogSoftmax that is not the last
 * layer, and layers core does not know. Only evaluation mode.
 */
final class DeviceProgram {
    /** The kinds of device operation of the forward pass. */
    enum Kind { INPUT, CONV, DENSE, POOL, AFFINE, RELU, LOGSOFTMAX }

    /** One forward operation; its output is region {@code out} (= its index in {@link #ops}). */
    static final class Op {
        final Kind kind;
        final String name;
        final int first;
        final int last;
        final int in;
        final int out;
        final Shape inShape;
        final Shape outShape;
        Window window;
        boolean relu;
        int meanLevel = -1;
        int foldedBatchNorm = -1;
        /** Forward weights and bias (or the affine's scale and shift). */
        int wOff;
        int bOff;
        /** The (folded) weights in the layout of the LRP step. */
        int lrpWOff;

        Op(Kind kind, String name, int first, int last, int in, int out, Shape inShape, Shape outShape) {
            this.kind = kind;
            this.name = name;
            this.first = first;
            this.last = last;
            this.in = in;
            this.out = out;
            this.inShape = inShape;
            this.outShape = outShape;
        }

        boolean isLinear() {
            return kind == Kind.CONV || kind == Kind.DENSE;
        }

        @Override
        public String toString() {
            return kind + " " + name + " " + inShape.describeSample() + " -> " + outShape.describeSample()
                    + (relu ? " +ReLU" : "") + (meanLevel >= 0 ? " +mean(level " + meanLevel + ")" : "")
                    + (foldedBatchNorm >= 0 ? " +folded BN" : "");
        }
    }

    /** One step of the LRP walk: the operation it goes back through and where its result goes. */
    record LrpStep(Op op, int zRegion, boolean toInput) {
    }

    final Network network;
    final List<Op> ops;
    final float[] params;
    final int outputRegion;
    final int scoresRegion;
    final int outputs;
    final VbpPlan plan;
    final String vbpError;
    final List<LrpStep> lrpSteps;
    final int scoreRegion;
    final int scoreZRegion;
    final String lrpError;
    /** The deepest VisualBackProp stages that run in one launch ({@link NetKernel#OP_VBP_FUSED}); 0 or at least 2. */
    final int fusedStages;

    /** A stage whose lower map has at most this many pixels per image may join the fused launch. */
    static final int FUSE_PIXELS = 16384;

    private DeviceProgram(Network network, List<Op> ops, float[] params, int outputRegion, int scoresRegion, VbpPlan plan,
                          String vbpError, List<LrpStep> lrpSteps, int scoreRegion, int scoreZRegion, String lrpError) {
        this.network = network;
        this.ops = List.copyOf(ops);
        this.params = params;
        this.outputRegion = outputRegion;
        this.scoresRegion = scoresRegion;
        this.outputs = ops.get(outputRegion).outShape.sampleSize();
        this.plan = plan;
        this.vbpError = vbpError;
        this.lrpSteps = lrpSteps;
        this.scoreRegion = scoreRegion;
        this.scoreZRegion = scoreZRegion;
        this.lrpError = lrpError;
        int fused = 0;
        if (plan != null) {
            List<VbpPlan.Stage> st = plan.stages();
            for (int k = st.size() - 1; k >= 1 && st.get(k).inputShape().plane() <= FUSE_PIXELS; k--) {
                fused++;
            }
        }
        this.fusedStages = fused >= 2 ? fused : 0;
    }

    /** Grows a float list without boxing. */
    private static final class Floats {
        float[] a = new float[1024];
        int n;

        int add(float[] v) {
            int at = n;
            if (n + v.length > a.length) {
                a = java.util.Arrays.copyOf(a, Math.max(a.length * 2, n + v.length));
            }
            System.arraycopy(v, 0, a, n, v.length);
            n += v.length;
            return at;
        }

        float[] toArray() {
            return java.util.Arrays.copyOf(a, Math.max(1, n));
        }
    }

    /**
     * Which BatchNorms are folded into the next layer: exactly {@code Lrp}'s FOLD rule (directly before an unpadded
     * Conv2d, or before a Dense through Flattens).
     */
    static boolean[] foldable(Network net) {
        return BatchNormFolding.foldable(net, net.size() - 1);
    }

    /**
     * The weights and bias of linear layer {@code layer} with BatchNorm {@code bn} (or -1) folded in, with the same
     * arithmetic as {@code Lrp}: {@code W' = W * scale[c_in]}, {@code b' = b + sum W * shift[c_in]} (in double).
     *
     * @return {@code {weights [out][in...], bias [out]}}
     */
    static float[][] folded(Network net, int layer, int bn, Shape bnInput) {
        Layer l = net.layer(layer);
        if (bn < 0) {
            return BatchNormFolding.unfolded(l);
        }
        float[][] affine = ((BatchNorm2d) net.layer(bn)).evalAffine();
        return BatchNormFolding.fold(l, affine[0], affine[1], bnInput == null ? 1 : bnInput.plane());
    }

    /**
     * Compiles a network.
     *
     * @throws UnsupportedNetworkException naming the first layer the kernels do not cover
     */
    static DeviceProgram compile(Network net) {
        List<Shape> shapes = net.shapes(1);
        boolean[] fold = foldable(net);
        Map<Integer, Integer> mapLevel = new HashMap<>();
        VbpPlan plan = null;
        String vbpError = null;
        try {
            plan = VbpPlan.of(net);
            List<VbpPlan.Stage> convs = plan.convStages();
            for (int l = 0; l < convs.size(); l++) {
                mapLevel.put(convs.get(l).mapLayer(), l);
            }
        } catch (UnsupportedNetworkException e) {
            vbpError = e.getMessage();
        }
        List<Op> ops = new ArrayList<>();
        Floats params = new Floats();
        int[] regionOfLayer = new int[net.size()];
        java.util.Arrays.fill(regionOfLayer, -1);
        ops.add(new Op(Kind.INPUT, "input", -1, -1, -1, 0, net.inputShape(), net.inputShape()));
        int cur = 0;
        int pendingBn = -1;
        int scoresRegion = -1;
        for (int i = 0; i < net.size(); i++) {
            Layer l = net.layer(i);
            Shape in = ops.get(cur).outShape;
            if (l instanceof BatchNorm2d) {
                if (fold[i]) {
                    pendingBn = i;
                } else {
                    float[][] a = ((BatchNorm2d) l).evalAffine();
                    Op op = new Op(Kind.AFFINE, net.name(i), i, i, cur, ops.size(), in, shapes.get(i));
                    op.wOff = params.add(a[0]);
                    op.bOff = params.add(a[1]);
                    ops.add(op);
                    cur = op.out;
                    regionOfLayer[i] = cur;
                }
            } else if (l instanceof Flatten || l instanceof Dropout) {
                regionOfLayer[i] = pendingBn >= 0 ? -1 : cur;
            } else if (l instanceof Conv2d || l instanceof Dense) {
                int last = i;
                int j = i + 1;
                while (j < net.size() && net.layer(j) instanceof Dropout) {
                    j++;
                }
                boolean relu = j < net.size() && net.layer(j) instanceof ReLU;
                if (relu) {
                    last = j;
                }
                boolean conv = l instanceof Conv2d;
                Op op = new Op(conv ? Kind.CONV : Kind.DENSE, net.name(i) + (relu ? "+" + net.name(j) : ""), i, last,
                        cur, ops.size(), in, shapes.get(last));
                op.relu = relu;
                op.foldedBatchNorm = pendingBn;
                Shape bnInput = pendingBn >= 0 ? (pendingBn == 0 ? net.inputShape() : shapes.get(pendingBn - 1)) : null;
                float[][] wb = folded(net, i, pendingBn, bnInput);
                pendingBn = -1;
                if (conv) {
                    Conv2d c = (Conv2d) l;
                    op.window = c.window();
                    layoutConv(op, c.inChannels(), c.outChannels(), c.window(), wb, params);
                } else {
                    Dense d = (Dense) l;
                    layoutDense(op, d.inFeatures(), d.outFeatures(), wb, params);
                }
                if (relu && mapLevel.containsKey(last)) {
                    op.meanLevel = mapLevel.get(last);
                }
                ops.add(op);
                cur = op.out;
                for (int k = i; k <= last; k++) {
                    regionOfLayer[k] = relu && k < last ? -1 : cur;
                }
                regionOfLayer[last] = cur;
                i = last;
            } else if (l instanceof ReLU) {
                Op op = new Op(Kind.RELU, net.name(i), i, i, cur, ops.size(), in, shapes.get(i));
                op.meanLevel = mapLevel.getOrDefault(i, -1);
                ops.add(op);
                cur = op.out;
                regionOfLayer[i] = cur;
            } else if (l instanceof MaxPool2d) {
                Op op = new Op(Kind.POOL, net.name(i), i, i, cur, ops.size(), in, shapes.get(i));
                op.window = l.window();
                ops.add(op);
                cur = op.out;
                regionOfLayer[i] = cur;
            } else if (l instanceof LogSoftmax) {
                if (i != net.size() - 1) {
                    throw new UnsupportedNetworkException("the OpenCL kernels support LogSoftmax only as the last layer; "
                            + net.name(i) + " is followed by " + net.name(i + 1));
                }
                Op op = new Op(Kind.LOGSOFTMAX, net.name(i), i, i, cur, ops.size(), in, shapes.get(i));
                scoresRegion = cur;
                ops.add(op);
                cur = op.out;
                regionOfLayer[i] = cur;
            } else {
                throw new UnsupportedNetworkException("the OpenCL kernels have no operation for " + net.name(i)
                        + " (" + l.kind() + "); supported: Conv2d, Dense, BatchNorm2d, ReLU, MaxPool2d, Flatten, Dropout "
                        + "and a final LogSoftmax");
            }
        }
        if (pendingBn >= 0) {
            throw new IllegalStateException("BatchNorm " + net.name(pendingBn) + " was marked for folding but nothing took it");
        }
        if (plan != null) {
            for (int l = 0; l < plan.convCount(); l++) {
                boolean found = false;
                for (Op op : ops) {
                    found |= op.meanLevel == l;
                }
                if (!found) {
                    throw new IllegalStateException("no device operation computes the averaged map of "
                            + plan.convStages().get(l).name());
                }
            }
        }
        // the LRP walk, from the score layer down (Lrp.attribute)
        int scoreLayer = Target.scoreLayer(net);
        int scoreRegion = regionOfLayer[scoreLayer];
        List<LrpStep> steps = new ArrayList<>();
        String lrpError = null;
        int scoreZ = -1;
        if (scoreRegion < 0) {
            lrpError = "the score layer " + net.name(scoreLayer) + " has no output of its own on the device";
        } else {
            scoreZ = linearBelow(ops, scoreRegion);
            int r = scoreRegion;
            while (true) {
                Op op = ops.get(r);
                if (op.kind == Kind.INPUT) {
                    break;
                }
                if (op.kind == Kind.RELU) {
                    r = op.in;
                    continue;
                }
                if (op.kind == Kind.LOGSOFTMAX) {
                    lrpError = "LogSoftmax below the score layer";
                    break;
                }
                boolean toInput = reachesInput(ops, op.in);
                steps.add(new LrpStep(op, toInput ? -1 : linearBelow(ops, op.in), toInput));
                if (toInput) {
                    break;
                }
                r = op.in;
            }
            if (lrpError == null && steps.isEmpty()) {
                lrpError = "LRP needs at least one Conv2d, Dense, MaxPool2d or BatchNorm2d below the score layer";
            }
        }
        return new DeviceProgram(net, ops, params.toArray(), cur, scoresRegion, plan, vbpError, List.copyOf(steps),
                scoreRegion, scoreZ, lrpError);
    }

    /** The region holding z of the nearest linear operation below region r through ReLU operations, or -1. */
    static int linearBelow(List<Op> ops, int r) {
        Op op = ops.get(r);
        while (op.kind == Kind.RELU) {
            op = ops.get(op.in);
        }
        return op.isLinear() ? op.out : -1;
    }

    /** True when region r is the input, possibly through ReLU operations. */
    static boolean reachesInput(List<Op> ops, int r) {
        Op op = ops.get(r);
        while (op.kind == Kind.RELU) {
            op = ops.get(op.in);
        }
        return op.kind == Kind.INPUT;
    }

    /**
     * Conv weights for the forward kernel, {@code [group][cin][kh][kw][8]} (output channels in blocks of 8, padded with
     * zeros), the bias padded to whole blocks, and for the LRP step {@code [cin block][cout][kh][kw][8]}.
     */
    private static void layoutConv(Op op, int cin, int cout, Window w, float[][] wb, Floats params) {
        int taps = w.area();
        int groups = (cout + 7) / 8;
        float[] fw = new float[groups * cin * taps * 8];
        float[] src = wb[0];
        for (int co = 0; co < cout; co++) {
            int g = co / 8;
            int j = co % 8;
            for (int ci = 0; ci < cin; ci++) {
                for (int t = 0; t < taps; t++) {
                    fw[((g * cin + ci) * taps + t) * 8 + j] = src[(co * cin + ci) * taps + t];
                }
            }
        }
        float[] bias = new float[groups * 8];
        System.arraycopy(wb[1], 0, bias, 0, cout);
        int cgroups = (cin + 7) / 8;
        float[] lw = new float[cgroups * cout * taps * 8];
        for (int co = 0; co < cout; co++) {
            for (int ci = 0; ci < cin; ci++) {
                int cg = ci / 8;
                int j = ci % 8;
                for (int t = 0; t < taps; t++) {
                    lw[((cg * cout + co) * taps + t) * 8 + j] = src[(co * cin + ci) * taps + t];
                }
            }
        }
        op.wOff = params.add(fw);
        op.bOff = params.add(bias);
        op.lrpWOff = params.add(lw);
    }

    /** Dense weights transposed ({@code [in][out]}) for the forward kernel, as they are ({@code [out][in]}) for LRP. */
    private static void layoutDense(Op op, int in, int out, float[][] wb, Floats params) {
        float[] t = new float[in * out];
        float[] w = wb[0];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                t[i * out + o] = w[o * in + i];
            }
        }
        op.wOff = params.add(t);
        op.bOff = params.add(wb[1]);
        op.lrpWOff = params.add(w);
    }

    /**
     * Work-group sizes that suit the device and the compiled kernel, and the way convolutions split their work.
     *
     * @param simple   work-group size of element-wise operations
     * @param conv     largest work group of the blocked convolution
     * @param reduce   work-group size (a power of two) of the operations that reduce in local memory
     * @param convRows whether convolutions use the barrier-free one-pixel-per-work-item split (CPU devices)
     */
    record Limits(int simple, int conv, int reduce, boolean convRows) {
        /** From the kernel's maximum work-group size, the blocked convolution. */
        static Limits of(int kernelMax) {
            return of(kernelMax, false);
        }

        /** From the kernel's maximum work-group size. */
        static Limits of(int kernelMax, boolean convRows) {
            int m = Math.max(1, Math.min(256, kernelMax));
            int pow2 = Integer.highestOneBit(m);
            return new Limits(Math.min(128, pow2), Math.min(m, NetKernel.LOCAL_FLOATS / 4), pow2, convRows);
        }
    }

    /**
     * Offsets into {@link NetKernel#work} of every region for a capacity (the largest batch the arrays hold): the
     * activations of each operation, the averaged map of each conv level, the map at the output of each VisualBackProp
     * stage (the intermediate masks, and scratch below pooling stages), the raw masks, two relevance levels, LRP's
     * group maxima, scales and exponents.
     */
    final class Layout {
        final int capacity;
        final int[] regionBase;
        final int[] meanBase;
        final int[] interBase;
        final int rawOff;
        final long used;
        final int workSize;
        /** Offsets into {@link NetKernel#lrp}. */
        final int relA;
        final int relB;
        final int partOff;
        final int sclOff;
        final int expoOff;
        final long lrpUsed;
        final int lrpSize;

        Layout(int capacity, Limits limits) {
            this.capacity = capacity;
            long a = 0;
            regionBase = new int[ops.size()];
            for (Op op : ops) {
                regionBase[op.out] = (int) a;
                a = check(a + (long) capacity * op.outShape.sampleSize());
            }
            int levels = plan == null ? 0 : plan.convCount();
            int stageCount = plan == null ? 0 : plan.stages().size();
            meanBase = new int[levels];
            interBase = new int[stageCount];
            if (plan != null) {
                List<VbpPlan.Stage> convs = plan.convStages();
                for (int l = 0; l < levels; l++) {
                    meanBase[l] = (int) a;
                    a = check(a + (long) capacity * convs.get(l).outputShape().plane());
                }
                for (int k = 0; k < stageCount; k++) {
                    interBase[k] = (int) a;
                    a = check(a + (long) capacity * plan.stages().get(k).outputShape().plane());
                }
            }
            rawOff = (int) a;
            a = check(a + (long) capacity * network.inputShape().plane());
            used = a;
            workSize = (int) Math.max(a, NetKernel.MIN_WORK_FLOATS);
            // the relevance levels alternate between two buffers, each as large as the largest level it holds
            int[] level = levelSizes();
            int maxA = 1;
            int maxB = 1;
            for (int k = 0; k < level.length; k++) {
                if (k % 2 == 0) {
                    maxA = Math.max(maxA, level[k]);
                } else {
                    maxB = Math.max(maxB, level[k]);
                }
            }
            long b = 0;
            relA = 0;
            b = check(b + (long) capacity * maxA);
            relB = (int) b;
            b = check(b + (long) capacity * maxB);
            int gpsMax = 1;
            for (LrpStep st : lrpSteps) {
                gpsMax = Math.max(gpsMax, gps(st, limits));
            }
            partOff = (int) b;
            b = check(b + (long) capacity * gpsMax);
            sclOff = (int) b;
            b = check(b + capacity);
            expoOff = (int) b;
            b = check(b + capacity);
            lrpUsed = b;
            lrpSize = (int) Math.max(b, NetKernel.MIN_WORK_FLOATS);
            vbpMeta = new int[Math.max(1, fusedStages * NetKernel.STAGE_INTS)];
            if (fusedStages > 0) {
                List<VbpPlan.Stage> stages = plan.stages();
                int[] levelOfStage = levelsOfStages();
                int m = 0;
                for (int k = stages.size() - 1; k >= stages.size() - fusedStages; k--) {
                    VbpPlan.Stage st = stages.get(k);
                    Window w = st.window();
                    int[] d = {st.outputShape().h(), st.outputShape().w(), st.inputShape().h(), st.inputShape().w(),
                        w.kernelH(), w.kernelW(), w.strideH(), w.strideW(), w.padH(), w.padW(),
                        k == stages.size() - 1 ? meanBase[levelOfStage[k]] : interBase[k],
                        stages.get(k - 1).isConv() ? meanBase[levelOfStage[k - 1]] : -1, interBase[k - 1]};
                    System.arraycopy(d, 0, vbpMeta, m, d.length);
                    m += d.length;
                }
            }
        }

        /** Stage descriptors of the fused VisualBackProp launch ({@link NetKernel#meta}). */
        final int[] vbpMeta;

        /** Bytes on the device: the work and LRP arrays, the outputs and the weights. */
        long bytes() {
            long details = plan == null ? 0 : vbpDetailSize(capacity);
            return 4L * workSize + 4L * lrpSize + 4L * details + 4L * params.length
                    + 4L * capacity * (2L * outputs + 2L * network.inputShape().sampleSize() + network.inputShape().plane() + 3);
        }

        private long check(long size) {
            if (size > MAX_ARRAY_FLOATS) {
                throw new IllegalArgumentException("a batch of " + capacity + " needs " + size
                        + " floats of device memory, more than one Java array holds: use smaller batches");
            }
            return size;
        }
    }

    /** The most floats one array may hold: Aparapi counts a buffer's bytes in an {@code int}. */
    static final long MAX_ARRAY_FLOATS = (Integer.MAX_VALUE - 64L) / 4;

    /** Relevance floats per image of each level of the LRP walk, the score level first. */
    int[] levelSizes() {
        if (lrpError != null) {
            return new int[0];
        }
        int[] s = new int[lrpSteps.size() + 1];
        s[0] = ops.get(scoreRegion).outShape.sampleSize();
        for (int k = 0; k < lrpSteps.size(); k++) {
            s[k + 1] = lrpSteps.get(k).toInput() ? 0 : lrpSteps.get(k).op().inShape.sampleSize();
        }
        return s;
    }

    /** Bytes per image of the device arrays, not counting the fixed minimum (for the capacity limit). */
    long bytesPerImage(Limits limits) {
        Layout one = new Layout(1, limits);
        return 4L * (one.used + one.lrpUsed) + one.bytes() - 4L * (one.workSize + one.lrpSize) - 4L * params.length;
    }

    /** The largest batch whose work and LRP arrays each fit one Aparapi buffer. */
    int capacityByArrays(Limits limits) {
        Layout one = new Layout(1, limits);
        return (int) Math.max(1, Math.min(MAX_ARRAY_FLOATS / Math.max(1, one.used), MAX_ARRAY_FLOATS / Math.max(1, one.lrpUsed)));
    }

    /** Work items per sample of an LRP step, and so its groups per sample for a work-group size. */
    static int lrpItems(LrpStep st) {
        Op op = st.op();
        Shape in = op.inShape;
        return switch (op.kind) {
            case CONV -> (in.c() + 7) / 8 * in.plane();
            case DENSE -> in.sampleSize();
            default -> in.sampleSize();
        };
    }

    static int gps(LrpStep st, Limits limits) {
        return (lrpItems(st) + limits.reduce() - 1) / limits.reduce();
    }

    // ---------------------------------------------------------------- launches

    /** The forward pass for a batch of {@code n}: copy in, every operation, copy the output to {@code pred}. */
    List<Launch> forward(int n, Layout lay, Limits lim) {
        List<Launch> out = new ArrayList<>();
        for (Op op : ops) {
            Launch la;
            int inOff = op.kind == Kind.INPUT ? 0 : lay.regionBase[op.in];
            int outOff = lay.regionBase[op.out];
            Shape i = op.inShape;
            Shape o = op.outShape;
            switch (op.kind) {
                case INPUT -> {
                    la = new Launch(NetKernel.OP_COPY_INPUT, "input");
                    la.count = n * i.sampleSize();
                    la.items(la.count, lim.simple());
                }
                case CONV -> {
                    la = new Launch(NetKernel.OP_CONV, op.name).window(op.window);
                    setShapes(la, i, o);
                    la.groups = (o.c() + 7) / 8;
                    if (lim.convRows()) {
                        la.tileT = 0;
                        la.items2D(o.w(), Math.min(lim.simple(), Integer.highestOneBit(Math.max(1, o.w()))), n * o.h());
                    } else {
                        la.tileT = Math.max(1, lim.conv() / la.groups);
                        int local = la.tileT * la.groups;
                        la.tiles = (o.plane() + 4 * la.tileT - 1) / (4 * la.tileT);
                        la.groups(n * la.tiles, local);
                    }
                    la.relu = op.relu ? 1 : 0;
                    la.invC = 1f / o.c();
                }
                case DENSE -> {
                    la = new Launch(NetKernel.OP_DENSE, op.name);
                    la.cin = i.sampleSize();
                    la.cout = o.sampleSize();
                    la.relu = op.relu ? 1 : 0;
                    la.items((n + 3) / 4 * la.cout, lim.simple());
                }
                case POOL -> {
                    la = new Launch(NetKernel.OP_POOL, op.name).window(op.window);
                    setShapes(la, i, o);
                    la.count = n * o.sampleSize();
                    la.items(la.count, lim.simple());
                }
                case AFFINE -> {
                    la = new Launch(NetKernel.OP_AFFINE, op.name);
                    setShapes(la, i, o);
                    la.count = n * i.sampleSize();
                    la.items(la.count, lim.simple());
                }
                case RELU -> {
                    la = new Launch(NetKernel.OP_RELU, op.name);
                    setShapes(la, i, o);
                    la.invC = 1f / i.c();
                    la.items(n * i.plane(), lim.simple());
                }
                case LOGSOFTMAX -> {
                    la = new Launch(NetKernel.OP_LOGSOFTMAX, op.name);
                    la.cin = i.sampleSize();
                    la.items(n, lim.simple());
                }
                default -> throw new IllegalStateException(op.kind.toString());
            }
            la.batch = n;
            la.inOff = inOff;
            la.outOff = outOff;
            la.wOff = op.wOff;
            la.bOff = op.bOff;
            if (op.meanLevel >= 0) {
                la.meanOff = lay.meanBase[op.meanLevel];
            }
            out.add(la);
        }
        // the predictions (and the scores below a final LogSoftmax) go to pred: written by the layer that computes them
        // when it is a Dense or the LogSoftmax, else copied by one more launch
        Kind last = ops.get(outputRegion).kind;
        boolean direct = (last == Kind.DENSE || last == Kind.LOGSOFTMAX)
                && (scoresRegion < 0 || ops.get(scoresRegion).kind == Kind.DENSE);
        if (direct) {
            out.get(outputRegion).predOff = 0;
            if (scoresRegion >= 0) {
                out.get(scoresRegion).predOff = n * outputs;
            }
        } else {
            Launch o = new Launch(NetKernel.OP_OUTPUT, "output");
            o.count = n * outputs;
            o.inOff = lay.regionBase[outputRegion];
            o.aOff = scoresRegion >= 0 ? lay.regionBase[scoresRegion] : -1;
            o.items(o.count, lim.simple());
            out.add(o);
        }
        return out;
    }

    private static void setShapes(Launch la, Shape i, Shape o) {
        la.cin = i.c();
        la.inH = i.h();
        la.inW = i.w();
        la.cout = o.c();
        la.outH = o.h();
        la.outW = o.w();
    }

    /** VisualBackProp for a batch of {@code n}: one up-scaling per stage, deepest first, then the normalization. */
    List<Launch> vbp(int n, Layout lay, Limits lim) {
        if (plan == null) {
            throw new UnsupportedNetworkException(vbpError);
        }
        List<VbpPlan.Stage> stages = plan.stages();
        List<Launch> out = new ArrayList<>();
        int[] levelOfStage = levelsOfStages();
        if (fusedStages > 0) {
            Launch f = new Launch(NetKernel.OP_VBP_FUSED, "vbp " + stages.get(stages.size() - 1).name() + ".."
                    + stages.get(stages.size() - fusedStages).name());
            f.count = fusedStages;
            f.srcOff = 0;
            f.batch = n;
            f.groups(n, lim.reduce());
            out.add(f);
        }
        for (int s = stages.size() - 1 - fusedStages; s >= 0; s--) {
            VbpPlan.Stage st = stages.get(s);
            Launch la = new Launch(NetKernel.OP_VBP_UP, "vbp " + st.name()).window(st.window());
            Shape up = st.outputShape();
            Shape low = st.inputShape();
            la.outH = up.h();
            la.outW = up.w();
            la.inH = low.h();
            la.inW = low.w();
            la.srcOff = s == stages.size() - 1 ? lay.meanBase[levelOfStage[s]] : lay.interBase[s];
            if (s == 0) {
                la.outOff = lay.rawOff;
            } else {
                la.outOff = lay.interBase[s - 1];
                if (stages.get(s - 1).isConv()) {
                    la.aOff = lay.meanBase[levelOfStage[s - 1]];
                }
            }
            la.count = n * low.plane();
            la.batch = n;
            la.items(la.count, lim.simple());
            out.add(la);
        }
        Launch norm = new Launch(NetKernel.OP_VBP_NORM, "vbp normalize");
        norm.inH = network.inputShape().h();
        norm.inW = network.inputShape().w();
        norm.batch = n;
        norm.rawOff = lay.rawOff;
        norm.groups(n, lim.reduce());
        out.add(norm);
        return out;
    }

    /** For each VisualBackProp stage, its conv level, or -1 for a pooling stage. */
    int[] levelsOfStages() {
        List<VbpPlan.Stage> stages = plan.stages();
        int[] levelOfStage = new int[stages.size()];
        int level = 0;
        for (int s = 0; s < stages.size(); s++) {
            levelOfStage[s] = stages.get(s).isConv() ? level++ : -1;
        }
        return levelOfStage;
    }

    /** LRP-epsilon for a batch of {@code n}: start, then per step the step and (but after the last) the new scale. */
    List<Launch> lrp(int n, Layout lay, Limits lim, float eps) {
        if (lrpError != null) {
            throw new UnsupportedNetworkException("LRP on the OpenCL kernels: " + lrpError);
        }
        List<Launch> out = new ArrayList<>();
        int levelA = lay.relA;
        int levelB = lay.relB;
        Launch init = new Launch(NetKernel.OP_LRP_INIT, "lrp start");
        init.count = n * outputsAt(scoreRegion);
        init.cout = outputsAt(scoreRegion);
        init.aOff = lay.regionBase[scoreRegion];
        init.zOff = scoreZRegion >= 0 ? lay.regionBase[scoreZRegion] : -1;
        init.outOff = levelA;
        init.eps = eps;
        init.batch = n;
        init.items(init.count, lim.simple());
        out.add(init);
        out.add(exp(n, 1, lim));
        int src = levelA;
        int dst = levelB;
        for (LrpStep st : lrpSteps) {
            Op op = st.op();
            Launch la;
            switch (op.kind) {
                case CONV -> la = new Launch(NetKernel.OP_LRP_CONV, "lrp " + op.name).window(op.window);
                case DENSE -> la = new Launch(NetKernel.OP_LRP_DENSE, "lrp " + op.name);
                case POOL -> la = new Launch(NetKernel.OP_LRP_POOL, "lrp " + op.name).window(op.window);
                case AFFINE -> la = new Launch(NetKernel.OP_LRP_AFFINE, "lrp " + op.name);
                default -> throw new IllegalStateException(op.kind.toString());
            }
            setShapes(la, op.inShape, op.outShape);
            if (op.kind == Kind.DENSE) {
                la.cin = op.inShape.sampleSize();
                la.cout = op.outShape.sampleSize();
            }
            la.batch = n;
            la.srcOff = src;
            la.aOff = lay.regionBase[op.in];
            la.inOff = lay.regionBase[op.out];
            la.wOff = op.kind == Kind.AFFINE ? op.wOff : op.lrpWOff;
            la.zOff = st.zRegion() >= 0 ? lay.regionBase[st.zRegion()] : -1;
            la.dst = st.toInput() ? 1 : 0;
            la.outOff = dst;
            la.eps = eps;
            la.gps = gps(st, lim);
            la.groups(n * la.gps, lim.reduce());
            out.add(la);
            if (!st.toInput()) {
                out.add(exp(n, la.gps, lim));
            }
            int t = src;
            src = dst;
            dst = t;
        }
        for (Launch la : out) {
            la.partOff = lay.partOff;
            la.sclOff = lay.sclOff;
            la.expoOff = lay.expoOff;
        }
        return out;
    }

    /**
     * Copies for download into {@link NetKernel#detail}: per conv level its averaged map and its intermediate mask
     * (the deepest level's intermediate mask is its averaged map), then the raw masks. The offsets match
     * {@link #unpackDetails}; {@link #vbpDetailSize} floats in all.
     */
    List<Launch> vbpDetails(int n, Layout lay, Limits lim) {
        List<Launch> out = new ArrayList<>();
        int at = 0;
        List<VbpPlan.Stage> stages = plan.stages();
        int level = 0;
        for (int s = 0; s < stages.size(); s++) {
            VbpPlan.Stage st = stages.get(s);
            if (!st.isConv()) {
                continue;
            }
            int size = n * st.outputShape().plane();
            out.add(copyOut("averaged " + st.name(), lay.meanBase[level], at, size, lim));
            at += size;
            int src = s == stages.size() - 1 ? lay.meanBase[level] : lay.interBase[s];
            out.add(copyOut("intermediate " + st.name(), src, at, size, lim));
            at += size;
            level++;
        }
        int size = n * network.inputShape().plane();
        out.add(copyOut("raw", lay.rawOff, at, size, lim));
        return out;
    }

    /** Floats {@link #vbpDetails} writes for a batch of n. */
    int vbpDetailSize(int n) {
        long s = (long) n * network.inputShape().plane();
        for (VbpPlan.Stage st : plan.convStages()) {
            s += 2L * n * st.outputShape().plane();
        }
        if (s > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the VisualBackProp maps of " + n + " images do not fit one array: use smaller batches");
        }
        return (int) s;
    }

    /** Copies LRP's exponents after the input relevance in {@link NetKernel#relIn}. */
    Launch lrpExponents(int n, Layout lay, Limits lim) {
        Launch c = copyOut("exponents", lay.expoOff, n * network.inputShape().sampleSize(), n, lim);
        c.src = 1;
        c.dst = 1;
        return c;
    }

    private static Launch copyOut(String what, int from, int to, int count, Limits lim) {
        Launch c = new Launch(NetKernel.OP_COPY_OUT, "copy " + what);
        c.srcOff = from;
        c.outOff = to;
        c.count = count;
        c.items(count, lim.simple());
        return c;
    }

    /** The VisualBackProp details of a batch: averaged maps and intermediate masks per level, raw masks. */
    record Unpacked(List<Tensor> averaged, List<Tensor> intermediate, Tensor raw) {
    }

    /** Splits the downloaded detail array (see {@link #vbpDetails}). */
    Unpacked unpackDetails(float[] d, int n) {
        List<Tensor> avg = new ArrayList<>();
        List<Tensor> inter = new ArrayList<>();
        int at = 0;
        for (VbpPlan.Stage st : plan.convStages()) {
            Shape o = st.outputShape();
            Shape ms = new Shape(n, 1, o.h(), o.w());
            int size = ms.size();
            avg.add(Tensor.wrap(ms, Arrays.copyOfRange(d, at, at + size)));
            at += size;
            inter.add(Tensor.wrap(ms, Arrays.copyOfRange(d, at, at + size)));
            at += size;
        }
        Shape in = network.inputShape();
        Shape rs = new Shape(n, 1, in.h(), in.w());
        Tensor raw = Tensor.wrap(rs, Arrays.copyOfRange(d, at, at + rs.size()));
        return new Unpacked(avg, inter, raw);
    }

    private int outputsAt(int region) {
        return ops.get(region).outShape.sampleSize();
    }

    private static Launch exp(int n, int gps, Limits lim) {
        Launch e = new Launch(NetKernel.OP_LRP_EXP, "lrp scale");
        e.gps = gps;
        e.batch = n;
        e.groups(n, lim.reduce());
        return e;
    }
}
