package org.visualbackprop.experiments;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.visualbackprop.data.BarPositions;
import org.visualbackprop.explain.Explanation;
import org.visualbackprop.explain.MaskMass;
import org.visualbackprop.explain.VbpPlan;
import org.visualbackprop.image.Pictures;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.train.Datasets;
import org.visualbackprop.train.Loss;
import org.visualbackprop.train.Sgd;
import org.visualbackprop.train.Trainer;
import org.visualbackprop.train.TrainingListener;

/**
 * Notebook 1's last part, "does training matter?": a small network of the paper's kind ({@link PaperNets#small}:
 * BatchNorm, 3x3 convolutions with strides 1, 2, 1, 2, ReLU) trained with a fixed seed on a toy task small enough to
 * learn in seconds, {@link BarPositions}: the target is the horizontal position of a bright vertical bar, and a
 * horizontal bar at a random height is a distractor that does not matter (as horizontal road markings do not matter
 * for steering). {@link #barFocus(int, Explanation)} measures how much of the VisualBackProp mask lies on the vertical
 * bar compared with its share of the image, before and after training. (Training on road scenes is the training
 * notebook's Figure 7.)
 */
public final class BarTraining {
    /** Columns on either side of the vertical bar that still count as "on the bar" in {@link #barFocus}. */
    public static final int BAR_MARGIN = 2;

    /**
     * Sizes and training settings.
     *
     * @param height       frame height
     * @param width        frame width
     * @param trainSamples training frames
     * @param testSamples  held-out frames (explained and validated on)
     * @param epochs       training epochs; 0 leaves the freshly initialized network
     * @param batch        mini-batch size
     * @param learningRate SGD learning rate (momentum 0.9, weight decay 1e-4)
     * @param seed         seed of the weights, the data and the shuffling
     */
    public record Config(int height, int width, int trainSamples, int testSamples, int epochs, int batch, double learningRate,
                         long seed) {
        /** The default seed of the notebook. */
        public static final long SEED = 1;

        public Config {
            if (trainSamples < 1 || testSamples < 1 || epochs < 0 || batch < 1 || !(learningRate > 0)) {
                throw new IllegalArgumentException("invalid config: " + trainSamples + " training and " + testSamples
                        + " test samples, " + epochs + " epochs, batch " + batch + ", learning rate " + learningRate);
            }
        }

        /**
         * The notebook's size: 48 x 192 frames, 2000 of them, 6 epochs at learning rate 0.002 (about 40 s on two busy
         * cores; held-out RMSE about 0.19, mask mass on the bar about 10 times its area share before training and 28
         * after).
         */
        public static Config full() {
            return new Config(48, 192, 2000, 200, 6, 32, 0.002, SEED);
        }

        /** The reduced size CI runs: 32 x 96 frames, 600 of them, 3 epochs at 0.01 (about 2 s; RMSE about 0.37). */
        public static Config quick() {
            return new Config(32, 96, 600, 50, 3, 32, 0.01, SEED);
        }

        /** {@link #quick()} when the environment variable {@code VBP_QUICK} is set to anything but "" or "0", else {@link #full()}. */
        public static Config fromEnvironment() {
            return fromEnvironment(System.getenv());
        }

        /** As {@link #fromEnvironment()}, reading {@code env}. */
        public static Config fromEnvironment(Map<String, String> env) {
            return isQuick(env) ? quick() : full();
        }

        /** True when {@code env} asks for the reduced size ({@code VBP_QUICK} set and neither "" nor "0"). */
        public static boolean isQuick(Map<String, String> env) {
            String q = env.get("VBP_QUICK");
            return q != null && !q.isBlank() && !q.trim().equals("0");
        }

        /** This config with another number of epochs (0: untrained). */
        public Config withEpochs(int e) {
            return new Config(height, width, trainSamples, testSamples, e, batch, learningRate, seed);
        }
    }

    private final Config config;
    private final Network network;
    private final BarPositions test;
    private final List<TrainingListener.EpochReport> history;

    private BarTraining(Config config, Network network, BarPositions test, List<TrainingListener.EpochReport> history) {
        this.config = config;
        this.network = network;
        this.test = test;
        this.history = List.copyOf(history);
    }

    /** Builds the network from {@code config.seed()} and trains it for {@code config.epochs()} epochs (mean squared error, SGD). */
    public static BarTraining train(Config config) {
        Objects.requireNonNull(config, "config");
        BarPositions train = BarPositions.of(config.height(), config.width(), config.trainSamples(), config.seed());
        BarPositions test = BarPositions.of(config.height(), config.width(), config.testSamples(), config.seed() ^ 0x5DEECE66DL);
        Network net = PaperNets.small(train.inputShape(), 1, false, config.seed());
        List<TrainingListener.EpochReport> reports = new ArrayList<>();
        if (config.epochs() > 0) {
            Trainer trainer = new Trainer(net, Loss.mse(), Sgd.of(config.learningRate(), 0.9, 1e-4),
                    Trainer.Config.of(config.epochs(), config.batch(), config.seed()));
            reports.addAll(trainer.fit(train, test, null).epochs());
        }
        return new BarTraining(config, net, test, reports);
    }

    public Config config() {
        return config;
    }

    public Network network() {
        return network;
    }

    /** One report per training epoch (empty when untrained). */
    public List<TrainingListener.EpochReport> history() {
        return history;
    }

    /** The training history as lines {@code "epoch 1: train mse 0.123, held-out rmse 0.234 (1.2 s)"}. */
    public String historyText() {
        StringBuilder sb = new StringBuilder();
        List<String> channels = VbpPlan.of(network).convStages().stream()
                .map(st -> Integer.toString(st.outputShape().c())).toList();
        sb.append(String.format(Locale.ROOT, "small net: %d conv layers (channels %s), %,d parameters; %d epochs on %d frames of %d x %d%n",
                channels.size(), String.join(", ", channels), network.parameterCount(), config.epochs(), config.trainSamples(),
                config.height(), config.width()));
        for (TrainingListener.EpochReport r : history) {
            sb.append(String.format(Locale.ROOT, "epoch %d: train mse %.4f, held-out %s %.4f (%.1f s)%n", r.epoch(),
                    r.trainLoss(), r.metricName(), r.validationMetric(), r.seconds()));
        }
        return sb.toString();
    }

    /** Held-out frame {@code index} as a batch of one. */
    public Tensor frame(int index) {
        return Datasets.batch(test, index, index + 1).inputs();
    }

    /** The target of held-out frame {@code index}: the bar's position mapped to [-1, 1]. */
    public double target(int index) {
        return Datasets.batch(test, index, index + 1).targets().data()[0];
    }

    /** The network's output for held-out frame {@code index}. */
    public double predict(int index) {
        return network.predict(frame(index)).data()[0];
    }

    /** VisualBackProp of held-out frame {@code index} ({@link MethodFigures#explain}). */
    public Explanation explain(int index) {
        return MethodFigures.explain(network, frame(index));
    }

    /** Figure 3 for an explanation of one frame: the input beside the red overlay, scaled up {@code zoom} times. */
    public static BufferedImage figure3(Explanation e, int zoom) {
        return MethodFigures.overlayRow(e, zoom, "input | VisualBackProp mask over it");
    }

    /** {@link #figure3(Explanation, int)} zoomed to about 800 pixels wide. */
    public BufferedImage figure3(Explanation e) {
        return figure3(e, zoomFor(2));
    }

    /**
     * How strongly the mask of held-out frame {@code index} points at the vertical bar: the share of the mask's mass
     * on the bar's columns (widened by {@link #BAR_MARGIN} on each side) divided by those columns' share of the image.
     * 1 means no preference; a network that reads the bar's position should score well above 1. NaN for a flat mask.
     */
    public double barFocus(int index, Explanation e) {
        Shape s = e.mask().shape();
        int from = Math.max(0, test.barColumn(index) - BAR_MARGIN);
        int to = Math.min(s.w(), test.barColumn(index) + 2 + BAR_MARGIN);
        boolean[] bar = new boolean[s.plane()];
        for (int y = 0; y < s.h(); y++) {
            java.util.Arrays.fill(bar, y * s.w() + from, y * s.w() + to, true);
        }
        return MaskMass.of(Pictures.map(e.mask(), 0), bar).enrichment();
    }

    /** The mean of {@link #barFocus} over the first {@code count} held-out frames (NaN if any of their masks is flat). */
    public double meanBarFocus(int count) {
        int n = Math.min(count, test.size());
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += barFocus(i, explain(i));
        }
        return sum / n;
    }

    private int zoomFor(int columns) {
        return Math.max(1, 800 / (columns * config.width()));
    }
}
