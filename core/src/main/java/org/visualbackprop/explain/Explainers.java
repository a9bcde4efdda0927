package org.visualbackprop.explain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.visualbackprop.engine.DevicePreference;
import org.visualbackprop.engine.Engines;
import org.visualbackprop.engine.InferenceEngine;
import org.visualbackprop.engine.JavaBackend;
import org.visualbackprop.engine.Request;
import org.visualbackprop.engine.Result;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Tensor;

/** The registry behind {@link Explainer#of} and the implementations of the methods. */
final class Explainers {
    private Explainers() {
    }

    /** Makes an explainer; {@code device} tells whether the method may run on a compute device. */
    private record Entry(String description, boolean device, Factory factory) {
    }

    @FunctionalInterface
    private interface Factory {
        Explainer create(String name, Network network, Explainer.Options options);
    }

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

    static {
        ENTRIES.put("vbp", new Entry("VisualBackProp (Bojarski et al., Section 3): the normalized mask", true,
                (name, net, o) -> new VbpExplainer(net, o)));
        ENTRIES.put("lrp", new Entry("LRP, the epsilon rule on every layer (Samek et al. 2016; epsilon 100 as in the paper)", true,
                (name, net, o) -> new LrpExplainer(name, net, o,
                        Lrp.epsilon(o.epsilon().orElse(Lrp.PAPER_EPSILON), o.lrpBatchNorm()))));
        ENTRIES.put("lrp-epsilon-plus-flat", new Entry("LRP, zennit's EpsilonPlusFlat composite (Flat first layer, ZPlus convs, "
                + "epsilon dense layers)", false, (name, net, o) -> new LrpExplainer(name, net, o,
                Lrp.of(LrpComposite.epsilonPlusFlat(o.epsilon().orElse(LrpComposite.ZENNIT_STABILIZER))))));
        ENTRIES.put("lrp-epsilon-alpha2-beta1-flat", new Entry("LRP, zennit's EpsilonAlpha2Beta1Flat composite (Flat first layer, "
                + "AlphaBeta(2, 1) convs, epsilon dense layers)", false, (name, net, o) -> new LrpExplainer(name, net, o,
                Lrp.of(LrpComposite.epsilonAlpha2Beta1Flat(o.epsilon().orElse(LrpComposite.ZENNIT_STABILIZER))))));
        ENTRIES.put("gradient", new Entry("the gradient of the explained output with respect to the input (Simonyan et al. 2014), "
                + "largest absolute value over channels", false, (name, net, o) -> new GradientExplainer(name, net, o, false)));
        ENTRIES.put("gradxinput", new Entry("gradient times input, summed over channels", false,
                (name, net, o) -> new GradientExplainer(name, net, o, true)));
        ENTRIES.put("gradcam", new Entry("Grad-CAM (Selvaraju et al. 2017): ReLU of the channels of the last conv layer's ReLU "
                + "output weighted by their mean gradient, resized bilinearly to the input (a regression output is explained raw)",
                false, GradCamExplainer::new));
        ENTRIES.put("guided-backprop", new Entry("Guided Backprop (Springenberg et al. 2015): the gradient with every ReLU passing "
                + "only positive gradient where its input was positive (zennit's ReLUGuidedBackprop), summed over channels", false,
                (name, net, o) -> new ReluRuleExplainer(name, net, o, GuidedBackprop.Rule.GUIDED_BACKPROP)));
        ENTRIES.put("deconvnet", new Entry("DeconvNet (Zeiler and Fergus 2014): the gradient with every ReLU passing the rectified "
                + "gradient whatever its input (zennit's ReLUDeconvNet), summed over channels", false,
                (name, net, o) -> new ReluRuleExplainer(name, net, o, GuidedBackprop.Rule.DECONVNET)));
        ENTRIES.put("smoothgrad", new Entry("SmoothGrad (Smilkov et al. 2017): the gradient averaged over noisy copies (25, noise "
                + "15% of the input's range, seeded), largest absolute value over channels", false,
                (name, net, o) -> new SampledExplainer(name, net, o)));
        ENTRIES.put("integrated-gradients", new Entry("Integrated Gradients (Sundararajan et al. 2017): input times the mean "
                + "gradient along the straight path from the zero baseline (32 steps), summed over channels", false,
                (name, net, o) -> new SampledExplainer(name, net, o)));
        ENTRIES.put("random", new Entry("control: seeded uniform noise, a function of the input alone (not of the network)", false,
                (name, net, o) -> new ControlExplainer(name, net, o)));
        ENTRIES.put("edge", new Entry("control: the Sobel edge magnitude of the input (Adebayo et al. 2018's edge detector), not of "
                + "the network", false, (name, net, o) -> new ControlExplainer(name, net, o)));
    }

    static List<String> names() {
        return List.copyOf(ENTRIES.keySet());
    }

    static String describe(String name) {
        Entry e = entry(name);
        return e.description();
    }

    private static Entry entry(String name) {
        Entry e = ENTRIES.get(Objects.requireNonNull(name, "name").toLowerCase(Locale.ROOT));
        if (e == null) {
            throw new IllegalArgumentException("unknown explanation method '" + name + "': known are " + String.join(", ", Explainer.names()));
        }
        return e;
    }

    static Explainer create(String name, Network network, Explainer.Options options) {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(options, "options");
        String key = name == null ? null : name.toLowerCase(Locale.ROOT);
        Entry e = entry(key);
        try {
            if (options.device() != DevicePreference.JAVA) {
                if (!e.device()) {
                    throw new IllegalArgumentException(key + " runs on Java threads only (device java), not on device "
                            + options.device().id() + "; compute devices run vbp and lrp");
                }
                return new DeviceExplainer(key, network, options);
            }
            return e.factory().create(key, network, options);
        } catch (UnsupportedNetworkException u) {
            throw new UnsupportedNetworkException(key + " cannot explain this network (" + network + "): " + u.getMessage());
        }
    }

    /** What every explainer on Java threads shares: a forward pass for {@link #explain(Tensor, Target)}. */
    abstract static class OnJava implements Explainer {
        private final String name;
        final Network network;
        final Explainer.Options options;

        OnJava(String name, Network network, Explainer.Options options) {
            this.name = name;
            this.network = network;
            this.options = options;
        }

        @Override
        public final String name() {
            return name;
        }

        @Override
        public final Network network() {
            return network;
        }

        @Override
        public final Explainer.Options options() {
            return options;
        }

        @Override
        public final Attribution explain(Tensor x, Target target) {
            network.checkInput(x);
            return explain(network.trace(x, options.batchNorm(), null, recordedMeans()), target);
        }

        @Override
        public final Attribution explain(Trace trace, Target target) {
            Objects.requireNonNull(target, "target");
            if (trace.network() != network) {
                throw new IllegalArgumentException(name + ": the trace was recorded by another network than the explainer's");
            }
            return compute(trace, target).withOutputs(trace.result().copy()).withDevice(JavaBackend.device().toString());
        }

        abstract Attribution compute(Trace trace, Target target);

        @Override
        public String toString() {
            return name + " explainer on Java threads (" + options + ")";
        }
    }

    /** VisualBackProp; its plan is made once. */
    static final class VbpExplainer extends OnJava {
        private final VbpPlan plan;
        private final int[] means;

        VbpExplainer(Network network, Explainer.Options options) {
            super("vbp", network, options);
            this.plan = VbpPlan.of(network);
            this.means = plan.convStages().stream().mapToInt(VbpPlan.Stage::mapLayer).toArray();
        }

        @Override
        public int[] recordedMeans() {
            return means.clone();
        }

        @Override
        Attribution compute(Trace trace, Target target) {
            return VisualBackProp.attribution(VisualBackProp.explain(trace, plan), target.resolve(trace));
        }
    }

    /** LRP with a composite; its walk is planned once. */
    static final class LrpExplainer extends OnJava {
        private final Lrp lrp;
        private final Lrp.Plan plan;

        LrpExplainer(String name, Network network, Explainer.Options options, Lrp lrp) {
            super(name, network, options);
            this.lrp = lrp;
            this.plan = lrp.plan(network, Target.scoreLayer(network)); // refuses layers without a rule now
        }

        @Override
        Attribution compute(Trace trace, Target target) {
            return lrp.attribute(trace, target, plan).withMethod(name());
        }
    }

    /** The gradient or gradient times input. */
    static final class GradientExplainer extends OnJava {
        private final boolean timesInput;

        GradientExplainer(String name, Network network, Explainer.Options options, boolean timesInput) {
            super(name, network, options);
            this.timesInput = timesInput;
        }

        @Override
        Attribution compute(Trace trace, Target target) {
            return timesInput ? Gradients.gradientTimesInput(trace, target) : Gradients.sensitivity(trace, target);
        }
    }

    /** Grad-CAM at the layer the options name, or the last convolution's ReLU. */
    static final class GradCamExplainer extends OnJava {
        private final int layer;

        GradCamExplainer(String name, Network network, Explainer.Options options) {
            super(name, network, options);
            this.layer = options.gradCamLayer().map(l -> GradCam.layer(network, l)).orElseGet(() -> GradCam.defaultLayer(network));
            if (layer >= Target.scoreLayer(network)) {
                throw new UnsupportedNetworkException("Grad-CAM's layer " + network.name(layer) + " is not below the explained output");
            }
        }

        @Override
        Attribution compute(Trace trace, Target target) {
            return GradCam.attribute(trace, target, layer);
        }
    }

    /** Guided Backprop or DeconvNet. */
    static final class ReluRuleExplainer extends OnJava {
        private final GuidedBackprop.Rule rule;

        ReluRuleExplainer(String name, Network network, Explainer.Options options, GuidedBackprop.Rule rule) {
            super(name, network, options);
            this.rule = rule;
        }

        @Override
        Attribution compute(Trace trace, Target target) {
            return GuidedBackprop.attribute(trace, target, rule);
        }
    }

    /** SmoothGrad or Integrated Gradients: forward passes of copies of the trace's input (see their classes). */
    static final class SampledExplainer extends OnJava {
        SampledExplainer(String name, Network network, Explainer.Options options) {
            super(name, network, options);
        }

        @Override
        Attribution compute(Trace trace, Target target) {
            int[] t = target.resolve(trace);
            return name().equals("smoothgrad") ? SmoothGrad.attribute(trace, t, options.samples(), options.noise(), options.seed())
                    : IntegratedGradients.attribute(trace, t, options.steps());
        }
    }

    /** The controls: maps of the input alone. */
    static final class ControlExplainer extends OnJava {
        ControlExplainer(String name, Network network, Explainer.Options options) {
            super(name, network, options);
        }

        @Override
        Attribution compute(Trace trace, Target target) {
            int[] t = target.resolve(trace);
            return name().equals("random") ? Controls.random(trace.input(), options.seed(), t) : Controls.edge(trace.input(), t);
        }
    }

    /** VisualBackProp or LRP-epsilon on a compute device, through an {@link InferenceEngine}. */
    static final class DeviceExplainer implements Explainer {
        private final String name;
        private final Network network;
        private final Explainer.Options options;
        private final Lrp lrp;
        private final InferenceEngine engine;

        DeviceExplainer(String name, Network network, Explainer.Options options) {
            this.name = name;
            this.network = network;
            this.options = options;
            if (options.batchNorm() != org.visualbackprop.nn.Mode.EVAL) {
                throw new IllegalArgumentException("compute devices run evaluation mode only; explain with batch statistics "
                        + "on Java threads (device java)");
            }
            if (name.equals("vbp")) {
                VbpPlan.of(network); // refuses networks VisualBackProp cannot explain, as on Java threads
                lrp = null;
            } else {
                lrp = Lrp.epsilon(options.epsilon().orElse(Lrp.PAPER_EPSILON), options.lrpBatchNorm());
                lrp.plan(network, Target.scoreLayer(network));
            }
            this.engine = Engines.open(network, options.device(), options.notices());
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Network network() {
            return network;
        }

        @Override
        public Explainer.Options options() {
            return options;
        }

        @Override
        public Attribution explain(Tensor x, Target target) {
            Objects.requireNonNull(target, "target");
            Result r = engine.run(x, lrp == null ? new Request(true, true, null, target) : Request.lrpOnly(lrp, target));
            return lrp == null ? r.vbp() : r.lrp();
        }

        @Override
        public Attribution explain(Trace trace, Target target) {
            if (trace.network() != network) {
                throw new IllegalArgumentException(name + ": the trace was recorded by another network than the explainer's");
            }
            return explain(trace.input(), target);
        }

        @Override
        public void close() {
            engine.close();
        }

        @Override
        public String toString() {
            return name + " explainer on " + engine.device().describe();
        }
    }
}
