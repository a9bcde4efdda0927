package org.visualbackprop.experiments;

import org.visualbackprop.explain.Explainer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.visualbackprop.data.Label;
import org.visualbackprop.data.RoadFrame;
import org.visualbackprop.data.RoadScenes;
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
 * How a steering network does on held-out synthetic road frames, and where its explanations look: the steering error
 * in degrees, and for VisualBackProp and LRP the share of mask mass on each kind of ground-truth pixel (lane
 * markings, horizontal markings, cars, shadows) against that kind's share of the image ({@link MaskMass}).
 * For LRP the mask is the positive part of the relevance.
 */
public final class RoadEvaluation {
    /** The labels reported. */
    public static final List<Label> LABELS = List.of(Label.LANE_MARKING, Label.HORIZONTAL_MARKING, Label.CAR, Label.SHADOW, Label.ROAD);

    /** Figures of one method on one label, over the frames that have that label. */
    public record LabelFigures(int frames, double meanAreaShare, double meanMassShare) {
        /** Ratio of the means: how many times its area share the label gets of the mask's mass on average. */
        public double enrichment() {
            return meanMassShare / meanAreaShare;
        }
    }

    /**
     * The whole evaluation.
     *
     * @param frames            frames evaluated
     * @param rmseDegrees       root mean squared steering error, degrees
     * @param maeDegrees        mean absolute steering error, degrees
     * @param baselineRmse      RMSE of always predicting the mean label of these frames (what "learned nothing" scores)
     * @param vbp               per label, VisualBackProp's figures
     * @param lrp               per label, LRP's figures
     */
    public record Result(int frames, double rmseDegrees, double maeDegrees, double baselineRmse,
                         Map<Label, LabelFigures> vbp, Map<Label, LabelFigures> lrp) {
    }

    private RoadEvaluation() {
    }

    /**
     * Evaluates {@code network} (a one-output steering net trained on normalized targets) on the frames of
     * {@code data} in evaluation mode, {@code batch} frames at a time.
     */
    public static Result evaluate(Network network, RoadScenes data, Explainer lrp, int batch) {
        Explainer vbp = Explainer.of("vbp", network);
        double se = 0;
        double ae = 0;
        double sum = 0;
        double sumSq = 0;
        Map<Label, double[]> vbpSums = new EnumMap<>(Label.class);
        Map<Label, double[]> lrpSums = new EnumMap<>(Label.class);
        for (Label l : LABELS) {
            vbpSums.put(l, new double[3]);
            lrpSums.put(l, new double[3]);
        }
        Trace trace = null;
        for (int from = 0; from < data.size(); from += batch) {
            int to = Math.min(data.size(), from + batch);
            List<RoadFrame> frames = new ArrayList<>();
            List<Tensor> images = new ArrayList<>();
            for (int i = from; i < to; i++) {
                RoadFrame f = data.frame(i);
                frames.add(f);
                images.add(f.image());
            }
            Tensor x = Tensor.stack(images);
            trace = Explainer.trace(network, x, Mode.EVAL, trace, List.of(vbp, lrp));
            Explanation e = vbp.explain(trace, Target.predicted()).details().orElseThrow();
            Attribution a = lrp.explain(trace, Target.predicted());
            for (int i = 0; i < frames.size(); i++) {
                RoadFrame f = frames.get(i);
                double predicted = trace.result().data()[i] * RoadScenes.NORMALIZING_DEGREES;
                double truth = f.steeringDegrees();
                se += (predicted - truth) * (predicted - truth);
                ae += Math.abs(predicted - truth);
                sum += truth;
                sumSq += truth * truth;
                double[] vbpMask = Pictures.map(e.mask(), i);
                double[] lrpMap = a.map(i);
                for (Label l : LABELS) {
                    boolean[] region = region(f, l);
                    if (region == null) {
                        continue;
                    }
                    add(vbpSums.get(l), MaskMass.of(vbpMask, region));
                    add(lrpSums.get(l), MaskMass.of(lrpMap, region));
                }
            }
        }
        int n = data.size();
        double mean = sum / n;
        return new Result(n, Math.sqrt(se / n), ae / n, Math.sqrt(Math.max(0, sumSq / n - mean * mean)), finish(vbpSums), finish(lrpSums));
    }

    private static boolean[] region(RoadFrame f, Label l) {
        byte[] codes = f.labelCodes();
        boolean[] r = new boolean[codes.length];
        boolean any = false;
        for (int q = 0; q < codes.length; q++) {
            r[q] = Label.of(codes[q]) == l;
            any |= r[q];
        }
        return any ? r : null;
    }

    private static void add(double[] acc, MaskMass.Share s) {
        if (Double.isNaN(s.massShare())) {
            return;
        }
        acc[0]++;
        acc[1] += s.areaShare();
        acc[2] += s.massShare();
    }

    private static Map<Label, LabelFigures> finish(Map<Label, double[]> sums) {
        Map<Label, LabelFigures> out = new EnumMap<>(Label.class);
        for (Map.Entry<Label, double[]> e : sums.entrySet()) {
            double[] s = e.getValue();
            out.put(e.getKey(), new LabelFigures((int) s[0], s[0] == 0 ? Double.NaN : s[1] / s[0], s[0] == 0 ? Double.NaN : s[2] / s[0]));
        }
        return out;
    }

    /** The result as a table for the terminal and the README. */
    public static String table(Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("held-out frames: %d; steering error: RMSE %.2f degrees, MAE %.2f degrees (predicting the mean: RMSE %.2f)%n",
                r.frames(), r.rmseDegrees(), r.maeDegrees(), r.baselineRmse()));
        sb.append(String.format("%-20s %7s %10s | %10s %11s | %10s %11s%n", "label", "frames", "area share", "VBP mass", "VBP ratio",
                "LRP mass", "LRP ratio"));
        boolean vbpZero = true;
        boolean lrpZero = true;
        for (Label l : LABELS) {
            LabelFigures v = r.vbp().get(l);
            LabelFigures p = r.lrp().get(l);
            vbpZero &= v.frames() == 0;
            lrpZero &= p.frames() == 0;
            // frames and area share are those of the frames where the map has mass (VisualBackProp's, else LRP's)
            LabelFigures a = v.frames() > 0 ? v : p;
            sb.append(String.format("%-20s %7d %9.2f%% | %s | %s%n", l.name().toLowerCase(java.util.Locale.ROOT), a.frames(),
                    100 * a.meanAreaShare(), cells(v), cells(p)));
        }
        if (vbpZero || lrpZero) {
            sb.append(String.format("-: %s map is zero on every frame (no mass to share out; an output layer of zeros gives LRP nothing)%n",
                    vbpZero && lrpZero ? "each method's" : vbpZero ? "VisualBackProp's" : "LRP's"));
        }
        return sb.toString();
    }

    private static String cells(LabelFigures f) {
        return f.frames() == 0 ? String.format("%10s %11s", "-", "-")
                : String.format("%9.2f%% %10.2fx", 100 * f.meanMassShare(), f.enrichment());
    }
}
