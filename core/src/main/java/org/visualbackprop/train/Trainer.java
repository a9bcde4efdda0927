package org.visualbackprop.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;

/**
 * Mini-batch training: each epoch visits the training set in an order drawn from the seed, runs a traced forward
 * pass in {@link Mode#TRAIN}, the loss, the backward pass and one {@link Sgd} step per batch; after each epoch it
 * evaluates the validation set in {@link Mode#EVAL}. Everything random comes from {@link Config#seed()}, so the
 * same seed, data and network give the same run.
 */
public final class Trainer {
    private final Network network;
    private final Loss loss;
    private final Sgd optimizer;
    private final Config config;

    /**
     * Training settings.
     *
     * @param epochs      number of passes over the training set, >= 1
     * @param batchSize   samples per update, >= 1 (the last batch of an epoch may be smaller)
     * @param seed        seed of the shuffling
     * @param shuffle     whether to shuffle each epoch
     * @param checkpoints epoch positions (such as 0.1, 0.5, 1, 4) at which listeners get {@code checkpoint}
     */
    public record Config(int epochs, int batchSize, long seed, boolean shuffle, double[] checkpoints) {
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
        }

        /** Shuffled, no checkpoints. */
        public static Config of(int epochs, int batchSize, long seed) {
            return new Config(epochs, batchSize, seed, true, new double[0]);
        }

        /** The same settings with checkpoints at these epoch positions. */
        public Config withCheckpoints(double... epochPositions) {
            return new Config(epochs, batchSize, seed, shuffle, epochPositions);
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

    public Trainer(Network network, Loss loss, Sgd optimizer, Config config) {
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
        int n = train.size();
        int perEpoch = (n + config.batchSize() - 1) / config.batchSize();
        double[] checkpoints = config.checkpoints();
        int nextCheckpoint = 0;
        long seen = 0;
        while (nextCheckpoint < checkpoints.length && checkpoints[nextCheckpoint] == 0) {
            l.checkpoint(0, network);
            nextCheckpoint++;
        }
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
                Batch batch = Datasets.batch(train, Arrays.copyOfRange(order, from, to));
                trace = network.trace(batch.inputs(), Mode.TRAIN, trace);
                if (grad == null || !grad.shape().equals(trace.result().shape())) {
                    grad = Tensor.zeros(trace.result().shape());
                }
                double value = loss.evaluate(trace.result(), batch.targets(), grad);
                if (!Double.isFinite(value)) {
                    throw new TrainingDivergedException("training diverged: the " + loss.name() + " loss became " + value
                            + " at epoch " + epoch + ", batch " + (b + 1) + " of " + perEpoch + " (learning rate "
                            + optimizer.learningRate() + "): lower the learning rate", epoch - 1);
                }
                network.zeroGrad();
                network.backward(trace, grad, true, false);
                optimizer.step(network.parameters());
                lossSum += value * (to - from);
                seen += to - from;
                l.batchEnd(epoch, b + 1, perEpoch, value);
                while (nextCheckpoint < checkpoints.length && seen >= Math.round(checkpoints[nextCheckpoint] * n)) {
                    l.checkpoint(checkpoints[nextCheckpoint], network);
                    nextCheckpoint++;
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
