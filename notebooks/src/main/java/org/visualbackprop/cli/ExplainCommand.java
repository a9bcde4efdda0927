package org.visualbackprop.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.visualbackprop.explain.Attribution;
import org.visualbackprop.engine.DevicePreference;
import org.visualbackprop.engine.Engines;
import org.visualbackprop.engine.InferenceEngine;
import org.visualbackprop.engine.Relevance;
import org.visualbackprop.engine.Request;
import org.visualbackprop.engine.VbpMaps;
import org.visualbackprop.explain.Gradients;
import org.visualbackprop.explain.Lrp;
import org.visualbackprop.explain.Target;
import org.visualbackprop.explain.VbpPlan;
import org.visualbackprop.explain.VisualBackProp;
import org.visualbackprop.image.Images;
import org.visualbackprop.image.Pictures;
import org.visualbackprop.io.Npy;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vbp explain}: VisualBackProp, LRP and gradient maps for images or arrays, written as .npy and PNG. */
@Command(name = "explain", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Explain a model's predictions with VisualBackProp, LRP-epsilon and gradient baselines.",
                "For every input STEM writes STEM.METHOD.npy (float32 H x W: the normalized VBP mask; the raw relevance or "
                        + "gradient map for the others), STEM.METHOD.png, STEM.METHOD-overlay.png (the authors' red overlay), "
                        + "STEM.vbp-steps.png (Figure 2) for VBP, STEM.vbp-vs-lrp.png when both ran, and predictions.csv."})
final class ExplainCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "A model file: .vbpm, Torch7 .t7/.t7b, or ONNX .onnx.")
    Path model;

    @Option(names = "--input", required = true, paramLabel = "IMAGE|NPY|DIR", description = "An image, a .npy array, or a folder of them.")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the results (created).")
    Path out;

    @Option(names = "--method", defaultValue = "vbp", paramLabel = "M",
            description = "vbp, lrp, gradient, gradxinput, or all; comma-separated for several (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--epsilon", defaultValue = "100", description = "LRP's epsilon (the paper's 100; 0 gives LRP-0). Default: ${DEFAULT-VALUE}.")
    double epsilon;

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
        Set<String> methods = parseMethods(method);
        Mode mode = switch (batchNorm.toLowerCase(Locale.ROOT)) {
            case "running" -> Mode.EVAL;
            case "batch" -> Mode.BATCH_STATISTICS;
            default -> throw new IllegalArgumentException("--batchnorm must be running or batch, got '" + batchNorm + "'");
        };
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        }
        Lrp lrp = Lrp.epsilon(epsilon, switch (lrpBatchNorm.toLowerCase(Locale.ROOT)) {
            case "fold" -> Lrp.BatchNormRule.FOLD;
            case "separate" -> Lrp.BatchNormRule.SEPARATE;
            default -> throw new IllegalArgumentException("--lrp-batchnorm must be fold or separate, got '" + lrpBatchNorm + "'");
        });
        Images.Fit fitting = Images.Fit.parse(fit);
        Models.Loaded m = Models.load(model, inputShape);
        Network net = m.network();
        Shape in = net.inputShape();
        VbpPlan plan = methods.contains("vbp") ? VbpPlan.of(net) : null;
        Target tgt = target == null ? Target.predicted() : Target.output(target);
        DevicePreference pref = DevicePreference.parse(device);
        InferenceEngine engine = null;
        if (pref != DevicePreference.JAVA) {
            if (mode != Mode.EVAL) {
                throw new IllegalArgumentException("--device " + device + " runs evaluation mode only; use --device java with --batchnorm batch");
            }
            if (methods.contains("gradient") || methods.contains("gradxinput")) {
                throw new IllegalArgumentException("the gradient methods run on --device java only");
            }
            engine = Engines.open(net, pref, note -> System.err.println("vbp explain: " + note));
        }
        List<Inputs.Item> items = Inputs.list(input);
        int perBatch = mode == Mode.BATCH_STATISTICS ? items.size() : batch;
        Files.createDirectories(out);
        boolean classifier = net.layer(net.size() - 1).kind().equals("LogSoftmax");
        List<String> notes = new ArrayList<>();
        String deviceName = "java (core, " + org.visualbackprop.compute.Sgemm.describe() + ")";
        long start = System.nanoTime();
        try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(out.resolve("predictions.csv"), StandardCharsets.UTF_8));
             Progress progress = Progress.start("explain", items.size(), "img", quiet)) {
            csv.println(classifier ? "input,prediction,log_probability" : "input,prediction");
            Trace trace = null;
            for (int b0 = 0; b0 < items.size(); b0 += perBatch) {
                List<Inputs.Item> part = items.subList(b0, Math.min(items.size(), b0 + perBatch));
                List<Tensor> xs = new ArrayList<>();
                for (Inputs.Item it : part) {
                    xs.add(Inputs.load(it, in, fitting));
                }
                Tensor x = Tensor.stack(xs);
                Tensor result;
                VbpMaps vbp = null;
                Relevance lrpResult = null;
                Attribution lrpJava = null;
                Attribution grad = null;
                Attribution gxi = null;
                if (engine != null) {
                    Request req = methods.contains("vbp") ? Request.vbpAll() : Request.predictions();
                    if (methods.contains("lrp")) {
                        req = req.withLrp(lrp, tgt);
                    }
                    org.visualbackprop.engine.Result r = engine.run(x, req);
                    deviceName = r.device().toString();
                    result = r.predictions();
                    vbp = r.vbp();
                    lrpResult = r.lrp();
                } else {
                    trace = plan != null ? VisualBackProp.trace(net, plan, x, mode, trace) : net.trace(x, mode, trace);
                    vbp = plan != null ? VbpMaps.of(VisualBackProp.explain(trace, plan), true) : null;
                    lrpJava = methods.contains("lrp") ? lrp.attribute(trace, tgt) : null;
                    lrpResult = lrpJava == null ? null : Relevance.of(lrpJava);
                    grad = methods.contains("gradient") ? Gradients.sensitivity(trace, tgt) : null;
                    gxi = methods.contains("gradxinput") ? Gradients.gradientTimesInput(trace, tgt) : null;
                    result = trace.result();
                }
                for (int i = 0; i < part.size(); i++) {
                    String stem = part.get(i).stem();
                    int k = result.shape().sampleSize();
                    if (classifier) {
                        int best = 0;
                        for (int j = 1; j < k; j++) {
                            best = result.data()[i * k + j] > result.data()[i * k + best] ? j : best;
                        }
                        csv.println(csvField(stem) + "," + best + "," + result.data()[i * k + best]);
                    } else {
                        StringBuilder row = new StringBuilder(csvField(stem));
                        for (int j = 0; j < k; j++) {
                            row.append(',').append(result.data()[i * k + j]);
                        }
                        csv.println(row);
                    }
                    double[] vbpMask = null;
                    if (vbp != null) {
                        vbpMask = Pictures.map(vbp.mask(), i);
                        writeMap(stem, "vbp", vbpMask, in, false);
                        writePictures(stem, "vbp", x, i, vbpMask);
                        Images.writePng(Pictures.vbpSteps(x, i, vbp.mask(), vbp.averagedMaps(), vbp.intermediateMasks(), vbp.levelNames()),
                                out.resolve(stem + ".vbp-steps.png"));
                        if (vbp.isFlat(i)) {
                            notes.add(stem + ": the VisualBackProp mask is flat (some layer had every unit off); its mask is all zeros");
                        }
                    }
                    if (lrpResult != null) {
                        double[] map = lrpResult.map(i);
                        writeMap(stem, "lrp", map, in, true);
                        double[] display = Pictures.displayMask(map);
                        writePictures(stem, "lrp", x, i, display);
                        Attribution.Conservation c = lrpJava == null ? null : lrpJava.conservation().get(i);
                        if (c != null && c.deadLayer() != null) {
                            notes.add(stem + ": LRP relevance stops at " + c.deadLayer() + " (every unit feeding it is off: the output "
                                    + String.format("%.4g", c.output()) + " is its bias alone); the LRP map is zero");
                        }
                        if (vbpMask != null) {
                            Images.writePng(Pictures.sideBySide(x, i, vbpMask, display), out.resolve(stem + ".vbp-vs-lrp.png"));
                        }
                    }
                    for (Attribution a : new Attribution[] {grad, gxi}) {
                        if (a != null) {
                            double[] map = a.map(i);
                            writeMap(stem, a.method(), map, in, false);
                            writePictures(stem, a.method(), x, i, a.method().equals("gradient") ? Pictures.minMax(map) : Pictures.displayMask(map));
                        }
                    }
                }
                progress.step(part.size());
            }
        } finally {
            if (engine != null) {
                engine.close();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("explained %d input%s with %s (%s, BatchNorm %s) on %s in %.1f s; results in %s%n", items.size(),
                items.size() == 1 ? "" : "s", String.join(", ", methods), m.source(),
                mode == Mode.EVAL ? "running statistics" : "batch statistics", deviceName, seconds, out);
        for (String n : notes) {
            System.out.println("note: " + n);
        }
        return 0;
    }

    private static String csvField(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    static Set<String> parseMethods(String spec) {
        Set<String> all = new LinkedHashSet<>(List.of("vbp", "lrp", "gradient", "gradxinput"));
        Set<String> chosen = new LinkedHashSet<>();
        for (String part : spec.toLowerCase(Locale.ROOT).split(",")) {
            String p = part.trim();
            if (p.equals("all")) {
                chosen.addAll(all);
            } else if (all.contains(p)) {
                chosen.add(p);
            } else {
                throw new IllegalArgumentException("unknown method '" + p + "': expected vbp, lrp, gradient, gradxinput or all");
            }
        }
        return chosen;
    }

    /**
     * Writes {@code STEM.METHOD.npy} as float32 H x W; a relevance map whose values float32 cannot hold (LRP at a large
     * epsilon over a deep net can reach 1e-41) is written as float64 instead, and said so.
     */
    private void writeMap(String stem, String method, double[] map, Shape in, boolean mayUnderflow) throws IOException {
        Path f = out.resolve(stem + "." + method + ".npy");
        int[] shape = {in.h(), in.w()};
        double max = 0;
        for (double v : map) {
            max = Math.max(max, Math.abs(v));
        }
        if (mayUnderflow && max > 0 && max < 1e-30) {
            Npy.write(f, shape, map);
            return;
        }
        float[] fl = new float[map.length];
        for (int q = 0; q < map.length; q++) {
            fl[q] = (float) map[q];
        }
        Npy.write(f, shape, fl);
    }

    private void writePictures(String stem, String method, Tensor x, int i, double[] display) throws IOException {
        Shape s = x.shape();
        Images.writePng(Pictures.heat(display, s.h(), s.w()), out.resolve(stem + "." + method + ".png"));
        Images.writePng(Pictures.overlay(x, i, display), out.resolve(stem + "." + method + "-overlay.png"));
    }
}
