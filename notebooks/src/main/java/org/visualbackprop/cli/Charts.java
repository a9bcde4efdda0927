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
        return lossCurve(title, lossName, epochs, batchLosses, null);
    }

    /**
     * The loss curve with the validation loss at every validation of the run ({@code {epochs, loss}} pairs, mid-epoch
     * ones included) instead of at epoch ends only.
     */
    public static XYChart lossCurve(String title, String lossName, List<TrainingListener.EpochReport> epochs, List<double[]> batchLosses,
                                    List<double[]> validations) {
        XYChart chart = new XYChartBuilder().width(800).height(450).title(title).xAxisTitle("epoch").yAxisTitle(lossName + " loss").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setXAxisDecimalPattern("0.##");
        chart.getStyler().setChartTitleFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 12));
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
                // the batch losses' running mean over a fiftieth of the run: the trend the noisy batches hide
                int window = Math.max(1, bx.size() / 50);
                if (window > 1) {
                    List<Double> mx = new ArrayList<>();
                    List<Double> my = new ArrayList<>();
                    double sum = 0;
                    for (int i = 0; i < by.size(); i++) {
                        sum += by.get(i);
                        if (i >= window) {
                            sum -= by.get(i - window);
                        }
                        if (i >= window - 1) {
                            mx.add(bx.get(i));
                            my.add(sum / window);
                        }
                    }
                    chart.addSeries("batch, running mean of " + window, mx, my).setMarker(SeriesMarkers.NONE)
                            .setLineColor(new java.awt.Color(60, 60, 160));
                }
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
            if (validations != null && !validations.isEmpty()) {
                List<double[]> sorted = new ArrayList<>(validations);
                sorted.sort(java.util.Comparator.comparingDouble(p -> p[0]));
                List<Double> vx = new ArrayList<>();
                List<Double> vy = new ArrayList<>();
                for (double[] p : sorted) {
                    if (p[1] > 0 && (vx.isEmpty() || p[0] > vx.get(vx.size() - 1))) {
                        vx.add(p[0]);
                        vy.add(p[1]);
                    }
                }
                if (!vx.isEmpty()) {
                    chart.addSeries("validation", vx, vy);
                }
            } else if (!Double.isNaN(val.get(0))) {
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
