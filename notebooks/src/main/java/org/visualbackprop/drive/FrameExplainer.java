package org.visualbackprop.drive;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import org.visualbackprop.engine.DevicePreference;
import org.visualbackprop.engine.Engines;
import org.visualbackprop.engine.InferenceEngine;
import org.visualbackprop.engine.Request;
import org.visualbackprop.explain.Attribution;
import org.visualbackprop.explain.Explanation;
import org.visualbackprop.explain.Gradients;
import org.visualbackprop.explain.Lrp;
import org.visualbackprop.explain.Target;
import org.visualbackprop.explain.VbpPlan;
import org.visualbackprop.explain.VisualBackProp;
import org.visualbackprop.image.Pictures;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Tensor;

/**
 * Runs a network and its explanation methods on one frame at a time (batch 1, BatchNorm in evaluation mode), timing
 * each step, and reusing the arrays of the previous frame: the traced forward pass writes into the last frame's
 * {@link Trace}, VisualBackProp into the last frame's {@link Explanation}.
 *
 * <p>On Java threads (the default) the forward pass records the channel means VisualBackProp reads in the same sweep
 * as the ReLUs ({@link VisualBackProp#trace}); VisualBackProp, LRP and the gradient methods then read that trace, so
 * each method's time is its own. On an OpenCL device ({@link Engines}) the engine's forward pass keeps its
 * activations on the device and each method explains them ({@link InferenceEngine#explainLast}), timed apart too.
 */
public final class FrameExplainer implements AutoCloseable {
    /** The explanation methods a drive can show. */
    public enum Method {
        /** VisualBackProp (the paper's Section 3). */
        VBP("vbp", "VisualBackProp"),
        /** LRP, epsilon rule (the paper's baseline). */
        LRP("lrp", "LRP-epsilon"),
        /** The gradient of the output with respect to the input. */
        GRADIENT("gradient", "gradient"),
        /** That gradient times the input. */
        GRADXINPUT("gradxinput", "gradient x input");

        private final String id;
        private final String title;

        Method(String id, String title) {
            this.id = id;
            this.title = title;
        }

        /** The name on the command line. */
        public String id() {
            return id;
        }

        /** The name in pictures. */
        public String title() {
            return title;
        }

        /**
         * Methods from a comma-separated list such as {@code vbp,lrp}, in the order given.
         *
         * @throws IllegalArgumentException naming an unknown or repeated method, or an empty list
         */
        public static List<Method> parseList(String list) {
            Set<Method> out = new LinkedHashSet<>();
            for (String part : list.split(",", -1)) {
                String p = part.trim().toLowerCase(Locale.ROOT);
                Method found = null;
                for (Method m : values()) {
                    if (m.id.equals(p)) {
                        found = m;
                    }
                }
                if (found == null) {
                    throw new IllegalArgumentException("unknown method '" + part.trim() + "' in '" + list
                            + "': expected vbp, lrp, gradient or gradxinput, separated by commas");
                }
                if (!out.add(found)) {
                    throw new IllegalArgumentException("method '" + p + "' given twice in '" + list + "'");
                }
            }
            return List.copyOf(out);
        }
    }

    /**
     * What one frame gave.
     *
     * @param output       the network's output
     * @param masks        one display map in [0, 1] per method, in the order of {@link #methods()}, row-major at the
     *                     input's size (VisualBackProp's normalized mask; the others' positive part scaled as
     *                     {@link Pictures#displayMask} does, the gradient's magnitude min-max normalized)
     * @param forwardNanos time of the forward pass
     * @param methodNanos  time of each method, in the order of {@link #methods()}
     */
    public record Result(double output, List<double[]> masks, long forwardNanos, long[] methodNanos) {
    }

    private final Network network;
    private final List<Method> methods;
    private final Lrp lrp;
    private final VbpPlan plan;
    private final InferenceEngine engine;
    private final String device;
    private Trace trace;
    private Explanation explanation;

    /**
     * @param network a network with one output
     * @param methods the methods to run, in order
     * @param lrp     the LRP rule, used when {@code methods} has {@link Method#LRP}
     * @param device  where to run: {@link DevicePreference#JAVA} (core's Java threads) or an OpenCL device through
     *                {@link Engines} (VisualBackProp and LRP only)
     * @param notices where the device choice is reported (a fallback, a warning)
     * @throws IllegalArgumentException when the network does not have one output, or a method cannot run on the device
     */
    public FrameExplainer(Network network, List<Method> methods, Lrp lrp, DevicePreference device, Consumer<String> notices) {
        if (network.outputShape(1).sampleSize() != 1) {
            throw new IllegalArgumentException("a steering network has one output; this one has " + network.outputShape(1).sampleSize());
        }
        if (methods.isEmpty()) {
            throw new IllegalArgumentException("no explanation method given");
        }
        this.network = network;
        this.methods = List.copyOf(methods);
        this.lrp = lrp;
        this.plan = methods.contains(Method.VBP) ? VbpPlan.of(network) : null;
        if (device == DevicePreference.JAVA) {
            this.engine = null;
            this.device = "java (core, " + org.visualbackprop.compute.Sgemm.describe() + ")";
        } else {
            for (Method m : methods) {
                if (m != Method.VBP && m != Method.LRP) {
                    throw new IllegalArgumentException("--device " + device.toString().toLowerCase(Locale.ROOT) + " runs vbp and lrp only, not "
                            + m.id() + "; use --device java");
                }
            }
            this.engine = Engines.open(network, device, notices);
            this.device = engine.device().toString();
        }
    }

    /** The methods, in order. */
    public List<Method> methods() {
        return methods;
    }

    /** Where the work runs, in words. */
    public String device() {
        return device;
    }

    /** Runs the network and every method on one {@code 1 x C x H x W} frame. */
    public Result explain(Tensor x) {
        List<double[]> masks = new ArrayList<>();
        long[] nanos = new long[methods.size()];
        if (engine != null) {
            long t0 = System.nanoTime();
            org.visualbackprop.engine.Result f = engine.forward(x);
            long forward = System.nanoTime() - t0;
            for (int k = 0; k < methods.size(); k++) {
                long s = System.nanoTime();
                if (methods.get(k) == Method.VBP) {
                    org.visualbackprop.engine.Result r = engine.explainLast(Request.vbpMask());
                    nanos[k] = System.nanoTime() - s;
                    masks.add(r.vbp().map(0));
                } else {
                    org.visualbackprop.engine.Result r = engine.explainLast(Request.lrpOnly(lrp, Target.predicted()));
                    nanos[k] = System.nanoTime() - s;
                    masks.add(Pictures.displayMask(r.lrp().map(0)));
                }
            }
            return new Result(f.predictions().data()[0], masks, forward, nanos);
        }
        long t0 = System.nanoTime();
        trace = plan != null ? VisualBackProp.trace(network, plan, x, Mode.EVAL, trace) : network.trace(x, Mode.EVAL, trace);
        long forward = System.nanoTime() - t0;
        double output = trace.result().data()[0];
        for (int k = 0; k < methods.size(); k++) {
            long s = System.nanoTime();
            switch (methods.get(k)) {
                case VBP -> {
                    explanation = VisualBackProp.explain(trace, plan, explanation);
                    nanos[k] = System.nanoTime() - s;
                    masks.add(Pictures.map(explanation.mask(), 0));
                }
                case LRP -> {
                    Attribution a = lrp.attribute(trace, Target.predicted());
                    nanos[k] = System.nanoTime() - s;
                    masks.add(Pictures.displayMask(a.map(0)));
                }
                case GRADIENT -> {
                    Attribution a = Gradients.sensitivity(trace, Target.predicted());
                    nanos[k] = System.nanoTime() - s;
                    masks.add(Pictures.minMax(a.map(0)));
                }
                case GRADXINPUT -> {
                    Attribution a = Gradients.gradientTimesInput(trace, Target.predicted());
                    nanos[k] = System.nanoTime() - s;
                    masks.add(Pictures.displayMask(a.map(0)));
                }
                default -> throw new IllegalStateException(methods.get(k).toString());
            }
        }
        return new Result(output, masks, forward, nanos);
    }

    @Override
    public void close() {
        if (engine != null) {
            engine.close();
        }
    }
}
