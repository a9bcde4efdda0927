package org.visualbackprop.cli;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.visualbackprop.data.RoadScenes;
import org.visualbackprop.data.RoadView;
import org.visualbackprop.experiments.Learnability;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Network;
import org.visualbackprop.train.Loss;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vbp diagnose}: how learnable the synthetic steering label is, and the gradient scale of a net at initialization. */
@Command(name = "diagnose", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Why a steering net learns what it learns: --floor fits the steering label from the lane geometry a frame "
                + "shows (what a perfect lane detector could reach); --gradients prints each layer's weight and gradient norm "
                + "on one batch of synthetic road frames at initialization."})
final class DiagnoseCommand implements Callable<Integer> {
    @Option(names = "--floor", description = "The steering floor (about a minute on 2 cores).")
    boolean floor;

    @Option(names = "--scenes", defaultValue = "20000", description = "Training scenes for the floor (default: ${DEFAULT-VALUE}; 5,000 more are held out).")
    int scenes;

    @Option(names = "--gradients", description = "Gradient scale per layer at initialization.")
    boolean gradients;

    @Option(names = "--net", defaultValue = "netsvf", description = "netsvf, nethvf or small (default: ${DEFAULT-VALUE}).")
    String net;

    @Option(names = "--batch", defaultValue = "16", description = "Frames in the batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        if (!floor && !gradients) {
            throw new IllegalArgumentException("say what to diagnose: --floor and/or --gradients");
        }
        if (floor) {
            long start = System.nanoTime();
            Learnability.Floor f = Learnability.steeringFloor(seed, scenes, 5000, 1);
            System.out.print(f.table());
            System.out.printf(Locale.ROOT, "(%.0f s)%n%n", (System.nanoTime() - start) / 1e9);
        }
        if (gradients) {
            PaperNets.Architecture arch = PaperNets.Architecture.parse(net);
            RoadView view = arch == PaperNets.Architecture.NETHVF ? RoadView.HVF : RoadView.SVF;
            RoadScenes data = RoadScenes.of(seed, batch, view);
            for (boolean randomHead : new boolean[] {false, true}) {
                Network n = PaperNets.build(arch, view.inputShape(), 1, false, seed);
                if (randomHead) {
                    // as PyTorch initializes it: the output layer drawn like the others instead of zero
                    Dense head = (Dense) n.layer(n.size() - 1);
                    Dense fresh = Dense.of(head.inFeatures(), 1, new java.util.SplittableRandom(seed + 99));
                    System.arraycopy(fresh.weight().value().data(), 0, head.weight().value().data(), 0, head.weight().value().data().length);
                }
                List<Learnability.LayerGradient> rows = Learnability.gradientScale(n, data, batch, Loss.mse());
                System.out.printf(Locale.ROOT, "%s at initialization (seed %d), output layer %s, MSE on %d synthetic frames (label in degrees / 90):%n",
                        arch.id(), seed, randomHead ? "He-uniform like the others" : "zero (as built)", batch);
                System.out.printf(Locale.ROOT, "  %-8s %-8s %12s %14s %12s%n", "layer", "kind", "|weight|", "|gradient|", "ratio");
                for (Learnability.LayerGradient r : rows) {
                    System.out.printf(Locale.ROOT, "  %-8s %-8s %12.4g %14.4g %12.4g%n", r.layer(), r.kind(), r.weightNorm(), r.gradientNorm(), r.ratio());
                }
                System.out.println();
            }
        }
        return 0;
    }
}
