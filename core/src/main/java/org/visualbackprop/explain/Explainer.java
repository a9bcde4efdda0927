package org.visualbackprop.explain;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.visualbackprop.engine.DevicePreference;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Tensor;

/**
 * One way to explain a network's predictions, with one call for every method (as Captum's
 * {@code Method(model).attribute(inputs, target)}):
 *
 * <pre>{@code
 * Network net = Models.load(Path.of("model.t7b"));
 * Explainer vbp = Explainer.of("vbp", net);
 * Attribution a = vbp.explain(x, Target.predicted());
 * double[] map = a.map(0);                 // sample 0, H*W values
 * }</pre>
 *
 * <p>{@link #names()} lists the methods. Whatever a method needs from the network (VisualBackProp's {@link VbpPlan},
 * LRP's walk) is made once, when the explainer is made, so a network a method cannot explain is refused there, with
 * the method and the layer named. {@link #explain(Tensor, Target)} runs one forward pass and explains it;
 * {@link #explain(Trace, Target)} explains a forward pass already run (no second pass), and {@link #trace} runs one
 * pass that serves several explainers at once.
 *
 * <p>Explainers on Java threads hold no state between calls besides their plan, and are as thread-safe as their
 * network (not at all: a network keeps the state of its last pass). An explainer on a compute device
 * ({@link Options#device}) holds that device's buffers: {@link #close()} it.
 */
public interface Explainer extends AutoCloseable {

    /** The method's name, as {@link #names()} lists it. */
    String name();

    /** The network explained. */
    Network network();

    /** The options the explainer was made with. */
    Options options();

    /**
     * Runs the network on a batch (BatchNorm statistics as {@link Options#batchNorm} says) and explains it.
     *
     * @param x      {@code n x C x H x W}, the network's input shape; not modified
     * @param target which output to explain for each sample
     * @return the attribution, with the network's outputs ({@link Attribution#outputs()})
     */
    Attribution explain(Tensor x, Target target);

    /**
     * Explains the batch of a forward pass already run (no second forward pass on Java threads; a compute device
     * runs its own). Run no other pass of the network between the trace and this call: methods that go back through
     * the layers use the state the layers kept from that pass.
     *
     * @param trace of this explainer's network; for VisualBackProp ideally recorded with {@link #trace} (its channel
     *              means then come for free); not modified
     */
    Attribution explain(Trace trace, Target target);

    /** The layers whose channel means a forward pass should record for this explainer (VisualBackProp's ReLUs). */
    default int[] recordedMeans() {
        return new int[0];
    }

    /** Frees what the explainer holds on a compute device; nothing to do on Java threads. */
    @Override
    default void close() {
    }

    /** An explainer with the default options (evaluation mode, Java threads, the method's default parameters). */
    static Explainer of(String name, Network network) {
        return of(name, network, Options.defaults());
    }

    /**
     * An explainer of the named method for a network.
     *
     * @throws IllegalArgumentException     for an unknown name (the message lists the known ones), or options the
     *                                      method cannot take (a compute device for a method that runs on Java only)
     * @throws UnsupportedNetworkException  when the method cannot explain this network, naming both
     */
    static Explainer of(String name, Network network, Options options) {
        return Explainers.create(name, network, options);
    }

    /** The names of every method, sorted. */
    static List<String> names() {
        return List.copyOf(new TreeSet<>(Explainers.names()));
    }

    /** One line per method: its name and what it computes. */
    static String describe(String name) {
        return Explainers.describe(name);
    }

    /**
     * One forward pass that records what every one of {@code explainers} reads (the union of their
     * {@link #recordedMeans()}).
     *
     * @param reuse a trace of an earlier call to reuse the arrays of, or null
     */
    static Trace trace(Network network, Tensor x, Mode mode, Trace reuse, Collection<? extends Explainer> explainers) {
        int[] means = explainers.stream().flatMapToInt(e -> java.util.Arrays.stream(e.recordedMeans())).distinct().sorted().toArray();
        return network.trace(x, mode, reuse, means);
    }

    /**
     * How an explainer runs. Immutable; each {@code with} method returns a changed copy.
     *
     * <ul>
     * <li>{@code epsilon}: LRP's epsilon (default: the method's own, 100 for {@code lrp} as in the paper,
     *     {@link LrpComposite#ZENNIT_STABILIZER} for zennit's composites);</li>
     * <li>{@code lrpBatchNorm}: {@link Lrp.BatchNormRule#FOLD} (default) or {@code SEPARATE} for {@code lrp};</li>
     * <li>{@code batchNorm}: the BatchNorm statistics of the forward passes {@link #explain(Tensor, Target)} runs:
     *     {@link Mode#EVAL} (running statistics, the default) or {@link Mode#BATCH_STATISTICS} (those of the batch
     *     given, as the authors ran their model);</li>
     * <li>{@code device}: where to compute ({@link DevicePreference#JAVA} by default; OpenCL devices run
     *     {@code vbp} and {@code lrp} in evaluation mode);</li>
     * <li>{@code seed}: for methods that draw random numbers ({@code smoothgrad}'s noise, the {@code random} control);</li>
     * <li>{@code samples} and {@code noise}: SmoothGrad's number of noisy copies ({@link #DEFAULT_SAMPLES}) and their
     *     noise's standard deviation as a share of each input's range ({@link #DEFAULT_NOISE}, Smilkov et al.'s 15%);</li>
     * <li>{@code steps}: Integrated Gradients' number of steps from the zero baseline ({@link #DEFAULT_STEPS});</li>
     * <li>{@code gradCamLayer}: the name of the layer whose output Grad-CAM weighs ({@code "relu10"}; default: the
     *     ReLU after the last convolution, or the last convolution when no ReLU follows it);</li>
     * <li>{@code notices}: receives a line when the device used is not the one asked for.</li>
     * </ul>
     */
    final class Options {
        /** The seed of methods that draw random numbers, unless given. */
        public static final long DEFAULT_SEED = 20170101L;
        /** SmoothGrad's noisy copies per input (Smilkov et al. 2017 find little change beyond about 50; 25 here). */
        public static final int DEFAULT_SAMPLES = 25;
        /** SmoothGrad's noise: standard deviation over the input's range, {@code sigma / (x_max - x_min)} (Smilkov et al.: 10-20%). */
        public static final double DEFAULT_NOISE = 0.15;
        /** Integrated Gradients' steps (Riemann sum from the zero baseline). */
        public static final int DEFAULT_STEPS = 32;

        private final Double epsilon;
        private final Lrp.BatchNormRule lrpBatchNorm;
        private final Mode batchNorm;
        private final DevicePreference device;
        private final long seed;
        private final int samples;
        private final double noise;
        private final int steps;
        private final String gradCamLayer;
        private final Consumer<String> notices;

        private Options(Double epsilon, Lrp.BatchNormRule lrpBatchNorm, Mode batchNorm, DevicePreference device, long seed,
                        int samples, double noise, int steps, String gradCamLayer, Consumer<String> notices) {
            this.epsilon = epsilon;
            this.lrpBatchNorm = lrpBatchNorm;
            this.batchNorm = batchNorm;
            this.device = device;
            this.seed = seed;
            this.samples = samples;
            this.noise = noise;
            this.steps = steps;
            this.gradCamLayer = gradCamLayer;
            this.notices = notices;
        }

        /** Evaluation mode, Java threads, each method's default parameters, {@link #DEFAULT_SEED}. */
        public static Options defaults() {
            return new Options(null, Lrp.BatchNormRule.FOLD, Mode.EVAL, DevicePreference.JAVA, DEFAULT_SEED, DEFAULT_SAMPLES,
                    DEFAULT_NOISE, DEFAULT_STEPS, null, line -> { });
        }

        /** LRP's epsilon. @throws IllegalArgumentException unless finite and {@code >= 0} */
        public Options withEpsilon(double epsilon) {
            if (!(epsilon >= 0) || !Double.isFinite(epsilon)) {
                throw new IllegalArgumentException("LRP epsilon must be finite and >= 0, got " + epsilon);
            }
            return new Options(epsilon, lrpBatchNorm, batchNorm, device, seed, samples, noise, steps, gradCamLayer, notices);
        }

        /** How the {@code lrp} method treats BatchNorm layers. */
        public Options withLrpBatchNorm(Lrp.BatchNormRule rule) {
            return new Options(epsilon, Objects.requireNonNull(rule, "rule"), batchNorm, device, seed, samples, noise, steps,
                    gradCamLayer, notices);
        }

        /**
         * The BatchNorm statistics of the forward passes the explainer runs.
         *
         * @throws IllegalArgumentException for {@link Mode#TRAIN} (it would update the running statistics and drop
         *                                  units)
         */
        public Options withBatchNorm(Mode mode) {
            if (Objects.requireNonNull(mode, "mode") == Mode.TRAIN) {
                throw new IllegalArgumentException("explanations run in evaluation mode (EVAL) or with batch statistics "
                        + "(BATCH_STATISTICS), not TRAIN (which updates running statistics and drops units)");
            }
            return new Options(epsilon, lrpBatchNorm, mode, device, seed, samples, noise, steps, gradCamLayer, notices);
        }

        /** Where to compute. */
        public Options withDevice(DevicePreference device) {
            return new Options(epsilon, lrpBatchNorm, batchNorm, Objects.requireNonNull(device, "device"), seed, samples, noise, steps,
                    gradCamLayer, notices);
        }

        /** The seed of methods that draw random numbers. */
        public Options withSeed(long seed) {
            return new Options(epsilon, lrpBatchNorm, batchNorm, device, seed, samples, noise, steps, gradCamLayer, notices);
        }

        /** SmoothGrad's noisy copies per input. @throws IllegalArgumentException unless {@code >= 1} */
        public Options withSamples(int samples) {
            if (samples < 1) {
                throw new IllegalArgumentException("SmoothGrad needs >= 1 noisy sample per input, got " + samples);
            }
            return new Options(epsilon, lrpBatchNorm, batchNorm, device, seed, samples, noise, steps, gradCamLayer, notices);
        }

        /**
         * SmoothGrad's noise level: the standard deviation of the Gaussian noise as a share of each input's range
         * ({@code max - min} of the sample). @throws IllegalArgumentException unless finite and {@code >= 0}
         */
        public Options withNoise(double noise) {
            if (!(noise >= 0) || !Double.isFinite(noise)) {
                throw new IllegalArgumentException("SmoothGrad's noise level must be finite and >= 0, got " + noise);
            }
            return new Options(epsilon, lrpBatchNorm, batchNorm, device, seed, samples, noise, steps, gradCamLayer, notices);
        }

        /** Integrated Gradients' steps. @throws IllegalArgumentException unless {@code >= 1} */
        public Options withSteps(int steps) {
            if (steps < 1) {
                throw new IllegalArgumentException("Integrated Gradients needs >= 1 step, got " + steps);
            }
            return new Options(epsilon, lrpBatchNorm, batchNorm, device, seed, samples, noise, steps, gradCamLayer, notices);
        }

        /**
         * The layer Grad-CAM weighs, by name as {@link Network#name(int)} gives it ({@code "relu10"}); null for the
         * default (the last convolution's ReLU).
         */
        public Options withGradCamLayer(String layer) {
            return new Options(epsilon, lrpBatchNorm, batchNorm, device, seed, samples, noise, steps, layer, notices);
        }

        /** Where notices go (a line each: a device fallback). */
        public Options withNotices(Consumer<String> notices) {
            return new Options(epsilon, lrpBatchNorm, batchNorm, device, seed, samples, noise, steps, gradCamLayer,
                    Objects.requireNonNull(notices, "notices"));
        }

        /** LRP's epsilon when given; empty means each method's default. */
        public OptionalDouble epsilon() {
            return epsilon == null ? OptionalDouble.empty() : OptionalDouble.of(epsilon);
        }

        public Lrp.BatchNormRule lrpBatchNorm() {
            return lrpBatchNorm;
        }

        public Mode batchNorm() {
            return batchNorm;
        }

        public DevicePreference device() {
            return device;
        }

        public long seed() {
            return seed;
        }

        /** SmoothGrad's noisy copies per input. */
        public int samples() {
            return samples;
        }

        /** SmoothGrad's noise level (standard deviation over the input's range). */
        public double noise() {
            return noise;
        }

        /** Integrated Gradients' steps. */
        public int steps() {
            return steps;
        }

        /** The layer Grad-CAM weighs, by name; empty for the default. */
        public java.util.Optional<String> gradCamLayer() {
            return java.util.Optional.ofNullable(gradCamLayer);
        }

        public Consumer<String> notices() {
            return notices;
        }

        @Override
        public String toString() {
            return "Options[epsilon " + (epsilon == null ? "default" : epsilon) + ", LRP BatchNorm " + lrpBatchNorm + ", BatchNorm "
                    + batchNorm + ", device " + device.id() + ", seed " + seed + ", SmoothGrad " + samples + " samples at noise "
                    + noise + ", Integrated Gradients " + steps + " steps, Grad-CAM layer "
                    + (gradCamLayer == null ? "default" : gradCamLayer) + "]";
        }
    }
}
