package org.visualbackprop.cli;

import org.visualbackprop.explain.Explainer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.visualbackprop.data.RoadScenes;
import org.visualbackprop.data.RoadView;
import org.visualbackprop.experiments.RoadEvaluation;
import org.visualbackprop.nn.Network;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vbp evaluate}: a steering model's held-out error and where VisualBackProp and LRP put their mass. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate a steering model on held-out synthetic road frames: the steering error in degrees, and for "
                + "VisualBackProp and LRP the share of mask mass on lane markings, horizontal markings, cars, shadows and road, "
                + "against each one's share of the image (ratio > 1: the mask favours it).",
                "A classifier (--data signs or fashion-mnist): its accuracy on held-out synthetic signs (seed --seed, 100 of each "
                        + "class by default) or on Fashion-MNIST's test split (10,000 pictures, never used in training).",
                "Prints a table; writes no files."})
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE",
            description = "A model file (.vbpm), or netsvf, nethvf or signnet for the untrained network as vbp train builds it with "
                    + "seed 1 (its masks next to a trained one's).")
    Path model;

    @Option(names = "--samples", description = "Held-out samples (default: 300 road frames, 4,300 signs, all 10,000 Fashion-MNIST test pictures).")
    Integer samples;

    @Option(names = "--data", defaultValue = "roads", paramLabel = "DATA",
            description = "roads (steering models), signs or fashion-mnist (classifiers) (default: ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--seed", defaultValue = "424242", description = "Seed of the held-out frames; differ from the training seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--epsilon", defaultValue = "100", description = "LRP's epsilon (default: ${DEFAULT-VALUE}).")
    double epsilon;

    @Option(names = "--batch", defaultValue = "16", description = "Frames per batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public Integer call() throws Exception {
        Models.Loaded m = Models.resolve(model.toString(), 1, null);
        Network net = m.network();
        if (!data.equalsIgnoreCase("roads")) {
            return classifier(m, net);
        }
        int samples = this.samples == null ? 300 : this.samples;
        RoadView view = null;
        for (RoadView v : RoadView.values()) {
            if (v.inputShape().equals(net.inputShape())) {
                view = v;
            }
        }
        if (view == null) {
            throw new IllegalArgumentException(model + " takes " + net.inputShape().describeSample()
                    + "; road frames are 1 x 125 x 640 (NetSVF) or 1 x 125 x 349 (NetHVF)");
        }
        if (net.outputShape(1).sampleSize() != 1) {
            throw new IllegalArgumentException(model + " has " + net.outputShape(1).sampleSize() + " outputs; a steering model has one");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        }
        // a batch keeps every layer's output and, for LRP, a relevance of the same size
        org.visualbackprop.io.Limits.requireBatchFits(Math.min(batch, samples), 2 * org.visualbackprop.io.Limits.traceBytesPerSample(net),
                "--batch " + batch + " of " + model);
        long start = System.nanoTime();
        RoadEvaluation.Result r = RoadEvaluation.evaluate(net, RoadScenes.of(seed, samples, view),
                Explainer.of("lrp", net, Explainer.Options.defaults().withEpsilon(epsilon)), batch);
        System.out.printf(Locale.ROOT, "%s on %d synthetic %s road frames (seed %d), LRP epsilon %s (%.1f s)%n", m.source(), samples,
                view, seed, epsilon, (System.nanoTime() - start) / 1e9);
        System.out.print(RoadEvaluation.table(r));
        return 0;
    }

    /** Accuracy (and mean NLL) of a classifier on held-out signs or the Fashion-MNIST test split, with per-class accuracy. */
    private int classifier(Models.Loaded m, Network net) throws java.io.IOException {
        int classes = net.outputShape(1).sampleSize();
        org.visualbackprop.train.Dataset held;
        java.util.List<String> names;
        switch (data.toLowerCase(Locale.ROOT)) {
            case "signs" -> {
                held = org.visualbackprop.data.TrafficSigns.of(seed, samples == null ? 100 * org.visualbackprop.nets.PaperNets.SIGN_CLASSES : samples);
                names = new java.util.ArrayList<>();
                for (org.visualbackprop.data.SignClass c : org.visualbackprop.data.SignClass.values()) {
                    names.add(c.name().toLowerCase(Locale.ROOT));
                }
            }
            case "fashion-mnist" -> {
                org.visualbackprop.data.FashionMnist test = org.visualbackprop.data.FashionMnist.load(org.visualbackprop.data.FashionMnist.Split.TEST);
                if (!test.inputShape().equals(net.inputShape())) {
                    test = test.withInput(net.inputShape().c(), net.inputShape().h(), net.inputShape().w(),
                            org.visualbackprop.data.FashionMnist.Placement.RESIZE);
                }
                held = samples == null ? test : org.visualbackprop.train.Datasets.range(test, 0, Math.min(samples, test.size()));
                names = org.visualbackprop.data.FashionMnist.CLASS_NAMES;
            }
            default -> throw new IllegalArgumentException("unknown --data '" + data + "': expected roads, signs or fashion-mnist");
        }
        if (!held.inputShape().equals(net.inputShape())) {
            throw new IllegalArgumentException(model + " takes " + net.inputShape().describeSample() + " but " + held.describe() + " gives "
                    + held.inputShape().describeSample());
        }
        if (classes != names.size()) {
            throw new IllegalArgumentException(model + " has " + classes + " outputs; " + data + " has " + names.size() + " classes");
        }
        long start = System.nanoTime();
        int[] right = new int[classes];
        int[] count = new int[classes];
        double nll = 0;
        for (int from = 0; from < held.size(); from += batch) {
            int to = Math.min(held.size(), from + batch);
            org.visualbackprop.train.Batch b = org.visualbackprop.train.Datasets.batch(held, from, to);
            org.visualbackprop.tensor.Tensor p = net.forward(b.inputs(), org.visualbackprop.nn.Mode.EVAL);
            nll += org.visualbackprop.train.Loss.nll().evaluate(p, b.targets(), null) * (to - from);
            for (int i = 0; i < to - from; i++) {
                int best = 0;
                for (int j = 1; j < classes; j++) {
                    if (p.data()[i * classes + j] > p.data()[i * classes + best]) {
                        best = j;
                    }
                }
                int truth = (int) b.targets().data()[i];
                count[truth]++;
                right[truth] += best == truth ? 1 : 0;
            }
        }
        int total = 0;
        for (int r : right) {
            total += r;
        }
        System.out.printf(Locale.ROOT, "%s on %s (%.1f s)%n", m.source(), held.describe(), (System.nanoTime() - start) / 1e9);
        System.out.printf(Locale.ROOT, "accuracy %.2f%% (%d of %d), mean NLL %.4f, chance %.1f%%%n", 100.0 * total / held.size(), total,
                held.size(), nll / held.size(), 100.0 / classes);
        StringBuilder worst = new StringBuilder();
        Integer[] order = new Integer[classes];
        for (int c = 0; c < classes; c++) {
            order[c] = c;
        }
        java.util.Arrays.sort(order, java.util.Comparator.comparingDouble(c -> count[c] == 0 ? 1.0 : (double) right[c] / count[c]));
        for (int i = 0; i < Math.min(5, classes); i++) {
            int c = order[i];
            worst.append(String.format(Locale.ROOT, "%s%s %.1f%%", i == 0 ? "" : ", ", names.get(c), count[c] == 0 ? 100.0 : 100.0 * right[c] / count[c]));
        }
        System.out.println("least accurate classes: " + worst);
        return 0;
    }
}
