package org.visualbackprop.drive;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.visualbackprop.engine.DevicePreference;
import org.visualbackprop.engine.JavaBackend;
import org.visualbackprop.explain.Attribution;
import org.visualbackprop.explain.Explainer;
import org.visualbackprop.explain.Target;
import org.visualbackprop.image.Pictures;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Tensor;

/**
 * Runs a network and its explanation methods ({@link Explainer}s, by name) on one frame at a time (batch 1, BatchNorm
 * in evaluation mode), timing each step.
 *
 * <p>On Java threads (the default) one forward pass serves every method ({@link Explainer#trace}: it records the
 * channel means VisualBackProp reads in the same sweep as the ReLUs), and each method then explains that trace, so
 * each method's time is its own. On an OpenCL device ({@link Explainer.Options#device}) each method runs its own
 * forward pass on the device: its time includes that pass, and the forward time is reported as 0.
 */
public final class FrameExplainer implements AutoCloseable {
    /** Titles of the methods in pictures; a method not listed shows its name. */
    private static final Map<String, String> TITLES = Map.of("vbp", "VisualBackProp", "lrp", "LRP-epsilon", "gradient", "gradient",
            "gradxinput", "gradient x input");

    /**
     * What one frame gave.
     *
     * @param output       the network's output
     * @param masks        one display map in [0, 1] per method, in the order of {@link #methods()}, row-major at the
     *                     input's size ({@link Pictures#display})
     * @param forwardNanos time of the forward pass (0 on a compute device, where each method runs its own)
     * @param methodNanos  time of each method, in the order of {@link #methods()}
     */
    public record Result(double output, List<double[]> masks, long forwardNanos, long[] methodNanos) {
    }

    private final Network network;
    private final List<String> methods;
    private final List<Explainer> explainers;
    private final boolean onJava;
    private final String device;
    private Trace trace;

    /**
     * Methods from a comma-separated list such as {@code vbp,lrp}, in the order given.
     *
     * @throws IllegalArgumentException naming an unknown or repeated method, or an empty list
     */
    public static List<String> parseList(String list) {
        Set<String> out = new LinkedHashSet<>();
        for (String part : list.split(",", -1)) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            if (!Explainer.names().contains(p)) {
                throw new IllegalArgumentException("unknown method '" + part.trim() + "' in '" + list + "': expected "
                        + String.join(", ", Explainer.names()) + ", separated by commas");
            }
            if (!out.add(p)) {
                throw new IllegalArgumentException("method '" + p + "' given twice in '" + list + "'");
            }
        }
        return List.copyOf(out);
    }

    /** The title of a method in pictures. */
    public static String title(String method) {
        return TITLES.getOrDefault(method, method);
    }

    /**
     * @param network a network with one output
     * @param methods the methods to run, in order ({@link Explainer#names()})
     * @param options how they run: LRP's epsilon, the device (OpenCL devices run vbp and lrp), where notices go
     * @throws IllegalArgumentException when the network does not have one output, or a method cannot run on the device
     */
    public FrameExplainer(Network network, List<String> methods, Explainer.Options options) {
        if (network.outputShape(1).sampleSize() != 1) {
            throw new IllegalArgumentException("a steering network has one output; this one has " + network.outputShape(1).sampleSize());
        }
        if (methods.isEmpty()) {
            throw new IllegalArgumentException("no explanation method given");
        }
        this.network = network;
        this.methods = List.copyOf(methods);
        Explainer.Options o = options.withBatchNorm(Mode.EVAL);
        List<Explainer> es = new ArrayList<>();
        try {
            for (String m : methods) {
                es.add(Explainer.of(m, network, o));
            }
        } catch (RuntimeException e) {
            es.forEach(Explainer::close);
            throw e;
        }
        this.explainers = List.copyOf(es);
        this.onJava = o.device() == DevicePreference.JAVA;
        Set<String> devices = new LinkedHashSet<>();
        for (Explainer e : es) {
            devices.add(e.toString().replaceFirst("^\\S+ explainer on ", ""));
        }
        this.device = onJava ? JavaBackend.device().toString() : String.join("; ", devices);
    }

    /** The methods, in order. */
    public List<String> methods() {
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
        long forward = 0;
        if (onJava) {
            long t0 = System.nanoTime();
            trace = Explainer.trace(network, x, Mode.EVAL, trace, explainers);
            forward = System.nanoTime() - t0;
        }
        double output = Double.NaN;
        for (int k = 0; k < explainers.size(); k++) {
            long s = System.nanoTime();
            Attribution a = onJava ? explainers.get(k).explain(trace, Target.predicted()) : explainers.get(k).explain(x, Target.predicted());
            nanos[k] = System.nanoTime() - s;
            masks.add(Pictures.display(a, a.map(0)));
            output = a.outputs().data()[0];
        }
        return new Result(output, masks, forward, nanos);
    }

    @Override
    public void close() {
        for (Explainer e : explainers) {
            e.close();
        }
    }
}
