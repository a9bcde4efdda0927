package org.visualbackprop.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.knowm.xchart.BitmapEncoder;
import org.visualbackprop.io.LimitExceededException;
import org.visualbackprop.io.Limits;
import org.visualbackprop.io.ModelFile;
import org.visualbackprop.io.Provenance;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.Network;
import org.visualbackprop.data.RoadScenes;
import org.visualbackprop.train.Augmentation;
import org.visualbackprop.train.Dataset;
import org.visualbackprop.train.Datasets;
import org.visualbackprop.train.Optimizer;
import org.visualbackprop.train.Trainer;
import org.visualbackprop.train.TrainingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vbp train}: train a network on a data set, with progress, validation, checkpoints and a loss curve. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train one of the paper's networks (or a small one) with SGD, Adam or AdamW.",
                "Writes the model (after every epoch, so an interrupted run keeps its last epoch), MODEL.loss.png, the learning "
                        + "curve MODEL.curve.csv (every step's loss, learning rate and gradient norm, and the validations), and prints "
                        + "the training and validation loss per epoch. Seed, data and every setting go into the model's provenance. "
                        + "Training that diverges (a loss, weight or BatchNorm statistic becoming NaN or infinite) stops with exit "
                        + "status 2 and keeps the checkpoint of the last finite epoch or validation.",
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

    @Option(names = "--optimizer", defaultValue = "sgd", paramLabel = "OPT",
            description = "sgd (with --momentum), adam, or adamw (Adam with decoupled weight decay) (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--lr", defaultValue = "0.01", description = "Learning rate (default: ${DEFAULT-VALUE}; Adam usually wants about 0.001).")
    double lr;

    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--weight-decay", defaultValue = "0.0001",
            description = "Weight decay on conv and dense weights: an L2 term for sgd and adam, decoupled for adamw (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--schedule", defaultValue = "constant", paramLabel = "KIND",
            description = "Learning-rate schedule after the warm-up: constant, cosine (down to --min-lr times the rate at the last step) "
                    + "or step (times --gamma every --step-every epochs) (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--warmup", defaultValue = "0", paramLabel = "EPOCHS",
            description = "Linear warm-up of the learning rate over this many epochs (fractions allowed) (default: ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--min-lr", defaultValue = "0", paramLabel = "FRACTION", description = "Floor of the cosine schedule (default: ${DEFAULT-VALUE}).")
    double minLr;

    @Option(names = "--step-every", defaultValue = "1", paramLabel = "EPOCHS", description = "Period of the step schedule (default: ${DEFAULT-VALUE}).")
    double stepEvery;

    @Option(names = "--gamma", defaultValue = "0.1", description = "Factor of the step schedule (default: ${DEFAULT-VALUE}).")
    double gamma;

    @Option(names = "--clip", defaultValue = "0", paramLabel = "NORM",
            description = "Scale the gradients down when their global L2 norm exceeds NORM (0: never) (default: ${DEFAULT-VALUE}).")
    double clip;

    @Option(names = "--augment", split = ",", paramLabel = "A", description = "Augmentations of the training batches: " + Recipe.AUGMENT_NAMES + ".")
    List<String> augment;

    @Option(names = "--validate-every", defaultValue = "0", paramLabel = "SAMPLES",
            description = "Also validate after every SAMPLES training samples, for the learning curve (default: ${DEFAULT-VALUE}: each epoch's end only).")
    long validateEvery;

    @Option(names = "--channels", split = ",", paramLabel = "C",
            description = "--net small only: conv channels, in (stride 1, stride 2) pairs (default: 8,8,16,16,24,24,32,32).")
    int[] channels;

    @Option(names = "--hidden", split = ",", paramLabel = "H", description = "--net small only: hidden fully connected sizes (default: 32).")
    int[] hidden;

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
        if (Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + " is an existing folder; give a model file name (such as "
                    + out.resolve("model" + ModelFile.EXTENSION) + ")");
        }
        if (!out.getFileName().toString().endsWith(ModelFile.EXTENSION)) {
            throw new IllegalArgumentException("--out " + out + ": a model file name must end in " + ModelFile.EXTENSION
                    + " (the other commands recognise models by it)");
        }
        if ((channels != null || hidden != null) && arch != PaperNets.Architecture.SMALL) {
            throw new IllegalArgumentException("--channels and --hidden shape the small net; " + arch.id() + " has the paper's widths");
        }
        if (masksAt != null && maskSamples < 1) {
            throw new IllegalArgumentException("--mask-samples must be >= 1, got " + maskSamples);
        }
        Recipe recipe = new Recipe(epochs, batch, optimizer, lr, momentum, weightDecay, schedule, warmup, minLr, stepEvery, gamma, clip,
                augment, validateEvery, seed);
        recipe.buildOptimizer();
        DataSources.Split split = DataSources.resolve(data, arch, samples, validationSamples, seed);
        recipe.config(split.train().size(), masksAt == null ? new double[0] : masksAt,
                recipe.buildAugmentation(data, split.classifier(), split.train() instanceof RoadScenes));
        Network network = arch == PaperNets.Architecture.SMALL && (channels != null || hidden != null)
                ? PaperNets.small(split.train().inputShape(), split.outputs(), split.classifier(), seed,
                        channels == null ? PaperNets.SMALL_CHANNELS : channels, hidden == null ? new int[] {32} : hidden)
                : PaperNets.build(arch, split.train().inputShape(), split.outputs(), split.classifier(), seed);
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
                Run run = train(network, arch.id(), split, data, recipe, folder, out.getFileName().toString(), true, quiet,
                        masksAt == null ? new double[0] : masksAt, masks);
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

    /** Validation sets of at most this many input values (256 MB) are held in memory during training. */
    static final long VALIDATION_CACHE_VALUES = 64L << 20;

    /** What a training run produced. */
    record Run(Network network, Trainer.Result result, Provenance provenance) {
    }

    /**
     * Trains with progress on standard error and one line per epoch on standard output; saves the model and the learning
     * curve ({@code STEM.curve.csv}) after every epoch and every validation as {@code model} in {@code folder} (published
     * at once when {@code publishCheckpoints}, so an interrupted or failed run keeps its last checkpoint; staged
     * otherwise) and stages the loss curve {@code STEM.loss.png} at the end. The caller commits the folder.
     *
     * @param dataName the {@code --data} name, for the augmentations' checks
     */
    static Run train(Network network, String arch, DataSources.Split split, String dataName, Recipe recipe, OutputFolder folder,
                     String model, boolean publishCheckpoints, boolean quiet, double[] checkpoints, TrainingListener extra)
            throws IOException {
        String stem = stripExtension(model);
        int epochs = recipe.epochs();
        int batch = recipe.batch();
        Augmentation augmentation = recipe.buildAugmentation(dataName, split.classifier(), split.train() instanceof RoadScenes);
        Optimizer optimizer = recipe.buildOptimizer();
        Trainer trainer = new Trainer(network, split.loss(), optimizer, recipe.config(split.train().size(), checkpoints, augmentation));
        Provenance base = Provenance.of("architecture", arch, "data", split.train().describe(), "validation", split.validation().describe(),
                "loss", split.loss().name()).with(recipe.provenance(split.train().size(), augmentation))
                .with("created", Instant.now().toString()).with("software", "vbp " + version());
        List<double[]> batchLosses = new ArrayList<>();
        List<double[]> validations = new ArrayList<>();
        List<TrainingListener.EpochReport> reports = new ArrayList<>();
        StringBuilder curveCsv = new StringBuilder("kind,samples,epochs,loss,metric,learning_rate,gradient_norm\n");
        int perEpoch = (split.train().size() + batch - 1) / batch;
        System.out.printf("training %s on %s: %d samples, %d held out, %d epochs of %d batches; %s, schedule %s, clip %s, augmentation %s%n",
                arch, split.train().describe(), split.train().size(), split.validation().size(), epochs, perEpoch, optimizer,
                base.get("schedule"), base.get("gradient_clip"), augmentation.describe());
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
            public void step(StepReport r) {
                curveCsv.append(String.format(Locale.ROOT, "step,%d,%.6f,%.6g,,%.6g,%.6g%n", r.samplesSeen(), r.epochs(), r.loss(),
                        r.learningRate(), r.gradientNorm()));
                if (extra != null) {
                    extra.step(r);
                }
            }

            @Override
            public void validation(long seen, double e, Trainer.Evaluation v) {
                validations.add(new double[] {e, v.loss()});
                curveCsv.append(String.format(Locale.ROOT, "validation,%d,%.6f,%.6g,%.6g,,%n", seen, e, v.loss(), v.metric()));
                if (progress[0] != null) {
                    progress[0].message(String.format(Locale.ROOT, "validation %s %.4g, %s %.4g", split.loss().name(), v.loss(),
                            v.metricName(), v.metric()));
                }
                // a long single pass keeps its latest state: the model and the curve so far, saved at every validation
                saveCheckpoint(base.with("samples_seen", seen).with("validation_loss", v.loss())
                        .with("validation_" + v.metricName(), v.metric()), "the checkpoint after " + seen + " samples");
                if (extra != null) {
                    extra.validation(seen, e, v);
                }
            }

            /** The model and the learning curve so far: a long single pass keeps its latest state. */
            private void saveCheckpoint(Provenance p, String what) {
                try {
                    String csv = curveCsv.toString();
                    if (publishCheckpoints) {
                        folder.publish(model, what, tmp -> ModelFile.save(network, p, tmp));
                        folder.publish(stem + ".curve.csv", "the learning curve so far",
                                tmp -> Files.writeString(tmp, csv, StandardCharsets.UTF_8));
                    } else {
                        folder.stage(model, tmp -> ModelFile.save(network, p, tmp));
                        folder.stage(stem + ".curve.csv", tmp -> Files.writeString(tmp, csv, StandardCharsets.UTF_8));
                    }
                } catch (IOException ex) {
                    throw new java.io.UncheckedIOException("could not save " + what + ": " + ex.getMessage(), ex);
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
                long seen = (long) r.epoch() * split.train().size();
                curveCsv.append(String.format(Locale.ROOT, "epoch,%d,%d,%.6g,,,%n", seen, r.epoch(), r.trainLoss()));
                curveCsv.append(String.format(Locale.ROOT, "validation,%d,%d,%.6g,%.6g,,%n", seen, r.epoch(), r.validationLoss(),
                        r.validationMetric()));
                validations.add(new double[] {r.epoch(), r.validationLoss()});
                System.out.printf("epoch %3d/%d  train %s %.4g  validation %s %.4g  %s %.4g  (%.1f s)%n", r.epoch(), epochs,
                        split.loss().name(), r.trainLoss(), split.loss().name(), r.validationLoss(), r.metricName(),
                        r.validationMetric(), r.seconds());
                saveCheckpoint(base.with("epochs_done", r.epoch()).with("train_loss", r.trainLoss())
                        .with("validation_loss", r.validationLoss()).with("validation_" + r.metricName(), r.validationMetric()),
                        "the checkpoint of epoch " + r.epoch() + " of " + epochs);
                if (extra != null) {
                    extra.epochEnd(r);
                }
            }
        };
        try {
            // the validation set is read after every epoch (and every --validate-every samples): load it once when it is small
            Dataset validation = (long) split.validation().size() * split.validation().inputShape().size() <= VALIDATION_CACHE_VALUES
                    ? Datasets.cached(split.validation()) : split.validation();
            Trainer.Result result = trainer.fit(split.train(), validation, listener);
            folder.stage(stem + ".loss.png", tmp -> BitmapEncoder.saveBitmap(Charts.lossCurve(arch + " on " + split.train().describe(),
                    split.loss().name(), reports, batchLosses, validations), tmp.toString(), BitmapEncoder.BitmapFormat.PNG));
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
