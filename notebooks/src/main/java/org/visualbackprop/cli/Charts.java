package org.visualbackprop.cli;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.visualbackprop.train.TrainingListener;

/** Charts of training runs (XChart), as images. */
public final class Charts {
    private Charts() {
    }

    /** Training and validation loss per epoch, with batch losses as a faint line when given. */
    public static XYChart lossCurve(String title, String lossName, List<TrainingListener.EpochReport> epochs, List<double[]> batchLosses) {
        XYChart chart = new XYChartBuilder().width(800).height(450).title(title).xAxisTitle("epoch").yAxisTitle(lossName + " loss").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        if (batchLosses != null && !batchLosses.isEmpty()) {
            List<Double> bx = new ArrayList<>();
            List<Double> by = new ArrayList<>();
            for (double[] p : batchLosses) {
                if (p[1] > 0) {
                    bx.add(p[0]);
                    by.add(p[1]);
                }
            }
            if (!bx.isEmpty()) {
                chart.addSeries("batch", bx, by).setMarker(SeriesMarkers.NONE).setLineColor(new java.awt.Color(180, 180, 220));
            }
        }
        List<Double> x = new ArrayList<>();
        List<Double> train = new ArrayList<>();
        List<Double> val = new ArrayList<>();
        for (TrainingListener.EpochReport r : epochs) {
            x.add((double) r.epoch());
            train.add(r.trainLoss());
            val.add(r.validationLoss());
        }
        if (!x.isEmpty()) {
            chart.addSeries("training (epoch mean)", x, train);
            if (!Double.isNaN(val.get(0))) {
                chart.addSeries("validation", x, val);
            }
        }
        return chart;
    }

    /** A chart as an image. */
    public static BufferedImage image(XYChart chart) {
        return BitmapEncoder.getBufferedImage(chart);
    }
}
