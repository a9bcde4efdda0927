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
                + "against each one's share of the image (ratio > 1: the mask favours it).", "Prints a table; writes no files."})
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "A steering model trained on --data roads (.vbpm).")
    Path model;

    @Option(names = "--samples", defaultValue = "300", description = "Held-out frames (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--seed", defaultValue = "424242", description = "Seed of the held-out frames; differ from the training seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--epsilon", defaultValue = "100", description = "LRP's epsilon (default: ${DEFAULT-VALUE}).")
    double epsilon;

    @Option(names = "--batch", defaultValue = "16", description = "Frames per batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public Integer call() throws Exception {
        Models.Loaded m = Models.load(model, null);
        Network net = m.network();
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
}
