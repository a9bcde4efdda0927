package org.visualbackprop.experiments;

import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.visualbackprop.compute.Parallel;
import org.visualbackprop.compute.Sgemm;
import org.visualbackprop.explain.Explanation;
import org.visualbackprop.explain.Lrp;
import org.visualbackprop.explain.Target;
import org.visualbackprop.explain.VbpPlan;
import org.visualbackprop.explain.VisualBackProp;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Tensor;

/**
 * Notebook 5, "Timing": the paper's timing paragraph (Section 5: "The average time of computing a mask for
 * VisualBackProp was equal to 2.0 ms, whereas in case of the LRP method it was 24.6 ms", Torch7 with cunn on a GeForce
 * GTX 970M, about 12 times faster) measured here with the core engine on the CPU, for NetSVF and NetHVF (Table 1,
 * weights from a seed, evaluation mode).
 *
 * <p>Per frame, medians of timed samples after a warm-up: the forward pass; the forward pass recording
 * VisualBackProp's channel means (what an explained prediction costs); VisualBackProp alone on that trace; and
 * LRP-epsilon (epsilon 100, BatchNorm folded) alone on a trace. A simple in-process loop: the numbers for the README come
 * from the JMH benchmark in {@code org.visualbackprop.bench} ({@code BenchReport}), which forks a clean JVM. A GPU or
 * OpenCL run ({@code vbp bench} of the gpu module) cannot be made here; when one was saved under
 * {@code notebooks/results/}, {@link #savedResults()} reads it.
 */
public final class Timing {
    /** The paper's VisualBackProp time per mask, ms (GTX 970M). */
    public static final double PAPER_VBP_MS = 2.0;
    /** The paper's LRP time per mask, ms. */
    public static final double PAPER_LRP_MS = 24.6;

    /**
     * What to measure.
     *
     * @param batches   batch sizes
     * @param warmup    untimed runs before timing (per measurement), at least
     * @param repeats   timed samples (the median is reported)
     * @param minMillis the warm-up lasts at least this long, and so does each timed sample (a fast operation such as
     *                  VisualBackProp at batch 1 runs several times per sample), so that the JIT compiler has done its
     *                  work and the clock's resolution does not matter
     * @param seed      seed of the weights and the random inputs
     */
    public record Config(int[] batches, int warmup, int repeats, double minMillis, long seed) {
        public Config {
            batches = batches.clone();
            if (batches.length == 0 || Arrays.stream(batches).anyMatch(b -> b < 1) || warmup < 0 || repeats < 1 || !(minMillis >= 0)) {
                throw new IllegalArgumentException("invalid config: batches " + Arrays.toString(batches) + ", warm-up " + warmup
                        + ", repeats " + repeats + ", minimum ms " + minMillis);
            }
        }

        @Override
        public int[] batches() {
            return batches.clone();
        }

        /** The notebook's size: batches 1 and 16, warm-up of 3 runs and 0.5 s, 9 timed samples of at least 50 ms (about a minute). */
        public static Config full() {
            return new Config(new int[] {1, 16}, 3, 9, 500, 1);
        }

        /** CI's size: batches 1 and 4, warm-up of one run and 50 ms, 3 timed samples of at least 5 ms. */
        public static Config quick() {
            return new Config(new int[] {1, 4}, 1, 3, 50, 1);
        }

        /** {@link #quick()} when {@code VBP_QUICK} asks for it ({@link Sizes}), else {@link #full()}. */
        public static Config fromEnvironment() {
            return fromEnvironment(System.getenv());
        }

        /** As {@link #fromEnvironment()}, reading {@code env}. */
        public static Config fromEnvironment(java.util.Map<String, String> env) {
            return Sizes.quick(env) ? quick() : full();
        }
    }

    /**
     * One network at one batch size; times in ms per frame (the median of the timed runs divided by the batch).
     *
     * @param net            the network's name
     * @param batch          the batch size
     * @param forward        forward pass, evaluation mode
     * @param forwardMeans   forward pass recording VisualBackProp's channel means
     * @param vbp            VisualBackProp alone, on the trace with the means
     * @param lrp            LRP-epsilon alone, on a trace
     */
    public record Row(String net, int batch, double forward, double forwardMeans, double vbp, double lrp) {
        /** LRP / VBP: the paper's "12 times". */
        public double lrpOverVbp() {
            return lrp / vbp;
        }

        /** VBP / forward: the paper's claim that VBP costs less than a forward pass. */
        public double vbpOverForward() {
            return vbp / forward;
        }

        /** Forward with means + VBP over forward + LRP: an explained prediction, one way against the other. */
        public double explainedRatio() {
            return (forward + lrp) / (forwardMeans + vbp);
        }
    }

    /** A network to time. */
    public record Net(String name, Supplier<Network> build) {
    }

    /** The paper's two steering networks, NetSVF and NetHVF (Table 1), weights from {@code seed}. */
    public static List<Net> paperNets(long seed) {
        return List.of(new Net("NetSVF", () -> PaperNets.netSvf(seed)), new Net("NetHVF", () -> PaperNets.netHvf(seed)));
    }

    private Timing() {
    }

    /** Measures every net at every batch size of {@code config}. */
    public static List<Row> measure(List<Net> nets, Config config) {
        List<Row> rows = new ArrayList<>();
        for (Net n : nets) {
            Network net = n.build().get();
            VbpPlan plan = VbpPlan.of(net);
            Lrp lrp = Lrp.paper();
            for (int b : config.batches()) {
                Tensor x = Tensor.uniform(net.inputShape().withBatch(b), 0, 1, new SplittableRandom(config.seed()));
                Trace[] plain = {net.trace(x, Mode.EVAL)};
                Trace[] means = {VisualBackProp.trace(net, plan, x, Mode.EVAL, null)};
                double fwd = median(config, () -> plain[0] = net.trace(x, Mode.EVAL, plain[0]));
                double fwdMeans = median(config, () -> means[0] = VisualBackProp.trace(net, plan, x, Mode.EVAL, means[0]));
                Explanation[] e = {null};
                double vbp = median(config, () -> e[0] = VisualBackProp.explain(means[0], plan, e[0]));
                double lrpMs = median(config, () -> lrp.attribute(plain[0], Target.predicted()));
                rows.add(new Row(n.name(), b, fwd / b, fwdMeans / b, vbp / b, lrpMs / b));
            }
        }
        return rows;
    }

    /**
     * Median wall-clock ms of one run: warm-up runs (at least {@code config.warmup()} and {@code config.minMillis()}),
     * then {@code config.repeats()} timed samples, each of as many runs as fill {@code config.minMillis() / 10} (at
     * least one), divided by the runs.
     */
    private static double median(Config config, Runnable r) {
        long start = System.nanoTime();
        int runs = 0;
        while (runs < config.warmup() || (System.nanoTime() - start) / 1e6 < config.minMillis()) {
            r.run();
            runs++;
        }
        double perRun = runs == 0 ? 0 : (System.nanoTime() - start) / 1e6 / runs;
        int inner = perRun <= 0 ? 1 : (int) Math.max(1, Math.ceil(config.minMillis() / 10 / perRun));
        double[] ms = new double[config.repeats()];
        for (int i = 0; i < ms.length; i++) {
            long t = System.nanoTime();
            for (int k = 0; k < inner; k++) {
                r.run();
            }
            ms[i] = (System.nanoTime() - t) / 1e6 / inner;
        }
        return Panels.median(ms);
    }

    /** Where the measurements ran: the matrix kernels, the worker threads, the JVM. */
    public static String machine() {
        return String.format(Locale.ROOT, "CPU, core engine: %s; %d worker threads on %d processors; Java %s (%s)", Sgemm.describe(),
                Parallel.threads(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                System.getProperty("os.arch"));
    }

    /** The rows as a table, with the paper's figures on top for comparison. */
    public static String table(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "paper (Torch7 + cunn, GeForce GTX 970M, per mask): VisualBackProp %.1f ms, LRP %.1f ms, "
                + "LRP / VBP %.1f%n", PAPER_VBP_MS, PAPER_LRP_MS, PAPER_LRP_MS / PAPER_VBP_MS));
        sb.append(String.format(Locale.ROOT, "here (%s), ms per frame:%n", machine()));
        sb.append(String.format(Locale.ROOT, "%-7s %5s %9s %13s %9s %9s %9s %9s %15s%n", "net", "batch", "forward", "fwd + means", "VBP",
                "LRP", "LRP/VBP", "VBP/fwd", "explained x"));
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%-7s %5d %9.2f %13.2f %9.3f %9.2f %9.1f %9.3f %15.1f%n", r.net(), r.batch(), r.forward(),
                    r.forwardMeans(), r.vbp(), r.lrp(), r.lrpOverVbp(), r.vbpOverForward(), r.explainedRatio()));
        }
        sb.append("(VBP: VisualBackProp alone on a trace that recorded the channel means; LRP: LRP-epsilon, epsilon 100, alone on a "
                + "trace; explained x: a whole explained prediction, (forward + LRP) / (forward with means + VBP))\n");
        return sb.toString();
    }

    /** Per-frame times of every row as a bar chart (log scale), forward, VBP and LRP side by side. */
    public static CategoryChart chart(List<Row> rows) {
        CategoryChart chart = new CategoryChartBuilder().width(900).height(450).title("Per-frame time on this CPU (log scale)")
                .xAxisTitle("network, batch").yAxisTitle("ms per frame").build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setYAxisLogarithmic(true);
        // XChart's bars start at the axis minimum, which must be above 0 on a log axis
        double low = rows.stream().mapToDouble(r -> Math.min(r.vbp(), Math.min(r.forward(), r.lrp()))).min().orElse(1);
        chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(Math.max(low, 1e-6)))));
        List<String> cats = rows.stream().map(r -> r.net() + ", batch " + r.batch()).toList();
        chart.addSeries("forward", cats, rows.stream().map(r -> (Number) r.forward()).toList());
        chart.addSeries("VisualBackProp", cats, rows.stream().map(r -> (Number) r.vbp()).toList());
        chart.addSeries("LRP-epsilon", cats, rows.stream().map(r -> (Number) r.lrp()).toList());
        return chart;
    }

    /** A saved benchmark result: the file's name and its text. */
    public record Saved(Path file, String text) {
    }

    /**
     * The folder where benchmark results are kept: the system property {@code vbp.results.dir} when set, else the first
     * {@code notebooks/results} found walking up from the working directory (or {@code results} when the working
     * directory is {@code notebooks/} itself); null when there is none.
     */
    public static Path resultsFolder() {
        String prop = System.getProperty("vbp.results.dir");
        if (prop != null && !prop.isBlank()) {
            return Files.isDirectory(Path.of(prop)) ? Path.of(prop) : null;
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("notebooks/results"))) {
                return p.resolve("notebooks/results");
            }
            if (p.getFileName() != null && p.getFileName().toString().equals("notebooks") && Files.isDirectory(p.resolve("results"))) {
                return p.resolve("results");
            }
        }
        return null;
    }

    /** {@link #savedResults(Path)} of {@link #resultsFolder()}; empty when there is no such folder. */
    public static List<Saved> savedResults() throws IOException {
        Path dir = resultsFolder();
        return dir == null ? List.of() : savedResults(dir);
    }

    /**
     * The benchmark results saved in {@code dir}: every {@code .txt}, {@code .csv} or {@code .md} file whose name contains
     * "bench" (as {@code vbp bench} output saved by hand or by {@code gpu/bench-on-device.sh}), by name.
     */
    public static List<Saved> savedResults(Path dir) throws IOException {
        Objects.requireNonNull(dir, "dir");
        List<Saved> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                if (Files.isRegularFile(p) && n.contains("bench") && (n.endsWith(".txt") || n.endsWith(".csv") || n.endsWith(".md"))) {
                    out.add(new Saved(p, Files.readString(p, StandardCharsets.UTF_8)));
                }
            }
        }
        return out;
    }
}
