package org.visualbackprop.experiments;

import org.visualbackprop.explain.Explainer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.visualbackprop.data.FashionMnist;
import org.visualbackprop.data.SignClass;
import org.visualbackprop.data.TrafficSigns;
import org.visualbackprop.explain.Attribution;
import org.visualbackprop.explain.Explanation;
import org.visualbackprop.explain.MaskMass;
import org.visualbackprop.explain.Target;
import org.visualbackprop.explain.VisualBackProp;
import org.visualbackprop.image.Images;
import org.visualbackprop.image.Pictures;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.train.Batch;
import org.visualbackprop.train.Dataset;
import org.visualbackprop.train.Datasets;
import org.visualbackprop.train.Loss;
import org.visualbackprop.train.Sgd;
import org.visualbackprop.train.Trainer;
import org.visualbackprop.train.TrainingListener;

/**
 * Notebook 4, "Traffic signs and Fashion-MNIST": analogues of the paper's Figures 20 and 21 (Supplement, Section 11),
 * sets of input | VisualBackProp mask | LRP mask for a classifier. The paper trains its sign network (Table 2) on GTSDB
 * for 100 epochs; here {@link PaperNets#small} (the same pattern at 8 to 32 channels) is trained with SGD on the NLL
 * loss, once on the synthetic signs of {@link TrafficSigns} (3 x 125 x 125, 43 classes, with a ground-truth mask of the
 * sign) and once on Fashion-MNIST (real pictures, 1 x 28 x 28, 10 classes; Debian's {@code dataset-fashion-mnist}).
 *
 * <p>Where the masks lie is measured against a region: the sign's face for the signs, the garment (pixels brighter than
 * {@link #GARMENT_THRESHOLD}) for Fashion-MNIST; {@link MaskMass}, for LRP its positive part.
 */
public final class ClassifierFigures {
    /** Fashion-MNIST pixels at or above this value count as the garment. */
    public static final double GARMENT_THRESHOLD = 0.1;
    /** The held-out signs come from {@code seed ^ TEST_SALT}. */
    public static final long TEST_SALT = 0x5DEECE66DL;

    /**
     * Sizes and settings.
     *
     * @param trainSamples training samples
     * @param testSamples  held-out samples (accuracy and mask mass)
     * @param epochs       epochs
     * @param batch        mini-batch size
     * @param learningRate SGD learning rate (momentum 0.9, weight decay 1e-4)
     * @param shownSets    input | VBP | LRP sets in the figure
     * @param seed         seed of the weights, the data and the shuffling
     */
    public record Config(int trainSamples, int testSamples, int epochs, int batch, double learningRate, int shownSets, long seed) {
        public Config {
            if (trainSamples < 1 || testSamples < 1 || epochs < 1 || batch < 1 || !(learningRate > 0) || shownSets < 1
                    || shownSets > testSamples) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "invalid config: %d training and %d test samples, %d epochs, "
                        + "batch %d, learning rate %s, %d sets shown (at most the test samples)", trainSamples, testSamples, epochs, batch,
                        learningRate, shownSets));
            }
        }

        /** Signs at notebook size: 100 pictures of each of the 43 classes, 5 epochs (about 3 minutes on two cores). */
        public static Config signsFull() {
            return new Config(4300, 430, 5, 32, 0.03, 12, 1);
        }

        /** Signs at CI size: 10 of each class, 2 epochs (too little to learn 43 classes: the figures show the mechanics only). */
        public static Config signsQuick() {
            return new Config(430, 86, 2, 32, 0.03, 6, 1);
        }

        /** Fashion-MNIST at notebook size: 12 000 training pictures, 3 epochs, 2000 test pictures. */
        public static Config fashionFull() {
            return new Config(12000, 2000, 3, 32, 0.03, 12, 1);
        }

        /** Fashion-MNIST at CI size: 2000 training pictures, one epoch. */
        public static Config fashionQuick() {
            return new Config(2000, 300, 1, 32, 0.03, 6, 1);
        }

        /** The sign config {@code VBP_QUICK} asks for ({@link Sizes}). */
        public static Config signsFromEnvironment() {
            return signsFromEnvironment(System.getenv());
        }

        /** As {@link #signsFromEnvironment()}, reading {@code env}. */
        public static Config signsFromEnvironment(java.util.Map<String, String> env) {
            return Sizes.quick(env) ? signsQuick() : signsFull();
        }

        /** The Fashion-MNIST config {@code VBP_QUICK} asks for. */
        public static Config fashionFromEnvironment() {
            return fashionFromEnvironment(System.getenv());
        }

        /** As {@link #fashionFromEnvironment()}, reading {@code env}. */
        public static Config fashionFromEnvironment(java.util.Map<String, String> env) {
            return Sizes.quick(env) ? fashionQuick() : fashionFull();
        }

        /** This config with another seed. */
        public Config withSeed(long s) {
            return new Config(trainSamples, testSamples, epochs, batch, learningRate, shownSets, s);
        }
    }

    /**
     * Where the masks lie, over the held-out samples.
     *
     * @param samples  samples measured (those whose masks are not flat)
     * @param area     mean share of the pixels in the region
     * @param vbpMass  mean share of the VisualBackProp mask's mass in the region
     * @param lrpMass  mean share of the LRP map's positive mass in the region
     */
    public record Focus(int samples, double area, double vbpMass, double lrpMass) {
        /** {@code vbpMass / area}. */
        public double vbpRatio() {
            return vbpMass / area;
        }

        /** {@code lrpMass / area}. */
        public double lrpRatio() {
            return lrpMass / area;
        }
    }

    /** The data a classifier is trained and explained on. */
    private interface Source {
        String name();

        String className(int id);

        String regionName();

        /** The region of held-out sample {@code i} ({@code H * W}). */
        boolean[] region(int i, Tensor x, int n);

        /** The held-out sample shown as set {@code j} of the figure. */
        default int shown(int j, int testSize) {
            return j;
        }
    }

    private final String title;
    private final Config config;
    private final Network network;
    private final List<TrainingListener.EpochReport> history;
    private final Dataset test;
    private final Source source;
    private final int classes;
    private final double accuracy;
    private final Focus focus;
    private final Tensor shownInputs;
    private final int[] shownTruth;
    private final int[] shownPredicted;
    private final double[][] shownVbp;
    private final double[][] shownLrp;

    private ClassifierFigures(String title, Config config, Network network, List<TrainingListener.EpochReport> history, Dataset test,
                              Source source, int classes) {
        this.title = title;
        this.config = config;
        this.network = network;
        this.history = history;
        this.test = test;
        this.source = source;
        this.classes = classes;
        int n = config.shownSets();
        this.shownTruth = new int[n];
        this.shownPredicted = new int[n];
        this.shownVbp = new double[n][];
        this.shownLrp = new double[n][];
        int[] idx = new int[n];
        for (int j = 0; j < n; j++) {
            idx[j] = source.shown(j, test.size());
        }
        Batch shown = Datasets.batch(test, idx);
        this.shownInputs = shown.inputs();
        Explainer vbp = Explainer.of("vbp", network);
        Explainer lrp = Explainer.of("lrp", network);
        Trace t = Explainer.trace(network, shownInputs, Mode.EVAL, null, List.of(vbp, lrp));
        Explanation e = vbp.explain(t, Target.predicted()).details().orElseThrow();
        Attribution a = lrp.explain(t, Target.predicted());
        for (int i = 0; i < n; i++) {
            shownTruth[i] = (int) shown.targets().data()[i];
            shownPredicted[i] = a.target(i);
            shownVbp[i] = Pictures.map(e.mask(), i);
            shownLrp[i] = a.map(i);
        }
        double[] f = measure(network, test, source, lrp, config.batch());
        this.accuracy = f[0];
        this.focus = new Focus((int) f[1], f[2], f[3], f[4]);
    }

    /** Trains the small net on {@link TrafficSigns} of {@code config.seed()} and explains held-out signs. */
    public static ClassifierFigures signs(Config config) {
        Objects.requireNonNull(config, "config");
        TrafficSigns train = TrafficSigns.of(config.seed(), config.trainSamples());
        TrafficSigns test = TrafficSigns.of(config.seed() ^ TEST_SALT, config.testSamples());
        Network net = PaperNets.small(train.inputShape(), SignClass.COUNT, true, config.seed());
        List<TrainingListener.EpochReport> h = fit(net, train, test, config);
        Source src = new Source() {
            @Override
            public String name() {
                return "synthetic traffic signs";
            }

            @Override
            public String className(int id) {
                return SignClass.of(id).description();
            }

            @Override
            public String regionName() {
                return "the sign";
            }

            @Override
            public int shown(int j, int testSize) {
                // sample i shows class i mod 43; stepping by 7 (prime to 43) gives a different class each time
                return j * 7 % Math.min(SignClass.COUNT, testSize);
            }

            @Override
            public boolean[] region(int i, Tensor x, int n) {
                float[] m = test.sample(i).mask().data();
                boolean[] r = new boolean[m.length];
                for (int q = 0; q < m.length; q++) {
                    r[q] = m[q] > 0.5f;
                }
                return r;
            }
        };
        return new ClassifierFigures("Synthetic traffic signs (43 classes, 3 x 125 x 125)", config, net, h, test, src, SignClass.COUNT);
    }

    /** True when Debian's Fashion-MNIST files are installed ({@link FashionMnist#DEBIAN_DIR}). */
    public static boolean fashionMnistInstalled() {
        return FashionMnist.isInstalled(FashionMnist.Split.TRAIN) && FashionMnist.isInstalled(FashionMnist.Split.TEST);
    }

    /** A note for when Fashion-MNIST is not installed. */
    public static String fashionAbsentNote() {
        return "Fashion-MNIST is not installed (no IDX files in " + FashionMnist.DEBIAN_DIR + "; Debian: apt-get install "
                + "dataset-fashion-mnist): this part is skipped.";
    }

    /**
     * Trains the small net on the first {@code trainSamples} of Fashion-MNIST's training split and explains the first
     * {@code testSamples} of its test split.
     *
     * @throws IOException when the files are missing or corrupt
     */
    public static ClassifierFigures fashionMnist(Config config) throws IOException {
        Objects.requireNonNull(config, "config");
        FashionMnist trainAll = FashionMnist.load(FashionMnist.Split.TRAIN);
        FashionMnist testAll = FashionMnist.load(FashionMnist.Split.TEST);
        Dataset train = Datasets.range(trainAll, 0, Math.min(config.trainSamples(), trainAll.size()));
        Dataset test = Datasets.range(testAll, 0, Math.min(config.testSamples(), testAll.size()));
        Network net = PaperNets.small(train.inputShape(), FashionMnist.CLASS_NAMES.size(), true, config.seed());
        List<TrainingListener.EpochReport> h = fit(net, train, test, config);
        Source src = new Source() {
            @Override
            public String name() {
                return "Fashion-MNIST";
            }

            @Override
            public String className(int id) {
                return FashionMnist.CLASS_NAMES.get(id);
            }

            @Override
            public String regionName() {
                return "the garment";
            }

            @Override
            public boolean[] region(int i, Tensor x, int n) {
                int plane = x.shape().plane();
                boolean[] r = new boolean[plane];
                for (int q = 0; q < plane; q++) {
                    r[q] = x.data()[n * x.shape().sampleSize() + q] >= GARMENT_THRESHOLD;
                }
                return r;
            }
        };
        return new ClassifierFigures("Fashion-MNIST (10 classes, 1 x 28 x 28)", config, net, h, test, src, FashionMnist.CLASS_NAMES.size());
    }

    private static List<TrainingListener.EpochReport> fit(Network net, Dataset train, Dataset test, Config config) {
        Trainer t = new Trainer(net, Loss.nll(), Sgd.of(config.learningRate(), 0.9, 1e-4),
                Trainer.Config.of(config.epochs(), config.batch(), config.seed()));
        return t.fit(train, test, null).epochs();
    }

    /** {accuracy, samples measured, mean area share, mean VBP share, mean LRP share} over the held-out set. */
    private static double[] measure(Network network, Dataset test, Source source, Explainer lrp, int batch) {
        Explainer vbpExplainer = Explainer.of("vbp", network);
        Trace trace = null;
        int correct = 0;
        int counted = 0;
        double area = 0;
        double vbp = 0;
        double lrpMass = 0;
        for (int from = 0; from < test.size(); from += batch) {
            int to = Math.min(test.size(), from + batch);
            Batch b = Datasets.batch(test, from, to);
            trace = Explainer.trace(network, b.inputs(), Mode.EVAL, trace, List.of(vbpExplainer, lrp));
            Explanation e = vbpExplainer.explain(trace, Target.predicted()).details().orElseThrow();
            Attribution a = lrp.explain(trace, Target.predicted());
            for (int i = 0; i < to - from; i++) {
                if (a.target(i) == (int) b.targets().data()[i]) {
                    correct++;
                }
                boolean[] region = source.region(from + i, b.inputs(), i);
                MaskMass.Share sv = MaskMass.of(Pictures.map(e.mask(), i), region);
                MaskMass.Share sl = MaskMass.of(a.map(i), region);
                if (Double.isNaN(sv.massShare()) || Double.isNaN(sl.massShare())) {
                    continue;
                }
                counted++;
                area += sv.areaShare();
                vbp += sv.massShare();
                lrpMass += sl.massShare();
            }
        }
        return new double[] {(double) correct / test.size(), counted, area / counted, vbp / counted, lrpMass / counted};
    }

    public Config config() {
        return config;
    }

    public Network network() {
        return network;
    }

    /** One report per training epoch. */
    public List<TrainingListener.EpochReport> history() {
        return history;
    }

    /** Accuracy on the held-out samples. */
    public double accuracy() {
        return accuracy;
    }

    /** What guessing scores: 1 / classes. */
    public double chance() {
        return 1.0 / classes;
    }

    /** Where the masks lie over the held-out samples. */
    public Focus focus() {
        return focus;
    }

    /** A summary: the data, the training, accuracy against chance, and the masks' share of the region against its area. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s: small net (%,d parameters) trained %d epochs on %d samples, batch %d, learning rate %s%n",
                title, network.parameterCount(), config.epochs(), config.trainSamples(), config.batch(), config.learningRate()));
        for (TrainingListener.EpochReport r : history) {
            sb.append(String.format(Locale.ROOT, "  epoch %d: train NLL %.3f, held-out NLL %.3f, accuracy %.1f%% (%.0f s)%n", r.epoch(),
                    r.trainLoss(), r.validationLoss(), 100 * r.validationMetric(), r.seconds()));
        }
        sb.append(String.format(Locale.ROOT, "held-out accuracy %.1f%% on %d samples (chance %.1f%%)%n", 100 * accuracy, test.size(),
                100 * chance()));
        sb.append(String.format(Locale.ROOT, "%s covers %.1f%% of the picture on average; VisualBackProp puts %.1f%% of its mask there "
                        + "(%.2fx its area share), LRP %.1f%% (%.2fx); %d held-out samples%n", source.regionName(), 100 * focus.area(),
                100 * focus.vbpMass(), focus.vbpRatio(), 100 * focus.lrpMass(), focus.lrpRatio(), focus.samples()));
        return sb.toString();
    }

    /**
     * Figures 20-21: sets of input | VisualBackProp mask | LRP mask (masks in gray, white = high; LRP's positive part
     * scaled by {@link Pictures#displayMask}), two sets to a row, each row captioned with truth and prediction.
     */
    public BufferedImage figure() {
        Shape s = shownInputs.shape();
        int n = shownTruth.length;
        List<BufferedImage[]> rows = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < n; i += 2) {
            int sets = Math.min(2, n - i);
            BufferedImage[] row = new BufferedImage[3 * sets];
            StringBuilder label = new StringBuilder();
            for (int j = 0; j < sets; j++) {
                int k = i + j;
                row[3 * j] = Images.toImage(shownInputs, k);
                row[3 * j + 1] = Panels.gray(shownVbp[k], s.h(), s.w());
                row[3 * j + 2] = Panels.gray(Pictures.displayMask(shownLrp[k]), s.h(), s.w());
                label.append(j > 0 ? "   ||   " : "").append(caption(k));
            }
            rows.add(row);
            labels.add(label.toString());
        }
        int cell = s.w() >= 100 ? 2 * s.w() : 6 * s.w();
        return Pictures.grid(rows, labels, cell);
    }

    private String caption(int k) {
        String truth = source.className(shownTruth[k]);
        String pred = source.className(shownPredicted[k]);
        return shorten(truth) + (shownTruth[k] == shownPredicted[k] ? " (right)" : " (taken for " + shorten(pred) + ")");
    }

    private static String shorten(String s) {
        return s.length() > 28 ? s.substring(0, 27) + "." : s;
    }
}
