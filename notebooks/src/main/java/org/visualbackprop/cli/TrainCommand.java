package org.visualbackprop.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.knowm.xchart.BitmapEncoder;
import org.visualbackprop.io.LimitExceededException;
import org.visualbackprop.io.Limits;
import org.visualbackprop.io.ModelFile;
import org.visualbackprop.io.Provenance;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.Network;
import org.visualbackprop.train.Sgd;
import org.visualbackprop.train.Trainer;
import org.visualbackprop.train.TrainingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vbp train}: train a network on a data set, with progress, validation, checkpoints and a loss curve. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train one of the paper's networks (or a small one) with SGD.",
                "Writes the model (after every epoch, so an interrupted run keeps its last epoch), MODEL.loss.png, and prints "
                        + "the training and validation loss per epoch. Training that diverges (a loss, weight or BatchNorm statistic "
                        + "becoming NaN or infinite) stops with exit status 2 and keeps the checkpoint of the last finite epoch.",
                OutputFolder.HELP})
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--net", defaultValue = "small", paramLabel = "NET",
            description = "netsvf, nethvf, signnet, or small (four conv layers, for quick runs on any data) (default: ${DEFAULT-VALUE}).")
    String net;

    @Option(names = "--data", defaultValue = "bars", paramLabel = "DATA", description = "Data set: " + DataSources.NAMES + " (default: ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--samples", defaultValue = "2000", description = "Training samples (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--val-samples", defaultValue = "400", description = "Held-out validation samples (default: ${DEFAULT-VALUE}).")
    int validationSamples;

    @Option(names = "--epochs", defaultValue = "10", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch", defaultValue = "32", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "0.01", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--weight-decay", defaultValue = "0.0001", description = "Weight decay on conv and dense weights (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of weights, data and shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "MODEL", description = "Model file to write (.vbpm).")
    Path out;

    @Option(names = "--masks-at", split = ",", paramLabel = "EPOCHS",
            description = "Epoch positions at which to draw VisualBackProp masks of fixed validation samples, e.g. 0,0.1,0.5,1,4 "
                    + "(the paper's Figure 7); written to MODEL.masks/ and as one grid MODEL.training-masks.png.")
    double[] masksAt;

    @Option(names = "--mask-samples", defaultValue = "4", description = "Validation samples whose masks are drawn (default: ${DEFAULT-VALUE}).")
    int maskSamples;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        // everything that can be checked is checked before anything is written
        PaperNets.Architecture arch = PaperNets.Architecture.parse(net);
        if (java.nio.file.Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + " is an existing folder; give a model file name (such as "
                    + out.resolve("model" + ModelFile.EXTENSION) + ")");
        }
        if (!out.getFileName().toString().endsWith(ModelFile.EXTENSION)) {
            throw new IllegalArgumentException("--out " + out + ": a model file name must end in " + ModelFile.EXTENSION
                    + " (the other commands recognise models by it)");
        }
        Sgd.of(lr, momentum, weightDecay);
        Trainer.Config.of(epochs, batch, seed).withCheckpoints(masksAt == null ? new double[0] : masksAt);
        if (masksAt != null && maskSamples < 1) {
            throw new IllegalArgumentException("--mask-samples must be >= 1, got " + maskSamples);
        }
        DataSources.Split split = DataSources.resolve(data, arch, samples, validationSamples, seed);
        Network network = PaperNets.build(arch, split.train().inputShape(), split.outputs(), split.classifier(), seed);
        if (!network.inputShape().equals(split.train().inputShape())) {
            throw new IllegalArgumentException(arch.id() + " takes inputs of " + network.inputShape().describeSample() + " but "
                    + split.train().describe() + " gives " + split.train().inputShape().describeSample()
                    + " (roads fit netsvf, nethvf and small; signs fit signnet and small; fashion-mnist fits signnet and small)");
        }
        requireBatchFits(network, batch, split.train().size(), arch.id());
        String stem = stripExtension(out.getFileName().toString());
        try (OutputFolder folder = OutputFolder.forFile(out, "--out")) {
            try {
                MaskRecorder masks = masksAt == null ? null
                        : new MaskRecorder(split.validation(), Math.min(maskSamples, split.validation().size()), folder, stem + ".masks",
                        split.train().size());
                Run run = train(network, arch.id(), split, epochs, batch, lr, momentum, weightDecay, seed, folder,
                        out.getFileName().toString(), true, quiet, masksAt == null ? new double[0] : masksAt, masks);
                if (masks != null) {
                    folder.stage(stem + ".training-masks.png", tmp -> org.visualbackprop.image.Images.writePng(masks.grid(), tmp));
                }
                folder.commit();
                if (masks != null) {
                    System.out.println("masks during training: " + out.resolveSibling(stem + ".training-masks.png") + " and "
                            + out.resolveSibling(stem + ".masks"));
                }
                TrainingListener.EpochReport last = run.result().last();
                System.out.printf("saved %s (%s, %,d parameters); final validation %s %.4g, %s %.4g%n", out, arch.id(),
                        network.parameterCount(), split.loss().name(), last.validationLoss(), last.metricName(), last.validationMetric());
                return 0;
            } catch (Exception | Error e) {
                folder.close();
                throw new CommandFailedException(Vbp.message(e) + "; " + folder.leftBehind(), e);
            }
        }
    }

    /**
     * Refuses a batch that cannot fit the heap: a training step keeps every layer's output and its gradient
     * ({@link Limits#traceBytesPerSample} twice per sample).
     */
    static void requireBatchFits(Network network, int batch, int samples, String arch) throws LimitExceededException {
        Limits.requireBatchFits(Math.min(batch, samples), 2 * Limits.traceBytesPerSample(network), "--batch " + batch + " of " + arch);
    }

    /** What a training run produced. */
    record Run(Network network, Trainer.Result result, Provenance provenance) {
    }

    /**
     * Trains with progress on standard error and one line per epoch on standard output; saves the model after every
     * epoch as {@code model} in {@code folder} (published at once when {@code publishCheckpoints}, so an interrupted or
     * failed run keeps its last finished epoch; staged otherwise) and stages the loss curve {@code STEM.loss.png} at the
     * end. The caller commits the folder.
     */
    static Run train(Network network, String arch, DataSources.Split split, int epochs, int batch, double lr, double momentum,
                     double weightDecay, long seed, OutputFolder folder, String model, boolean publishCheckpoints, boolean quiet,
                     double[] checkpoints, TrainingListener extra) throws IOException {
        Sgd sgd = Sgd.of(lr, momentum, weightDecay);
        Trainer trainer = new Trainer(network, split.loss(), sgd, Trainer.Config.of(epochs, batch, seed).withCheckpoints(checkpoints));
        Provenance base = Provenance.of("architecture", arch, "data", split.train().describe(), "validation", split.validation().describe(),
                "loss", split.loss().name(), "seed", seed, "epochs", epochs, "batch", batch, "learning_rate", lr, "momentum", momentum,
                "weight_decay", weightDecay, "created", Instant.now().toString(), "software", "vbp " + version());
        List<double[]> batchLosses = new ArrayList<>();
        List<TrainingListener.EpochReport> reports = new ArrayList<>();
        int perEpoch = (split.train().size() + batch - 1) / batch;
        System.out.printf("training %s on %s: %d samples, %d held out, %d epochs of %d batches%n", arch, split.train().describe(),
                split.train().size(), split.validation().size(), epochs, perEpoch);
        Progress[] progress = {null};
        TrainingListener listener = new TrainingListener() {
            @Override
            public void batchEnd(int epoch, int b, int batches, double loss) {
                if (progress[0] == null) {
                    progress[0] = Progress.start(String.format("epoch %d/%d", epoch, epochs), batches, "batch", quiet);
                }
                batchLosses.add(new double[] {epoch - 1 + (double) b / batches, loss});
                progress[0].message(String.format("loss %.4g", loss));
                progress[0].step(1);
                if (extra != null) {
                    extra.batchEnd(epoch, b, batches, loss);
                }
            }

            @Override
            public void checkpoint(double e, Network n) {
                if (extra != null) {
                    extra.checkpoint(e, n);
                }
            }

            @Override
            public void epochEnd(TrainingListener.EpochReport r) {
                if (progress[0] != null) {
                    progress[0].close();
                    progress[0] = null;
                }
                reports.add(r);
                System.out.printf("epoch %3d/%d  train %s %.4g  validation %s %.4g  %s %.4g  (%.1f s)%n", r.epoch(), epochs,
                        split.loss().name(), r.trainLoss(), split.loss().name(), r.validationLoss(), r.metricName(),
                        r.validationMetric(), r.seconds());
                Provenance p = base.with("epochs_done", r.epoch()).with("train_loss", r.trainLoss())
                        .with("validation_loss", r.validationLoss()).with("validation_" + r.metricName(), r.validationMetric());
                try {
                    if (publishCheckpoints) {
                        folder.publish(model, "the checkpoint of epoch " + r.epoch() + " of " + epochs, tmp -> ModelFile.save(network, p, tmp));
                    } else {
                        folder.stage(model, tmp -> ModelFile.save(network, p, tmp));
                    }
                } catch (IOException ex) {
                    throw new java.io.UncheckedIOException("could not save the checkpoint of epoch " + r.epoch() + ": " + ex.getMessage(), ex);
                }
                if (extra != null) {
                    extra.epochEnd(r);
                }
            }
        };
        try {
            Trainer.Result result = trainer.fit(split.train(), split.validation(), listener);
            folder.stage(stripExtension(model) + ".loss.png", tmp -> BitmapEncoder.saveBitmap(Charts.lossCurve(arch + " on "
                    + split.train().describe(), split.loss().name(), reports, batchLosses), tmp.toString(), BitmapEncoder.BitmapFormat.PNG));
            TrainingListener.EpochReport last = result.last();
            return new Run(network, result, base.with("epochs_done", last.epoch()).with("train_loss", last.trainLoss())
                    .with("validation_loss", last.validationLoss()).with("validation_" + last.metricName(), last.validationMetric()));
        } finally {
            if (progress[0] != null) {
                progress[0].close();
            }
        }
    }

    static String stripExtension(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    static String version() {
        String v = TrainCommand.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }
}
