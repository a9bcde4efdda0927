package org.visualbackprop.evaluate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.visualbackprop.explain.Attribution;
import org.visualbackprop.explain.Explainer;
import org.visualbackprop.explain.Target;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/**
 * Explaining many frames with several methods the way every metric here does (public for callers that evaluate more
 * than these metrics on the same footing): in batches, one forward pass per batch shared
 * by all methods ({@link Explainer#trace}), each method made for the network at hand from its name and options (so a
 * metric can explain a randomized or shifted copy with "the same" method), and the seed of the methods that draw random
 * numbers advanced by the batch's first frame ({@code seed + first}): frame {@code f} gets the same random numbers in
 * every metric and on every network, and different frames get different ones.
 */
public final class Batches {
    private Batches() {
    }

    /** The BatchNorm mode the explainers share. @throws IllegalArgumentException when they differ */
    public static Mode mode(List<? extends Explainer> explainers) {
        if (explainers.isEmpty()) {
            throw new IllegalArgumentException("no explanation method given");
        }
        Mode m = explainers.get(0).options().batchNorm();
        for (Explainer e : explainers) {
            if (e.options().batchNorm() != m) {
                throw new IllegalArgumentException("the methods must share one BatchNorm mode: " + explainers.get(0).name() + " runs "
                        + m + ", " + e.name() + " runs " + e.options().batchNorm());
            }
        }
        return m;
    }

    /** The explainers of {@code prototypes}' methods and options for {@code net}, with the seed of the batch at {@code first}. */
    public static List<Explainer> remake(List<? extends Explainer> prototypes, Network net, int first) {
        List<Explainer> out = new ArrayList<>();
        for (Explainer p : prototypes) {
            out.add(Explainer.of(p.name(), net, p.options().withSeed(p.options().seed() + first)));
        }
        return out;
    }

    /** What one batch gave: its first frame, size, each method's attribution (by name, in order) and the scores. */
    public record Result(int first, int size, Map<String, Attribution> attributions, Tensor scores) {
        /** Method {@code name}'s map of frame {@code first + i}. */
        public double[] map(String name, int i) {
            return attributions.get(name).map(i);
        }
    }

    /** Receives each batch's result. */
    @FunctionalInterface
    public interface Sink {
        void accept(Result r);
    }

    /**
     * Explains every frame with every method, batch after batch, and hands each batch's result to {@code sink}.
     *
     * @param targets  the output explained per frame, or null for each frame's predicted output
     * @param progress told the number of frames explained after each method's batch (may be null)
     */
    public static void explain(Network net, List<? extends Explainer> prototypes, Tensor x, int[] targets, int batch, IntConsumer progress,
                        Sink sink) {
        Mode mode = mode(prototypes);
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        int n = x.shape().n();
        Trace trace = null;
        int top = Target.scoreLayer(net);
        for (int b0 = 0; b0 < n; b0 += batch) {
            int m = Math.min(batch, n - b0);
            Tensor xb = x.slice(b0, m);
            List<Explainer> es = remake(prototypes, net, b0);
            try {
                trace = Explainer.trace(net, xb, mode, trace, es);
                Target t = targets == null ? Target.predicted() : Target.perSample(java.util.Arrays.copyOfRange(targets, b0, b0 + m));
                Tensor scores = trace.output(top).copy();
                Map<String, Attribution> as = new LinkedHashMap<>();
                for (Explainer e : es) {
                    as.put(e.name(), e.explain(trace, t));
                    if (progress != null) {
                        progress.accept(m);
                    }
                }
                sink.accept(new Result(b0, m, as, scores));
            } finally {
                for (Explainer e : es) {
                    e.close();
                }
            }
        }
    }

    /** The score-layer outputs of every frame ({@code [frame][k]}), in evaluation passes of {@code batch} frames. */
    public static double[][] scores(Network net, Tensor x, Mode mode, int batch) {
        int n = x.shape().n();
        double[][] out = new double[n][];
        int top = Target.scoreLayer(net);
        Trace trace = null;
        for (int b0 = 0; b0 < n; b0 += batch) {
            int m = Math.min(batch, n - b0);
            trace = net.trace(x.slice(b0, m), mode, trace);
            Tensor s = trace.output(top);
            int k = s.shape().sampleSize();
            for (int i = 0; i < m; i++) {
                out[b0 + i] = new double[k];
                for (int j = 0; j < k; j++) {
                    out[b0 + i][j] = s.data()[i * k + j];
                }
            }
        }
        return out;
    }

    /** The predicted output of every frame (index of the largest score), from score-layer outputs. */
    public static int[] predicted(double[][] outputs) {
        int[] p = new int[outputs.length];
        for (int i = 0; i < outputs.length; i++) {
            for (int j = 1; j < outputs[i].length; j++) {
                if (outputs[i][j] > outputs[i][p[i]]) {
                    p[i] = j;
                }
            }
        }
        return p;
    }

    /** {@code n x C x H x W} checked against the network's input. */
    public static void checkFrames(Network net, Tensor x) {
        Shape s = x.shape();
        net.checkInput(x);
        if (s.n() < 1) {
            throw new IllegalArgumentException("no frames to evaluate");
        }
    }
}
