package org.visualbackprop.experiments;

import org.visualbackprop.explain.Explainer;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.visualbackprop.data.RoadFrame;
import org.visualbackprop.data.RoadScene;
import org.visualbackprop.data.RoadScenes;
import org.visualbackprop.data.RoadView;
import org.visualbackprop.data.SceneKind;
import org.visualbackprop.explain.Attribution;
import org.visualbackprop.explain.Explanation;
import org.visualbackprop.explain.Target;
import org.visualbackprop.explain.VisualBackProp;
import org.visualbackprop.image.Pictures;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Tensor;

/**
 * The road-scene figures (analogues of the paper's Figures 8-17): frames explained by VisualBackProp beside LRP, with
 * the steering prediction and its error in degrees, as the paper captions them.
 */
public final class RoadFigures {
    /** The scene kinds of the showcase, one frame each: what Figures 8-17 look at. */
    public static final List<SceneKind> SHOWCASE = List.of(SceneKind.STRAIGHT, SceneKind.SHARP_TURN, SceneKind.SHADOWS,
            SceneKind.CROSSWALK, SceneKind.CARS, SceneKind.MISSING_MARKING);

    private RoadFigures() {
    }

    /** One explained frame: what the network predicted, the truth, and both masks. */
    public record Explained(RoadFrame frame, String title, double predictedDegrees, boolean vbpFlat, double[] vbpMask,
                            double[] lrpDisplay, Explanation explanation) {
        /** Prediction minus truth, degrees (the paper's "error"). */
        public double errorDegrees() {
            return predictedDegrees - frame.steeringDegrees();
        }

        /** A caption like the paper's: kind, prediction, truth, error. */
        public String caption() {
            return String.format(Locale.ROOT, "%s: predicted %.1f deg, true %.1f deg, error %.2f deg", title, predictedDegrees,
                    frame.steeringDegrees(), errorDegrees());
        }
    }

    /** One frame of each {@link #SHOWCASE} kind, from {@code seed}, in {@code view}. */
    public static List<RoadFrame> showcase(long seed, RoadView view) {
        List<RoadFrame> frames = new ArrayList<>();
        for (SceneKind k : SHOWCASE) {
            frames.add(RoadScenes.of(seed, 1, view, k, RoadScenes.Target.NORMALIZED).frame(0));
        }
        return frames;
    }

    /**
     * Explains frames with VisualBackProp and LRP in one forward pass (evaluation mode). Predictions are read as
     * normalized steering ({@link RoadScenes#NORMALIZING_DEGREES} degrees per unit).
     */
    public static List<Explained> explain(Network network, List<RoadFrame> frames, List<String> titles, Explainer compared) {
        List<Tensor> images = new ArrayList<>();
        for (RoadFrame f : frames) {
            images.add(f.image());
        }
        Explainer vbp = Explainer.of("vbp", network);
        Trace t = Explainer.trace(network, Tensor.stack(images), Mode.EVAL, null, List.of(vbp, compared));
        Explanation e = vbp.explain(t, Target.predicted()).details().orElseThrow();
        Attribution a = compared.explain(t, Target.predicted());
        List<Explained> out = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            out.add(new Explained(frames.get(i), titles.get(i), t.result().data()[i] * RoadScenes.NORMALIZING_DEGREES,
                    e.isFlat(i), Pictures.map(e.mask(), i), Pictures.displayMask(a.map(i)), e));
        }
        return out;
    }

    /** Rows of [input | VisualBackProp | LRP] overlays, each captioned with the prediction and its error. */
    public static BufferedImage comparison(List<Explained> explained) {
        List<BufferedImage[]> rows = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (Explained x : explained) {
            Tensor img = x.frame().image();
            rows.add(new BufferedImage[] {x.frame().toImage(), Pictures.overlay(img, 0, x.vbpMask()), Pictures.overlay(img, 0, x.lrpDisplay())});
            labels.add(x.caption() + "   (input | VisualBackProp | LRP)");
        }
        return Pictures.grid(rows, labels, Pictures.displayWidth(explained.get(0).frame().width()));
    }

    /**
     * Consecutive frames of one scene driven forward (the paper's Figures 12-13: a lane marking that disappears makes
     * the network change the cue it follows).
     */
    public static List<RoadFrame> consecutive(long seed, RoadView view, int count, double metresPerFrame) {
        RoadScene scene = RoadScenes.of(seed, 1, view, SceneKind.MISSING_MARKING, RoadScenes.Target.NORMALIZED).scene(0);
        return RoadScenes.drive(scene, view, count, metresPerFrame);
    }
}
