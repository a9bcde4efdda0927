package org.visualbackprop.gpu;

import com.aparapi.device.OpenCLDevice;
import com.aparapi.exception.CompileFailedException;
import com.aparapi.exception.QueryFailedException;
import com.aparapi.internal.kernel.KernelManager;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.visualbackprop.engine.DeviceInfo;
import org.visualbackprop.engine.DeviceUnavailableException;
import org.visualbackprop.engine.InferenceEngine;
import org.visualbackprop.engine.Request;
import org.visualbackprop.engine.Result;
import org.visualbackprop.explain.Attribution;
import org.visualbackprop.explain.Explanation;
import org.visualbackprop.explain.Lrp;
import org.visualbackprop.explain.Target;
import org.visualbackprop.explain.VisualBackProp;
import org.visualbackprop.explain.UnsupportedNetworkException;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/**
 * One network on one OpenCL device through {@link NetKernel}. A batch is uploaded once; every layer, the
 * VisualBackProp path and LRP-epsilon run on the device; the predictions, masks and relevance come back once each.
 *
 * <p>Launch counts for NetSVF: forward 14 (the input copy, 10 fused conv layers, 3 dense layers, the last of which
 * also writes the predictions for download), VisualBackProp 6 (the 6 deepest stages in one launch, the 4 others, the
 * normalization), LRP-epsilon 27 (a start and per linear layer a step and a rescale). Every launch is checked to have run on OpenCL: Aparapi falls back to Java threads when a device
 * fails, and that must not pass unnoticed.
 *
 * <p>Not thread-safe. {@link #close()} frees the device buffers ({@code dispose()}).
 */
final class OpenClEngine implements InferenceEngine {
    private final Network network;
    private final DeviceInfo info;
    private final OpenCLDevice device;
    private final DeviceProgram program;
    private final NetKernel kernel;
    private final DeviceProgram.Limits limits;
    private final int capacityLimit;
    private DeviceProgram.Layout layout;
    /** Launch lists for {@link #planned} images. */
    private int planned;
    private List<Launch> forwardLaunches;
    private List<Launch> vbpLaunches;
    private List<Launch> vbpDetailLaunches;
    private List<Launch> lrpLaunches;
    private float lrpEps = Float.NaN;
    private Launch exponentLaunch;
    /** Images of the forward pass whose activations are on the device (0: none). */
    private int kept;
    private Tensor keptPredictions;
    private Tensor keptScores;
    private Tensor keptInput;
    private boolean closed;

    OpenClEngine(Network network, OpenClDevices.Found found) {
        this.network = network;
        this.info = found.info();
        this.device = found.device();
        this.program = DeviceProgram.compile(network);
        this.kernel = new NetKernel();
        // On failure the kernel is not disposed: Aparapi 3.0.2 crashes (frees uninitialized memory) when a kernel that
        // never ran on OpenCL is disposed, and a leak of a failed kernel is the smaller harm.
        try {
            kernel.setExplicit(true);
            KernelManager.instance().setPreferredDevices(kernel, new LinkedHashSet<>(List.of(device)));
            kernel.params = program.params;
            kernel.compile(device);
            int max;
            try {
                max = kernel.getKernelMaxWorkGroupSize(device);
            } catch (QueryFailedException e) {
                max = device.getMaxWorkGroupSize();
            }
            limits = DeviceProgram.Limits.of(Math.min(max, device.getMaxWorkGroupSize()), convRows(info));
            capacityLimit = capacity(program, limits, device);
            // One launch that does nothing, so that close() may dispose the kernel (see above), and so that a kernel that
            // does not run on OpenCL is found now rather than at the first batch.
            Launch nothing = new Launch(NetKernel.OP_COPY_OUT, "first launch");
            nothing.items(1, 1);
            kernel.put(kernel.params);
            execute(nothing);
        } catch (CompileFailedException e) {
            throw new DeviceUnavailableException("the OpenCL compiler of " + info.describe() + " failed on the kernels: "
                    + e.getMessage(), e);
        } catch (IllegalStateException e) {
            throw new DeviceUnavailableException(e.getMessage(), e);
        }
    }

    /**
     * Whether convolutions run blocked, 4 pixels by 8 channels per work item (the default), or one pixel per work item
     * without barriers ({@code -Dvbp.opencl.conv=rows}). On PoCL (2 cores, 2026-11-28) the blocked split ran NetSVF's
     * forward pass, VisualBackProp and LRP in 360 ms of CPU time per image against 490-615 ms for rows: inside the
     * one large kernel PoCL vectorizes neither well, and the blocked one does more work per load.
     */
    static boolean convRows(DeviceInfo info) {
        String p = System.getProperty("vbp.opencl.conv", "blocked").trim();
        return switch (p) {
            case "rows" -> true;
            case "blocked", "" -> false;
            default -> throw new IllegalArgumentException("system property vbp.opencl.conv must be rows or blocked, got '" + p
                    + "' (device " + info.name() + ")");
        };
    }

    /** The way convolutions split their work on this engine: {@code "rows"} or {@code "blocked"}. */
    String convSplit() {
        return limits.convRows() ? "rows" : "blocked";
    }

    /**
     * The largest batch for the device's memory: at most 60% of its global memory, each array within the device's
     * largest allocation and within 2 GiB (Aparapi counts bytes in an {@code int}), and the host copies within half
     * the Java heap (system property {@code vbp.opencl.maxBatch} lowers it).
     */
    static int capacity(DeviceProgram program, DeviceProgram.Limits limits, OpenCLDevice device) {
        long perImage = Math.max(1, program.bytesPerImage(limits));
        long byDevice = (long) (device.getGlobalMemSize() * 0.6) / perImage;
        DeviceProgram.Layout one = program.new Layout(1, limits);
        long largestPerImage = 4L * Math.max(1, Math.max(one.used, one.lrpUsed));
        long byAlloc = device.getMaxMemAllocSize() > 0 ? device.getMaxMemAllocSize() / largestPerImage : Long.MAX_VALUE;
        long byHeap = Runtime.getRuntime().maxMemory() / 2 / perImage;
        long byArray = program.capacityByArrays(limits);
        long cap = Math.min(Math.min(byDevice, byAlloc), Math.min(byHeap, byArray));
        Integer prop = Integer.getInteger("vbp.opencl.maxBatch");
        if (prop != null && prop > 0) {
            cap = Math.min(cap, prop);
        }
        return (int) Math.max(1, Math.min(cap, 1 << 16));
    }

    @Override
    public DeviceInfo device() {
        return info;
    }

    @Override
    public Network network() {
        return network;
    }

    @Override
    public int capacity() {
        return capacityLimit;
    }

    @Override
    public Result run(Tensor batch, Request request) {
        int n = batch.shape().n();
        if (n <= capacityLimit) {
            forward(batch);
            return explainLast(request);
        }
        List<Result> parts = new ArrayList<>();
        for (int from = 0; from < n; from += capacityLimit) {
            forward(batch.slice(from, Math.min(capacityLimit, n - from)));
            parts.add(explainLast(request));
        }
        return Result.concat(parts);
    }

    @Override
    public Result forward(Tensor batch) {
        checkOpen();
        network.checkInput(batch);
        int n = batch.shape().n();
        if (n > capacityLimit) {
            throw new IllegalArgumentException("a batch of " + n + " images is more than " + info.name() + " holds for this "
                    + "network (" + capacityLimit + "): use run(), which splits it, or smaller batches");
        }
        prepare(n);
        kept = 0;
        System.arraycopy(batch.data(), 0, kernel.input, 0, kernel.input.length);
        kernel.put(kernel.input);
        for (Launch la : forwardLaunches) {
            execute(la);
        }
        kernel.get(kernel.pred);
        int k = program.outputs;
        Shape out = Shape.vector(n, k);
        keptPredictions = Tensor.wrap(out, java.util.Arrays.copyOfRange(kernel.pred, 0, n * k));
        keptScores = program.scoresRegion >= 0
                ? Tensor.wrap(out, java.util.Arrays.copyOfRange(kernel.pred, n * k, 2 * n * k)) : keptPredictions;
        kept = n;
        keptInput = batch;
        return new Result(info, keptPredictions.copy(), null, null);
    }

    @Override
    public Result explainLast(Request request) {
        checkOpen();
        if (kept == 0) {
            throw new IllegalStateException("no forward pass to explain yet: call forward or run first");
        }
        int n = kept;
        Attribution maps = null;
        if (request.vbp()) {
            if (vbpLaunches == null) {
                vbpLaunches = program.vbp(n, layout, limits);
            }
            for (Launch la : vbpLaunches) {
                execute(la);
            }
            kernel.get(kernel.mask);
            kernel.get(kernel.flat);
            Shape in = network.inputShape();
            Tensor mask = Tensor.wrap(new Shape(n, 1, in.h(), in.w()), kernel.mask.clone());
            boolean[] flat = new boolean[n];
            for (int i = 0; i < n; i++) {
                flat[i] = kernel.flat[i] != 0;
            }
            int[] targets = (request.target() == null ? Target.predicted() : request.target()).resolve(keptScores);
            if (request.vbpDetails()) {
                if (vbpDetailLaunches == null) {
                    vbpDetailLaunches = program.vbpDetails(n, layout, limits);
                    kernel.detail = new float[program.vbpDetailSize(n)];
                }
                for (Launch la : vbpDetailLaunches) {
                    execute(la);
                }
                kernel.get(kernel.detail);
                DeviceProgram.Unpacked u = program.unpackDetails(kernel.detail, n);
                maps = VisualBackProp.attribution(Explanation.of(program.plan, keptInput, mask, u.raw(), u.averaged(), u.intermediate(),
                        flat), targets);
            } else {
                maps = VisualBackProp.maskAttribution(mask, flat, targets);
            }
            maps = maps.withOutputs(keptPredictions.copy()).withDevice(info.toString());
        }
        Attribution rel = null;
        if (request.lrp() != null) {
            rel = lrp(n, request.lrp(), request).withOutputs(keptPredictions.copy()).withDevice(info.toString());
        }
        return new Result(info, keptPredictions.copy(), maps, rel);
    }

    private Attribution lrp(int n, Lrp rule, Request request) {
        java.util.OptionalDouble plain = rule.composite().plainEpsilon();
        if (plain.isEmpty()) {
            throw new UnsupportedNetworkException("the OpenCL kernels implement LRP-epsilon with BatchNorm folded (the paper's "
                    + "setting, Lrp.epsilon(eps)); for " + rule.composite().name() + " use the Java device");
        }
        float eps = (float) plain.getAsDouble();
        if (lrpLaunches == null || Float.compare(eps, lrpEps) != 0) {
            lrpLaunches = program.lrp(n, layout, limits, eps);
            exponentLaunch = program.lrpExponents(n, layout, limits);
            lrpEps = eps;
        }
        int[] t = request.target().resolve(keptScores);
        System.arraycopy(t, 0, kernel.targets, 0, n);
        kernel.put(kernel.targets);
        for (Launch la : lrpLaunches) {
            execute(la);
        }
        execute(exponentLaunch);
        kernel.get(kernel.relIn);
        Shape in = network.inputShape().withBatch(n);
        int size = in.size();
        int[] e = new int[n];
        for (int i = 0; i < n; i++) {
            e[i] = Math.round(kernel.relIn[size + i]);
        }
        Tensor values = Tensor.wrap(in, java.util.Arrays.copyOf(kernel.relIn, size));
        String[] notes = new String[n];
        int per = in.sampleSize();
        int k = keptScores.shape().sampleSize();
        for (int i = 0; i < n; i++) {
            boolean zero = true;
            for (int q = 0; q < per && zero; q++) {
                zero = values.data()[i * per + q] == 0f;
            }
            if (zero && keptScores.data()[i * k + t[i]] != 0f) {
                notes[i] = "LRP relevance died on the way down (every unit feeding some layer is off: the output is its bias alone); "
                        + "the LRP map is zero";
            }
        }
        return Attribution.of("lrp", values, e, t, Attribution.Reduction.SUM).withNotes(notes);
    }

    /** Arrays and launch lists for a batch of n (kept from the last call when n is the same). */
    private void prepare(int n) {
        if (layout == null || layout.capacity < n) {
            int cap = Math.max(n, layout == null ? 0 : layout.capacity);
            layout = program.new Layout(cap, limits);
            kernel.work = new float[layout.workSize];
            kernel.lrp = new float[layout.lrpSize];
            kernel.meta = layout.vbpMeta;
            kernel.put(kernel.meta);
            planned = 0;
        }
        if (planned != n) {
            Shape in = network.inputShape();
            kernel.input = new float[n * in.sampleSize()];
            kernel.mask = new float[n * in.plane()];
            kernel.flat = new int[n];
            kernel.pred = new float[2 * n * program.outputs];
            kernel.relIn = new float[n * in.sampleSize() + n];
            kernel.targets = new int[n];
            kernel.detail = new float[1];
            forwardLaunches = program.forward(n, layout, limits);
            vbpLaunches = null;
            vbpDetailLaunches = null;
            lrpLaunches = null;
            planned = n;
        }
    }

    /** Per launch label: total nanoseconds and count, when profiling (see {@link #profile}). */
    private java.util.Map<String, long[]> profile;

    /**
     * Starts (or stops, with false) timing every launch by its label; {@link #profileReport} gives the totals. Each
     * launch is timed from the host (Aparapi's execute returns when the kernel has finished), so the times include
     * Aparapi's and the driver's overhead per launch.
     */
    void profile(boolean on) {
        profile = on ? new java.util.LinkedHashMap<>() : null;
    }

    /** Label, total milliseconds and launches of every timed launch since {@link #profile}(true). */
    java.util.Map<String, long[]> profileReport() {
        return profile == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(profile);
    }

    /**
     * Microseconds of the smallest launch (copying one float), averaged over {@code repeats}: what every launch costs
     * besides its work (Aparapi setting some 45 kernel arguments, the driver's enqueue, waiting for completion).
     * Needs a forward pass first (for the arrays).
     */
    double emptyLaunchMicros(int repeats) {
        if (layout == null) {
            throw new IllegalStateException("run a forward pass first");
        }
        Launch tiny = new Launch(NetKernel.OP_COPY_OUT, "empty");
        tiny.srcOff = layout.expoOff;
        tiny.outOff = 0;
        tiny.count = 1;
        tiny.dst = 1;
        tiny.items(1, 1);
        execute(tiny);
        long t0 = System.nanoTime();
        for (int i = 0; i < repeats; i++) {
            execute(tiny);
        }
        return (System.nanoTime() - t0) / 1e3 / repeats;
    }

    private void execute(Launch la) {
        la.apply(kernel);
        long t0 = profile == null ? 0 : System.nanoTime();
        try {
            kernel.execute(la.range(device));
        } catch (RuntimeException | AssertionError e) { // Aparapi's fallback after a failed launch can end in either
            throw new IllegalStateException("the OpenCL launch " + la + " failed on " + info.describe() + ": " + e, e);
        }
        if (profile != null) {
            long[] acc = profile.computeIfAbsent(la.label, k -> new long[2]);
            acc[0] += System.nanoTime() - t0;
            acc[1]++;
        }
        if (!kernel.isRunningCL()) {
            throw new IllegalStateException("the OpenCL kernel did not run on " + info.describe() + " but on "
                    + kernel.getTargetDevice() + " (Aparapi fell back, " + la + ")");
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this engine was closed");
        }
    }

    /** The activations on the device, downloaded (for tests: the output of every operation). */
    float[] downloadWork() {
        kernel.get(kernel.work);
        return kernel.work;
    }

    /** The compiled program (for tests). */
    DeviceProgram program() {
        return program;
    }

    /** The current layout (for tests). */
    DeviceProgram.Layout layout() {
        return layout;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            kernel.dispose();
        }
    }
}
