package org.visualbackprop.experiments;

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
import org.visualbackprop.data.RoadScene;
import org.visualbackprop.data.RoadScenes;
import org.visualbackprop.data.RoadView;
import org.visualbackprop.data.SceneKind;
import org.visualbackprop.explain.Attribution;
import org.visualbackprop.explain.Explanation;
import org.visualbackprop.explain.MaskMass;
import org.visualbackprop.explain.Target;
import org.visualbackprop.explain.VisualBackProp;
import org.visualbackprop.image.Pictures;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Tensor;

/**
 * Notebook 3, "Road scenes": analogues of the paper's Figures 8-17 (Section 5). Held-out synthetic frames of each
 * situation the paper shows, explained by VisualBackProp (left) beside LRP-epsilon (right, epsilon 100 as the paper),
 * for the NetSVF view and the NetHVF view of the same scenes, captioned with prediction, truth and error in degrees of
 * steering-wheel angle as the paper's captions are. Because the synthetic frames come with ground-truth label maps,
 * each figure also gets numbers: the share of each method's mask on the pixels the situation is about (lane markings,
 * shadows, horizontal markings, cars) against their share of the frame ({@link MaskMass}; for LRP its positive part).
 */
public final class RoadComparisons {
    /** How many scenes of a kind are tried, at most, to find one that shows the situation clearly. */
    public static final int MAX_SEARCH = 200;

    /** What a figure of Figures 8-17 shows. */
    public enum Situation {
        /** Figures 8 and 9: the network follows the lane markings. */
        LANE_MARKINGS("Lane markings", "Figures 8 (NetSVF) and 9 (NetHVF)", "08-09", List.of(SceneKind.STRAIGHT, SceneKind.ANY),
                Label.LANE_MARKING, 0.01, 3),
        /** Figures 10 and 11: markings are found between the shadows. */
        SHADOWS("Shadows across the road", "Figures 10 and 11", "10-11", List.of(SceneKind.SHADOWS), Label.SHADOW, 0.15, 2),
        /** Figures 12 and 13: two consecutive frames, a lane marking ends in between. */
        DISAPPEARING_MARKING("A lane marking that disappears between consecutive frames", "Figures 12 and 13", "12-13",
                List.of(SceneKind.MISSING_MARKING), Label.LANE_MARKING, 0.0, 3),
        /** Figures 14 and 15: sharp turns. */
        SHARP_TURNS("Sharp turns", "Figures 14 and 15", "14-15", List.of(SceneKind.SHARP_TURN), Label.LANE_MARKING, 0.01, 2),
        /** Figure 16: horizontal markings (crosswalks, stop lines) do not matter for steering. */
        HORIZONTAL_MARKINGS("Horizontal markings", "Figures 16 and 17", "16-17", List.of(SceneKind.CROSSWALK, SceneKind.STOP_LINE),
                Label.HORIZONTAL_MARKING, 0.02, 3),
        /** Figure 17: the NetHVF network looked at other cars. */
        CARS("Other cars", "Figure 17", "17", List.of(SceneKind.CARS), Label.CAR, 0.02, 2);

        private final String title;
        private final String paper;
        private final String numbers;
        private final List<SceneKind> kinds;
        private final Label label;
        private final double minShare;
        private final int frames;

        Situation(String title, String paper, String numbers, List<SceneKind> kinds, Label label, double minShare, int frames) {
            this.title = title;
            this.paper = paper;
            this.numbers = numbers;
            this.kinds = kinds;
            this.label = label;
            this.minShare = minShare;
            this.frames = frames;
        }

        /** A heading, e.g. {@code "Shadows across the road"}. */
        public String title() {
            return title;
        }

        /** The paper's figures this one stands for. */
        public String paper() {
            return paper;
        }

        /** The paper's figure numbers, two digits each, for file names: {@code "08-09"}, {@code "17"}. */
        public String numbers() {
            return numbers;
        }

        /** The ground-truth label the situation is about (its share of the masks is measured). */
        public Label label() {
            return label;
        }

        /** The share of the NetSVF frame the label must cover for a scene to be shown (0: any pixel of it). */
        public double minShare() {
            return minShare;
        }

        /** Number of frames shown. */
        public int frames() {
            return frames;
        }
    }

    /** One frame explained by both methods. */
    public record Frame(RoadFigures.Explained explained, double[] lrpMap, MaskMass.Share vbpShare, MaskMass.Share lrpShare) {
        /** The frame. */
        public RoadFrame frame() {
            return explained.frame();
        }
    }

    /** The scenes shown come from stream {@code trainingSeed + SHOWCASE_OFFSET} (held out from training). */
    public static final long SHOWCASE_OFFSET = 1000;
    /** The scenes of {@link #evaluate} come from stream {@code trainingSeed ^ EVALUATION_SALT}. */
    public static final long EVALUATION_SALT = 0x2545F4914F6CDD1DL;

    private final Map<RoadView, Network> networks;
    private final Map<Situation, Map<RoadView, List<Frame>>> frames;
    private final long seed;
    private final String compared;

    private RoadComparisons(Map<RoadView, Network> networks, Map<Situation, Map<RoadView, List<Frame>>> frames, long seed, String compared) {
        this.networks = networks;
        this.frames = frames;
        this.seed = seed;
        this.compared = compared;
    }

    /**
     * Explains every situation's frames through each view's network.
     *
     * @param networks     one steering network per view (trained on normalized targets), for example from {@link TrainingFigures}
     * @param trainingSeed the seed their training scenes came from; the scenes shown come from {@code trainingSeed +}
     *                     {@link #SHOWCASE_OFFSET}, which training never saw
     * @param compared     the method VisualBackProp is shown beside ({@link Explainer#names()}), normally {@code "lrp"}:
     *                     the paper's LRP-epsilon, epsilon 100
     */
    public static RoadComparisons of(Map<RoadView, Network> networks, long trainingSeed, String compared) {
        long seed = trainingSeed + SHOWCASE_OFFSET;
        Objects.requireNonNull(compared, "compared");
        for (RoadView v : RoadView.values()) {
            Objects.requireNonNull(networks.get(v), () -> "no network for the " + v + " view");
        }
        Map<Situation, Map<RoadView, List<Frame>>> all = new EnumMap<>(Situation.class);
        for (Situation s : Situation.values()) {
            List<RoadScene> scenes = scenes(s, seed);
            Map<RoadView, List<Frame>> byView = new EnumMap<>(RoadView.class);
            for (RoadView v : RoadView.values()) {
                List<RoadFrame> fs = new ArrayList<>();
                List<String> titles = new ArrayList<>();
                if (s == Situation.DISAPPEARING_MARKING) {
                    fs.addAll(RoadScenes.drive(scenes.get(0), v, s.frames(), 5.0));
                    for (int i = 0; i < fs.size(); i++) {
                        titles.add(i == 0 ? "frame 1" : "frame " + (i + 1) + " (" + 5 * i + " m on)");
                    }
                } else {
                    for (RoadScene sc : scenes) {
                        fs.add(RoadScenes.render(sc, v));
                        titles.add(s.title().toLowerCase(Locale.ROOT));
                    }
                }
                byView.put(v, explain(networks.get(v), fs, titles, Explainer.of(compared, networks.get(v)), s.label()));
            }
            all.put(s, byView);
        }
        return new RoadComparisons(new EnumMap<>(networks), all, trainingSeed, compared);
    }

    /**
     * The scenes of a situation: the first of stream {@code seed} (per kind) whose label covers at least the situation's
     * minimum share of the NetSVF frame; for the disappearing marking, one scene to drive through.
     */
    static List<RoadScene> scenes(Situation s, long seed) {
        List<RoadScene> out = new ArrayList<>();
        int want = s == Situation.DISAPPEARING_MARKING ? 1 : s.frames();
        int[] next = new int[s.kinds.size()];
        for (int k = 0; out.size() < want; k = (k + 1) % s.kinds.size()) {
            SceneKind kind = s.kinds.get(k);
            RoadScenes stream = RoadScenes.of(seed + kind.ordinal(), MAX_SEARCH, RoadView.SVF, kind, RoadScenes.Target.NORMALIZED);
            RoadScene found = null;
            while (found == null && next[k] < MAX_SEARCH) {
                RoadFrame f = stream.frame(next[k]++);
                if ((double) f.count(s.label()) / (f.height() * f.width()) >= s.minShare() && (s.minShare() > 0 || f.count(s.label()) > 0)) {
                    found = f.scene();
                }
            }
            if (found == null) {
                throw new IllegalStateException("no " + kind + " scene among " + MAX_SEARCH + " of seed " + (seed + kind.ordinal())
                        + " has " + s.label() + " on " + 100 * s.minShare() + "% of the frame");
            }
            out.add(found);
        }
        return out;
    }

    /** VisualBackProp and LRP of frames in one batch (evaluation mode), with the share of each on {@code label}. */
    static List<Frame> explain(Network network, List<RoadFrame> frames, List<String> titles, Explainer compared, Label label) {
        Explainer vbpExplainer = Explainer.of("vbp", network);
        Trace t = Explainer.trace(network, Tensor.stack(frames.stream().map(RoadFrame::image).toList()), Mode.EVAL, null,
                List.of(vbpExplainer, compared));
        Explanation e = vbpExplainer.explain(t, Target.predicted()).details().orElseThrow();
        Attribution a = compared.explain(t, Target.predicted());
        List<Frame> out = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            RoadFrame f = frames.get(i);
            double[] vbp = Pictures.map(e.mask(), i);
            double[] rel = a.map(i);
            RoadFigures.Explained x = new RoadFigures.Explained(f, titles.get(i), t.result().data()[i] * RoadScenes.NORMALIZING_DEGREES,
                    e.isFlat(i), vbp, Pictures.displayMask(rel), e);
            boolean[] region = TrainingFigures.region(f, label);
            boolean any = f.count(label) > 0;
            out.add(new Frame(x, rel, any ? MaskMass.of(vbp, region) : null, any ? MaskMass.of(rel, region) : null));
        }
        return out;
    }

    /** The frames of a situation in a view. */
    public List<Frame> frames(Situation s, RoadView view) {
        return frames.get(s).get(view);
    }

    /** The network of a view. */
    public Network network(RoadView view) {
        return networks.get(view);
    }

    /** The training seed given to {@link #of}. */
    public long seed() {
        return seed;
    }

    /**
     * {@link RoadEvaluation} of a view's network over {@code frames} held-out scenes of the training mixture (stream
     * {@code trainingSeed ^} {@link #EVALUATION_SALT}): steering error, and where VisualBackProp and LRP put their mass.
     */
    public RoadEvaluation.Result evaluate(RoadView view, int frames) {
        return RoadEvaluation.evaluate(networks.get(view), RoadScenes.of(seed ^ EVALUATION_SALT, frames, view),
                Explainer.of(compared, networks.get(view)), 16);
    }

    /** One figure: rows of input | VisualBackProp | LRP for the situation's frames in one view, captioned as the paper's. */
    public BufferedImage figure(Situation s, RoadView view) {
        return RoadFigures.comparison(frames(s, view).stream().map(Frame::explained).toList());
    }

    /**
     * The situation's numbers, both views: per frame the prediction, truth and error (degrees) and how many times its
     * area share VisualBackProp and LRP put on the situation's label.
     */
    public String table(Situation s) {
        StringBuilder sb = new StringBuilder();
        String what = s.label().name().toLowerCase(Locale.ROOT).replace('_', ' ');
        sb.append(String.format(Locale.ROOT, "%-6s %-30s %9s %7s %7s %8s %9s %8s%n", "view", "frame", "predicted", "true", "error",
                what.length() > 8 ? "area" : what, "VBP x", "LRP x"));
        for (RoadView v : RoadView.values()) {
            for (Frame f : frames(s, v)) {
                RoadFigures.Explained x = f.explained();
                sb.append(String.format(Locale.ROOT, "%-6s %-30s %9.1f %7.1f %7.2f %7.1f%% %9s %8s%n", v, x.title(), x.predictedDegrees(),
                        x.frame().steeringDegrees(), x.errorDegrees(), f.vbpShare() == null ? 0.0 : 100 * f.vbpShare().areaShare(),
                        ratio(f.vbpShare()), ratio(f.lrpShare())));
            }
        }
        sb.append(String.format(Locale.ROOT, "(area: share of the frame's pixels that are %s; VBP x, LRP x: share of the mask "
                + "on them / area share; 1 = no preference)%n", what));
        return sb.toString();
    }

    private static String ratio(MaskMass.Share s) {
        return s == null ? "-" : Double.isNaN(s.massShare()) ? "flat" : String.format(Locale.ROOT, "%.2f", s.enrichment());
    }
}
