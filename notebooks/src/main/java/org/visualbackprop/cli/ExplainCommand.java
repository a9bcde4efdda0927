package org.visualbackprop.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.visualbackprop.engine.DevicePreference;
import org.visualbackprop.explain.Attribution;
import org.visualbackprop.explain.Explainer;
import org.visualbackprop.explain.Explanation;
import org.visualbackprop.explain.Lrp;
import org.visualbackprop.explain.Target;
import org.visualbackprop.image.Images;
import org.visualbackprop.image.Pictures;
import org.visualbackprop.io.Npy;
import org.visualbackprop.nn.LogSoftmax;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vbp explain}: any of the {@link Explainer} methods for images or arrays, written as .npy and PNG. One loop over
 * the explainers: on Java threads they share one forward pass per batch; on a compute device each runs its own.
 */
@Command(name = "explain", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Explain a model's predictions with VisualBackProp, LRP and gradient baselines.",
                "For every input STEM writes STEM.METHOD.npy (float32 H x W: the normalized VBP mask; the raw relevance or "
                        + "gradient map for the others), STEM.METHOD.png, STEM.METHOD-overlay.png (the authors' red overlay), "
                        + "STEM.vbp-steps.png (Figure 2) for VBP, STEM.vbp-vs-lrp.png when both ran, and predictions.csv.",
                Inputs.STEM_RULE, OutputFolder.HELP})
final class ExplainCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE", description = "A model file: .vbpm, Torch7 .t7/.t7b, or ONNX .onnx (required).")
    Path model;

    @Option(names = "--input", paramLabel = "IMAGE|NPY|DIR", description = "An image, a .npy array, or a folder of them (required).")
    Path input;

    @Option(names = "--out", paramLabel = "DIR", description = "Folder for the results (created; required).")
    Path out;

    @Option(names = "--method", defaultValue = "vbp", paramLabel = "M",
            description = "One of the methods `vbp explain --list-methods` prints, or all; comma-separated for several "
                    + "(default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--list-methods", description = "Print the methods and what each computes, then exit.")
    boolean listMethods;

    @Option(names = "--epsilon", paramLabel = "E",
            description = "LRP's epsilon (default: the paper's 100 for lrp, zennit's 1e-6 for its composites; 0 gives LRP-0).")
    Double epsilon;

    @Option(names = "--lrp-batchnorm", defaultValue = "fold", paramLabel = "fold|separate",
            description = "LRP's BatchNorm treatment: fold into the next conv/dense where exact, or its own step. Default: ${DEFAULT-VALUE}.")
    String lrpBatchNorm;

    @Option(names = "--batchnorm", defaultValue = "running", paramLabel = "running|batch",
            description = {"BatchNorm statistics: running (evaluation mode, the default) or batch: the statistics of all inputs "
                    + "given together, as the authors' run.lua does (their model is stored in training mode); then all inputs "
                    + "form one batch."})
    String batchNorm;

    @Option(names = "--batch", defaultValue = "16", description = "Inputs per batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--fit", defaultValue = "exact", paramLabel = "exact|resize|cover|crop-bottom",
            description = "How images of another size are brought to the network's input size (default: ${DEFAULT-VALUE}: refuse).")
    String fit;

    @Option(names = "--target", paramLabel = "K", description = "Output (class) to explain; default: the predicted class, or the only output.")
    Integer target;

    @Option(names = "--input-shape", paramLabel = "CxHxW", description = "Input size for Torch7 models, which do not record it (default: 1x125x640 when it fits), and ONNX models whose size is symbolic.")
    String inputShape;

    @Option(names = "--device", defaultValue = "java", paramLabel = "java|gpu|opencl-cpu|auto",
            description = {"Where VisualBackProp and LRP run: java (core, the default), gpu or opencl-cpu (the gpu module's OpenCL "
                    + "kernels), or auto (an OpenCL GPU, else an OpenCL CPU, else java). The device is reported. OpenCL runs evaluation "
                    + "mode only, vbp and lrp only (fold rule)."})
    String device;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        if (listMethods) {
            for (String name : Explainer.names()) {
                System.out.printf("%-30s %s%n", name, Explainer.describe(name));
            }
            return 0;
        }
        if (model == null || input == null || out == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing required option" + (model == null ? " '--model=FILE'" : "")
                    + (input == null ? " '--input=IMAGE|NPY|DIR'" : "") + (out == null ? " '--out=DIR'" : "")
                    + " (only --list-methods works without them)");
        }
        List<String> methods = parseMethods(method);
        Mode mode = switch (batchNorm.toLowerCase(Locale.ROOT)) {
            case "running" -> Mode.EVAL;
            case "batch" -> Mode.BATCH_STATISTICS;
            default -> throw new IllegalArgumentException("--batchnorm must be running or batch, got '" + batchNorm + "'");
        };
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        }
        Explainer.Options options = Explainer.Options.defaults().withBatchNorm(mode)
                .withLrpBatchNorm(switch (lrpBatchNorm.toLowerCase(Locale.ROOT)) {
                    case "fold" -> Lrp.BatchNormRule.FOLD;
                    case "separate" -> Lrp.BatchNormRule.SEPARATE;
                    default -> throw new IllegalArgumentException("--lrp-batchnorm must be fold or separate, got '" + lrpBatchNorm + "'");
                })
                .withDevice(DevicePreference.parse(device))
                .withNotices(note -> System.err.println("vbp explain: " + note));
        if (epsilon != null) {
            options = options.withEpsilon(epsilon);
        }
        Images.Fit fitting = Images.Fit.parse(fit);
        Models.Loaded m = Models.load(model, inputShape);
        Network net = m.network();
        Shape in = net.inputShape();
        Target tgt = target == null ? Target.predicted() : Target.output(target);
        List<Inputs.Item> items = Inputs.list(input);
        int perBatch = mode == Mode.BATCH_STATISTICS ? items.size() : batch;
        List<Explainer> explainers = new ArrayList<>();
        try {
            for (String name : methods) {
                explainers.add(Explainer.of(name, net, options));
            }
            return run(m, explainers, items, perBatch, fitting, tgt, mode);
        } finally {
            for (Explainer e : explainers) {
                e.close();
            }
        }
    }

    private int run(Models.Loaded m, List<Explainer> explainers, List<Inputs.Item> items, int perBatch, Images.Fit fitting, Target tgt,
                    Mode mode) throws IOException {
        Network net = m.network();
        Shape in = net.inputShape();
        TrainCommand.requireBatchFits(net, perBatch, items.size(), "the network");
        List<Explainer> onJava = explainers.stream().filter(e -> e.options().device() == DevicePreference.JAVA).toList();
        boolean classifier = net.layer(net.size() - 1) instanceof LogSoftmax;
        List<String> notes = new ArrayList<>();
        if (!Pictures.drawsAsIs(in)) {
            notes.add("the network's input has " + in.c() + " channels: pictures show their mean in gray (the .npy maps are per pixel)");
        }
        Set<String> devices = new LinkedHashSet<>();
        long start = System.nanoTime();
        // every output is written under a temporary name and moved into place at the end: a run that fails half-way
        // leaves the folder as it found it (an earlier run's files included)
        try (OutputFolder folder = OutputFolder.create(out, "--out");
             Progress progress = Progress.start("explain", items.size(), "img", quiet)) {
            try {
                StringBuilder csv = new StringBuilder(classifier ? "input,prediction,log_probability\n" : "input,prediction\n");
                Trace trace = null;
                for (int b0 = 0; b0 < items.size(); b0 += perBatch) {
                    List<Inputs.Item> part = items.subList(b0, Math.min(items.size(), b0 + perBatch));
                    List<Tensor> xs = new ArrayList<>();
                    for (Inputs.Item it : part) {
                        xs.add(Inputs.load(it, in, fitting));
                    }
                    Tensor x = Tensor.stack(xs);
                    // one forward pass for every explainer on Java threads; compute devices run their own
                    trace = onJava.isEmpty() ? null : Explainer.trace(net, x, mode, trace, onJava);
                    List<Attribution> results = new ArrayList<>();
                    for (Explainer e : explainers) {
                        Attribution a = onJava.contains(e) ? e.explain(trace, tgt) : e.explain(x, tgt);
                        devices.add(a.device());
                        results.add(a);
                    }
                    Tensor predictions = results.get(0).outputs();
                    for (int i = 0; i < part.size(); i++) {
                        String stem = part.get(i).stem();
                        csv.append(predictionRow(stem, predictions, i, classifier)).append('\n');
                        writeOutputs(folder, stem, x, i, results, notes);
                    }
                    progress.step(part.size());
                }
                folder.stage("predictions.csv", tmp -> Files.writeString(tmp, csv, StandardCharsets.UTF_8));
                folder.commit();
            } catch (IOException | RuntimeException e) {
                throw new CommandFailedException(Vbp.message(e) + "; " + folder.leftBehind() + " in " + out, e);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("explained %d input%s with %s (%s, BatchNorm %s) on %s in %.1f s; results in %s%n", items.size(),
                items.size() == 1 ? "" : "s", String.join(", ", explainers.stream().map(Explainer::name).toList()), m.source(),
                mode == Mode.EVAL ? "running statistics" : "batch statistics", String.join("; ", devices), seconds, out);
        for (String n : notes) {
            System.out.println("note: " + n);
        }
        return 0;
    }

    private static String predictionRow(String stem, Tensor predictions, int i, boolean classifier) {
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

    /** Every file of one input: each method's map and pictures, Figure 2 for VisualBackProp, VBP beside LRP. */
    private static void writeOutputs(OutputFolder folder, String stem, Tensor x, int i, List<Attribution> results, List<String> notes)
            throws IOException {
        Shape in = x.shape();
        double[] vbpDisplay = null;
        double[] lrpDisplay = null;
        for (Attribution a : results) {
            double[] map = a.map(i);
            writeMap(folder, stem, a.method(), map, in);
            double[] display = display(a, map);
            writePictures(folder, stem, a.method(), x, i, display);
            if (a.method().equals("vbp")) {
                vbpDisplay = display;
                if (a.details().isPresent()) {
                    Explanation e = a.details().get();
                    folder.stage(stem + ".vbp-steps.png", tmp -> Images.writePng(Pictures.vbpSteps(x, i, e.mask(), e.averagedMaps(),
                            e.intermediateMasks(), e.levelNames()), tmp));
                }
            } else if (a.method().equals("lrp")) {
                lrpDisplay = display;
            }
            a.note(i).ifPresent(n -> notes.add(stem + ": " + n));
        }
        if (vbpDisplay != null && lrpDisplay != null) {
            double[] v = vbpDisplay;
            double[] l = lrpDisplay;
            folder.stage(stem + ".vbp-vs-lrp.png", tmp -> Images.writePng(Pictures.sideBySide(x, i, v, l), tmp));
        }
    }

    /**
     * A map as the pictures show it: VisualBackProp's mask is already in [0, 1]; a non-negative saliency (the
     * largest absolute gradient) is min-max scaled; signed maps show their positive part up to a high percentile.
     */
    private static double[] display(Attribution a, double[] map) {
        if (a.method().equals("vbp")) {
            return map;
        }
        return a.reduction() == Attribution.Reduction.MAX_ABS ? Pictures.minMax(map) : Pictures.displayMask(map);
    }

    /** The methods asked for, in the order given; {@code all} is every method. */
    static List<String> parseMethods(String spec) {
        Set<String> chosen = new LinkedHashSet<>();
        for (String part : spec.toLowerCase(Locale.ROOT).split(",")) {
            String p = part.trim();
            if (p.equals("all")) {
                chosen.addAll(Explainer.names());
            } else if (Explainer.names().contains(p)) {
                chosen.add(p);
            } else {
                throw new IllegalArgumentException("unknown method '" + p + "': expected " + String.join(", ", Explainer.names()) + " or all");
            }
        }
        return List.copyOf(chosen);
    }

    /**
     * Writes {@code STEM.METHOD.npy} as float32 H x W; a map whose values float32 cannot hold (LRP at a large epsilon
     * over a deep net can reach 1e-41) is written as float64 instead.
     */
    private static void writeMap(OutputFolder folder, String stem, String method, double[] map, Shape in) throws IOException {
        String f = stem + "." + method + ".npy";
        int[] shape = {in.h(), in.w()};
        double max = 0;
        for (double v : map) {
            max = Math.max(max, Math.abs(v));
        }
        if (max > 0 && max < 1e-30) {
            folder.stage(f, tmp -> Npy.write(tmp, shape, map));
            return;
        }
        float[] fl = new float[map.length];
        for (int q = 0; q < map.length; q++) {
            fl[q] = (float) map[q];
        }
        folder.stage(f, tmp -> Npy.write(tmp, shape, fl));
    }

    private static void writePictures(OutputFolder folder, String stem, String method, Tensor x, int i, double[] display) throws IOException {
        Shape s = x.shape();
        folder.stage(stem + "." + method + ".png", tmp -> Images.writePng(Pictures.heat(display, s.h(), s.w()), tmp));
        folder.stage(stem + "." + method + "-overlay.png", tmp -> Images.writePng(Pictures.overlay(x, i, display), tmp));
    }
}
