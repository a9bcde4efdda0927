package org.visualbackprop.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.visualbackprop.data.RoadView;
import org.visualbackprop.evaluate.Randomization;
import org.visualbackprop.evaluate.RegionPerturbation;
import org.visualbackprop.evaluate.Similarity;
import org.visualbackprop.experiments.Faithfulness;
import org.visualbackprop.experiments.FaithfulnessFigures;
import org.visualbackprop.explain.Explainer;
import org.visualbackprop.image.Images;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vbp evaluate-methods}: every explanation method against the faithfulness tests, on one model and its frames. */
@Command(name = "evaluate-methods", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Is each explanation method faithful to the model? Runs model-parameter randomization (cascading and independent; "
                + "Adebayo et al. 2018), random logits (classifiers; Sixt et al. 2020), region perturbation (MoRF/LeRF, AOPC, ABPC; Samek et "
                + "al. 2017), localisation against the data's ground truth (mass and rank accuracy, pointing game; Arras et al. 2022, Zhang "
                + "et al. 2018), input invariance (Kindermans et al. 2017) and cost, for VisualBackProp and the other methods, with two "
                + "controls (random noise, the input's Sobel edges).",
                "Writes metrics.csv (one row per method x metric x setting), summary.md (methods as rows, tests as columns, the best "
                        + "per column in bold), localisation.md, randomization-cascading.png and randomization-independent.png (Spearman "
                        + "|map| against the layers randomized), randomization-cascading-ssim.png, randomization-grid.png (each method's map "
                        + "of the first frame as layers are randomized), perturbation.png (MoRF/LeRF curves).",
                "Frames per test, from --frames N (default 100): localisation N, perturbation, random logit and invariance N/5, "
                        + "randomization N/10, SmoothGrad and Integrated Gradients under randomization N/50, cost min(N, 16); each can be "
                        + "set alone. Forward passes run in evaluation mode (BatchNorm's running statistics).",
                OutputFolder.HELP})
final class EvaluateMethodsCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "A model file: .vbpm, Torch7 .t7/.t7b, or ONNX .onnx.")
    Path model;

    @Option(names = "--data", paramLabel = "roads|signs|fashion-mnist|FOLDER",
            description = {"Held-out frames: synthetic roads (lane markings, horizontal markings, cars and shadows as ground truth), "
                    + "synthetic signs (the sign's mask), Fashion-MNIST's test split (the garment: pixels >= 0.1), or a folder of "
                    + "pictures or .npy arrays (no ground truth: localisation is skipped). Default: from the model's input size "
                    + "(1x125x640 or 1x125x349: roads; 3x125x125: signs; 1x28x28: fashion-mnist)."})
    String data;

    @Option(names = "--methods", paramLabel = "M[,M...]", description = "Methods (default: all; `vbp explain --list-methods`).")
    String methods;

    @Option(names = "--metrics", paramLabel = "T[,T...]",
            description = "Tests: randomization, random-logit, perturbation, localisation, invariance, cost (default: all).")
    String metrics;

    @Option(names = "--frames", defaultValue = "100", paramLabel = "N", description = "Frames for localisation; the others follow (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--quick", description = "A first look: 8 frames for localisation, 2 for perturbation, randomization, random logit and invariance, 1 for SmoothGrad and Integrated Gradients under randomization.")
    boolean quick;

    @Option(names = "--randomization-frames", paramLabel = "N", description = "Frames for model-parameter randomization (default: N/10).")
    Integer randomizationFrames;

    @Option(names = "--sampled-frames", paramLabel = "N", description = "Frames for SmoothGrad and Integrated Gradients under randomization (default: N/50).")
    Integer sampledFrames;

    @Option(names = "--perturbation-frames", paramLabel = "N", description = "Frames for region perturbation (default: N/5).")
    Integer perturbationFrames;

    @Option(names = "--logit-frames", paramLabel = "N", description = "Frames for random logits (default: N/5).")
    Integer logitFrames;

    @Option(names = "--invariance-frames", paramLabel = "N", description = "Frames for input invariance (default: N/5).")
    Integer invarianceFrames;

    @Option(names = "--cost-frames", paramLabel = "N", description = "Frames timed for cost (default: min(N, 16)).")
    Integer costFrames;

    @Option(names = "--patch", defaultValue = "8", description = "Region perturbation's patch side in pixels (default: ${DEFAULT-VALUE}).")
    int patch;

    @Option(names = "--steps", defaultValue = "100", description = "Region perturbation's steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--baseline", defaultValue = "uniform", paramLabel = "uniform|blur|mean|zero",
            description = "What replaces a patch: uniform noise in the frame's range, the frame blurred, the frames' mean, zero (default: ${DEFAULT-VALUE}).")
    String baseline;

    @Option(names = "--shift", defaultValue = "-1", description = "Input invariance's constant shift (default: ${DEFAULT-VALUE}, Kindermans et al.'s [0, 1] -> [-1, 0]).")
    float shift;

    @Option(names = "--batch", defaultValue = "8", description = "Frames per forward pass (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the methods' noise, the randomized weights and the random logits (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--data-seed", defaultValue = "424242", description = "Seed of the synthetic held-out frames (default: ${DEFAULT-VALUE}; not a training seed).")
    long dataSeed;

    @Option(names = "--input-shape", paramLabel = "CxHxW", description = "Input size for Torch7 models, and ONNX models whose size is symbolic.")
    String inputShape;

    @Option(names = "--fit", defaultValue = "exact", paramLabel = "exact|resize|cover|crop-bottom",
            description = "How pictures of a FOLDER of another size are brought to the input size (default: ${DEFAULT-VALUE}: refuse).")
    String fit;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the results (created).")
    Path out;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        List<String> chosen = methods == null ? Faithfulness.METHODS : ExplainCommand.parseMethods(methods);
        Set<Faithfulness.Metric> tests = EnumSet.noneOf(Faithfulness.Metric.class);
        if (metrics == null) {
            tests.addAll(EnumSet.allOf(Faithfulness.Metric.class));
        } else {
            for (String m : metrics.split(",")) {
                tests.add(Faithfulness.Metric.parse(m));
            }
        }
        if (frames < 1 || batch < 1) {
            throw new IllegalArgumentException("--frames and --batch must be >= 1, got " + frames + " and " + batch);
        }
        Faithfulness.Config config = (quick ? Faithfulness.Config.quick() : Faithfulness.Config.defaults(frames)).withMethods(chosen)
                .withMetrics(tests).withBatch(batch).withSeed(seed).withShift(shift)
                .withPerturbation(new RegionPerturbation.Settings(patch, steps, RegionPerturbation.Baseline.parse(baseline), seed));
        Faithfulness.Sizes s = config.sizes();
        config = config.withSizes(new Faithfulness.Sizes(s.localisation(), or(perturbationFrames, s.perturbation()),
                or(randomizationFrames, s.randomization()), or(sampledFrames, s.sampledRandomization()), or(logitFrames, s.randomLogit()),
                or(invarianceFrames, s.invariance()), or(costFrames, s.cost())));
        Images.Fit fitting = Images.Fit.parse(fit);
        try (OutputFolder folder = OutputFolder.create(out, "--out")) {
            Models.Loaded m = Models.load(model, inputShape);
            Network net = m.network();
            for (String name : chosen) {
                Explainer.of(name, net); // refuses, naming both, a method that cannot explain this network: before any work
            }
            TrainCommand.requireBatchFits(net, batch, batch, "the network");
            Faithfulness.Frames f = frames(net, config.sizes().max(), fitting);
            long start = System.nanoTime();
            Faithfulness.Report r;
            ProgressListener listener = new ProgressListener(quiet);
            try {
                r = Faithfulness.run(net, m.source(), f, config, listener);
            } finally {
                listener.close();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            try {
                write(folder, r, seconds);
                folder.commit();
            } catch (IOException | RuntimeException e) {
                throw new CommandFailedException(Vbp.message(e) + "; " + folder.leftBehind() + " in " + out, e);
            }
            System.out.print(Faithfulness.summary(r));
            System.out.printf(Locale.ROOT, "%nevaluated %d methods on %s in %.0f s; wrote %s%n", chosen.size(), f.description(), seconds,
                    folder.dir());
        }
        return 0;
    }

    private static int or(Integer given, int dflt) {
        if (given != null && given < 1) {
            throw new IllegalArgumentException("frame counts must be >= 1, got " + given);
        }
        return given == null ? dflt : given;
    }

    /** The frames: the named data set, or a folder. */
    private Faithfulness.Frames frames(Network net, int n, Images.Fit fitting) throws IOException {
        Shape in = net.inputShape();
        String d = data;
        if (d == null) {
            boolean road = false;
            for (RoadView v : RoadView.values()) {
                road |= v.inputShape().equals(in);
            }
            if (road) {
                d = "roads";
            } else if (in.equals(new Shape(1, 3, 125, 125))) {
                d = "signs";
            } else if (in.equals(new Shape(1, 1, 28, 28))) {
                d = "fashion-mnist";
            } else {
                throw new IllegalArgumentException(model + " takes " + in.describeSample() + ": name the frames with --data (roads, signs, "
                        + "fashion-mnist, or a folder)");
            }
        }
        switch (d.toLowerCase(Locale.ROOT)) {
            case "roads":
                return Faithfulness.roads(in, n, dataSeed);
            case "signs":
                return Faithfulness.signs(in, n, dataSeed);
            case "fashion-mnist":
                return Faithfulness.fashionMnist(in, n);
            default:
                Path dir = Path.of(d);
                if (!Files.exists(dir)) {
                    throw new IllegalArgumentException("unknown --data '" + d + "': expected roads, signs, fashion-mnist or a folder");
                }
                List<Inputs.Item> items = Inputs.list(dir);
                List<Tensor> xs = new ArrayList<>();
                for (Inputs.Item it : items.subList(0, Math.min(n, items.size()))) {
                    xs.add(Inputs.load(it, in, fitting));
                }
                return Faithfulness.of(dir.getFileName().toString(), xs.size() + " pictures of " + dir, Tensor.stack(xs));
        }
    }

    private static void write(OutputFolder folder, Faithfulness.Report r, double seconds) throws IOException {
        StringBuilder csv = new StringBuilder("method,metric,setting,value,frames\n");
        for (Faithfulness.Row row : Faithfulness.rows(r)) {
            csv.append(Csv.row(row.method(), row.metric(), row.setting(), Double.isNaN(row.value()) ? "" : Double.toString(row.value()), row.frames()))
                    .append('\n');
        }
        folder.stage("metrics.csv", tmp -> Files.writeString(tmp, csv, StandardCharsets.UTF_8));
        String summary = Faithfulness.summary(r) + String.format(Locale.ROOT, "%nWhole run: %.0f s.%n", seconds);
        folder.stage("summary.md", tmp -> Files.writeString(tmp, summary, StandardCharsets.UTF_8));
        if (!r.localisation().isEmpty()) {
            folder.stage("localisation.md", tmp -> Files.writeString(tmp, Faithfulness.localisationTable(r), StandardCharsets.UTF_8));
        }
        if (!r.cascading().isEmpty()) {
            folder.stage("randomization-cascading.png", tmp -> Images.writePng(Charts.image(
                    FaithfulnessFigures.randomizationChart(r, Randomization.Order.CASCADING, Similarity.Measure.SPEARMAN_ABS)), tmp));
            folder.stage("randomization-cascading-ssim.png", tmp -> Images.writePng(Charts.image(
                    FaithfulnessFigures.randomizationChart(r, Randomization.Order.CASCADING, Similarity.Measure.SSIM)), tmp));
            folder.stage("randomization-independent.png", tmp -> Images.writePng(Charts.image(
                    FaithfulnessFigures.randomizationChart(r, Randomization.Order.INDEPENDENT, Similarity.Measure.SPEARMAN_ABS)), tmp));
            folder.stage("randomization-grid.png", tmp -> Images.writePng(
                    FaithfulnessFigures.randomizationGrid(r, Randomization.Order.CASCADING), tmp));
        }
        if (!r.perturbation().isEmpty()) {
            folder.stage("perturbation.png", tmp -> Images.writePng(Charts.image(FaithfulnessFigures.perturbationChart(r)), tmp));
        }
    }

    /** The run's phases as one progress bar each. */
    private static final class ProgressListener implements Faithfulness.Listener {
        private final boolean quiet;
        private Progress current;

        ProgressListener(boolean quiet) {
            this.quiet = quiet;
        }

        @Override
        public void phase(String name, long units) {
            close();
            current = Progress.start(name, units, name.equals("perturbation") ? "img" : "map", quiet);
        }

        @Override
        public void step(long units) {
            if (current != null) {
                current.step(units);
            }
        }

        void close() {
            if (current != null) {
                current.close();
                current = null;
            }
        }
    }
}
