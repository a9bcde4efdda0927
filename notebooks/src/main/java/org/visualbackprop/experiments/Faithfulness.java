package org.visualbackprop.experiments;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntConsumer;
import org.visualbackprop.data.FashionMnist;
import org.visualbackprop.data.Label;
import org.visualbackprop.data.RoadFrame;
import org.visualbackprop.data.RoadScenes;
import org.visualbackprop.data.RoadView;
import org.visualbackprop.data.TrafficSigns;
import org.visualbackprop.evaluate.Batches;
import org.visualbackprop.evaluate.Cost;
import org.visualbackprop.evaluate.InputInvariance;
import org.visualbackprop.evaluate.Localisation;
import org.visualbackprop.evaluate.Randomization;
import org.visualbackprop.evaluate.RegionPerturbation;
import org.visualbackprop.evaluate.Similarity;
import org.visualbackprop.explain.Attribution;
import org.visualbackprop.explain.Explainer;
import org.visualbackprop.explain.Target;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/**
 * Notebook 7 and {@code vbp evaluate-methods}: every explanation method against every test of
 * {@link org.visualbackprop.evaluate} on one network and its held-out frames, with the frame counts per test that keep
 * a full run of a paper-sized net within an hour on two cores ({@link Sizes}).
 *
 * <p>How maps are read: for a classifier the explained output is the predicted class's score and maps are taken as
 * signed (positive = evidence for the class), as the metrics' papers do; for a regression network (one output: a
 * steering angle, which has no "positive class") every metric that ranks pixels reads {@code |map|}, the magnitude of
 * the attribution, and region perturbation measures the change of the output ({@link RegionPerturbation}). The
 * randomization tests report Spearman of both {@code |map|} and the map. Every forward pass runs in evaluation mode.
 */
public final class Faithfulness {
    /** Every method, in the order tables list them: VisualBackProp, LRP, gradients, modified gradients, sampling, controls. */
    public static final List<String> METHODS = List.of("vbp", "lrp", "lrp-epsilon-plus-flat", "lrp-epsilon-alpha2-beta1-flat", "gradient",
            "gradxinput", "gradcam", "guided-backprop", "deconvnet", "smoothgrad", "integrated-gradients", "random", "edge");
    /** The model-independent controls. */
    public static final Set<String> CONTROLS = Set.of("random", "edge");
    /** Methods that run 25-32 passes per frame: fewer frames under randomization. */
    public static final Set<String> SAMPLED = Set.of("smoothgrad", "integrated-gradients");
    /** Seed of the held-out synthetic frames (roads, signs): not a training seed. */
    public static final long HELD_OUT_SEED = 424242L;

    /** The tests. */
    public enum Metric {
        RANDOMIZATION("randomization"), RANDOM_LOGIT("random-logit"), PERTURBATION("perturbation"), LOCALISATION("localisation"),
        INVARIANCE("invariance"), COST("cost");

        private final String id;

        Metric(String id) {
            this.id = id;
        }

        /** As the command line writes it. */
        public String id() {
            return id;
        }

        /** Parses {@link #id()}. */
        public static Metric parse(String s) {
            for (Metric m : values()) {
                if (m.id.equalsIgnoreCase(s.trim())) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown metric '" + s + "': expected randomization, random-logit, perturbation, "
                    + "localisation, invariance or cost");
        }
    }

    /**
     * Frames to evaluate, with each frame's ground-truth masks by label kind (empty maps where there is none).
     *
     * @param primary the label kind the summary's localisation columns report (lane markings, the sign, the garment), or
     *                null without ground truth
     */
    public record Frames(String name, String description, Tensor x, List<Map<String, boolean[]>> truth, String primary) {
        public Frames {
            Objects.requireNonNull(x, "x");
            if (truth.size() != x.shape().n()) {
                throw new IllegalArgumentException(truth.size() + " ground truths for " + x.shape().n() + " frames");
            }
        }

        /** Number of frames. */
        public int size() {
            return x.shape().n();
        }

        /** Whether any frame has a ground-truth mask. */
        public boolean hasTruth() {
            return truth.stream().anyMatch(m -> !m.isEmpty());
        }

        /** The label kinds, in the order first seen. */
        public List<String> labels() {
            Set<String> s = new LinkedHashSet<>();
            truth.forEach(m -> s.addAll(m.keySet()));
            return List.copyOf(s);
        }
    }

    /** The road labels whose masks the localisation test uses, lane markings first (what a steering net should read). */
    public static final List<Label> ROAD_LABELS = List.of(Label.LANE_MARKING, Label.HORIZONTAL_MARKING, Label.CAR, Label.SHADOW);

    /** Held-out synthetic road frames for a network taking {@code input} (NetSVF's or NetHVF's view). */
    public static Frames roads(Shape input, int n, long seed) {
        RoadView view = null;
        for (RoadView v : RoadView.values()) {
            if (v.inputShape().equals(input.withBatch(1))) {
                view = v;
            }
        }
        if (view == null) {
            throw new IllegalArgumentException("the network takes " + input.describeSample() + "; road frames are 1 x 125 x 640 (NetSVF's "
                    + "view) or 1 x 125 x 349 (NetHVF's)");
        }
        RoadScenes data = RoadScenes.of(seed, n, view);
        List<Tensor> xs = new ArrayList<>();
        List<Map<String, boolean[]>> truth = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RoadFrame f = data.frame(i);
            xs.add(f.image());
            Map<String, boolean[]> m = new LinkedHashMap<>();
            for (Label l : ROAD_LABELS) {
                float[] d = f.mask(l).data();
                boolean[] b = new boolean[d.length];
                boolean any = false;
                for (int q = 0; q < d.length; q++) {
                    b[q] = d[q] > 0.5f;
                    any |= b[q];
                }
                if (any) {
                    m.put(label(l), b);
                }
            }
            truth.add(m);
        }
        return new Frames("roads", n + " held-out synthetic road frames (" + view + " view, seed " + seed + ")", Tensor.stack(xs), truth,
                label(Label.LANE_MARKING));
    }

    private static String label(Label l) {
        return l.name().toLowerCase(Locale.ROOT).replace('_', ' ') + "s";
    }

    /** Held-out synthetic traffic signs (3 x 125 x 125) with the sign's mask. */
    public static Frames signs(Shape input, int n, long seed) {
        if (!input.withBatch(1).equals(new Shape(1, 3, TrafficSigns.SIZE, TrafficSigns.SIZE))) {
            throw new IllegalArgumentException("the network takes " + input.describeSample() + "; the synthetic signs are 3 x 125 x 125");
        }
        TrafficSigns data = TrafficSigns.of(seed, n);
        List<Tensor> xs = new ArrayList<>();
        List<Map<String, boolean[]>> truth = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TrafficSigns.SignSample s = data.sample(i);
            xs.add(s.image());
            float[] d = s.mask().data();
            boolean[] b = new boolean[d.length];
            for (int q = 0; q < d.length; q++) {
                b[q] = d[q] > 0.5f;
            }
            truth.add(Map.of("sign", b));
        }
        return new Frames("signs", n + " held-out synthetic traffic signs (seed " + seed + ")", Tensor.stack(xs), truth, "sign");
    }

    /**
     * The first {@code n} pictures of Fashion-MNIST's test split, resized to the network's input when it is not 1 x 28 x 28,
     * with the garment's mask (pixels at or above {@link ClassifierFigures#GARMENT_THRESHOLD}).
     */
    public static Frames fashionMnist(Shape input, int n) throws IOException {
        FashionMnist test = FashionMnist.load(FashionMnist.Split.TEST);
        Shape s = input.withBatch(1);
        if (!s.equals(new Shape(1, 1, 28, 28))) {
            test = test.withInput(s.c(), s.h(), s.w(), FashionMnist.Placement.RESIZE);
        }
        int m = Math.min(n, test.size());
        Tensor x = Tensor.zeros(s.withBatch(m));
        float[] target = new float[test.targetShape().sampleSize()];
        List<Map<String, boolean[]>> truth = new ArrayList<>();
        int size = s.sampleSize();
        int plane = s.plane();
        for (int i = 0; i < m; i++) {
            test.load(i, x.data(), i * size, target, 0);
            boolean[] b = new boolean[plane];
            for (int q = 0; q < plane; q++) {
                b[q] = x.data()[i * size + q] >= ClassifierFigures.GARMENT_THRESHOLD;
            }
            truth.add(Map.of("garment", b));
        }
        return new Frames("fashion-mnist", m + " Fashion-MNIST test pictures", x, truth, "garment");
    }

    /** Frames without ground truth (a folder of pictures, the authors' frames). */
    public static Frames of(String name, String description, Tensor x) {
        List<Map<String, boolean[]>> none = new ArrayList<>();
        for (int i = 0; i < x.shape().n(); i++) {
            none.add(Map.of());
        }
        return new Frames(name, description, x, none, null);
    }

    /**
     * Frames per test. Randomization explains every frame once per layer and order ({@code 2L + 1} networks, L = 13
     * for NetSVF), so it gets the fewest; SmoothGrad and Integrated Gradients (25 and 32 passes per frame) fewer still.
     */
    public record Sizes(int localisation, int perturbation, int randomization, int sampledRandomization, int randomLogit, int invariance,
                        int cost) {
        public Sizes {
            for (int v : new int[] {localisation, perturbation, randomization, sampledRandomization, randomLogit, invariance, cost}) {
                if (v < 1) {
                    throw new IllegalArgumentException("every test needs >= 1 frame, got " + v);
                }
            }
        }

        /**
         * From the number of frames localisation gets: perturbation, random logits and invariance a fifth of it,
         * randomization a tenth, SmoothGrad and Integrated Gradients under randomization a fiftieth, cost up to 16 frames.
         */
        public static Sizes from(int frames) {
            return new Sizes(frames, Math.max(1, frames / 5), Math.max(1, frames / 10), Math.max(1, frames / 50), Math.max(1, frames / 5),
                    Math.max(1, frames / 5), Math.min(frames, 16));
        }

        /** The most frames any test needs. */
        public int max() {
            return Math.max(localisation, Math.max(perturbation, Math.max(randomization, Math.max(sampledRandomization,
                    Math.max(randomLogit, Math.max(invariance, cost))))));
        }

        /** Each count capped at {@code n}. */
        public Sizes cappedAt(int n) {
            return new Sizes(Math.min(localisation, n), Math.min(perturbation, n), Math.min(randomization, n), Math.min(sampledRandomization, n),
                    Math.min(randomLogit, n), Math.min(invariance, n), Math.min(cost, n));
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "localisation %d, perturbation %d, randomization %d (SmoothGrad and Integrated Gradients %d), "
                    + "random logit %d, invariance %d, cost %d", localisation, perturbation, randomization, sampledRandomization, randomLogit,
                    invariance, cost);
        }
    }

    /**
     * What to run.
     *
     * @param methods      method names ({@link Explainer#names()})
     * @param metrics      the tests
     * @param sizes        frames per test
     * @param batch        frames per forward pass
     * @param perturbation region perturbation's patch, steps and baseline
     * @param shift        the input invariance test's constant
     * @param seed         the seed of the methods' random numbers, the randomized weights and the random logits
     * @param examples     frames whose maps the picture grid shows at every randomization step
     */
    public record Config(List<String> methods, Set<Metric> metrics, Sizes sizes, int batch, RegionPerturbation.Settings perturbation,
                         float shift, long seed, int examples) {
        public Config {
            methods = List.copyOf(methods);
            metrics = Set.copyOf(metrics);
            if (methods.isEmpty() || metrics.isEmpty()) {
                throw new IllegalArgumentException("need at least one method and one metric");
            }
            if (batch < 1) {
                throw new IllegalArgumentException("batch must be >= 1, got " + batch);
            }
        }

        /** Every method and test, {@link Sizes#from}{@code (frames)}, batches of 8, 8 x 8 patches, 100 steps, uniform noise. */
        public static Config defaults(int frames) {
            return new Config(METHODS, EnumSet.allOf(Metric.class), Sizes.from(frames), 8, RegionPerturbation.Settings.defaults(),
                    InputInvariance.KINDERMANS_SHIFT, 1L, 1);
        }

        /** The notebooks' size: {@code VBP_QUICK} gives 8 frames (localisation) and one or two per other test. */
        public static Config fromEnvironment() {
            return org.visualbackprop.experiments.Sizes.quick() ? quick() : defaults(100);
        }

        /** The reduced size: 8 frames for localisation, 2 for perturbation, randomization, random logit and invariance, 1 for the sampled methods. */
        public static Config quick() {
            return new Config(METHODS, EnumSet.allOf(Metric.class), new Sizes(8, 2, 2, 1, 2, 2, 4), 4, RegionPerturbation.Settings.defaults(),
                    InputInvariance.KINDERMANS_SHIFT, 1L, 1);
        }

        public Config withMethods(List<String> m) {
            return new Config(m, metrics, sizes, batch, perturbation, shift, seed, examples);
        }

        public Config withMetrics(Set<Metric> m) {
            return new Config(methods, m, sizes, batch, perturbation, shift, seed, examples);
        }

        public Config withSizes(Sizes s) {
            return new Config(methods, metrics, s, batch, perturbation, shift, seed, examples);
        }

        public Config withBatch(int b) {
            return new Config(methods, metrics, sizes, b, perturbation, shift, seed, examples);
        }

        public Config withPerturbation(RegionPerturbation.Settings p) {
            return new Config(methods, metrics, sizes, batch, p, shift, seed, examples);
        }

        public Config withShift(float s) {
            return new Config(methods, metrics, sizes, batch, perturbation, s, seed, examples);
        }

        public Config withSeed(long s) {
            return new Config(methods, metrics, sizes, batch, perturbation, shift, s, examples);
        }
    }

    /** Progress: a phase with a number of units (frames explained by one method, or perturbed frames run), then steps. */
    public interface Listener {
        void phase(String name, long units);

        void step(long units);

        /** Says nothing. */
        static Listener quiet() {
            return new Listener() {
                @Override
                public void phase(String name, long units) {
                }

                @Override
                public void step(long units) {
                }
            };
        }
    }

    /**
     * Localisation scores of one method on one label kind, means over the frames that show it.
     *
     * @param massFrames frames with positive mass (mass accuracy is undefined without)
     */
    public record LocalisationScores(double mass, double rank, double hit, double hitTolerant, double areaShare, int frames, int massFrames) {
    }

    /**
     * Everything one run measured.
     *
     * @param cascading   by method, the randomization result holding it (the sampled methods ran on fewer frames)
     * @param independent likewise, one layer at a time
     * @param logit       random logits (classifiers), or null
     * @param perturbation by method
     * @param localisation by method, by label kind
     * @param seconds     wall-clock seconds per test
     */
    public record Report(String model, Frames frames, boolean classifier, Config config, Sizes sizes,
                         Map<String, Randomization.Result> cascading, Map<String, Randomization.Result> independent,
                         Randomization.LogitResult logit, Map<String, RegionPerturbation.Curves> perturbation,
                         Map<String, Map<String, LocalisationScores>> localisation, InputInvariance.Result invariance, Cost.Result cost,
                         Map<Metric, Double> seconds, List<String> notes) {
    }

    private Faithfulness() {
    }

    /** Whether a network's explained output is one of several classes (its score layer has more than one output). */
    public static boolean classifier(Network net) {
        return net.shapes(1).get(Target.scoreLayer(net)).sampleSize() > 1;
    }

    /**
     * Runs the tests of {@code c} on {@code net} and {@code frames}.
     *
     * @param model how to name the network in reports
     */
    public static Report run(Network net, String model, Frames frames, Config c, Listener listener) {
        Objects.requireNonNull(listener, "listener");
        boolean classifier = classifier(net);
        Sizes sizes = c.sizes().cappedAt(frames.size());
        List<String> notes = new ArrayList<>();
        Explainer.Options options = Explainer.Options.defaults().withSeed(c.seed());
        List<Explainer> all = new ArrayList<>();
        for (String m : c.methods()) {
            all.add(Explainer.of(m, net, options));
        }
        List<Explainer> cheap = all.stream().filter(e -> !SAMPLED.contains(e.name())).toList();
        List<Explainer> sampled = all.stream().filter(e -> SAMPLED.contains(e.name())).toList();
        Map<Metric, Double> seconds = new LinkedHashMap<>();
        Tensor x = frames.x();
        int batch = c.batch();
        IntConsumer tick = listener::step;

        Map<String, Randomization.Result> cascading = new LinkedHashMap<>();
        Map<String, Randomization.Result> independent = new LinkedHashMap<>();
        if (c.metrics().contains(Metric.RANDOMIZATION)) {
            long t0 = System.nanoTime();
            int layers = Randomization.layers(net).size();
            long units = 2L * (layers + 1) * ((long) cheap.size() * sizes.randomization() + (long) sampled.size() * sizes.sampledRandomization());
            listener.phase("randomization", units);
            for (Randomization.Order order : Randomization.Order.values()) {
                Map<String, Randomization.Result> into = order == Randomization.Order.CASCADING ? cascading : independent;
                Map<String, Randomization.Result> byMethod = new LinkedHashMap<>();
                if (!cheap.isEmpty()) {
                    Randomization.Result r = Randomization.run(net, cheap, x.slice(0, sizes.randomization()), order, layers, c.seed(), batch,
                            c.examples(), tick);
                    cheap.forEach(e -> byMethod.put(e.name(), r));
                }
                if (!sampled.isEmpty()) {
                    Randomization.Result r = Randomization.run(net, sampled, x.slice(0, sizes.sampledRandomization()), order, layers, c.seed(),
                            batch, c.examples(), tick);
                    sampled.forEach(e -> byMethod.put(e.name(), r));
                }
                c.methods().forEach(m -> into.put(m, byMethod.get(m)));
            }
            seconds.put(Metric.RANDOMIZATION, (System.nanoTime() - t0) / 1e9);
        }

        Randomization.LogitResult logit = null;
        if (c.metrics().contains(Metric.RANDOM_LOGIT)) {
            if (classifier) {
                long t0 = System.nanoTime();
                listener.phase("random logit", 2L * all.size() * sizes.randomLogit());
                logit = Randomization.randomLogit(net, all, x.slice(0, sizes.randomLogit()), c.seed(), batch, tick);
                seconds.put(Metric.RANDOM_LOGIT, (System.nanoTime() - t0) / 1e9);
            } else {
                notes.add("random logit: skipped, the network has one output (a regression); the test needs classes");
            }
        }

        Map<String, RegionPerturbation.Curves> perturbation = new LinkedHashMap<>();
        if (c.metrics().contains(Metric.PERTURBATION)) {
            long t0 = System.nanoTime();
            int steps = Math.min(c.perturbation().steps(), patches(x.shape(), c.perturbation().patch()));
            listener.phase("perturbation", (long) all.size() * sizes.perturbation() * 2 * steps);
            Tensor px = x.slice(0, sizes.perturbation());
            for (Explainer e : all) {
                perturbation.put(e.name(), RegionPerturbation.run(e, px, c.perturbation(), !classifier, batch, tick));
            }
            seconds.put(Metric.PERTURBATION, (System.nanoTime() - t0) / 1e9);
        }

        Map<String, Map<String, LocalisationScores>> localisation = new LinkedHashMap<>();
        if (c.metrics().contains(Metric.LOCALISATION)) {
            if (frames.hasTruth()) {
                long t0 = System.nanoTime();
                listener.phase("localisation", (long) all.size() * sizes.localisation());
                localisation = localise(net, all, frames, sizes.localisation(), classifier, batch, tick);
                seconds.put(Metric.LOCALISATION, (System.nanoTime() - t0) / 1e9);
            } else {
                notes.add("localisation: skipped, " + frames.description() + " have no ground truth");
            }
        }

        InputInvariance.Result invariance = null;
        if (c.metrics().contains(Metric.INVARIANCE)) {
            long t0 = System.nanoTime();
            listener.phase("input invariance", 2L * all.size() * sizes.invariance());
            invariance = InputInvariance.run(net, all, x.slice(0, sizes.invariance()), c.shift(), batch, tick);
            seconds.put(Metric.INVARIANCE, (System.nanoTime() - t0) / 1e9);
        }

        Cost.Result cost = null;
        if (c.metrics().contains(Metric.COST)) {
            long t0 = System.nanoTime();
            listener.phase("cost", all.size());
            cost = Cost.measure(net, all, x.slice(0, sizes.cost()), batch, 1);
            listener.step(all.size());
            seconds.put(Metric.COST, (System.nanoTime() - t0) / 1e9);
        }
        return new Report(model, frames, classifier, c, sizes, cascading, independent, logit, perturbation, localisation, invariance, cost,
                seconds, notes);
    }

    /** Number of patches of region perturbation's grid. */
    static int patches(Shape s, int patch) {
        return ((s.h() + patch - 1) / patch) * ((s.w() + patch - 1) / patch);
    }

    /** The map as the pixel-ranking metrics read it: signed for a classifier, its magnitude for a regression. */
    static double[] oriented(double[] map, boolean classifier) {
        return classifier ? map : Similarity.abs(map);
    }

    private static Map<String, Map<String, LocalisationScores>> localise(Network net, List<Explainer> methods, Frames frames, int n,
                                                                         boolean classifier, int batch, IntConsumer tick) {
        List<String> labels = frames.labels();
        int h = frames.x().shape().h();
        int w = frames.x().shape().w();
        // sums per method, label: mass, massFrames, rank, hit, hitTolerant, area, frames
        Map<String, Map<String, double[]>> sums = new LinkedHashMap<>();
        for (Explainer e : methods) {
            Map<String, double[]> m = new LinkedHashMap<>();
            labels.forEach(l -> m.put(l, new double[7]));
            sums.put(e.name(), m);
        }
        Batches.explain(net, methods, frames.x().slice(0, n), null, batch, tick, r -> {
            for (int i = 0; i < r.size(); i++) {
                Map<String, boolean[]> truth = frames.truth().get(r.first() + i);
                Map<String, Localisation.Region> regions = new LinkedHashMap<>();
                truth.forEach((l, mask) -> regions.put(l, Localisation.Region.of(mask, h, w, Localisation.POINTING_TOLERANCE)));
                for (Map.Entry<String, Attribution> a : r.attributions().entrySet()) {
                    double[] map = oriented(a.getValue().map(i), classifier);
                    for (Map.Entry<String, Localisation.Region> reg : regions.entrySet()) {
                        Localisation.Scores s = Localisation.of(map, reg.getValue());
                        double[] acc = sums.get(a.getKey()).get(reg.getKey());
                        if (!Double.isNaN(s.massAccuracy())) {
                            acc[0] += s.massAccuracy();
                            acc[1]++;
                        }
                        acc[2] += s.rankAccuracy();
                        acc[3] += s.hit();
                        acc[4] += s.hitTolerant();
                        acc[5] += s.areaShare();
                        acc[6]++;
                    }
                }
            }
        });
        Map<String, Map<String, LocalisationScores>> out = new LinkedHashMap<>();
        sums.forEach((m, byLabel) -> {
            Map<String, LocalisationScores> ls = new LinkedHashMap<>();
            byLabel.forEach((l, a) -> {
                double f = a[6];
                ls.put(l, new LocalisationScores(a[1] == 0 ? Double.NaN : a[0] / a[1], a[2] / f, a[3] / f, a[4] / f, a[5] / f, (int) f, (int) a[1]));
            });
            out.put(m, ls);
        });
        return out;
    }

    /** One row of {@code metrics.csv}. */
    public record Row(String method, String metric, String setting, double value, int frames) {
    }

    /** Every number of the report, one row per method x metric x setting. */
    public static List<Row> rows(Report r) {
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, Randomization.Result> e : r.cascading().entrySet()) {
            randomizationRows(rows, e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Randomization.Result> e : r.independent().entrySet()) {
            randomizationRows(rows, e.getKey(), e.getValue());
        }
        if (r.logit() != null) {
            for (String m : r.logit().scores().keySet()) {
                for (Similarity.Measure s : Similarity.Measure.values()) {
                    rows.add(new Row(m, "random-logit", "measure=" + id(s), r.logit().mean(m, s), r.logit().scores().get(m).length));
                }
            }
        }
        RegionPerturbation.Settings ps = r.config().perturbation();
        String pset = "patch=" + ps.patch() + ";steps=" + ps.steps() + ";baseline=" + ps.baseline().id() + ";"
                + (r.classifier() ? "score=class score drop" : "score=|output change|");
        for (Map.Entry<String, RegionPerturbation.Curves> e : r.perturbation().entrySet()) {
            int n = e.getValue().morf().length;
            rows.add(new Row(e.getKey(), "perturbation", "aopc_morf;" + pset, e.getValue().aopcMorf(), n));
            rows.add(new Row(e.getKey(), "perturbation", "aopc_lerf;" + pset, e.getValue().aopcLerf(), n));
            rows.add(new Row(e.getKey(), "perturbation", "abpc;" + pset, e.getValue().abpc(), n));
        }
        for (Map.Entry<String, Map<String, LocalisationScores>> e : r.localisation().entrySet()) {
            for (Map.Entry<String, LocalisationScores> l : e.getValue().entrySet()) {
                LocalisationScores s = l.getValue();
                String lab = "label=" + l.getKey();
                rows.add(new Row(e.getKey(), "localisation", lab + ";score=mass_accuracy", s.mass(), s.massFrames()));
                rows.add(new Row(e.getKey(), "localisation", lab + ";score=rank_accuracy", s.rank(), s.frames()));
                rows.add(new Row(e.getKey(), "localisation", lab + ";score=pointing_game", s.hit(), s.frames()));
                rows.add(new Row(e.getKey(), "localisation", lab + ";score=pointing_game_15px", s.hitTolerant(), s.frames()));
                rows.add(new Row(e.getKey(), "localisation", lab + ";score=area_share", s.areaShare(), s.frames()));
            }
        }
        if (r.invariance() != null) {
            InputInvariance.Result inv = r.invariance();
            String set = "shift=" + inv.shift();
            for (String m : inv.relative().keySet()) {
                int n = inv.relative().get(m).length;
                rows.add(new Row(m, "invariance", set + ";worst_relative_diff", inv.worst(m), n));
                rows.add(new Row(m, "invariance", set + ";median_relative_diff", inv.median(m), n));
                rows.add(new Row(m, "invariance", set + ";frames_changed", inv.framesChanged(m), n));
                rows.add(new Row(m, "invariance", set + ";unchanged", inv.unchanged(m) ? 1 : 0, n));
            }
            rows.add(new Row("(network)", "invariance", set + ";output_max_abs_diff", inv.outputDiff(), r.sizes().invariance()));
        }
        if (r.cost() != null) {
            rows.add(new Row("(forward pass)", "cost", "ms_per_frame;batch=" + r.cost().batch(), r.cost().forward(), r.cost().frames()));
            for (String m : r.cost().methods().keySet()) {
                rows.add(new Row(m, "cost", "ms_per_frame;batch=" + r.cost().batch(), r.cost().methods().get(m), r.cost().frames()));
                if (r.cost().methods().containsKey("vbp")) {
                    rows.add(new Row(m, "cost", "ratio_to_vbp", r.cost().ratio(m, "vbp"), r.cost().frames()));
                }
            }
        }
        return rows;
    }

    private static void randomizationRows(List<Row> rows, String method, Randomization.Result r) {
        String metric = "randomization-" + r.order().name().toLowerCase(Locale.ROOT);
        for (int step = 0; step < r.steps().size(); step++) {
            for (Similarity.Measure s : Similarity.Measure.values()) {
                rows.add(new Row(method, metric, "step=" + step + ";layer=" + r.steps().get(step) + ";measure=" + id(s), r.mean(method, step, s),
                        r.defined(method, step, s)));
            }
        }
    }

    /** A measure's name in {@code metrics.csv}. */
    static String id(Similarity.Measure s) {
        return s.name().toLowerCase(Locale.ROOT);
    }

    /** One column of the summary table: a heading, whether higher is better, and the value per method (NaN: not measured). */
    public record Column(String heading, boolean higherIsBetter, Map<String, Double> values) {
    }

    private static final String COST_HEADING = "ms per frame";

    /** The summary's columns, in order. */
    public static List<Column> columns(Report r) {
        List<Column> cols = new ArrayList<>();
        List<String> methods = r.config().methods();
        if (!r.cascading().isEmpty()) {
            cols.add(column(methods, "MPRT cascading, all layers: Spearman |map|", false,
                    m -> last(r.cascading().get(m), m, Similarity.Measure.SPEARMAN_ABS)));
            cols.add(column(methods, "MPRT cascading, all layers: SSIM", false, m -> last(r.cascading().get(m), m, Similarity.Measure.SSIM)));
            cols.add(column(methods, "MPRT independent, mean over layers: Spearman |map|", false,
                    m -> meanOverSteps(r.independent().get(m), m, Similarity.Measure.SPEARMAN_ABS)));
        }
        if (r.logit() != null) {
            cols.add(column(methods, "random logit: SSIM", false, m -> r.logit().mean(m, Similarity.Measure.SSIM)));
        }
        if (!r.perturbation().isEmpty()) {
            cols.add(column(methods, "AOPC MoRF", true, m -> r.perturbation().get(m).aopcMorf()));
            cols.add(column(methods, "AOPC LeRF", false, m -> r.perturbation().get(m).aopcLerf()));
            cols.add(column(methods, "ABPC", true, m -> r.perturbation().get(m).abpc()));
        }
        if (!r.localisation().isEmpty() && r.frames().primary() != null) {
            String p = r.frames().primary();
            cols.add(column(methods, p + ": mass accuracy", true, m -> loc(r, m, p).mass()));
            cols.add(column(methods, p + ": rank accuracy", true, m -> loc(r, m, p).rank()));
            cols.add(column(methods, p + ": pointing game", true, m -> loc(r, m, p).hit()));
            cols.add(column(methods, p + ": pointing game, 15 px", true, m -> loc(r, m, p).hitTolerant()));
        }
        if (r.invariance() != null) {
            cols.add(column(methods, "input shift: median relative change", false, m -> r.invariance().median(m)));
        }
        if (r.cost() != null) {
            cols.add(column(methods, COST_HEADING, false, m -> r.cost().methods().get(m)));
        }
        return cols;
    }

    private static LocalisationScores loc(Report r, String m, String label) {
        LocalisationScores s = r.localisation().get(m).get(label);
        return s == null ? new LocalisationScores(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, 0) : s;
    }

    private static Column column(List<String> methods, String heading, boolean higher, java.util.function.ToDoubleFunction<String> f) {
        Map<String, Double> v = new LinkedHashMap<>();
        for (String m : methods) {
            double d;
            try {
                d = f.applyAsDouble(m);
            } catch (NullPointerException e) {
                d = Double.NaN;
            }
            v.put(m, d);
        }
        return new Column(heading, higher, v);
    }

    private static double last(Randomization.Result r, String m, Similarity.Measure s) {
        return r.mean(m, r.steps().size() - 1, s);
    }

    private static double meanOverSteps(Randomization.Result r, String m, Similarity.Measure s) {
        double sum = 0;
        int c = 0;
        for (int step = 1; step < r.steps().size(); step++) {
            double v = r.mean(m, step, s);
            if (!Double.isNaN(v)) {
                sum += v;
                c++;
            }
        }
        return c == 0 ? Double.NaN : sum / c;
    }

    /** The best non-control method of a column (null when none has a value). */
    public static String best(Column c) {
        String best = null;
        for (Map.Entry<String, Double> e : c.values().entrySet()) {
            if (CONTROLS.contains(e.getKey()) || Double.isNaN(e.getValue())) {
                continue;
            }
            if (best == null || (c.higherIsBetter() ? e.getValue() > c.values().get(best) : e.getValue() < c.values().get(best))) {
                best = e.getKey();
            }
        }
        return best;
    }

    /** Rank of {@code method} among the non-control methods of a column (1 = best), or 0 when it has no value. */
    public static int rank(Column c, String method) {
        Double v = c.values().get(method);
        if (v == null || Double.isNaN(v)) {
            return 0;
        }
        int rank = 1;
        for (Map.Entry<String, Double> e : c.values().entrySet()) {
            if (CONTROLS.contains(e.getKey()) || e.getKey().equals(method) || Double.isNaN(e.getValue())) {
                continue;
            }
            if (c.higherIsBetter() ? e.getValue() > v : e.getValue() < v) {
                rank++;
            }
        }
        return rank;
    }

    /** Whether a control scores at least as well as the best method of a column. */
    public static boolean controlAsGood(Column c) {
        if (c.heading().equals(COST_HEADING)) {
            return false;
        }
        String b = best(c);
        if (b == null) {
            return false;
        }
        double bv = c.values().get(b);
        for (String ctl : CONTROLS) {
            Double v = c.values().get(ctl);
            if (v != null && !Double.isNaN(v) && (c.higherIsBetter() ? v >= bv : v <= bv)) {
                return true;
            }
        }
        return false;
    }

    /** The report as Markdown: what ran, the summary table (best non-control value per column in bold), and the details. */
    public static String summary(Report r) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Faithfulness of ").append(r.config().methods().size()).append(" explanation methods\n\n");
        sb.append("Model: ").append(r.model()).append(r.classifier() ? " (classifier: explaining the predicted class's score)"
                : " (regression: explaining the raw output; pixel-ranking tests read |map|)").append(".  \n");
        sb.append("Data: ").append(r.frames().description()).append(".  \n");
        sb.append("Frames per test: ").append(r.sizes()).append(".  \n");
        RegionPerturbation.Settings ps = r.config().perturbation();
        sb.append(String.format(Locale.ROOT, "Region perturbation: %d x %d patches, %d steps, baseline: %s. Input shift: %s. Seed %d. "
                + "Evaluation mode.%n%n", ps.patch(), ps.patch(), ps.steps(), ps.baseline().description(), r.config().shift(), r.config().seed()));
        for (String n : r.notes()) {
            sb.append("- ").append(n).append('\n');
        }
        if (!r.notes().isEmpty()) {
            sb.append('\n');
        }
        List<Column> cols = columns(r);
        sb.append("## Summary\n\n");
        sb.append("Best value per column among the methods (controls excluded) in **bold**; `†`: a control (random, edge) does at least as "
                + "well as the best method. MPRT and random logit: lower similarity is better (the map depends on the weights, on the "
                + "class). AOPC MoRF and ABPC: higher is better; AOPC LeRF: lower.\n\n");
        sb.append("| method |");
        for (Column c : cols) {
            sb.append(' ').append(md(c.heading())).append(controlAsGood(c) ? " †" : "").append(" |");
        }
        sb.append("\n|---|");
        sb.append("---:|".repeat(cols.size())).append('\n');
        for (String m : r.config().methods()) {
            sb.append("| ").append(CONTROLS.contains(m) ? "*" + m + "* (control)" : m).append(" |");
            for (Column c : cols) {
                double v = c.values().get(m);
                String s = fmt(v);
                sb.append(' ').append(m.equals(best(c)) ? "**" + s + "**" : s).append(" |");
            }
            sb.append('\n');
        }
        if (r.config().methods().contains("vbp")) {
            sb.append("\nVisualBackProp's rank per column (1 = best of the ").append(r.config().methods().stream()
                    .filter(m -> !CONTROLS.contains(m)).count()).append(" methods): ");
            List<String> parts = new ArrayList<>();
            for (Column c : cols) {
                parts.add(c.heading() + " " + rank(c, "vbp"));
            }
            sb.append(String.join("; ", parts)).append(".\n");
        }
        appendRandomization(sb, r);
        appendLocalisation(sb, r);
        appendInvariance(sb, r);
        appendCost(sb, r);
        sb.append("\n## Time\n\n");
        r.seconds().forEach((m, s) -> sb.append(String.format(Locale.ROOT, "- %s: %.0f s%n", m.id(), s)));
        return sb.toString();
    }

    private static void appendRandomization(StringBuilder sb, Report r) {
        for (Map<String, Randomization.Result> byMethod : List.of(r.cascading(), r.independent())) {
            if (byMethod.isEmpty()) {
                continue;
            }
            Randomization.Result any = byMethod.values().iterator().next();
            boolean cascading = any.order() == Randomization.Order.CASCADING;
            sb.append("\n## Model-parameter randomization, ").append(cascading ? "cascading (from the output down)" : "independent (one layer at a time)")
                    .append(": Spearman of |map| / SSIM to the trained network's map\n\n");
            sb.append("Columns: the layer randomized at that step").append(cascading ? " (with every layer above it)" : " (alone)")
                    .append(". Frames: those whose trained map is not constant (a constant map, such as the gradient of a frame whose "
                    + "dense layer is all off, has no rank correlation) of those explained.\n\n");
            sb.append("| method | frames |");
            for (int s = 1; s < any.steps().size(); s++) {
                sb.append(' ').append(any.steps().get(s)).append(" |");
            }
            sb.append("\n|---|---:|").append("---:|".repeat(any.steps().size() - 1)).append('\n');
            for (Map.Entry<String, Randomization.Result> e : byMethod.entrySet()) {
                Randomization.Result res = e.getValue();
                int all = res.scores().get(e.getKey())[0].length;
                int defined = res.defined(e.getKey(), 0, Similarity.Measure.SPEARMAN_ABS);
                sb.append("| ").append(e.getKey()).append(" | ").append(defined == all ? Integer.toString(all) : defined + " of " + all).append(" |");
                for (int s = 1; s < res.steps().size(); s++) {
                    sb.append(' ').append(fmt(res.mean(e.getKey(), s, Similarity.Measure.SPEARMAN_ABS))).append(" / ")
                            .append(fmt(res.mean(e.getKey(), s, Similarity.Measure.SSIM))).append(" |");
                }
                sb.append('\n');
            }
        }
        if (r.logit() != null) {
            sb.append("\n## Random logit: similarity of a random other class's map to the predicted class's\n\n| method |");
            for (Similarity.Measure s : Similarity.Measure.values()) {
                sb.append(' ').append(md(s.label())).append(" |");
            }
            sb.append("\n|---|").append("---:|".repeat(Similarity.Measure.values().length)).append('\n');
            for (String m : r.logit().scores().keySet()) {
                sb.append("| ").append(m).append(" |");
                for (Similarity.Measure s : Similarity.Measure.values()) {
                    sb.append(' ').append(fmt(r.logit().mean(m, s))).append(" |");
                }
                sb.append('\n');
            }
        }
    }

    private static void appendLocalisation(StringBuilder sb, Report r) {
        if (r.localisation().isEmpty()) {
            return;
        }
        sb.append("\n## Localisation against the ground truth\n\n");
        sb.append("Mass accuracy / rank accuracy / pointing game / pointing game within 15 px, means over the frames showing the label; "
                + "the label's area share is what a map unrelated to it scores.\n\n| method |");
        List<String> labels = r.frames().labels();
        Map<String, LocalisationScores> first = r.localisation().values().iterator().next();
        for (String l : labels) {
            LocalisationScores s = first.get(l);
            sb.append(' ').append(l).append(s == null ? "" : String.format(Locale.ROOT, " (area %.1f%%, %d frames)", 100 * s.areaShare(), s.frames()))
                    .append(" |");
        }
        sb.append("\n|---|").append("---|".repeat(labels.size())).append('\n');
        for (Map.Entry<String, Map<String, LocalisationScores>> e : r.localisation().entrySet()) {
            sb.append("| ").append(e.getKey()).append(" |");
            for (String l : labels) {
                LocalisationScores s = e.getValue().get(l);
                sb.append(s == null ? " - |" : String.format(Locale.ROOT, " %s / %s / %s / %s |", fmt(s.mass()), fmt(s.rank()), fmt(s.hit()),
                        fmt(s.hitTolerant())));
            }
            sb.append('\n');
        }
    }

    /** The localisation table alone (for {@code localisation.md}). */
    public static String localisationTable(Report r) {
        StringBuilder sb = new StringBuilder();
        appendLocalisation(sb, r);
        return sb.toString().strip() + "\n";
    }

    private static void appendInvariance(StringBuilder sb, Report r) {
        if (r.invariance() == null) {
            return;
        }
        InputInvariance.Result inv = r.invariance();
        sb.append(String.format(Locale.ROOT, "%n## Input invariance (input + %s, compensated in the first layer's bias)%n%n"
                + "The networks' outputs differ by at most %.3g (largest output %.3g). Relative change: the largest change of a map over "
                + "its largest absolute value. A method is unchanged when the median frame's map moves by at most %s of it (float32 "
                + "rounding can flip a ReLU whose input lies within rounding of zero, moving a gradient on the odd frame).%n%n"
                + "| method | median relative change | worst | frames changed | unchanged |%n|---|---:|---:|---:|---|%n",
                inv.shift(), inv.outputDiff(), inv.outputScale(), InputInvariance.UNCHANGED));
        for (String m : inv.relative().keySet()) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %d of %d | %s |%n", m, fmt(inv.median(m)), fmt(inv.worst(m)), inv.framesChanged(m),
                    inv.relative().get(m).length, inv.unchanged(m) ? "yes" : "**no**"));
        }
    }

    private static void appendCost(StringBuilder sb, Report r) {
        if (r.cost() == null) {
            return;
        }
        Cost.Result c = r.cost();
        sb.append(String.format(Locale.ROOT, "%n## Cost (ms per frame, batches of %d, %d frames, this run's machine)%n%n"
                + "Forward pass shared by every method: %.3g ms.%n%n| method | ms per frame | x VisualBackProp |%n|---|---:|---:|%n",
                c.batch(), c.frames(), c.forward()));
        for (String m : c.methods().keySet()) {
            sb.append(String.format(Locale.ROOT, "| %s | %.3g | %s |%n", m, c.methods().get(m),
                    c.methods().containsKey("vbp") ? String.format(Locale.ROOT, "%.3g", c.ratio(m, "vbp")) : "-"));
        }
    }

    /** Text for a Markdown table cell: pipes escaped. */
    static String md(String s) {
        return s.replace("|", "\\|");
    }

    /** A number for tables: 3 significant digits, "-" for NaN. */
    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        if (a >= 1e4 || a < 1e-3) {
            return String.format(Locale.ROOT, "%.2e", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
