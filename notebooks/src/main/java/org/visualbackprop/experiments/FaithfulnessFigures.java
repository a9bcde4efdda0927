package org.visualbackprop.experiments;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.visualbackprop.evaluate.Randomization;
import org.visualbackprop.evaluate.RegionPerturbation;
import org.visualbackprop.evaluate.Similarity;
import org.visualbackprop.image.Images;
import org.visualbackprop.image.Pictures;
import org.visualbackprop.tensor.Tensor;

/** The pictures of a {@link Faithfulness.Report}: XChart charts and picture grids (only the command and notebooks write them). */
public final class FaithfulnessFigures {
    private static final Color[] COLORS = {new Color(214, 39, 40), new Color(31, 119, 180), new Color(44, 160, 44), new Color(148, 103, 189),
        new Color(255, 127, 14), new Color(140, 86, 75), new Color(227, 119, 194), new Color(23, 190, 207), new Color(188, 189, 34),
        new Color(127, 127, 127), new Color(0, 0, 128), new Color(160, 160, 160), new Color(60, 60, 60)};

    private FaithfulnessFigures() {
    }

    private static Color color(List<String> methods, String m) {
        return COLORS[Math.max(0, methods.indexOf(m)) % COLORS.length];
    }

    /**
     * Adebayo et al.'s Figure 2 for this net: the similarity of each method's map to the trained network's, against the
     * layers randomized (x = 0: none; then each layer by name), one line per method; the controls dashed.
     */
    public static XYChart randomizationChart(Faithfulness.Report r, Randomization.Order order, Similarity.Measure measure) {
        Map<String, Randomization.Result> byMethod = order == Randomization.Order.CASCADING ? r.cascading() : r.independent();
        String title = (order == Randomization.Order.CASCADING ? "Cascading" : "Independent") + " randomization: " + measure.label()
                + " to the trained net's map";
        XYChart chart = new XYChartBuilder().width(900).height(520).title(title)
                .xAxisTitle(order == Randomization.Order.CASCADING ? "randomized from the output down to" : "layer randomized alone")
                .yAxisTitle(measure.label()).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setYAxisMin(-0.5);
        chart.getStyler().setYAxisMax(1.05);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        if (byMethod.isEmpty()) {
            return chart;
        }
        List<String> steps = byMethod.values().iterator().next().steps();
        chart.getStyler().setxAxisTickLabelsFormattingFunction(v -> {
            int i = (int) Math.round(v);
            return Math.abs(v - i) < 1e-9 && i >= 0 && i < steps.size() ? steps.get(i) : "";
        });
        chart.getStyler().setXAxisMaxLabelCount(steps.size());
        for (Map.Entry<String, Randomization.Result> e : byMethod.entrySet()) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (int s = 0; s < e.getValue().steps().size(); s++) {
                double v = e.getValue().mean(e.getKey(), s, measure);
                if (!Double.isNaN(v)) {
                    xs.add((double) s);
                    ys.add(v);
                }
            }
            if (xs.isEmpty()) {
                continue;
            }
            XYSeries series = chart.addSeries(e.getKey(), xs, ys);
            series.setLineColor(color(r.config().methods(), e.getKey()));
            series.setMarkerColor(color(r.config().methods(), e.getKey()));
            series.setMarker(SeriesMarkers.CIRCLE);
            if (Faithfulness.CONTROLS.contains(e.getKey())) {
                series.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            } else {
                series.setLineStyle(new BasicStroke(e.getKey().equals("vbp") ? 3f : 1.5f));
            }
        }
        return chart;
    }

    /** The mean MoRF (solid) and LeRF (dashed) curves of every method. */
    public static XYChart perturbationChart(Faithfulness.Report r) {
        RegionPerturbation.Settings ps = r.config().perturbation();
        XYChart chart = new XYChartBuilder().width(1000).height(560)
                .title("Region perturbation (" + ps.patch() + " x " + ps.patch() + " patches, " + ps.baseline().id() + "): MoRF solid, LeRF dashed")
                .xAxisTitle("patches replaced").yAxisTitle(r.classifier() ? "drop of the class score" : "|change of the output|").build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        for (Map.Entry<String, RegionPerturbation.Curves> e : r.perturbation().entrySet()) {
            Color c = color(r.config().methods(), e.getKey());
            double[] morf = RegionPerturbation.Curves.meanCurve(e.getValue().morf());
            double[] lerf = RegionPerturbation.Curves.meanCurve(e.getValue().lerf());
            double[] xs = new double[morf.length];
            for (int k = 0; k < xs.length; k++) {
                xs[k] = k;
            }
            XYSeries m = chart.addSeries(e.getKey(), xs, morf);
            m.setMarker(SeriesMarkers.NONE);
            m.setLineColor(c);
            m.setLineStyle(new BasicStroke(e.getKey().equals("vbp") ? 3f : 1.5f));
            XYSeries l = chart.addSeries(e.getKey() + " LeRF", xs, lerf);
            l.setMarker(SeriesMarkers.NONE);
            l.setShowInLegend(false);
            l.setLineColor(c);
            l.setLineStyle(new BasicStroke(e.getKey().equals("vbp") ? 3f : 1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                    new float[] {6f, 4f}, 0f));
        }
        return chart;
    }

    /**
     * Each method's map of the first frame as layers are randomized (Adebayo et al.'s Figure 2 pictures): one row per
     * method, the input then one column per step; maps as |map| over its 99.5th percentile, white high.
     */
    public static BufferedImage randomizationGrid(Faithfulness.Report r, Randomization.Order order) {
        Map<String, Randomization.Result> byMethod = order == Randomization.Order.CASCADING ? r.cascading() : r.independent();
        Tensor x = r.frames().x();
        int h = x.shape().h();
        int w = x.shape().w();
        List<BufferedImage[]> rows = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (Map.Entry<String, Randomization.Result> e : byMethod.entrySet()) {
            List<List<double[]>> ex = e.getValue().examples().get(e.getKey());
            if (ex.isEmpty() || ex.get(0).isEmpty()) {
                continue;
            }
            BufferedImage[] row = new BufferedImage[ex.size() + 1];
            row[0] = Images.toImage(Pictures.displayable(x, 0), 0);
            for (int s = 0; s < ex.size(); s++) {
                row[s + 1] = Panels.gray(Pictures.displayMask(Similarity.abs(ex.get(s).get(0))), h, w);
            }
            rows.add(row);
            labels.add(e.getKey() + ": input, trained, then " + String.join(", ", e.getValue().steps().subList(1, e.getValue().steps().size()))
                    + (order == Randomization.Order.CASCADING ? " (cascading)" : " (alone)"));
        }
        if (rows.isEmpty()) {
            return new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        }
        int cols = rows.get(0).length;
        int cell = Math.max(40, Math.min(w, 1800 / cols));
        return Pictures.grid(rows, labels, cell);
    }
}
