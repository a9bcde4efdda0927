package org.visualbackprop.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Properties;
import java.util.Set;
import org.visualbackprop.engine.DevicePreference;
import org.visualbackprop.explain.Attribution;
import org.visualbackprop.explain.Explainer;
import org.visualbackprop.explain.Explanation;
import org.visualbackprop.explain.MaskMass;
import org.visualbackprop.explain.Target;
import org.visualbackprop.image.Images;
import org.visualbackprop.image.Pictures;
import org.visualbackprop.io.Npy;
import org.visualbackprop.io.NpyArray;
import org.visualbackprop.io.NpyStackWriter;
import org.visualbackprop.nn.LogSoftmax;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/**
 * One {@code vbp explain} run over a stream of frames, in memory that does not grow with their number: frames come a
 * batch at a time ({@link ExplainFrames}), every explainer explains the batch (on Java threads from one shared forward
 * pass), and each batch's outputs are written before the next is loaded. The run ends with a summary of the whole set:
 * each method's mean map, the frames whose maps are most unlike it (the ones to look at first), the frames with a note
 * (a flat mask, relevance that died), and, where the frames have ground-truth regions, the share of each method's mass
 * on each region against its share of the image.
 *
 * <p>Every map also goes, scaled by a power of two per frame ({@code map = stored * 2^exponent}, so nothing underflows
 * float32), into one {@code .npy} stack per method: the summary's second pass reads it back. With {@code --stack} the
 * stacks are outputs ({@code METHOD.npy}, {@code METHOD.exponent.npy}); otherwise they are scratch files.
 *
 * <p>Outputs follow {@link OutputFolder}'s rule: written under temporary names and moved into place at the end, so a
 * failed run leaves the folder as it found it. With {@code --resume} the run is resumable instead: after each batch its
 * per-frame files are moved into place, the stacks and the table are flushed, and a progress record
 * ({@value #PROGRESS}) says how far it got and with which settings; a run interrupted there is continued by the same
 * command with {@code --resume} and gives the same files as an uninterrupted one. Unfinished stacks and tables keep
 * temporary names ({@code .vbp-partial-...}) until the end.
 */
final class ExplainRun {
    /** The progress record of a resumable run. */
    static final String PROGRESS = "explain-progress.properties";
    private static final String PARTIAL = ".vbp-partial-";

    /** What the command asked for. */
    record Settings(List<Explainer> explainers, Target target, Mode mode, int batch, boolean stack, boolean pictures, boolean resume,
                    int unusual, boolean quiet, String fingerprint) {
    }

    /** What a run did, for the command's last lines. */
    record Outcome(int frames, int resumedFrom, Set<String> devices, List<String> notes, double seconds, double summarySeconds) {
    }

    private final Settings settings;
    private final ExplainFrames frames;
    private final Network net;
    private final Path out;
    private final List<String> methods;
    private final boolean classifier;
    private final Shape input;

    ExplainRun(Settings settings, ExplainFrames frames, Network net, Path out) {
        this.settings = settings;
        this.frames = frames;
        this.net = net;
        this.out = out;
        this.methods = settings.explainers().stream().map(Explainer::name).toList();
        this.classifier = net.layer(net.size() - 1) instanceof LogSoftmax;
        this.input = net.inputShape();
    }

    /** Where a method's stack and its exponents go, and the table and notes while the run goes on. */
    private static String stackName(String method) {
        return method + ".npy";
    }

    private static String exponentName(String method) {
        return method + ".exponent.npy";
    }

    /** Runs over every frame and writes the summary. */
    Outcome run() throws IOException {
        long start = System.nanoTime();
        try (OutputFolder folder = OutputFolder.create(out, "--out")) {
            try {
                Outcome o = settings.resume() ? runResumable(folder, start) : runStaged(folder, start);
                folder.commit();
                return o;
            } catch (IOException | RuntimeException e) {
                String left = settings.resume() ? resumableLeft() : folder.leftBehind();
                throw new CommandFailedException(Vbp.message(e) + "; " + left + " in " + out, e);
            }
        }
    }

    /** Everything staged: nothing takes its name before the end. */
    private Outcome runStaged(OutputFolder folder, long start) throws IOException {
        Map<String, Path> stacks = new LinkedHashMap<>();
        Map<String, Path> exponents = new LinkedHashMap<>();
        for (String m : methods) {
            stacks.put(m, settings.stack() ? folder.streaming(stackName(m)) : folder.scratch(stackName(m)));
            exponents.put(m, settings.stack() ? folder.streaming(exponentName(m)) : folder.scratch(exponentName(m)));
        }
        Path csv = folder.streaming("predictions.csv");
        Path notes = folder.scratch("notes.txt");
        Writers w = Writers.create(stacks, exponents, csv, notes, frames.size(), input, header());
        Accumulators acc = new Accumulators(methods.size(), frames.regions().size());
        Set<String> devices = new LinkedHashSet<>();
        try (w) {
            explainFrames(0, w, acc, devices, (stem, name, writer) -> folder.stage(stem + name, writer::write), () -> w.flush(false));
        }
        long mid = System.nanoTime();
        summarize(folder, stacks, notes, acc);
        // a resumable run that was left unfinished in this folder is replaced by this one: its record and partial files go
        try (var old = Files.list(out)) {
            for (Path f : old.filter(f -> f.getFileName().toString().startsWith(PARTIAL)).toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(out.resolve(PROGRESS));
        return new Outcome(frames.size(), 0, devices, readNotes(notes), (System.nanoTime() - start) / 1e9, (System.nanoTime() - mid) / 1e9);
    }

    /** Resumable: per-frame files in place after each batch, stacks and table under partial names, a progress record. */
    private Outcome runResumable(OutputFolder folder, long start) throws IOException {
        Properties progress = readProgress();
        int done = 0;
        Accumulators acc = new Accumulators(methods.size(), frames.regions().size());
        if (progress != null) {
            if (!settings.fingerprint().equals(progress.getProperty("settings"))) {
                throw new IllegalArgumentException(out.resolve(PROGRESS) + " records a run with other settings (" + progress.getProperty("settings")
                        + "); start it again without --resume, or in another folder");
            }
            done = Integer.parseInt(progress.getProperty("frames.done"));
            acc.restore(progress);
        }
        Map<String, Path> stacks = new LinkedHashMap<>();
        Map<String, Path> exponents = new LinkedHashMap<>();
        for (String m : methods) {
            stacks.put(m, out.resolve(PARTIAL + stackName(m)));
            exponents.put(m, out.resolve(PARTIAL + exponentName(m)));
        }
        Path csv = out.resolve(PARTIAL + "predictions.csv");
        Path notes = out.resolve(PARTIAL + "notes.txt");
        Writers w = progress == null ? Writers.create(stacks, exponents, csv, notes, frames.size(), input, header())
                : Writers.resume(stacks, exponents, csv, notes, frames.size(), input, done, progress);
        Set<String> devices = new LinkedHashSet<>();
        try (w) {
            int from = done;
            explainFrames(from, w, acc, devices, (stem, name, writer) -> {
                Path target = out.resolve(stem + name);
                Path tmp = out.resolve(PARTIAL + stem + name);
                writer.write(tmp);
                moveIntoPlace(tmp, target);
            }, () -> {
                w.flush(true);
                Properties p = new Properties();
                p.setProperty("settings", settings.fingerprint());
                p.setProperty("frames.total", String.valueOf(frames.size()));
                p.setProperty("frames.done", String.valueOf(w.written()));
                w.record(p);
                acc.record(p);
                writeProgress(p);
            });
        }
        long mid = System.nanoTime();
        // complete: the stacks and the table take their names, the summary is written, the record goes
        Path finalCsv = out.resolve("predictions.csv");
        moveIntoPlace(csv, finalCsv);
        Map<String, Path> read = new LinkedHashMap<>();
        for (String m : methods) {
            if (settings.stack()) {
                moveIntoPlace(stacks.get(m), out.resolve(stackName(m)));
                moveIntoPlace(exponents.get(m), out.resolve(exponentName(m)));
                read.put(m, out.resolve(stackName(m)));
            } else {
                read.put(m, stacks.get(m));
            }
        }
        summarize(folder, read, notes, acc);
        folder.commit();
        List<String> noteLines = readNotes(notes);
        for (String m : methods) {
            if (!settings.stack()) {
                Files.deleteIfExists(stacks.get(m));
                Files.deleteIfExists(exponents.get(m));
            }
        }
        Files.deleteIfExists(notes);
        Files.deleteIfExists(out.resolve(PROGRESS));
        return new Outcome(frames.size(), done, devices, noteLines, (System.nanoTime() - start) / 1e9, (System.nanoTime() - mid) / 1e9);
    }

    private String resumableLeft() {
        Properties p;
        try {
            p = readProgress();
        } catch (IOException | RuntimeException e) {
            p = null;
        }
        if (p == null) {
            return "nothing was recorded as done";
        }
        return "the outputs of the first " + p.getProperty("frames.done") + " of " + p.getProperty("frames.total")
                + " frames are kept; the same command with --resume continues from there";
    }

    /** Writes one output file of a frame ({@code stem + name}). */
    @FunctionalInterface
    private interface FrameFileSink {
        void write(String stem, String name, OutputFolder.Writer writer) throws IOException;
    }

    @FunctionalInterface
    private interface Checkpoint {
        void after() throws IOException;
    }

    private void explainFrames(int from, Writers w, Accumulators acc, Set<String> devices, FrameFileSink sink, Checkpoint checkpoint)
            throws IOException {
        List<Explainer> explainers = settings.explainers();
        List<Explainer> onJava = explainers.stream().filter(e -> e.options().device() == DevicePreference.JAVA).toList();
        int n = frames.size();
        int per = settings.mode() == Mode.BATCH_STATISTICS ? n : settings.batch();
        try (Progress progress = Progress.start("explain", n, "img", settings.quiet())) {
            progress.step(from);
            Trace trace = null;
            for (int b0 = from; b0 < n; b0 += per) {
                int count = Math.min(n - b0, per);
                Tensor x = frames.load(b0, count);
                // one forward pass for every explainer on Java threads; compute devices run their own
                trace = onJava.isEmpty() ? null : Explainer.trace(net, x, settings.mode(), trace, onJava);
                List<Attribution> results = new ArrayList<>();
                for (Explainer e : explainers) {
                    Attribution a = onJava.contains(e) ? e.explain(trace, settings.target()) : e.explain(x, settings.target());
                    devices.add(a.device());
                    results.add(a);
                }
                Tensor predictions = results.get(0).outputs();
                for (int i = 0; i < count; i++) {
                    String stem = frames.stem(b0 + i);
                    w.row(predictionRow(stem, predictions, i));
                    List<boolean[]> regions = new ArrayList<>();
                    for (int r = 0; r < frames.regions().size(); r++) {
                        regions.add(frames.region(i, r));
                    }
                    for (int m = 0; m < results.size(); m++) {
                        Attribution a = results.get(m);
                        double[] map = a.map(i);
                        w.append(methods.get(m), map);
                        acc.add(m, map, regions);
                        String note = a.note(i).orElse(null);
                        if (note != null) {
                            w.note(stem + ": " + note);
                        }
                    }
                    if (settings.pictures() || !settings.stack()) {
                        writeFrameFiles(sink, stem, x, i, results);
                    }
                }
                progress.step(count);
                checkpoint.after();
            }
        }
    }

    private String header() {
        return classifier ? "input,prediction,log_probability" : "input,prediction";
    }

    private String predictionRow(String stem, Tensor predictions, int i) {
        int k = predictions.shape().sampleSize();
        if (classifier) {
            int best = 0;
            for (int j = 1; j < k; j++) {
                best = predictions.data()[i * k + j] > predictions.data()[i * k + best] ? j : best;
            }
            return Csv.row(stem, best, predictions.data()[i * k + best]);
        }
        StringBuilder row = new StringBuilder(Csv.field(stem));
        for (int j = 0; j < k; j++) {
            row.append(',').append(predictions.data()[i * k + j]);
        }
        return row.toString();
    }

    /** The per-frame files: each method's map (unless stacked) and, with pictures, its pictures; Figure 2; VBP beside LRP. */
    private void writeFrameFiles(FrameFileSink sink, String stem, Tensor x, int i, List<Attribution> results) throws IOException {
        Shape in = x.shape();
        double[] vbpDisplay = null;
        double[] lrpDisplay = null;
        for (Attribution a : results) {
            double[] map = a.map(i);
            String method = a.method();
            if (!settings.stack()) {
                writeMap(sink, stem, method, map, in);
            }
            if (!settings.pictures()) {
                continue;
            }
            double[] display = Pictures.display(a, map);
            sink.write(stem, "." + method + ".png", tmp -> Images.writePng(Pictures.heat(display, in.h(), in.w()), tmp));
            sink.write(stem, "." + method + "-overlay.png", tmp -> Images.writePng(Pictures.overlay(x, i, display), tmp));
            if (method.equals("vbp")) {
                vbpDisplay = display;
                if (a.details().isPresent()) {
                    Explanation e = a.details().get();
                    sink.write(stem, ".vbp-steps.png", tmp -> Images.writePng(Pictures.vbpSteps(x, i, e.mask(), e.averagedMaps(),
                            e.intermediateMasks(), e.levelNames()), tmp));
                }
            } else if (method.equals("lrp")) {
                lrpDisplay = display;
            }
        }
        if (vbpDisplay != null && lrpDisplay != null) {
            double[] v = vbpDisplay;
            double[] l = lrpDisplay;
            sink.write(stem, ".vbp-vs-lrp.png", tmp -> Images.writePng(Pictures.sideBySide(x, i, v, l), tmp));
        }
    }

    /**
     * {@code STEM.METHOD.npy} as float32 H x W; a map whose values float32 cannot hold (LRP at a large epsilon over a
     * deep net can reach 1e-41) as float64 instead.
     */
    private static void writeMap(FrameFileSink sink, String stem, String method, double[] map, Shape in) throws IOException {
        int[] shape = {in.h(), in.w()};
        double max = 0;
        for (double v : map) {
            max = Math.max(max, Math.abs(v));
        }
        if (max > 0 && max < 1e-30) {
            sink.write(stem, "." + method + ".npy", tmp -> Npy.write(tmp, shape, map));
            return;
        }
        float[] fl = new float[map.length];
        for (int q = 0; q < map.length; q++) {
            fl[q] = (float) map[q];
        }
        sink.write(stem, "." + method + ".npy", tmp -> Npy.write(tmp, shape, fl));
    }

    // ------------------------------------------------------------------------------------------------ the summary

    /**
     * The summary: a first pass over each method's stack gives its mean map, a second the cosine similarity of every
     * frame's map to that mean; the frames least like it are drawn.
     */
    private void summarize(OutputFolder folder, Map<String, Path> stacks, Path notes, Accumulators acc) throws IOException {
        int n = frames.size();
        int plane = input.plane();
        StringBuilder md = new StringBuilder();
        Path simFile = folder.streaming("similarity.csv");
        try (java.io.BufferedWriter sim = Files.newBufferedWriter(simFile, StandardCharsets.UTF_8)) {
            sim.write("input,method,similarity_to_mean\n");
            md.append("# Summary of `vbp explain`\n\n").append(frames.describe()).append(", ").append(n).append(" frames; methods ")
                    .append(String.join(", ", methods)).append(".\n\n");
            List<String> noteLines = readNotes(notes);
            md.append("Frames with a note (a flat mask, relevance that died at a layer): ").append(noteLines.size()).append(".\n\n");
            for (String line : noteLines.subList(0, Math.min(20, noteLines.size()))) {
                md.append("- ").append(line).append('\n');
            }
            if (noteLines.size() > 20) {
                md.append("- ... (").append(noteLines.size() - 20).append(" more)\n");
            }
            md.append('\n');
            for (int m = 0; m < methods.size(); m++) {
                String method = methods.get(m);
                Path stack = stacks.get(method);
                double[] mean = new double[plane];
                int chunk = Math.max(1, Math.min(n, (1 << 24) / Math.max(1, plane)));
                for (int from = 0; from < n; from += chunk) {
                    float[] v = Npy.readSamples(stack, from, Math.min(chunk, n - from)).floats();
                    for (int q = 0; q < v.length; q++) {
                        mean[q % plane] += v[q];
                    }
                }
                for (int q = 0; q < plane; q++) {
                    mean[q] /= n;
                }
                double meanNorm = Math.sqrt(Arrays.stream(mean).map(v -> v * v).sum());
                // the frames least like the mean: a bounded queue, most similar on top
                PriorityQueue<double[]> least = new PriorityQueue<>((a, b) -> Double.compare(b[1], a[1]));
                int flat = 0;
                for (int from = 0; from < n; from += chunk) {
                    int count = Math.min(chunk, n - from);
                    float[] v = Npy.readSamples(stack, from, count).floats();
                    for (int i = 0; i < count; i++) {
                        double dot = 0;
                        double norm = 0;
                        for (int q = 0; q < plane; q++) {
                            double a = v[i * plane + q];
                            dot += a * mean[q];
                            norm += a * a;
                        }
                        double s = norm == 0 || meanNorm == 0 ? Double.NaN : dot / Math.sqrt(norm) / meanNorm;
                        sim.write(Csv.row(frames.stem(from + i), method, Double.isNaN(s) ? "" : String.format(Locale.ROOT, "%.6f", s)));
                        sim.write('\n');
                        if (Double.isNaN(s)) {
                            flat++;
                            continue;
                        }
                        least.add(new double[] {from + i, s});
                        if (least.size() > settings.unusual()) {
                            least.poll();
                        }
                    }
                }
                List<double[]> odd = new ArrayList<>(least);
                odd.sort((a, b) -> Double.compare(a[1], b[1]));
                md.append("## ").append(method).append("\n\n");
                md.append("Mean map over the frames (`mean.").append(method).append(".png`; each frame's map scaled by a power of two to a "
                        + "largest magnitude in [0.5, 1) first). Frames whose map is zero everywhere: ").append(flat).append(".\n\n");
                md.append("Least like the mean (cosine similarity of the map to the mean map; `unusual.").append(method)
                        .append(".png`):\n\n| frame | similarity |\n|---|---:|\n");
                for (double[] o : odd) {
                    md.append("| ").append(frames.stem((int) o[0])).append(" | ").append(String.format(Locale.ROOT, "%.3f", o[1])).append(" |\n");
                }
                md.append('\n');
                double[] meanDisplay = method.equals("vbp") ? Pictures.minMax(mean) : Pictures.displayMask(mean);
                folder.stage("mean." + method + ".png", tmp -> Images.writePng(Pictures.heat(meanDisplay, input.h(), input.w()), tmp));
                if (!odd.isEmpty()) {
                    List<BufferedImage[]> rows = new ArrayList<>();
                    List<String> labels = new ArrayList<>();
                    for (double[] o : odd) {
                        int f = (int) o[0];
                        Tensor x = frames.load(f, 1);
                        float[] v = Npy.readSamples(stack, f, 1).floats();
                        double[] map = new double[plane];
                        for (int q = 0; q < plane; q++) {
                            map[q] = v[q];
                        }
                        double[] d = method.equals("vbp") ? Pictures.minMax(map) : Pictures.displayMask(map);
                        rows.add(new BufferedImage[] {Images.toImage(Pictures.displayable(x, 0), 0), Pictures.overlay(x, 0, d)});
                        labels.add(frames.stem(f) + String.format(Locale.ROOT, " (similarity %.3f)", o[1]));
                    }
                    BufferedImage grid = Pictures.grid(rows, labels, Pictures.displayWidth(input.w()));
                    folder.stage("unusual." + method + ".png", tmp -> Images.writePng(grid, tmp));
                }
            }
            if (!frames.regions().isEmpty()) {
                md.append("## Where the mass goes\n\nShare of each method's mass (its positive part) on each ground-truth region over the "
                        + "region's share of the image, averaged over the frames that have the region (1 = no preference):\n\n| method |");
                for (String r : frames.regions()) {
                    md.append(' ').append(r).append(" |");
                }
                md.append("\n|---|").append("---:|".repeat(frames.regions().size())).append('\n');
                for (int m = 0; m < methods.size(); m++) {
                    md.append("| ").append(methods.get(m)).append(" |");
                    for (int r = 0; r < frames.regions().size(); r++) {
                        md.append(' ').append(acc.enrichment(m, r)).append(" |");
                    }
                    md.append('\n');
                }
                md.append('\n');
            }
        }
        folder.stage("summary.md", tmp -> Files.writeString(tmp, md, StandardCharsets.UTF_8));
    }

    private static List<String> readNotes(Path notes) throws IOException {
        return Files.exists(notes) ? Files.readAllLines(notes, StandardCharsets.UTF_8) : List.of();
    }

    // ------------------------------------------------------------------------------------------------ progress record

    private Properties readProgress() throws IOException {
        Path p = out.resolve(PROGRESS);
        if (!Files.exists(p)) {
            return null;
        }
        Properties props = new Properties();
        props.load(new StringReader(Files.readString(p, StandardCharsets.UTF_8)));
        return props;
    }

    private void writeProgress(Properties p) throws IOException {
        StringWriter s = new StringWriter();
        p.store(s, "vbp explain --resume: how far this run got (written after every batch)");
        Path tmp = out.resolve(PARTIAL + PROGRESS);
        Files.writeString(tmp, s.toString(), StandardCharsets.UTF_8);
        moveIntoPlace(tmp, out.resolve(PROGRESS));
    }

    private static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    // ------------------------------------------------------------------------------------------------ writers

    /** The streams a run appends to: one stack and one exponent stack per method, the predictions table, the notes. */
    private static final class Writers implements AutoCloseable {
        private final Map<String, NpyStackWriter> stacks;
        private final Map<String, NpyStackWriter> exponents;
        private final Path csv;
        private final Path notes;
        private final StringBuilder pendingRows = new StringBuilder();
        private final StringBuilder pendingNotes = new StringBuilder();

        private Writers(Map<String, NpyStackWriter> stacks, Map<String, NpyStackWriter> exponents, Path csv, Path notes) {
            this.stacks = stacks;
            this.exponents = exponents;
            this.csv = csv;
            this.notes = notes;
        }

        static Writers create(Map<String, Path> stacks, Map<String, Path> exponents, Path csv, Path notes, int n, Shape in,
                              String header) throws IOException {
            Map<String, NpyStackWriter> s = new LinkedHashMap<>();
            Map<String, NpyStackWriter> e = new LinkedHashMap<>();
            for (String m : stacks.keySet()) {
                s.put(m, NpyStackWriter.create(stacks.get(m), n, new int[] {in.h(), in.w()}));
                e.put(m, NpyStackWriter.create(exponents.get(m), n, new int[] {1}));
            }
            Files.writeString(csv, header + "\n", StandardCharsets.UTF_8);
            Files.writeString(notes, "", StandardCharsets.UTF_8);
            return new Writers(s, e, csv, notes);
        }

        /** Continues after {@code done} frames: the stacks and files are cut back to what the record says was written. */
        static Writers resume(Map<String, Path> stacks, Map<String, Path> exponents, Path csv, Path notes, int n, Shape in, int done,
                              Properties p) throws IOException {
            Map<String, NpyStackWriter> s = new LinkedHashMap<>();
            Map<String, NpyStackWriter> e = new LinkedHashMap<>();
            for (String m : stacks.keySet()) {
                s.put(m, NpyStackWriter.resume(stacks.get(m), n, new int[] {in.h(), in.w()}, done));
                e.put(m, NpyStackWriter.resume(exponents.get(m), n, new int[] {1}, done));
            }
            cut(csv, Long.parseLong(p.getProperty("bytes.predictions")));
            cut(notes, Long.parseLong(p.getProperty("bytes.notes")));
            return new Writers(s, e, csv, notes);
        }

        private static void cut(Path f, long length) throws IOException {
            if (!Files.exists(f) || Files.size(f) < length) {
                throw new IOException(f + " holds less than the progress record says was written: start the run again without --resume");
            }
            try (var ch = java.nio.channels.FileChannel.open(f, StandardOpenOption.WRITE)) {
                ch.truncate(length);
            }
        }

        void row(String row) {
            pendingRows.append(row).append('\n');
        }

        void note(String note) {
            pendingNotes.append(note.replace('\n', ' ')).append('\n');
        }

        /** Appends a map scaled by a power of two to a largest magnitude in [0.5, 1), and the power. */
        void append(String method, double[] map) throws IOException {
            double max = 0;
            for (double v : map) {
                max = Math.max(max, Math.abs(v));
            }
            int e = max > 0 && Double.isFinite(max) ? Math.getExponent(max) + 1 : 0;
            float[] stored = new float[map.length];
            for (int q = 0; q < map.length; q++) {
                stored[q] = (float) Math.scalb(map[q], -e);
            }
            stacks.get(method).append(stored, 0);
            exponents.get(method).append(new float[] {e}, 0);
        }

        int written() {
            return stacks.values().iterator().next().written();
        }

        /** Writes what is pending; with {@code force}, forces the stacks to the disk (before recording progress). */
        void flush(boolean force) throws IOException {
            Files.writeString(csv, pendingRows, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            Files.writeString(notes, pendingNotes, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            pendingRows.setLength(0);
            pendingNotes.setLength(0);
            if (!force) {
                return;
            }
            for (NpyStackWriter w : stacks.values()) {
                w.flush();
            }
            for (NpyStackWriter w : exponents.values()) {
                w.flush();
            }
        }

        void record(Properties p) throws IOException {
            p.setProperty("bytes.predictions", String.valueOf(Files.size(csv)));
            p.setProperty("bytes.notes", String.valueOf(Files.size(notes)));
        }

        @Override
        public void close() throws IOException {
            flush(false);
            for (NpyStackWriter w : stacks.values()) {
                w.close();
            }
            for (NpyStackWriter w : exponents.values()) {
                w.close();
            }
        }
    }

    /** Sums for the mask-mass table: per method and region, the mass share and the area share over the frames with it. */
    private static final class Accumulators {
        private final double[][] mass;
        private final double[][] area;
        private final int[][] frames;

        Accumulators(int methods, int regions) {
            mass = new double[methods][regions];
            area = new double[methods][regions];
            frames = new int[methods][regions];
        }

        void add(int method, double[] map, List<boolean[]> regions) {
            for (int r = 0; r < regions.size(); r++) {
                boolean[] region = regions.get(r);
                if (region == null) {
                    continue;
                }
                MaskMass.Share s = MaskMass.of(map, region);
                if (Double.isNaN(s.massShare())) {
                    continue;
                }
                mass[method][r] += s.massShare();
                area[method][r] += s.areaShare();
                frames[method][r]++;
            }
        }

        String enrichment(int m, int r) {
            return frames[m][r] == 0 ? "-" : String.format(Locale.ROOT, "%.2fx", mass[m][r] / area[m][r]);
        }

        void record(Properties p) {
            for (int m = 0; m < mass.length; m++) {
                for (int r = 0; r < mass[m].length; r++) {
                    p.setProperty("mass." + m + "." + r, Double.toString(mass[m][r]));
                    p.setProperty("area." + m + "." + r, Double.toString(area[m][r]));
                    p.setProperty("frames." + m + "." + r, Integer.toString(frames[m][r]));
                }
            }
        }

        void restore(Properties p) {
            for (int m = 0; m < mass.length; m++) {
                for (int r = 0; r < mass[m].length; r++) {
                    mass[m][r] = Double.parseDouble(p.getProperty("mass." + m + "." + r, "0"));
                    area[m][r] = Double.parseDouble(p.getProperty("area." + m + "." + r, "0"));
                    frames[m][r] = Integer.parseInt(p.getProperty("frames." + m + "." + r, "0"));
                }
            }
        }
    }

    /** Reads a stack's sample back (for tests). */
    static double[] storedMap(Path stack, Path exponent, int i) throws IOException {
        NpyArray v = Npy.readSamples(stack, i, 1);
        float e = Npy.readSamples(exponent, i, 1).floats()[0];
        double[] m = new double[v.floats().length];
        for (int q = 0; q < m.length; q++) {
            m[q] = Math.scalb((double) v.floats()[q], (int) e);
        }
        return m;
    }
}
