package org.visualbackprop.experiments;

import org.visualbackprop.explain.Target;
import org.visualbackprop.explain.Explainer;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.visualbackprop.data.Label;
import org.visualbackprop.data.RoadFrame;
import org.visualbackprop.data.RoadScenes;
import org.visualbackprop.data.RoadView;
import org.visualbackprop.explain.Explanation;
import org.visualbackprop.explain.MaskMass;
import org.visualbackprop.explain.VisualBackProp;
import org.visualbackprop.image.Images;
import org.visualbackprop.image.Pictures;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.train.Loss;
import org.visualbackprop.train.Sgd;
import org.visualbackprop.train.Trainer;
import org.visualbackprop.train.TrainingListener;

/**
 * Notebook 2, "Training": the paper's Figure 7 (Section 5), VisualBackProp masks of fixed frames at checkpoints while a
 * steering network learns, once for the NetSVF view and once for the NetHVF view of the <em>same</em> scenes
 * ({@link RoadScenes} of one seed rendered as {@link RoadView#SVF} and {@link RoadView#HVF}).
 *
 * <p>The paper trains NetSVF and NetHVF (Table 1) for 32 epochs on 190 000 frames on a GPU. That is far out of reach of
 * a notebook on two CPU cores, so each view gets {@link PaperNets#small} (the paper's pattern of BatchNorm, 3x3
 * convolutions with strides 1, 2, 1, 2, ... and ReLU, at 8 to 32 channels), trained with SGD on the mean squared error
 * of the normalized steering label ({@link RoadScenes.Target#NORMALIZED}) for a few thousand frames. At every
 * checkpoint it also measures the validation MSE and how much of the VisualBackProp mask lies on lane markings
 * ({@link MaskMass}), so the figure comes with numbers.
 */
public final class TrainingFigures {
    /** The validation scenes come from {@code seed ^ VALIDATION_SALT} (never seen in training). */
    public static final long VALIDATION_SALT = 0x5DEECE66DL;

    /**
     * Sizes and settings.
     *
     * @param trainFrames      training scenes (the same scenes in both views)
     * @param validationFrames held-out scenes (validation MSE at every checkpoint)
     * @param epochs           passes over the training scenes
     * @param batch            mini-batch size
     * @param learningRate     SGD learning rate (momentum 0.9, weight decay 1e-4)
     * @param checkpoints      epoch positions at which masks are drawn (0: before the first update)
     * @param maskFrames       held-out frames whose masks make Figure 7
     * @param focusFrames      held-out frames over which the lane-marking share of the mask is measured
     * @param seed             seed of the weights, the scenes and the shuffling
     */
    public record Config(int trainFrames, int validationFrames, int epochs, int batch, double learningRate, double[] checkpoints,
                         int maskFrames, int focusFrames, long seed) {
        public Config {
            if (trainFrames < 1 || validationFrames < 1 || epochs < 1 || batch < 1 || !(learningRate > 0) || maskFrames < 1
                    || focusFrames < 1 || maskFrames > validationFrames || focusFrames > validationFrames) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "invalid config: %d training and %d validation frames, "
                                + "%d epochs, batch %d, learning rate %s, %d mask and %d focus frames (both at most the validation frames)",
                        trainFrames, validationFrames, epochs, batch, learningRate, maskFrames, focusFrames));
            }
            checkpoints = checkpoints.clone();
            Arrays.sort(checkpoints);
            for (double c : checkpoints) {
                if (!(c >= 0 && c <= epochs)) {
                    throw new IllegalArgumentException("checkpoints must lie in [0, " + epochs + "], got " + c);
                }
            }
        }

        @Override
        public double[] checkpoints() {
            return checkpoints.clone();
        }

        /**
         * The notebook's size: 1500 scenes, 3 epochs (4500 frames seen per view), checkpoints 0, 0.1, 0.5, 1, 2, 3 (the
         * paper: 0.1, 0.5, 1, 4, 16, 32 epochs of 190 000 frames). About six minutes for both views on two cores.
         */
        public static Config full() {
            return new Config(1500, 200, 3, 16, 0.003, new double[] {0, 0.1, 0.5, 1, 2, 3}, 3, 48, 1);
        }

        /** The reduced size CI runs: 192 scenes, one epoch, checkpoints 0, 0.5, 1 (about 25 s for both views on two busy cores). */
        public static Config quick() {
            return new Config(192, 48, 1, 16, 0.003, new double[] {0, 0.5, 1}, 3, 16, 1);
        }

        /** {@link #quick()} when {@code VBP_QUICK} asks for it ({@link Sizes}), else {@link #full()}. */
        public static Config fromEnvironment() {
            return fromEnvironment(System.getenv());
        }

        /** As {@link #fromEnvironment()}, reading {@code env}. */
        public static Config fromEnvironment(java.util.Map<String, String> env) {
            return Sizes.quick(env) ? quick() : full();
        }

        /** This config with another seed. */
        public Config withSeed(long s) {
            return new Config(trainFrames, validationFrames, epochs, batch, learningRate, checkpoints, maskFrames, focusFrames, s);
        }

        /** This config without checkpoints (to train a network and nothing else). */
        public Config withoutCheckpoints() {
            return new Config(trainFrames, validationFrames, epochs, batch, learningRate, new double[0], maskFrames, focusFrames, seed);
        }
    }

    /**
     * What the network looked like at one checkpoint.
     *
     * @param epochs        epochs seen
     * @param validationMse mean squared error on the held-out scenes (normalized steering units)
     * @param laneArea      mean share of the focus frames' pixels that are lane markings
     * @param laneMass      mean share of the VisualBackProp mask's mass on them
     * @param masks         the masks of the {@link Config#maskFrames()} fixed frames, each {@code H * W} in [0, 1]
     */
    public record Checkpoint(double epochs, double validationMse, double laneArea, double laneMass, double[][] masks) {
        /** {@code laneMass / laneArea}: how many times its area share the mask puts on lane markings (1: no preference). */
        public double laneRatio() {
            return laneMass / laneArea;
        }
    }

    /**
     * One view's training run.
     *
     * @param view          the camera view
     * @param network       the trained network
     * @param checkpoints   one per {@link Config#checkpoints()}
     * @param epochs        one report per epoch
     * @param batchLosses   {@code {epoch position, training loss}} of every batch
     * @param labelVariance variance of the held-out labels: the MSE of always predicting their mean
     * @param seconds       wall-clock time of the run
     */
    public record Run(RoadView view, Network network, List<Checkpoint> checkpoints, List<TrainingListener.EpochReport> epochs,
                      List<double[]> batchLosses, double labelVariance, double seconds) {
        /** The last epoch's validation MSE divided by the label variance: 1 means "learned nothing", 0 "perfect". */
        public double relativeMse() {
            return epochs.get(epochs.size() - 1).validationLoss() / labelVariance;
        }
    }

    private final Config config;
    private final Map<RoadView, Run> runs;
    private final Map<RoadView, Tensor> maskInputs;

    private TrainingFigures(Config config, Map<RoadView, Run> runs, Map<RoadView, Tensor> maskInputs) {
        this.config = config;
        this.runs = runs;
        this.maskInputs = maskInputs;
    }

    /** Trains one small network per view (NetSVF's view first) and records the checkpoints. */
    public static TrainingFigures of(Config config) {
        Objects.requireNonNull(config, "config");
        Map<RoadView, Run> runs = new EnumMap<>(RoadView.class);
        Map<RoadView, Tensor> inputs = new EnumMap<>(RoadView.class);
        for (RoadView v : RoadView.values()) {
            runs.put(v, train(v, config));
            inputs.put(v, maskInputs(v, config));
        }
        return new TrainingFigures(config, runs, inputs);
    }

    /** The training scenes of a view. */
    public static RoadScenes trainingScenes(RoadView view, Config config) {
        return RoadScenes.of(config.seed(), config.trainFrames(), view);
    }

    /** The held-out scenes of a view (the same scenes in both views). */
    public static RoadScenes validationScenes(RoadView view, Config config) {
        return RoadScenes.of(config.seed() ^ VALIDATION_SALT, config.validationFrames(), view);
    }

    private static Tensor maskInputs(RoadView view, Config config) {
        RoadScenes val = validationScenes(view, config);
        List<Tensor> xs = new ArrayList<>();
        for (int i = 0; i < config.maskFrames(); i++) {
            xs.add(val.frame(i).image());
        }
        return Tensor.stack(xs);
    }

    /** Trains {@link PaperNets#small} on one view, recording a {@link Checkpoint} at each of the config's checkpoints. */
    public static Run train(RoadView view, Config config) {
        long start = System.nanoTime();
        RoadScenes train = trainingScenes(view, config);
        RoadScenes val = validationScenes(view, config);
        Network net = PaperNets.small(view.inputShape(), 1, false, config.seed());
        Tensor maskX = maskInputs(view, config);
        List<RoadFrame> focus = new ArrayList<>();
        for (int i = 0; i < config.focusFrames(); i++) {
            focus.add(val.frame(i));
        }
        Tensor focusX = Tensor.stack(focus.stream().map(RoadFrame::image).toList());
        List<Checkpoint> checkpoints = new ArrayList<>();
        List<double[]> batchLosses = new ArrayList<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void batchEnd(int epoch, int b, int batches, double loss) {
                batchLosses.add(new double[] {epoch - 1 + (double) b / batches, loss});
            }

            @Override
            public void checkpoint(double epochs, Network n) {
                double mse = Trainer.evaluate(n, Loss.mse(), val, config.batch()).loss();
                Explanation e = explain(n, maskX);
                double[][] masks = new double[maskX.shape().n()][];
                for (int i = 0; i < masks.length; i++) {
                    masks[i] = Pictures.map(e.mask(), i);
                }
                double[] lane = laneShares(n, focus, focusX);
                checkpoints.add(new Checkpoint(epochs, mse, lane[0], lane[1], masks));
            }
        };
        Trainer trainer = new Trainer(net, Loss.mse(), Sgd.of(config.learningRate(), 0.9, 1e-4),
                Trainer.Config.of(config.epochs(), config.batch(), config.seed()).withCheckpoints(config.checkpoints()));
        Trainer.Result result = trainer.fit(train, val, listener);
        return new Run(view, net, List.copyOf(checkpoints), result.epochs(), List.copyOf(batchLosses), variance(val),
                (System.nanoTime() - start) / 1e9);
    }

    private static Explanation explain(Network n, Tensor x) {
        return Explainer.of("vbp", n).explain(x, Target.predicted()).details().orElseThrow();
    }

    /** {mean area share, mean mask-mass share} of lane markings over the frames that have any. */
    private static double[] laneShares(Network n, List<RoadFrame> frames, Tensor x) {
        Explanation e = explain(n, x);
        double area = 0;
        double mass = 0;
        int count = 0;
        for (int i = 0; i < frames.size(); i++) {
            RoadFrame f = frames.get(i);
            if (f.count(Label.LANE_MARKING) == 0 || e.isFlat(i)) {
                continue;
            }
            MaskMass.Share s = MaskMass.of(Pictures.map(e.mask(), i), region(f, Label.LANE_MARKING));
            area += s.areaShare();
            mass += s.massShare();
            count++;
        }
        return count == 0 ? new double[] {Double.NaN, Double.NaN} : new double[] {area / count, mass / count};
    }

    /** The pixels of {@code f} that carry {@code label}. */
    static boolean[] region(RoadFrame f, Label label) {
        byte[] codes = f.labelCodes();
        boolean[] r = new boolean[codes.length];
        for (int q = 0; q < codes.length; q++) {
            r[q] = codes[q] == label.ordinal();
        }
        return r;
    }

    private static double variance(RoadScenes data) {
        double s = 0;
        double s2 = 0;
        for (int i = 0; i < data.size(); i++) {
            double t = data.target(i);
            s += t;
            s2 += t * t;
        }
        double m = s / data.size();
        return Math.max(0, s2 / data.size() - m * m);
    }

    public Config config() {
        return config;
    }

    /** The run of one view. */
    public Run run(RoadView view) {
        return runs.get(view);
    }

    /** The trained network of one view. */
    public Network network(RoadView view) {
        return runs.get(view).network();
    }

    /** Which network stands in for which: {@code "small net on the NetSVF view (1 x 125 x 640)"}. */
    public static String netName(RoadView view) {
        return "small net on the " + (view == RoadView.SVF ? "NetSVF" : "NetHVF") + " view (" + view.inputShape().describeSample() + ")";
    }

    /**
     * Figure 7 for one view: a row of the fixed held-out frames, then one row per checkpoint with their VisualBackProp
     * masks (gray, white = 1, as the paper prints them), and a last row with the final mask over each frame in red.
     */
    public BufferedImage figure7(RoadView view) {
        Run r = runs.get(view);
        Tensor x = maskInputs.get(view);
        int n = x.shape().n();
        int h = x.shape().h();
        int w = x.shape().w();
        List<BufferedImage[]> rows = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        BufferedImage[] inputs = new BufferedImage[n];
        for (int i = 0; i < n; i++) {
            inputs[i] = Images.toImage(x, i);
        }
        rows.add(inputs);
        labels.add(netName(view) + ": held-out frames");
        for (Checkpoint c : r.checkpoints()) {
            BufferedImage[] row = new BufferedImage[n];
            for (int i = 0; i < n; i++) {
                row[i] = Panels.gray(c.masks()[i], h, w);
            }
            rows.add(row);
            labels.add(String.format(Locale.ROOT, "mask after %s epochs%s (validation MSE %.4f; lane markings get %.1fx their area share of the mask)",
                    Panels.epochs(c.epochs()), c.epochs() == 0 ? " (untrained)" : "", c.validationMse(), c.laneRatio()));
        }
        if (!r.checkpoints().isEmpty()) {
            Checkpoint last = r.checkpoints().get(r.checkpoints().size() - 1);
            BufferedImage[] row = new BufferedImage[n];
            for (int i = 0; i < n; i++) {
                row[i] = Pictures.overlay(x, i, last.masks()[i]);
            }
            rows.add(row);
            labels.add("after " + Panels.epochs(last.epochs()) + " epochs: the mask over the input in red");
        }
        return Pictures.grid(rows, labels, Pictures.displayWidth(w));
    }

    /**
     * The loss curves of both views: training loss per batch (a moving mean over 8 batches), validation MSE at every
     * checkpoint, and the variance of the held-out labels (what predicting their mean scores).
     */
    public XYChart lossChart() {
        XYChart chart = new XYChartBuilder().width(900).height(450).title("Small steering nets on synthetic roads: mean squared error")
                .xAxisTitle("epochs").yAxisTitle("MSE (steering degrees / " + (int) RoadScenes.NORMALIZING_DEGREES + ")^2").build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        Color[] colours = {new Color(40, 90, 200), new Color(210, 90, 30)};
        double maxX = 0;
        for (RoadView v : RoadView.values()) {
            Run r = runs.get(v);
            Color c = colours[v.ordinal() % colours.length];
            Color faint = new Color(c.getRed(), c.getGreen(), c.getBlue(), 110);
            String name = v == RoadView.SVF ? "NetSVF view" : "NetHVF view";
            double[][] smooth = movingMean(r.batchLosses(), 8);
            if (smooth[0].length > 0) {
                chart.addSeries(name + ": training batches (mean of 8)", smooth[0], smooth[1]).setMarker(SeriesMarkers.NONE).setLineColor(faint);
                maxX = Math.max(maxX, smooth[0][smooth[0].length - 1]);
            }
            if (!r.checkpoints().isEmpty()) {
                double[] cx = r.checkpoints().stream().mapToDouble(Checkpoint::epochs).toArray();
                double[] cy = r.checkpoints().stream().mapToDouble(Checkpoint::validationMse).toArray();
                var s = chart.addSeries(name + ": validation", cx, cy);
                s.setLineColor(c);
                s.setMarkerColor(c);
                maxX = Math.max(maxX, cx[cx.length - 1]);
            }
        }
        double var = runs.get(RoadView.SVF).labelVariance();
        chart.addSeries("label variance (predicting the mean)", new double[] {0, Math.max(maxX, 1e-3)}, new double[] {var, var})
                .setMarker(SeriesMarkers.NONE).setLineColor(Color.DARK_GRAY).setLineStyle(org.knowm.xchart.style.lines.SeriesLines.DASH_DASH);
        return chart;
    }

    private static double[][] movingMean(List<double[]> points, int window) {
        int n = points.size();
        double[] x = new double[n];
        double[] y = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += points.get(i)[1];
            if (i >= window) {
                sum -= points.get(i - window)[1];
            }
            x[i] = points.get(i)[0];
            y[i] = sum / Math.min(i + 1, window);
        }
        return new double[][] {x, y};
    }

    /**
     * The checkpoints of both views as a text table: validation MSE, its ratio to the label variance, RMSE in degrees,
     * and the lane-marking ratio of the mask.
     */
    public String table() {
        StringBuilder sb = new StringBuilder();
        Run svf = runs.get(RoadView.SVF);
        Run hvf = runs.get(RoadView.HVF);
        sb.append(String.format(Locale.ROOT, "%d training scenes x %d epochs per view, %d held-out scenes; label variance %.4f "
                        + "(predicting the mean: RMSE %.1f degrees)%n", config.trainFrames(), config.epochs(), config.validationFrames(),
                svf.labelVariance(), Math.sqrt(svf.labelVariance()) * RoadScenes.NORMALIZING_DEGREES));
        sb.append(String.format(Locale.ROOT, "%-8s | %-35s | %-35s%n", "", "NetSVF view", "NetHVF view"));
        sb.append(String.format(Locale.ROOT, "%-8s | %8s %7s %8s %9s | %8s %7s %8s %9s%n", "epochs", "val MSE", "/ var", "RMSE deg",
                "lane x", "val MSE", "/ var", "RMSE deg", "lane x"));
        int n = Math.max(svf.checkpoints().size(), hvf.checkpoints().size());
        for (int i = 0; i < n; i++) {
            Checkpoint a = i < svf.checkpoints().size() ? svf.checkpoints().get(i) : null;
            Checkpoint b = i < hvf.checkpoints().size() ? hvf.checkpoints().get(i) : null;
            sb.append(String.format(Locale.ROOT, "%-8s | %s | %s%n", Panels.epochs((a != null ? a : b).epochs()), cells(a, svf), cells(b, hvf)));
        }
        sb.append(String.format(Locale.ROOT, "(lane x: share of the VisualBackProp mask on lane-marking pixels / their share of the "
                + "frame, mean over %d held-out frames; lane markings cover %.1f%% of them)%n", config.focusFrames(),
                100 * (svf.checkpoints().isEmpty() ? Double.NaN : svf.checkpoints().get(0).laneArea())));
        sb.append(String.format(Locale.ROOT, "training took %.0f s (NetSVF view) and %.0f s (NetHVF view)%n", svf.seconds(), hvf.seconds()));
        return sb.toString();
    }

    /** One line per view: the training, the final held-out error against the label variance, the time. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        for (RoadView v : RoadView.values()) {
            Run r = runs.get(v);
            TrainingListener.EpochReport last = r.epochs().get(r.epochs().size() - 1);
            sb.append(String.format(Locale.ROOT, "%s: %d scenes x %d epochs; held-out MSE %.4f = %.2f of the label variance %.4f "
                            + "(RMSE %.1f degrees; predicting the mean: %.1f); %.0f s%n", netName(v), config.trainFrames(), config.epochs(),
                    last.validationLoss(), r.relativeMse(), r.labelVariance(), Math.sqrt(last.validationLoss()) * RoadScenes.NORMALIZING_DEGREES,
                    Math.sqrt(r.labelVariance()) * RoadScenes.NORMALIZING_DEGREES, r.seconds()));
        }
        return sb.toString();
    }

    private static String cells(Checkpoint c, Run r) {
        if (c == null) {
            return String.format(Locale.ROOT, "%35s", "");
        }
        return String.format(Locale.ROOT, "%8.4f %7.2f %8.1f %9.2f", c.validationMse(), c.validationMse() / r.labelVariance(),
                Math.sqrt(c.validationMse()) * RoadScenes.NORMALIZING_DEGREES, c.laneRatio());
    }
}
