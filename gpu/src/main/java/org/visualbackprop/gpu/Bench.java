package org.visualbackprop.gpu;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.visualbackprop.engine.DeviceInfo;
import org.visualbackprop.engine.DevicePreference;
import org.visualbackprop.engine.Engines;
import org.visualbackprop.engine.InferenceEngine;
import org.visualbackprop.engine.Request;
import org.visualbackprop.explain.Lrp;
import org.visualbackprop.io.Limits;
import org.visualbackprop.explain.Target;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Layer;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/**
 * Per-image times of the forward pass, VisualBackProp and LRP-epsilon (epsilon = 100, BatchNorm folded) on a device,
 * for NetSVF, NetHVF (random weights, seed 1, evaluation mode) and the authors' model when its file is found: what
 * {@code vbp bench} prints. Prints ratios and throughput, not verdicts (house style: benchmarks live apart from tests).
 *
 * <p>Columns, in milliseconds per image (the median of the timed runs divided by the batch size):
 * <ul>
 * <li>forward: upload the batch, the forward pass, download the predictions;</li>
 * <li>fwd+VBP: the same and VisualBackProp, downloading the normalized masks (what a user of the mask waits for);</li>
 * <li>VBP: VisualBackProp alone, on the activations the last forward pass left on the device;</li>
 * <li>fwd+LRP: the forward pass and LRP-epsilon, downloading the input relevance;</li>
 * <li>LRP: LRP alone, on the kept forward pass.</li>
 * </ul>
 * Ratios: VBP / forward, LRP / VBP (each alone, as the paper's 2.0 ms against 24.6 ms) and (fwd+LRP) / (fwd+VBP).
 * With profiling (the default; {@code --no-profile} turns it off), each OpenCL device also gets, for the first
 * network, the time of every launch and of an empty one: how much of each column is launches, work and transfers.
 * Usage: {@code java -cp ... org.visualbackprop.gpu.Bench [--device gpu,java] [--batches 1,64] [--repeats 5]
 * [--warmup 2] [--nets netsvf,nethvf,authors] [--no-profile]}.
 */
public final class Bench {
    /** Random weights of the paper's nets. */
    public static final long SEED = 1;
    /**
     * Least time the warm-up runs of one measurement take on Java threads (when any are asked for): a few runs leave
     * the JIT compiler half done (NetSVF's Java forward pass at batch 1 measured 35 ms after two runs, 22 ms warm).
     * OpenCL kernels are compiled before the first run.
     */
    static final long JAVA_MIN_WARMUP_NANOS = 1_000_000_000L;

    /**
     * What to measure.
     *
     * @param devices devices to run on, one after the other
     * @param batches batch sizes
     * @param repeats timed runs per measurement (the median is reported)
     * @param warmup  untimed runs before them (the first compiles the kernels and allocates)
     * @param nets    {@code netsvf}, {@code nethvf}, {@code authors} (skipped with a note when the model is not found)
     * @param profile on OpenCL devices, also time every launch of the first network (what bounds the times)
     */
    public record Config(List<DevicePreference> devices, int[] batches, int repeats, int warmup, List<String> nets,
                         boolean profile) {
        public Config {
            devices = List.copyOf(devices);
            batches = batches.clone();
            nets = List.copyOf(nets);
            if (repeats < 1 || warmup < 0 || batches.length == 0) {
                throw new IllegalArgumentException("need repeats >= 1, warmup >= 0 and at least one batch size");
            }
            for (int b : batches) {
                if (b < 1) {
                    throw new IllegalArgumentException("batch sizes must be >= 1, got " + b);
                }
            }
        }

        /** The measurement: batch 1 and 64, 5 runs after 2 warm-ups, NetSVF, NetHVF and the authors' model. */
        public static Config standard(List<DevicePreference> devices) {
            return new Config(devices, new int[] {1, 64}, 5, 2, List.of("netsvf", "nethvf", "authors"), true);
        }
    }

    /** One row of the table. */
    public record Row(String net, int batch, double forward, double forwardVbp, double vbp, double forwardLrp, double lrp,
                      int capacity) {
        double vbpOverForward() {
            return vbp / forward;
        }

        double lrpOverVbp() {
            return lrp / vbp;
        }
    }

    private Bench() {
    }

    public static void main(String[] args) throws IOException {
        Config c = parse(args);
        run(c, System.out);
    }

    /** Parses the options of {@link #main}. */
    static Config parse(String[] args) {
        Config c = Config.standard(List.of(DevicePreference.AUTO));
        List<DevicePreference> devices = c.devices();
        int[] batches = c.batches();
        int repeats = c.repeats();
        int warmup = c.warmup();
        List<String> nets = c.nets();
        boolean profile = c.profile();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--device" -> devices = Arrays.stream(require(a, v).split(",")).map(DevicePreference::parse).toList();
                case "--batches" -> batches = Arrays.stream(require(a, v).split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
                case "--repeats" -> repeats = Integer.parseInt(require(a, v));
                case "--warmup" -> warmup = Integer.parseInt(require(a, v));
                case "--nets" -> nets = Arrays.stream(require(a, v).split(",")).map(String::trim).toList();
                case "--no-profile" -> {
                    profile = false;
                    i--;
                }
                default -> throw new IllegalArgumentException("unknown option " + a
                        + ": expected --device, --batches, --repeats, --warmup, --nets, --no-profile");
            }
            i++;
        }
        return new Config(devices, batches, repeats, warmup, nets, profile);
    }

    private static String require(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    /** Runs the measurements and prints a table per device; returns the rows. */
    public static List<Row> run(Config config, PrintStream out) throws IOException {
        out.println("vbp bench: ms per image (median of " + config.repeats() + " runs after " + config.warmup()
                + " warm-up runs, on Java threads at least " + JAVA_MIN_WARMUP_NANOS / 1_000_000_000 + " s of them), LRP-epsilon with epsilon = 100"
                + " and BatchNorm folded; random weights (seed " + SEED
                + ") for NetSVF and NetHVF, evaluation mode; Java " + System.getProperty("java.version") + ", "
                + Runtime.getRuntime().availableProcessors() + " processors");
        List<Row> all = new ArrayList<>();
        for (DevicePreference pref : config.devices()) {
            all.addAll(runDevice(config, pref, out));
        }
        return all;
    }

    private static List<Row> runDevice(Config config, DevicePreference pref, PrintStream out) throws IOException {
        List<Row> rows = new ArrayList<>();
        DeviceInfo shown = null;
        for (String name : config.nets()) {
            Network net = network(name, out);
            if (net == null) {
                continue;
            }
            List<String> notices = new ArrayList<>();
            try (InferenceEngine e = Engines.open(net, pref, notices::add)) {
                if (shown == null || !shown.equals(e.device())) {
                    shown = e.device();
                    out.println();
                    out.println("device (" + pref.id() + "): " + shown.describe());
                    for (String n : notices) {
                        out.println("notice: " + n);
                    }
                    out.printf(Locale.ROOT, "%-8s %5s %9s %9s %9s %9s %9s %9s %8s %8s %8s %8s%n", "network", "batch", "forward",
                            "fwd+VBP", "VBP", "fwd+LRP", "LRP", "frames/s", "VBP/fwd", "LRP/VBP", "fL/fV", "GFLOP/s");
                }
                // the host holds a batch's inputs and results (on OpenCL) or its whole trace (on Java threads): refuse a batch
                // that cannot fit the heap before allocating any of it
                long perImage = e.device().isOpenCL() ? 4L * 4 * net.inputShape().sampleSize() : Limits.traceBytesPerSample(net);
                for (int b : config.batches()) {
                    Limits.requireBatchFits(b, perImage, "--batches " + b + " of " + label(name) + " on " + e.device().id());
                }
                for (int b : config.batches()) {
                    Row r = measure(label(name), e, b, config);
                    rows.add(r);
                    out.printf(Locale.ROOT, "%-8s %5d %9.3f %9.3f %9.4f %9.3f %9.3f %9.0f %8.3f %8.1f %8.2f %8.1f%s%n", r.net(),
                            r.batch(), r.forward(), r.forwardVbp(), r.vbp(), r.forwardLrp(), r.lrp(), 1000.0 / r.forwardVbp(),
                            r.vbpOverForward(), r.lrpOverVbp(), r.forwardLrp() / r.forwardVbp(),
                            forwardFlops(net) / (r.forward() * 1e6), r.capacity() < b ? "  (in parts of " + r.capacity() + ")" : "");
                    out.flush();
                }
            }
        }
        if (shown != null) {
            out.println("frames/s: images per second of fwd+VBP. VBP/fwd: VisualBackProp alone over the forward pass. "
                    + "LRP/VBP: each alone. fL/fV: (fwd+LRP) / (fwd+VBP). GFLOP/s: of the forward pass (conv and dense).");
        }
        if (config.profile() && !config.nets().isEmpty()) {
            Network net = network(config.nets().get(0), out);
            if (net != null) {
                try (InferenceEngine e = Engines.open(net, pref, s -> { })) {
                    if (e instanceof OpenClEngine oe) {
                        for (int b : config.batches()) {
                            profile(label(config.nets().get(0)), oe, b, out);
                        }
                    }
                }
            }
        }
        return rows;
    }

    /** Times every launch of forward + VisualBackProp + LRP on one batch, and an empty launch. */
    private static void profile(String name, OpenClEngine e, int batch, PrintStream out) {
        if (batch > e.capacity()) {
            out.println("profile of " + name + " at batch " + batch + ": skipped (more than the " + e.capacity() + " images one pass holds)");
            return;
        }
        Tensor x = Tensor.uniform(e.network().inputShape().withBatch(batch), 0f, 1f, new SplittableRandom(batch));
        Request all = Request.vbpMask().withLrp(Lrp.paper(), Target.predicted());
        e.run(x, all);
        int runs = 3;
        e.profile(true);
        long t0 = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            e.run(x, all);
        }
        double wall = (System.nanoTime() - t0) / 1e6 / runs;
        java.util.Map<String, long[]> report = new java.util.LinkedHashMap<>(e.profileReport());
        e.profile(false);
        double empty = e.emptyLaunchMicros(200);
        out.println();
        out.printf(Locale.ROOT, "profile: %s, batch %d, conv split %s; ms per batch (not per image), forward + VBP mask + LRP%n",
                name, batch, e.convSplit());
        double sum = 0;
        int launches = 0;
        for (java.util.Map.Entry<String, long[]> en : report.entrySet()) {
            double ms = en.getValue()[0] / 1e6 / runs;
            sum += ms;
            launches += (int) (en.getValue()[1] / runs);
            out.printf(Locale.ROOT, "  %-26s %9.3f%n", en.getKey(), ms);
        }
        out.printf(Locale.ROOT, "  %d launches take %.3f ms of %.3f ms; uploads, downloads and host work %.3f ms; "
                + "an empty launch %.1f us (so %.3f ms of the launches is overhead)%n", launches, sum, wall, wall - sum, empty,
                launches * empty / 1000);
    }

    private static String label(String name) {
        return switch (name) {
            case "netsvf" -> "NetSVF";
            case "nethvf" -> "NetHVF";
            case "authors" -> "authors";
            default -> name;
        };
    }

    /** The network of a name, or null (with a note) when the authors' model is not found. */
    static Network network(String name, PrintStream out) throws IOException {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "netsvf":
                return PaperNets.netSvf(SEED);
            case "nethvf":
                return PaperNets.netHvf(SEED);
            case "authors":
                Path model = authorsModel();
                if (model == null) {
                    out.println("note: the authors' model.t7b was not found (-Dvbp.authors.dir names its folder): skipped");
                    return null;
                }
                try {
                    return org.visualbackprop.io.torch.TorchImport.load(model).network();
                } catch (IOException | RuntimeException e) {
                    out.println("note: the authors' model could not be loaded (" + e.getMessage() + "): skipped");
                    return null;
                }
            default:
                throw new IllegalArgumentException("unknown network '" + name + "': expected netsvf, nethvf or authors");
        }
    }

    /** {@code model.t7b} in {@code vbp.authors.dir}, else in the first {@code shared/authors} above the working directory. */
    static Path authorsModel() {
        String dir = System.getProperty("vbp.authors.dir");
        if (dir != null && !dir.isBlank()) {
            Path f = Path.of(dir, "model.t7b");
            return Files.isRegularFile(f) ? f : null;
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path f = p.resolve("shared/authors/model.t7b");
            if (Files.isRegularFile(f)) {
                return f;
            }
        }
        return null;
    }

    /** Floating-point operations of one image's forward pass (2 per multiply-add of the conv and dense layers). */
    public static double forwardFlops(Network net) {
        List<Shape> shapes = net.shapes(1);
        double f = 0;
        for (int i = 0; i < net.size(); i++) {
            Layer l = net.layer(i);
            if (l instanceof Conv2d c) {
                f += 2.0 * shapes.get(i).size() * c.inChannels() * c.window().area();
            } else if (l instanceof Dense d) {
                f += 2.0 * d.inFeatures() * d.outFeatures();
            }
        }
        return f;
    }

    private static Row measure(String name, InferenceEngine e, int batch, Config c) {
        Tensor x = Tensor.uniform(e.network().inputShape().withBatch(batch), 0f, 1f, new SplittableRandom(batch));
        Request vbp = Request.vbpMask();
        Request lrp = Request.lrpOnly(Lrp.paper(), Target.predicted());
        boolean kept = batch <= e.capacity();
        long w = e.device().isOpenCL() ? 0 : JAVA_MIN_WARMUP_NANOS;
        double forward = time(c, batch, w, () -> e.run(x, Request.predictions()));
        double forwardVbp = time(c, batch, w, () -> e.run(x, vbp));
        double forwardLrp = time(c, batch, w, () -> e.run(x, lrp));
        double vbpAlone;
        double lrpAlone;
        if (kept) {
            e.forward(x);
            vbpAlone = time(c, batch, w, () -> e.explainLast(vbp));
            lrpAlone = time(c, batch, w, () -> e.explainLast(lrp));
        } else { // split batches keep only their last part: estimate by difference
            vbpAlone = forwardVbp - forward;
            lrpAlone = forwardLrp - forward;
        }
        return new Row(name, batch, forward, forwardVbp, vbpAlone, forwardLrp, lrpAlone, e.capacity());
    }

    /**
     * Median wall time of {@code c.repeats()} runs, in ms per image, after {@code c.warmup()} untimed runs that, when
     * there are any, go on for at least {@code minWarmupNanos}.
     */
    private static double time(Config c, int batch, long minWarmupNanos, Runnable r) {
        long start = System.nanoTime();
        for (int i = 0; i < c.warmup() || (c.warmup() > 0 && System.nanoTime() - start < minWarmupNanos); i++) {
            r.run();
        }
        double[] ms = new double[c.repeats()];
        for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            r.run();
            ms[i] = (System.nanoTime() - t0) / 1e6 / batch;
        }
        Arrays.sort(ms);
        return ms.length % 2 == 1 ? ms[ms.length / 2] : (ms[ms.length / 2 - 1] + ms[ms.length / 2]) / 2;
    }
}
