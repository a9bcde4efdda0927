package org.visualbackprop.evaluate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import org.visualbackprop.explain.Explainer;
import org.visualbackprop.explain.Target;
import org.visualbackprop.nn.BatchNorm2d;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Layer;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Tensor;

/**
 * Sanity checks by randomization.
 *
 * <p><b>Model-parameter randomization</b> (Adebayo et al. 2018, "Sanity checks for saliency maps", Section 4; Quantus's
 * {@code MPRT}): re-initialize the weights of the network's layers and explain again; a method whose maps stay the same
 * does not depend on what the network learned. The layers are the ones with weights, {@link Conv2d} and {@link Dense},
 * from the output down; re-initializing one uses the initializer this project's networks are built with (He-uniform
 * weights, bound {@code sqrt(6 / fanIn)}; zero biases; for the output layer too, although {@code PaperNets} starts it at
 * zero, because a zero layer would zero every gradient rather than randomize it), from a generator seeded by the seed
 * given and the layer's index, and resets a {@link BatchNorm2d} directly before it to its initial state (gamma 1, beta
 * 0, running mean 0, running variance 1), as PyTorch's {@code reset_parameters}, which Quantus calls, resets every
 * layer. {@link Order#CASCADING}: step k randomizes the k layers nearest the output (Adebayo's Figure 2);
 * {@link Order#INDEPENDENT}: step k randomizes the k-th layer from the output alone. Each step's map of each frame is
 * compared with the trained network's by the four {@link Similarity} measures. A classifier's maps explain, at every
 * step, the class the trained network predicted.
 *
 * <p><b>Random logit</b> (Sixt et al. 2020, "When explanations lie: why many modified BP attributions fail", Section 5;
 * Quantus's {@code RandomLogit}): for a classifier, explain a class other than the predicted one, drawn uniformly per
 * frame (seeded), and compare with the map of the predicted class; a method whose map does not change with the class
 * explains no class.
 *
 * <p>The networks randomized are copies ({@link Network#copy()}); the network given is not modified.
 */
public final class Randomization {
    /** Which layers a step randomizes. */
    public enum Order {
        /** Step k: the k layers nearest the output. */
        CASCADING,
        /** Step k: the k-th layer from the output, alone. */
        INDEPENDENT
    }

    /**
     * What one order of randomization gave.
     *
     * @param order    cascading or independent
     * @param steps    step names: {@code "none"} (the trained network), then the layer randomized at each step ({@code fc3},
     *                 {@code fc2}, ...; cascading: that layer and every one above it)
     * @param scores   per method: {@code [step][frame][measure]} ({@link Similarity.Measure} order); step 0 compares the trained
     *                 network's map with itself
     * @param examples per method, per step: the map of each of the first frames (as many as asked), for pictures
     */
    public record Result(Order order, List<String> steps, Map<String, double[][][]> scores, Map<String, List<List<double[]>>> examples) {
        /** Mean of measure {@code m} at step {@code step} over the frames where it is defined (NaN when none). */
        public double mean(String method, int step, Similarity.Measure m) {
            return Randomization.mean(scores.get(method)[step], m.ordinal());
        }

        /** Number of frames where measure {@code m} is defined at step {@code step}. */
        public int defined(String method, int step, Similarity.Measure m) {
            int c = 0;
            for (double[] f : scores.get(method)[step]) {
                if (!Double.isNaN(f[m.ordinal()])) {
                    c++;
                }
            }
            return c;
        }
    }

    private Randomization() {
    }

    /** The layers a randomization walks, from the output down: every {@link Conv2d} and {@link Dense}. */
    public static List<Integer> layers(Network net) {
        List<Integer> out = new ArrayList<>();
        for (int i = net.size() - 1; i >= 0; i--) {
            Layer l = net.layer(i);
            if (l instanceof Conv2d || l instanceof Dense) {
                out.add(i);
            }
        }
        return out;
    }

    /**
     * Re-initializes layer {@code index} of {@code net} in place (a {@link Conv2d} or {@link Dense}, and a BatchNorm
     * directly before it): He-uniform weights from {@code SplittableRandom(seed mixed with index)}, zero bias.
     *
     * @param net modified
     */
    public static void reinitialize(Network net, int index, long seed) {
        Layer l = net.layer(index);
        SplittableRandom r = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (index + 1)));
        Tensor w;
        Tensor b;
        int fanIn;
        if (l instanceof Conv2d c) {
            w = c.weight().value();
            b = c.bias() == null ? null : c.bias().value();
            fanIn = c.inChannels() * c.window().area();
        } else if (l instanceof Dense d) {
            w = d.weight().value();
            b = d.bias() == null ? null : d.bias().value();
            fanIn = d.inFeatures();
        } else {
            throw new IllegalArgumentException("layer " + net.name(index) + " (" + l + ") has no weights to randomize: Conv2d and Dense do");
        }
        float bound = (float) Math.sqrt(6.0 / fanIn);
        w.copyFromInPlace(Tensor.uniform(w.shape(), -bound, bound, r));
        if (b != null) {
            b.fillInPlace(0f);
        }
        if (index > 0 && net.layer(index - 1) instanceof BatchNorm2d bn) {
            bn.gamma().value().fillInPlace(1f);
            bn.beta().value().fillInPlace(0f);
            bn.runningMean().fillInPlace(0f);
            bn.runningVar().fillInPlace(1f);
        }
    }

    /**
     * Model-parameter randomization of every method in {@code methods} (made again for each randomized copy from its name
     * and options) on the frames of {@code x}.
     *
     * @param steps    how many layers to walk (at most {@link #layers}'s size; fewer stops early)
     * @param examples how many of the first frames' maps to keep at every step (for pictures)
     * @param progress told the number of frames explained by one method (may be null): {@code (steps + 1) * frames *
     *                 methods} in all
     */
    public static Result run(Network net, List<? extends Explainer> methods, Tensor x, Order order, int steps, long seed, int batch,
                             int examples, IntConsumer progress) {
        Batches.checkFrames(net, x);
        List<Integer> layers = layers(net);
        int walk = Math.min(steps, layers.size());
        int n = x.shape().n();
        int h = x.shape().h();
        int w = x.shape().w();
        int[] targets = Batches.predicted(Batches.scores(net, x, Batches.mode(methods), batch));
        List<String> names = new ArrayList<>();
        names.add("none");
        Map<String, double[][][]> scores = new LinkedHashMap<>();
        Map<String, List<List<double[]>>> kept = new LinkedHashMap<>();
        Map<String, double[][]> original = new LinkedHashMap<>();
        for (Explainer e : methods) {
            scores.put(e.name(), new double[walk + 1][n][]);
            kept.put(e.name(), new ArrayList<>());
            original.put(e.name(), new double[n][]);
        }
        Network cascade = net.copy();
        for (int step = 0; step <= walk; step++) {
            Network current;
            if (step == 0) {
                current = net;
            } else if (order == Order.CASCADING) {
                reinitialize(cascade, layers.get(step - 1), seed);
                current = cascade;
            } else {
                current = net.copy();
                reinitialize(current, layers.get(step - 1), seed);
            }
            if (step > 0) {
                names.add(current.name(layers.get(step - 1)));
            }
            int s = step;
            for (Explainer e : methods) {
                List<double[]> ex = new ArrayList<>();
                kept.get(e.name()).add(ex);
            }
            Batches.explain(current, methods, x, targets, batch, progress, r -> {
                for (Map.Entry<String, org.visualbackprop.explain.Attribution> a : r.attributions().entrySet()) {
                    for (int i = 0; i < r.size(); i++) {
                        int f = r.first() + i;
                        double[] map = a.getValue().map(i);
                        if (s == 0) {
                            original.get(a.getKey())[f] = map;
                        }
                        scores.get(a.getKey())[s][f] = Similarity.compare(original.get(a.getKey())[f], map, h, w);
                        if (f < examples) {
                            kept.get(a.getKey()).get(s).add(map);
                        }
                    }
                }
            });
        }
        return new Result(order, List.copyOf(names), scores, kept);
    }

    /**
     * What the random-logit test gave: per method {@code [frame][measure]}, the similarity of the map of a random other
     * class to the map of the predicted class, and the classes drawn.
     */
    public record LogitResult(Map<String, double[][]> scores, int[] predicted, int[] drawn) {
        /** Mean of measure {@code m} over the frames where it is defined. */
        public double mean(String method, Similarity.Measure m) {
            return Randomization.mean(scores.get(method), m.ordinal());
        }
    }

    /**
     * The random-logit test on a classifier: for frame {@code f} a class other than the predicted one, uniform, from
     * {@code SplittableRandom(seed)} in frame order.
     *
     * @throws IllegalArgumentException for a network with fewer than two outputs
     */
    public static LogitResult randomLogit(Network net, List<? extends Explainer> methods, Tensor x, long seed, int batch, IntConsumer progress) {
        Batches.checkFrames(net, x);
        int k = net.shapes(1).get(Target.scoreLayer(net)).sampleSize();
        if (k < 2) {
            throw new IllegalArgumentException("the random-logit test needs a classifier; the network has " + k + " output");
        }
        int n = x.shape().n();
        int[] predicted = Batches.predicted(Batches.scores(net, x, Batches.mode(methods), batch));
        int[] drawn = new int[n];
        SplittableRandom r = new SplittableRandom(seed);
        for (int f = 0; f < n; f++) {
            int c = r.nextInt(k - 1);
            drawn[f] = c >= predicted[f] ? c + 1 : c;
        }
        Map<String, double[][]> first = new LinkedHashMap<>();
        Map<String, double[][]> scores = new LinkedHashMap<>();
        for (Explainer e : methods) {
            first.put(e.name(), new double[n][]);
            scores.put(e.name(), new double[n][]);
        }
        int h = x.shape().h();
        int w = x.shape().w();
        Batches.explain(net, methods, x, predicted, batch, progress, res -> res.attributions().forEach((name, a) -> {
            for (int i = 0; i < res.size(); i++) {
                first.get(name)[res.first() + i] = a.map(i);
            }
        }));
        Batches.explain(net, methods, x, drawn, batch, progress, res -> res.attributions().forEach((name, a) -> {
            for (int i = 0; i < res.size(); i++) {
                int f = res.first() + i;
                scores.get(name)[f] = Similarity.compare(first.get(name)[f], a.map(i), h, w);
            }
        }));
        return new LogitResult(scores, predicted, drawn);
    }

    /** Mean of column {@code m} over the rows where it is not NaN. */
    static double mean(double[][] rows, int m) {
        double s = 0;
        int c = 0;
        for (double[] row : rows) {
            if (row != null && !Double.isNaN(row[m])) {
                s += row[m];
                c++;
            }
        }
        return c == 0 ? Double.NaN : s / c;
    }
}
