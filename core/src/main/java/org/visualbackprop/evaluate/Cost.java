package org.visualbackprop.evaluate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.visualbackprop.explain.Explainer;
import org.visualbackprop.explain.Target;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Tensor;

/**
 * What each method costs, on the same machine in the same run: milliseconds per frame of the forward pass that every
 * method shares ({@link Explainer#trace}, recording what VisualBackProp reads), and of each method's own work on that
 * pass ({@link Explainer#explain(Trace, Target)}: for SmoothGrad and Integrated Gradients this includes their passes over
 * noisy or scaled copies). Each is timed by wall clock over {@code rounds} passes over the frames after one warm-up
 * batch. A measurement, not a benchmark: the machine's other load goes into it (JMH's {@code CoreBenchmark} measures
 * the kernels properly).
 */
public final class Cost {
    /**
     * Milliseconds per frame.
     *
     * @param forward the shared forward pass
     * @param methods each method's own work, by name
     */
    public record Result(double forward, Map<String, Double> methods, int frames, int batch) {
        /** {@code methods.get(name) / methods.get(reference)}. */
        public double ratio(String name, String reference) {
            return methods.get(name) / methods.get(reference);
        }
    }

    private Cost() {
    }

    /** Times every method on the frames of {@code x} in batches of {@code batch}, {@code rounds} times. */
    public static Result measure(Network net, List<? extends Explainer> methods, Tensor x, int batch, int rounds) {
        Batches.checkFrames(net, x);
        if (rounds < 1 || batch < 1) {
            throw new IllegalArgumentException("need >= 1 round and a batch >= 1, got " + rounds + " and " + batch);
        }
        Mode mode = Batches.mode(methods);
        int n = x.shape().n();
        List<Explainer> es = new ArrayList<>(methods);
        long forward = 0;
        long[] own = new long[es.size()];
        Trace trace = null;
        // warm-up: one batch through everything
        Tensor first = x.slice(0, Math.min(batch, n));
        trace = Explainer.trace(net, first, mode, trace, es);
        for (Explainer e : es) {
            e.explain(trace, Target.predicted());
        }
        for (int round = 0; round < rounds; round++) {
            for (int b0 = 0; b0 < n; b0 += batch) {
                Tensor xb = x.slice(b0, Math.min(batch, n - b0));
                long t0 = System.nanoTime();
                trace = Explainer.trace(net, xb, mode, trace, es);
                forward += System.nanoTime() - t0;
                for (int k = 0; k < es.size(); k++) {
                    long t1 = System.nanoTime();
                    es.get(k).explain(trace, Target.predicted());
                    own[k] += System.nanoTime() - t1;
                }
            }
        }
        double frames = (double) n * rounds;
        Map<String, Double> ms = new LinkedHashMap<>();
        for (int k = 0; k < es.size(); k++) {
            ms.put(es.get(k).name(), own[k] / 1e6 / frames);
        }
        return new Result(forward / 1e6 / frames, ms, n, batch);
    }
}
