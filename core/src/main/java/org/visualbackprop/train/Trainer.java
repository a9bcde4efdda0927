package org.visualbackprop.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Parameter;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;

/**
 * Mini-batch training: each epoch visits the training set in an order drawn from the seed, augments the batch
 * ({@link Config#augmentation()}), runs a traced forward pass in {@link Mode#TRAIN}, the loss, the backward pass,
 * clips the gradients' global norm ({@link Config#clipNorm()}) and takes one {@link Optimizer} step per batch at the
 * rate its {@link Schedule} gives; after each epoch (and every {@link Config#validateEvery()} samples) it evaluates the
 * validation set in {@link Mode#EVAL}. Everything random comes from {@link Config#seed()}, so the same seed, data and
 * network give the same run.
 */
public final class Trainer {
    private final Network network;
    private final Loss loss;
    private final Optimizer optimizer;
    private final Config config;

    /**
     * Training settings.
     *
     * @param epochs        number of passes over the training set, >= 1
     * @param batchSize     samples per update, >= 1 (the last batch of an epoch may be smaller)
     * @param seed          seed of the shuffling and of the augmentations
     * @param shuffle       whether to shuffle each epoch
     * @param checkpoints   epoch positions (such as 0.1, 0.5, 1, 4) at which listeners get {@code checkpoint}
     * @param schedule      the learning-rate schedule over the run's steps ({@link Schedule#constant} with no warm-up:
     *                      the optimizer's rate throughout)
     * @param clipNorm      gradient-norm clipping: when the global L2 norm of all parameter gradients exceeds it, they
     *                      are scaled down to it (Pascanu et al. 2013; PyTorch's {@code clip_grad_norm_}); 0 for none
     * @param augmentation  applied to every training batch ({@link Augmentations#none()} for none)
     * @param validateEvery also validate after every this many training samples, for learning curves (listeners get
     *                      {@code validation}, except at the end of an epoch, which {@code epochEnd} reports); 0: only at
     *                      the end of each epoch
     */
    public record Config(int epochs, int batchSize, long seed, boolean shuffle, double[] checkpoints, Schedule schedule,
                         double clipNorm, Augmentation augmentation, long validateEvery) {
        public Config {
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
            }
            checkpoints = checkpoints == null ? new double[0] : checkpoints.clone();
            Arrays.sort(checkpoints);
            for (double c : checkpoints) {
                if (!(c >= 0) || !Double.isFinite(c)) {
                    throw new IllegalArgumentException("checkpoint epochs must be finite and >= 0, got " + c);
                }
            }
            schedule = schedule == null ? Schedule.constant(0) : schedule;
            if (!(clipNorm >= 0) || !Double.isFinite(clipNorm)) {
                throw new IllegalArgumentException("the gradient-norm clip must be >= 0 and finite (0: none), got " + clipNorm);
            }
            augmentation = augmentation == null ? Augmentations.none() : augmentation;
            if (validateEvery < 0) {
                throw new IllegalArgumentException("validateEvery must be >= 0 samples (0: each epoch's end only), got " + validateEvery);
            }
        }

        /** Constant learning rate, no clipping, no augmentation. */
        public Config(int epochs, int batchSize, long seed, boolean shuffle, double[] checkpoints) {
            this(epochs, batchSize, seed, shuffle, checkpoints, null, 0, null, 0);
        }

        /** Shuffled, no checkpoints, constant learning rate, no clipping, no augmentation. */
        public static Config of(int epochs, int batchSize, long seed) {
            return new Config(epochs, batchSize, seed, true, new double[0]);
        }

        /** The same settings with checkpoints at these epoch positions. */
        public Config withCheckpoints(double... epochPositions) {
            return new Config(epochs, batchSize, seed, shuffle, epochPositions, schedule, clipNorm, augmentation, validateEvery);
        }

        /** The same settings with this learning-rate schedule. */
        public Config withSchedule(Schedule s) {
            return new Config(epochs, batchSize, seed, shuffle, checkpoints, s, clipNorm, augmentation, validateEvery);
        }

        /** The same settings with gradient-norm clipping at {@code norm} (0: none). */
        public Config withClipNorm(double norm) {
            return new Config(epochs, batchSize, seed, shuffle, checkpoints, schedule, norm, augmentation, validateEvery);
        }

        /** The same settings with this augmentation of the training batches. */
        public Config withAugmentation(Augmentation a) {
            return new Config(epochs, batchSize, seed, shuffle, checkpoints, schedule, clipNorm, a, validateEvery);
        }

        /** The same settings, validating also after every {@code samples} training samples. */
        public Config withValidateEvery(long samples) {
            return new Config(epochs, batchSize, seed, shuffle, checkpoints, schedule, clipNorm, augmentation, samples);
        }
    }

    /** What a run produced: one report per epoch. */
    public record Result(List<TrainingListener.EpochReport> epochs) {
        /** The last epoch's report. */
        public TrainingListener.EpochReport last() {
            return epochs.get(epochs.size() - 1);
        }
    }

    /** Mean loss and quality figure of a network on a data set. */
    public record Evaluation(double loss, double metric, String metricName, int samples) {
    }

    public Trainer(Network network, Loss loss, Optimizer optimizer, Config config) {
        this.network = Objects.requireNonNull(network, "network");
        this.loss = Objects.requireNonNull(loss, "loss");
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * Trains on {@code train}, validating on {@code validation} (may be null) after each epoch.
     *
     * @throws IllegalArgumentException when the training set is empty or does not fit the network
     * @throws TrainingDivergedException when a training or validation loss, a weight or a BatchNorm statistic becomes NaN or
     *                                   infinite (with the epoch, batch or layer and tensor, and the learning rate); the
     *                                   epochs before it ended finite and {@link TrainingListener#epochEnd} heard of each
     */
    public Result fit(Dataset train, Dataset validation, TrainingListener listener) {
        Objects.requireNonNull(train, "training set");
        TrainingListener l = listener == null ? new TrainingListener() { } : listener;
        if (train.size() == 0) {
            throw new IllegalArgumentException("the training set is empty: " + train.describe());
        }
        checkFits(train, "training set");
        if (validation != null) {
            if (validation.size() == 0) {
                throw new IllegalArgumentException("the validation set is empty: " + validation.describe());
            }
            checkFits(validation, "validation set");
        }
        SplittableRandom random = new SplittableRandom(config.seed());
        // a stream of its own, so that adding an augmentation leaves the shuffling of the same seed unchanged
        SplittableRandom augmentRandom = new SplittableRandom(config.seed() ^ 0x6A09E667F3BCC909L);
        int n = train.size();
        int perEpoch = (n + config.batchSize() - 1) / config.batchSize();
        long totalSteps = (long) perEpoch * config.epochs();
        double[] checkpoints = config.checkpoints();
        int nextCheckpoint = 0;
        long seen = 0;
        long step = 0;
        long nextValidation = config.validateEvery() > 0 ? config.validateEvery() : Long.MAX_VALUE;
        while (nextCheckpoint < checkpoints.length && checkpoints[nextCheckpoint] == 0) {
            l.checkpoint(0, network);
            nextCheckpoint++;
        }
        List<Parameter> parameters = network.parameters();
        List<TrainingListener.EpochReport> reports = new ArrayList<>();
        Trace trace = null;
        Tensor grad = null;
        for (int epoch = 1; epoch <= config.epochs(); epoch++) {
            long start = System.nanoTime();
            int[] order = config.shuffle() ? Datasets.permutation(n, random) : identity(n);
            double lossSum = 0;
            for (int b = 0; b < perEpoch; b++) {
                int from = b * config.batchSize();
                int to = Math.min(n, from + config.batchSize());
                int[] indices = Arrays.copyOfRange(order, from, to);
                Batch batch = Datasets.batch(train, indices);
                config.augmentation().apply(batch, indices, train, augmentRandom);
                trace = network.trace(batch.inputs(), Mode.TRAIN, trace);
                if (grad == null || !grad.shape().equals(trace.result().shape())) {
                    grad = Tensor.zeros(trace.result().shape());
                }
                double rate = optimizer.learningRate() * config.schedule().factor(step, totalSteps);
                double value = loss.evaluate(trace.result(), batch.targets(), grad);
                if (!Double.isFinite(value)) {
                    throw new TrainingDivergedException("training diverged: the " + loss.name() + " loss became " + value
                            + " at epoch " + epoch + ", batch " + (b + 1) + " of " + perEpoch + " (learning rate " + rate
                            + "): lower the learning rate" + (config.clipNorm() == 0 ? " or clip the gradients" : ""), epoch - 1);
                }
                network.zeroGrad();
                network.backward(trace, grad, true, false);
                double norm = gradientNorm(parameters);
                boolean clipped = config.clipNorm() > 0 && norm > config.clipNorm();
                if (clipped) {
                    scaleGradients(parameters, (float) (config.clipNorm() / norm));
                }
                optimizer.step(parameters, rate);
                lossSum += value * (to - from);
                seen += to - from;
                step++;
                l.batchEnd(epoch, b + 1, perEpoch, value);
                l.step(new TrainingListener.StepReport(step, seen, (double) seen / n, value, rate, norm, clipped));
                while (nextCheckpoint < checkpoints.length && seen >= Math.round(checkpoints[nextCheckpoint] * n)) {
                    l.checkpoint(checkpoints[nextCheckpoint], network);
                    nextCheckpoint++;
                }
                if (validation != null && seen >= nextValidation) {
                    while (nextValidation <= seen) {
                        nextValidation += config.validateEvery();
                    }
                    if (b < perEpoch - 1) { // the epoch's end validates anyway
                        l.validation(seen, (double) seen / n, evaluate(network, loss, validation, config.batchSize()));
                    }
                }
            }
            requireFiniteNetwork(epoch);
            Evaluation v = validation == null ? null : evaluate(network, loss, validation, config.batchSize());
            if (v != null && !Double.isFinite(v.loss())) {
                throw new TrainingDivergedException("training diverged: the validation " + loss.name() + " loss became "
                        + v.loss() + " after epoch " + epoch + " (training loss " + lossSum / n + ", learning rate "
                        + optimizer.learningRate() + "): lower the learning rate", epoch - 1);
            }
            TrainingListener.EpochReport r = new TrainingListener.EpochReport(epoch, lossSum / n,
                    v == null ? Double.NaN : v.loss(), v == null ? Double.NaN : v.metric(), loss.metricName(),
                    (System.nanoTime() - start) / 1e9);
            reports.add(r);
            l.epochEnd(r);
        }
        return new Result(List.copyOf(reports));
    }

    /** The global L2 norm of every parameter's gradient, {@code sqrt(sum over all values of g^2)}, in double. */
    public static double gradientNorm(List<Parameter> parameters) {
        double s = 0;
        for (Parameter p : parameters) {
            float[] g = p.grad().data();
            double part = 0;
            for (float v : g) {
                part += (double) v * v;
            }
            s += part;
        }
        return Math.sqrt(s);
    }

    /** Multiplies every gradient by {@code factor}. Modified: the gradients. */
    static void scaleGradients(List<Parameter> parameters, float factor) {
        for (Parameter p : parameters) {
            float[] g = p.grad().data();
            for (int i = 0; i < g.length; i++) {
                g[i] *= factor;
            }
        }
    }

    /** Mean loss and metric of {@code network} on {@code data} in evaluation mode, in batches of {@code batchSize}. */
    public static Evaluation evaluate(Network network, Loss loss, Dataset data, int batchSize) {
        if (data.size() == 0) {
            throw new IllegalArgumentException("cannot evaluate on an empty data set: " + data.describe());
        }
        double lossSum = 0;
        double metricSum = 0;
        for (int from = 0; from < data.size(); from += batchSize) {
            int to = Math.min(data.size(), from + batchSize);
            Batch b = Datasets.batch(data, from, to);
            Tensor p = network.forward(b.inputs(), Mode.EVAL);
            lossSum += loss.evaluate(p, b.targets(), null) * (to - from);
            metricSum += loss.metricSum(p, b.targets());
        }
        return new Evaluation(lossSum / data.size(), loss.metric(metricSum, data.size()), loss.metricName(), data.size());
    }

    /**
     * The last update of an epoch can make weights NaN with a finite loss, and the running statistics of BatchNorm can
     * overflow while the batch statistics training uses stay finite: say so instead of returning them
     * ({@link Network#findNonFinite}: every parameter and buffer).
     */
    private void requireFiniteNetwork(int epoch) {
        java.util.Optional<Network.NonFiniteValue> bad = network.findNonFinite();
        if (bad.isPresent()) {
            throw new TrainingDivergedException("training diverged: a weight or statistic became NaN or infinite in epoch " + epoch
                    + ": " + bad.get() + " (learning rate " + optimizer.learningRate() + "): lower the learning rate", epoch - 1);
        }
    }

    private void checkFits(Dataset d, String what) {
        if (!d.inputShape().equals(network.inputShape())) {
            throw new ShapeException("the " + what + "'s inputs are " + d.inputShape().describeSample()
                    + " but the network takes " + network.inputShape().describeSample());
        }
    }

    private static int[] identity(int n) {
        int[] p = new int[n];
        Arrays.setAll(p, i -> i);
        return p;
    }
}
