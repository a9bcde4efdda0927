package org.visualbackprop.experiments;

import org.visualbackprop.explain.Target;
import org.visualbackprop.explain.Explainer;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.visualbackprop.data.Label;
import org.visualbackprop.data.RoadFrame;
import org.visualbackprop.data.RoadScenes;
import org.visualbackprop.data.RoadView;
import org.visualbackprop.data.SceneKind;
import org.visualbackprop.explain.Explanation;
import org.visualbackprop.explain.MaskMass;
import org.visualbackprop.explain.VbpPlan;
import org.visualbackprop.explain.VisualBackProp;
import org.visualbackprop.image.Images;
import org.visualbackprop.image.Pictures;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/**
 * Notebook 1, "The method": the paper's Figures 1-3 (Section 3) on one synthetic road frame ({@link RoadScenes}), through
 * the paper's own network for that view (NetSVF or NetHVF, Table 1) with weights initialized from a seed:
 * <ul>
 * <li>Figure 1, the block diagram: {@link #planHtml(Network)} lists the steps VisualBackProp takes through the network;</li>
 * <li>Figure 2, averaged feature maps and intermediate masks: {@link #figure2()};</li>
 * <li>Figure 3, the mask over the input: {@link #figure3()}, beside the frame's ground-truth label map;</li>
 * </ul>
 * and {@link #share(Label)}: how much of the mask lies on pixels of each kind, against their share of the frame.
 *
 * <p>The network is not trained here (that is the training notebook's Figure 7): these figures show the mechanics of the
 * method on the real architecture and input size. {@link BarTraining} shows, on a toy task small enough to train in
 * seconds, what training changes.
 */
public final class MethodFigures {
    /**
     * Which frame and which network.
     *
     * @param view       the camera view; NetSVF explains {@link RoadView#SVF}, NetHVF {@link RoadView#HVF}
     * @param sceneSeed  seed of the generated scene ({@link RoadScenes#generate})
     * @param sceneIndex index of the scene
     * @param kind       what the scene must contain
     * @param netSeed    seed of the network's initial weights
     */
    public record Config(RoadView view, long sceneSeed, long sceneIndex, SceneKind kind, long netSeed) {
        public Config {
            Objects.requireNonNull(view, "view");
            Objects.requireNonNull(kind, "kind");
        }

        /** The notebook's frame: scene 1 of the default seed (a curve with a solid lane line), NetSVF from seed 1. */
        public static Config standard() {
            return new Config(RoadView.SVF, RoadScenes.DEFAULT_SEED, 1, SceneKind.ANY, 1);
        }

        /** This config for another view (and so the other network). */
        public Config withView(RoadView v) {
            return new Config(v, sceneSeed, sceneIndex, kind, netSeed);
        }

        /** This config for another scene. */
        public Config withScene(SceneKind k, long index) {
            return new Config(view, sceneSeed, index, k, netSeed);
        }
    }

    private final Config config;
    private final Network network;
    private final RoadFrame frame;
    private final Explanation explanation;

    private MethodFigures(Config config, Network network, RoadFrame frame, Explanation explanation) {
        this.config = config;
        this.network = network;
        this.frame = frame;
        this.explanation = explanation;
    }

    /** Renders the frame, builds the network from its seed and explains the frame (one traced forward pass, then VBP). */
    public static MethodFigures of(Config config) {
        Objects.requireNonNull(config, "config");
        RoadFrame frame = RoadScenes.render(RoadScenes.generate(config.sceneSeed(), config.sceneIndex(), config.kind()), config.view());
        Network net = config.view() == RoadView.SVF ? PaperNets.netSvf(config.netSeed()) : PaperNets.netHvf(config.netSeed());
        return new MethodFigures(config, net, frame, explain(net, frame.image()));
    }

    /** VisualBackProp of a batch through {@code net}: a traced forward pass in evaluation mode, then the backward sweep. */
    public static Explanation explain(Network net, Tensor x) {
        return Explainer.of("vbp", net).explain(x, Target.predicted()).details().orElseThrow();
    }

    public Config config() {
        return config;
    }

    public Network network() {
        return network;
    }

    public RoadFrame frame() {
        return frame;
    }

    public Explanation explanation() {
        return explanation;
    }

    /** One line about the frame and the network, e.g. {@code "NetSVF (seed 1, untrained, ...) on scene 1 ..."}. */
    public String describe() {
        return String.format(Locale.ROOT, "%s (weights from seed %d, not trained; %,d parameters) on a %d x %d road frame "
                        + "(scene %d of seed %d, %s; steering label %.1f degrees)",
                config.view() == RoadView.SVF ? "NetSVF" : "NetHVF", config.netSeed(), network.parameterCount(),
                frame.height(), frame.width(), config.sceneIndex(), config.sceneSeed(), config.kind(), frame.steeringDegrees());
    }

    /**
     * Figure 1 as a table: the stages VisualBackProp goes through, from the deepest conv layer back to the input, with
     * each stage's window and the sizes of the maps (an HTML fragment for {@code display("text/html", ...)}).
     */
    public static String planHtml(Network network) {
        VbpPlan plan = VbpPlan.of(network);
        List<VbpPlan.Stage> stages = plan.stages();
        StringBuilder sb = new StringBuilder();
        sb.append("<table><tr><th>step</th><th>layer</th><th>kernel / stride</th><th>averaged map</th><th>what VisualBackProp does</th></tr>");
        int step = 1;
        for (int s = stages.size() - 1; s >= 0; s--) {
            VbpPlan.Stage st = stages.get(s);
            Shape out = st.outputShape();
            Shape in = st.inputShape();
            String below = s > 0 ? stages.get(s - 1).name() : "the input";
            String what;
            if (st.isConv()) {
                what = (s == stages.size() - 1 ? "average its " + out.c() + " feature maps: the first mask; " : "")
                        + "scale up " + out.h() + " x " + out.w() + " &rarr; " + in.h() + " x " + in.w()
                        + " (transposed convolution, all-ones " + st.window().describeKernel() + " kernel, stride "
                        + st.window().describeStride() + ")"
                        + (s > 0 && stages.get(s - 1).isConv() ? ", multiply point-wise by the averaged map of " + below
                        : s == 0 ? ": the mask at input size, normalized to [0, 1]" : "");
            } else {
                what = "scale up through the pooling window " + out.h() + " x " + out.w() + " &rarr; " + in.h() + " x " + in.w();
            }
            sb.append("<tr><td>").append(step++).append("</td><td>").append(st.name()).append("</td><td>")
                    .append(st.window().describeKernel()).append(" / ").append(st.window().describeStride()).append("</td><td>")
                    .append(st.isConv() ? "1 x " + out.h() + " x " + out.w() + " (mean of " + out.c() + ")" : "")
                    .append("</td><td>").append(what).append("</td></tr>");
        }
        sb.append("</table>");
        return sb.toString();
    }

    /** {@link #planHtml(Network)} of this network. */
    public String planHtml() {
        return planHtml(network);
    }

    /**
     * Figure 2: the input and the final mask, then per conv layer its averaged feature map and its intermediate mask
     * ({@link Pictures#vbpSteps}).
     */
    public BufferedImage figure2() {
        return Pictures.vbpSteps(explanation, 0);
    }

    /** Figure 3: the frame, the authors' red overlay of the mask ({@link Pictures#overlay}), and the ground-truth labels. */
    public BufferedImage figure3() {
        Tensor x = explanation.input();
        return Pictures.grid(List.<BufferedImage[]>of(
                        new BufferedImage[] {Images.toImage(x.sample(0), 0), Pictures.overlay(x, 0, Pictures.map(explanation.mask(), 0))},
                        new BufferedImage[] {frame.labelImage(0.4)}),
                List.of("input | VisualBackProp mask over it (red)", "ground truth: lane markings yellow, road gray, "
                        + "shadow dark blue, off-road green, curb tan, cars red, horizontal markings cyan, sky light blue"), x.shape().w());
    }

    /** Figure 3 alone, scaled up {@code zoom} times: the input and the red overlay (for small frames). */
    public static BufferedImage overlayRow(Explanation e, int zoom, String label) {
        if (zoom < 1) {
            throw new IllegalArgumentException("zoom must be >= 1, got " + zoom);
        }
        Tensor x = e.input();
        // the grid scales each picture to the cell width (nearest neighbour); the label keeps its font size
        return Pictures.grid(List.<BufferedImage[]>of(new BufferedImage[] {
                Images.toImage(x.sample(0), 0), Pictures.overlay(x, 0, Pictures.map(e.mask(), 0))}), List.of(label), x.shape().w() * zoom);
    }

    /**
     * How strongly the mask points at pixels labelled {@code label}: the share of the mask's mass on them divided by
     * their share of the frame's pixels ({@link MaskMass.Share#enrichment()}). 1 means no preference.
     *
     * @throws IllegalArgumentException when the frame has no pixel with that label
     */
    public MaskMass.Share share(Label label) {
        float[] region = frame.mask(label).data();
        boolean[] on = new boolean[region.length];
        for (int q = 0; q < on.length; q++) {
            on[q] = region[q] > 0;
        }
        return MaskMass.of(Pictures.map(explanation.mask(), 0), on);
    }

    /** {@link #share(Label)} of every label present in the frame, in {@link Label} order. */
    public Map<Label, MaskMass.Share> sharesByLabel() {
        Map<Label, MaskMass.Share> m = new EnumMap<>(Label.class);
        for (Label l : Label.values()) {
            if (frame.count(l) > 0) {
                m.put(l, share(l));
            }
        }
        return m;
    }

    /** {@link #sharesByLabel()} as an HTML table: label, share of the pixels, share of the mask, ratio. */
    public String sharesHtml() {
        List<String> rows = new ArrayList<>();
        for (Map.Entry<Label, MaskMass.Share> e : sharesByLabel().entrySet()) {
            MaskMass.Share sh = e.getValue();
            rows.add(String.format(Locale.ROOT, "<tr><td>%s</td><td>%.1f%%</td><td>%.1f%%</td><td>%.2f</td></tr>",
                    e.getKey().name().toLowerCase(Locale.ROOT).replace('_', ' '), 100 * sh.areaShare(), 100 * sh.massShare(),
                    sh.enrichment()));
        }
        return "<table><tr><th>pixels</th><th>share of the frame</th><th>share of the mask</th><th>ratio</th></tr>"
                + String.join("", rows) + "</table>";
    }
}
