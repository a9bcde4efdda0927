package org.visualbackprop.experiments;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.visualbackprop.data.BarPositions;
import org.visualbackprop.explain.Explanation;
import org.visualbackprop.explain.VbpPlan;
import org.visualbackprop.explain.VisualBackProp;
import org.visualbackprop.image.Images;
import org.visualbackprop.image.Pictures;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.train.Datasets;
import org.visualbackprop.train.Loss;
import org.visualbackprop.train.Sgd;
import org.visualbackprop.train.Trainer;
import org.visualbackprop.train.TrainingListener;

/**
 * Notebook 1, "The method": the paper's Figures 1-3 (Section 3) on one frame. A small network of the paper's kind
 * ({@link PaperNets#small}: BatchNorm, 3x3 convolutions with strides 1, 2, 1, 2, ReLU) is trained with a fixed seed to
 * read a steering-like value from the frame, then VisualBackProp explains held-out frames:
 * <ul>
 * <li>Figure 1, the block diagram: {@link #planHtml()} lists the steps VisualBackProp takes through this network;</li>
 * <li>Figure 2, averaged feature maps and intermediate masks: {@link #figure2(Explanation)};</li>
 * <li>Figure 3, the mask over the input: {@link #figure3(Explanation)}.</li>
 * </ul>
 * Until the synthetic road scenes exist (the data issue), the frames are {@link BarPositions}: the target is the
 * horizontal position of a bright vertical bar, and a horizontal bar at a random height is a distractor that does not
 * matter, as horizontal road markings do not matter for steering. {@link #barFocus(int, Explanation)} measures how much
 * of the mask lies on the vertical bar compared with its share of the image.
 */
public final class MethodFigures {
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
         * The notebook's size: 48 x 192 frames, 2000 of them, 6 epochs at learning rate 0.002 (about half a minute on
         * two cores; held-out RMSE about 0.11). At 0.005 this size does not learn, and 64 x 256 at 0.01 diverges.
         */
        public static Config full() {
            return new Config(48, 192, 2000, 200, 6, 32, 0.002, SEED);
        }

        /** The reduced size CI runs: 32 x 96 frames, 400 of them, 3 epochs (a few seconds). */
        public static Config quick() {
            return new Config(32, 96, 400, 50, 3, 32, 0.01, SEED);
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

    private MethodFigures(Config config, Network network, BarPositions test, List<TrainingListener.EpochReport> history) {
        this.config = config;
        this.network = network;
        this.test = test;
        this.history = List.copyOf(history);
    }

    /** Builds the network from {@code config.seed()} and trains it for {@code config.epochs()} epochs (mean squared error, SGD). */
    public static MethodFigures train(Config config) {
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
        return new MethodFigures(config, net, test, reports);
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
        sb.append(String.format(Locale.ROOT, "%s, %,d parameters, trained on %d frames of %d x %d%n", "small net",
                network.parameterCount(), config.trainSamples(), config.height(), config.width()));
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

    /** VisualBackProp of held-out frame {@code index}: one traced forward pass in evaluation mode, then the backward sweep. */
    public Explanation explain(int index) {
        VbpPlan plan = VbpPlan.of(network);
        Trace trace = VisualBackProp.trace(network, plan, frame(index), Mode.EVAL, null);
        return VisualBackProp.explain(trace, plan);
    }

    /**
     * Figure 1 as a table: the stages VisualBackProp goes through, from the deepest conv layer back to the input, with
     * each stage's window and the sizes of the maps (an HTML fragment for {@code display("text/html", ...)}).
     */
    public String planHtml() {
        VbpPlan plan = VbpPlan.of(network);
        List<VbpPlan.Stage> stages = plan.stages();
        StringBuilder sb = new StringBuilder();
        sb.append("<table><tr><th>step</th><th>layer</th><th>kernel / stride</th><th>averaged map</th><th>what VisualBackProp does</th></tr>");
        int step = 1;
        for (int s = stages.size() - 1; s >= 0; s--) {
            VbpPlan.Stage st = stages.get(s);
            Shape out = st.outputShape();
            Shape in = st.inputShape();
            String below = s > 0 ? stages.get(s - 1).name() : "the input";
            String what;
            if (st.isConv()) {
                what = (s == stages.size() - 1 ? "average its " + out.c() + " feature maps: the first mask m<sub>" + st.name()
                        + "</sub>; " : "")
                        + "scale up " + out.h() + " x " + out.w() + " &rarr; " + in.h() + " x " + in.w()
                        + " (transposed convolution, all-ones " + st.window().describeKernel() + " kernel, stride "
                        + st.window().describeStride() + ")"
                        + (s > 0 && stages.get(s - 1).isConv() ? ", multiply point-wise by the averaged map of " + below
                        : s == 0 ? ": the mask at input size, normalized to [0, 1]" : "");
            } else {
                what = "scale up through the pooling window " + out.h() + " x " + out.w() + " &rarr; " + in.h() + " x " + in.w();
            }
            sb.append("<tr><td>").append(step++).append("</td><td>").append(st.name()).append("</td><td>")
                    .append(st.window().describeKernel()).append(" / ").append(st.window().describeStride()).append("</td><td>")
                    .append(st.isConv() ? "1 x " + out.h() + " x " + out.w() + " (mean of " + out.c() + ")" : "")
                    .append("</td><td>").append(what).append("</td></tr>");
        }
        sb.append("</table>");
        return sb.toString();
    }

    /**
     * Figure 2 for an explanation of one frame: the input and the final mask, then per conv layer its averaged feature
     * map and its intermediate mask ({@link Pictures#vbpSteps}), scaled up {@code zoom} times (nearest neighbour, labels
     * included).
     */
    public static BufferedImage figure2(Explanation e, int zoom) {
        return scale(Pictures.vbpSteps(e, 0), zoom);
    }

    /** {@link #figure2(Explanation, int)} zoomed to about 800 pixels wide. */
    public BufferedImage figure2(Explanation e) {
        return figure2(e, zoomFor(2));
    }

    /**
     * Figure 3 for an explanation of one frame: the input beside the authors' red overlay of the mask
     * ({@link Pictures#overlay}: red where the mask is high), scaled up {@code zoom} times.
     */
    public static BufferedImage figure3(Explanation e, int zoom) {
        Tensor x = e.input();
        double[] mask = Pictures.map(e.mask(), 0);
        if (zoom < 1) {
            throw new IllegalArgumentException("zoom must be >= 1, got " + zoom);
        }
        // the grid scales each picture to the cell width (nearest neighbour); its label keeps its font size
        return Pictures.grid(List.<BufferedImage[]>of(new BufferedImage[] {
                Images.toImage(x.sample(0), 0), Pictures.overlay(x, 0, mask)}), List.of("input | VisualBackProp mask over it"),
                x.shape().w() * zoom);
    }

    /** {@link #figure3(Explanation, int)} zoomed to about 800 pixels wide. */
    public BufferedImage figure3(Explanation e) {
        return figure3(e, zoomFor(2));
    }

    /**
     * How strongly the mask of held-out frame {@code index} points at the vertical bar: the share of the mask's mass
     * on the bar's columns (widened by {@link #BAR_MARGIN} on each side) divided by those columns' share of the image.
     * 1 means no preference; a network that reads the bar's position should score well above 1.
     */
    public double barFocus(int index, Explanation e) {
        Shape s = e.mask().shape();
        int from = Math.max(0, test.barColumn(index) - BAR_MARGIN);
        int to = Math.min(s.w(), test.barColumn(index) + 2 + BAR_MARGIN);
        double[] m = Pictures.map(e.mask(), 0);
        double total = 0;
        double on = 0;
        for (int y = 0; y < s.h(); y++) {
            for (int x = 0; x < s.w(); x++) {
                double v = m[y * s.w() + x];
                total += v;
                if (x >= from && x < to) {
                    on += v;
                }
            }
        }
        if (!(total > 0)) {
            return Double.NaN;
        }
        return (on / total) / ((double) (to - from) / s.w());
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

    /** {@code img} scaled up {@code zoom} times with nearest-neighbour sampling (sharp pixels). */
    static BufferedImage scale(BufferedImage img, int zoom) {
        if (zoom < 1) {
            throw new IllegalArgumentException("zoom must be >= 1, got " + zoom);
        }
        if (zoom == 1) {
            return img;
        }
        BufferedImage out = new BufferedImage(img.getWidth() * zoom, img.getHeight() * zoom, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < out.getHeight(); y++) {
            for (int x = 0; x < out.getWidth(); x++) {
                out.setRGB(x, y, img.getRGB(x / zoom, y / zoom));
            }
        }
        return out;
    }
}
