package org.visualbackprop.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.visualbackprop.engine.DevicePreference;
import org.visualbackprop.explain.Explainer;
import org.visualbackprop.explain.Lrp;
import org.visualbackprop.explain.Target;
import org.visualbackprop.image.Images;
import org.visualbackprop.image.Pictures;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Shape;
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

    @Option(names = "--data", paramLabel = "roads|signs",
            description = "Instead of --input: frames the synthetic generators make (with ground-truth regions for the summary's table).")
    String data;

    @Option(names = "--frames", defaultValue = "100", description = "With --data: how many frames (default: ${DEFAULT-VALUE}).")
    int frameCount;

    @Option(names = "--seed", defaultValue = "424242", description = "With --data: the generator's seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--stack", description = {"Write one .npy stack per method (METHOD.npy, N x H x W float32, each map scaled by a power of "
            + "two: value = stored * 2^e with e from METHOD.exponent.npy) instead of a .npy per input: for large inputs."})
    boolean stack;

    @Option(names = "--pictures", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Write the PNG pictures of every input (default); --no-pictures for large inputs.")
    boolean pictures;

    @Option(names = "--resume", description = {"Make the run resumable, or continue one that was interrupted in --out: after every "
            + "batch its files are moved into place and explain-progress.properties records how far it got; the same command "
            + "with --resume continues from there and gives the same files as an uninterrupted run."})
    boolean resume;

    @Option(names = "--unusual", defaultValue = "8", description = "Frames the summary shows per method as least like the mean map "
            + "(default: ${DEFAULT-VALUE}).")
    int unusual;

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
        if (model == null || (input == null && data == null) || out == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing required option" + (model == null ? " '--model=FILE'" : "")
                    + (input == null && data == null ? " '--input=IMAGE|NPY|DIR' (or --data)" : "") + (out == null ? " '--out=DIR'" : "")
                    + " (only --list-methods works without them)");
        }
        if (input != null && data != null) {
            throw new IllegalArgumentException("give --input or --data, not both");
        }
        if (unusual < 1) {
            throw new IllegalArgumentException("--unusual must be >= 1, got " + unusual);
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
        ExplainFrames frames = data != null ? ExplainFrames.synthetic(data, frameCount, seed, in) : ExplainFrames.of(input, in, fitting);
        int perBatch = mode == Mode.BATCH_STATISTICS ? frames.size() : batch;
        TrainCommand.requireBatchFits(net, perBatch, frames.size(), "the network");
        List<Explainer> explainers = new ArrayList<>();
        try {
            for (String name : methods) {
                explainers.add(Explainer.of(name, net, options));
            }
            String fingerprint = String.join("; ", model.toAbsolutePath().normalize().toString(), Files.size(model) + " bytes",
                    Files.getLastModifiedTime(model).toString(), frames.describe(), String.join(",", methods), options.toString(), "target " + tgt,
                    "fit " + fitting, "batch " + (mode == Mode.BATCH_STATISTICS ? "all" : "any"), "stack " + stack, "pictures " + pictures);
            ExplainRun.Settings settings = new ExplainRun.Settings(explainers, tgt, mode, perBatch, stack, pictures, resume, unusual, quiet,
                    fingerprint);
            ExplainRun.Outcome o = new ExplainRun(settings, frames, net, out).run();
            System.out.printf(Locale.ROOT, "explained %d input%s%s with %s (%s, BatchNorm %s) on %s in %.1f s (%.1f frames/s; the summary %.1f s); "
                            + "results in %s%n", o.frames(), o.frames() == 1 ? "" : "s",
                    o.resumedFrom() > 0 ? " (resumed after " + o.resumedFrom() + ")" : "", String.join(", ", methods), m.source(),
                    mode == Mode.EVAL ? "running statistics" : "batch statistics", String.join("; ", o.devices()), o.seconds(),
                    (o.frames() - o.resumedFrom()) / Math.max(1e-9, o.seconds() - o.summarySeconds()), o.summarySeconds(), out);
            if (!Pictures.drawsAsIs(in) && pictures) {
                System.out.println("note: the network's input has " + in.c() + " channels: pictures show their mean in gray (the .npy maps "
                        + "are per pixel)");
            }
            List<String> notes = o.notes();
            for (String n : notes.subList(0, Math.min(notes.size(), 50))) {
                System.out.println("note: " + n);
            }
            if (notes.size() > 50) {
                System.out.println("note: ... and " + (notes.size() - 50) + " more (summary.md)");
            }
            return 0;
        } finally {
            for (Explainer e : explainers) {
                e.close();
            }
        }
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

}
