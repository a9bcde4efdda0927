package org.visualbackprop.experiments;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.visualbackprop.data.RoadScene;
import org.visualbackprop.data.RoadScenes;
import org.visualbackprop.data.SceneKind;
import org.visualbackprop.nn.BatchNorm2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Layer;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Parameter;
import org.visualbackprop.nn.ReLU;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.train.Adam;
import org.visualbackprop.train.Batch;
import org.visualbackprop.train.Dataset;
import org.visualbackprop.train.Datasets;
import org.visualbackprop.train.Loss;
import org.visualbackprop.train.Schedule;
import org.visualbackprop.train.Trainer;

/**
 * Why a steering net learns what it learns, in numbers (issue 12):
 * <ul>
 * <li>{@link #steeringFloor}: how well the synthetic label can be predicted at all from what a frame shows of the
 *     ego lane. The label is pure pursuit towards the lane centre {@link RoadScene#LOOKAHEAD_M} ahead, in metres; a
 *     frame shows the lane centre's column and the lane's width in pixels at each image row, which fix the road's
 *     offset, heading and curvature only up to the camera's height (1.35-1.65 m) and the lane's width (3.3-3.8 m).
 *     A small network fitted to those ideal measurements (the generator's geometry, no rendering) gives the error a
 *     perfect lane detector would still make: the floor a net reading pixels cannot beat.</li>
 * <li>{@link #gradientScale}: each layer's weight norm and gradient norm on one batch at initialization.</li>
 * </ul>
 */
public final class Learnability {
    /** Image rows (NetSVF pixel rows, 0 = top) at which the lane is measured: top to bottom of the view. */
    public static final int[] ROWS = {0, 25, 50, 75, 100, 124};

    private Learnability() {
    }

    /**
     * What an ideal lane detector reads off a frame of {@code scene}: at each of {@link #ROWS}, the column of the ego
     * lane's centre line and the lane's width in pixels (NetSVF pixels), then the horizon's height above the view.
     * Pinhole camera as the renderer draws it: row {@code y} shows the ground {@code Z = f h / (y + 0.5 + horizon)}
     * ahead, where the centre line is at column {@code 320 + f X_c(Z) / Z} and the lane spans
     * {@code f w cos(atan X_c'(Z)) / Z} columns.
     *
     * @param pixel round the columns and widths to whole pixels of a view {@code pixel} NetSVF pixels wide (1 for
     *              NetSVF, 2 for NetHVF's halved resolution), 0 for exact values
     */
    public static double[] laneFeatures(RoadScene scene, int pixel) {
        RoadScene.Road road = scene.road();
        RoadScene.Camera cam = scene.camera();
        double f = RoadScenes.FOCAL_PX;
        double[] out = new double[2 * ROWS.length + 1];
        for (int i = 0; i < ROWS.length; i++) {
            double d = ROWS[i] + 0.5 + cam.horizon();
            double z = f * cam.height() / d;
            double slope = road.slope(z);
            double col = 320 + f * road.centreX(z) / z;
            double width = f * road.laneWidth() / Math.sqrt(1 + slope * slope) / z;
            out[2 * i] = pixel > 0 ? pixel * Math.rint(col / pixel) : col;
            out[2 * i + 1] = pixel > 0 ? pixel * Math.rint(width / pixel) : width;
        }
        out[out.length - 1] = pixel > 0 ? pixel * Math.rint(cam.horizon() / pixel) : cam.horizon();
        return out;
    }

    /**
     * What a frame shows of the lane when only painted lines count: at each of {@link #ROWS}, the columns of the ego
     * lane's left and right boundary where that line is painted (a line of type NONE gives 0 and an indicator of 1,
     * dashes and dots count as painted), and the columns of the pavement's left and right edges (visible as the change
     * from road to verge or kerb, whatever the markings), then the horizon. Exact values (no pixel rounding).
     */
    public static double[] visibleFeatures(RoadScene scene) {
        RoadScene.Road road = scene.road();
        RoadScene.Camera cam = scene.camera();
        double f = RoadScenes.FOCAL_PX;
        boolean leftPainted = scene.lines().get(scene.leftLine()).type() != RoadScene.LineType.NONE;
        boolean rightPainted = scene.lines().get(scene.rightLine()).type() != RoadScene.LineType.NONE;
        double[] us = {road.boundaryU(scene.leftLine()), road.boundaryU(scene.rightLine()), road.pavementLeft(), road.pavementRight()};
        boolean[] seen = {leftPainted, rightPainted, true, true};
        double[] out = new double[4 * ROWS.length + 3];
        for (int i = 0; i < ROWS.length; i++) {
            double d = ROWS[i] + 0.5 + cam.horizon();
            double z = f * cam.height() / d;
            double slope = road.slope(z);
            double cos = 1 / Math.sqrt(1 + slope * slope);
            for (int k = 0; k < 4; k++) {
                double x = road.centreX(z) + us[k] / cos;
                out[4 * i + k] = seen[k] ? Math.max(-200, Math.min(840, 320 + f * x / z)) : 0;
            }
        }
        out[out.length - 3] = leftPainted ? 0 : 1;
        out[out.length - 2] = rightPainted ? 0 : 1;
        out[out.length - 1] = cam.horizon();
        return out;
    }

    /**
     * The floor's figures, steering RMSE in degrees on held-out scenes.
     *
     * @param meanRmse   always predicting the training mean
     * @param linearRmse least squares on the lane measurements
     * @param mlpRmse    a two-hidden-layer network on the exact measurements
     * @param pixelRmse  the same network on measurements rounded to the view's pixels
     * @param visibleRmse the same network on {@link #visibleFeatures}: painted ego-lane lines and pavement edges only
     */
    public record Floor(int trainScenes, int testScenes, int pixel, double meanRmse, double linearRmse, double mlpRmse,
                        double pixelRmse, double visibleRmse, double labelStd) {
        public String table() {
            return String.format(Locale.ROOT, """
                    Steering floor from the lane geometry a frame shows (%,d training scenes, %,d held out; degrees RMSE):
                      always the mean angle                       %6.2f   (label standard deviation %.2f)
                      least squares on the lane measurements      %6.2f
                      network on exact lane measurements          %6.2f   <- what a perfect lane detector leaves
                      network on measurements in whole pixels     %6.2f   (pixels %d NetSVF pixel%s wide)
                      network on painted lines and pavement edges %6.2f   (a missing ego-lane line leaves its side unknown)
                    """, trainScenes, testScenes, meanRmse, labelStd, linearRmse, mlpRmse, pixelRmse, pixel, pixel == 1 ? "" : "s",
                    visibleRmse);
        }
    }

    /**
     * Fits the label (degrees) from {@link #laneFeatures} of {@code train} scenes of {@link SceneKind#ANY} drawn from
     * {@code seed}, and measures it on {@code test} scenes of another stream.
     */
    public static Floor steeringFloor(long seed, int train, int test, int pixel) {
        double[][] xs = new double[train + test][];
        double[][] xp = new double[train + test][];
        double[][] xv = new double[train + test][];
        double[] y = new double[train + test];
        for (int i = 0; i < train + test; i++) {
            RoadScene s = i < train ? RoadScenes.generate(seed, i, SceneKind.ANY) : RoadScenes.generate(seed ^ 0x5DEECE66DL, i - train, SceneKind.ANY);
            xs[i] = laneFeatures(s, 0);
            xp[i] = laneFeatures(s, pixel);
            xv[i] = visibleFeatures(s);
            y[i] = s.steeringDegrees();
        }
        double mean = 0;
        for (int i = 0; i < train; i++) {
            mean += y[i] / train;
        }
        double meanErr = 0;
        double var = 0;
        for (int i = train; i < train + test; i++) {
            meanErr += (y[i] - mean) * (y[i] - mean) / test;
        }
        for (int i = 0; i < train; i++) {
            var += (y[i] - mean) * (y[i] - mean) / train;
        }
        double linear = linearRmse(xs, y, train);
        double mlp = networkRmse(xs, y, train, seed);
        double mlpPixel = networkRmse(xp, y, train, seed);
        double visible = networkRmse(xv, y, train, seed);
        return new Floor(train, test, pixel, Math.sqrt(meanErr), linear, mlp, mlpPixel, visible, Math.sqrt(var));
    }

    /** Standardizes the features with the training statistics. */
    private static float[][] standardize(double[][] x, int train) {
        int f = x[0].length;
        double[] mu = new double[f];
        double[] sd = new double[f];
        for (int i = 0; i < train; i++) {
            for (int j = 0; j < f; j++) {
                mu[j] += x[i][j] / train;
            }
        }
        for (int i = 0; i < train; i++) {
            for (int j = 0; j < f; j++) {
                sd[j] += (x[i][j] - mu[j]) * (x[i][j] - mu[j]) / train;
            }
        }
        float[][] out = new float[x.length][f];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < f; j++) {
                out[i][j] = (float) ((x[i][j] - mu[j]) / Math.sqrt(sd[j] + 1e-12));
            }
        }
        return out;
    }

    /** Ordinary least squares with an intercept (normal equations, Gauss-Jordan with partial pivoting). */
    static double linearRmse(double[][] x, double[] y, int train) {
        float[][] z = standardize(x, train);
        int f = z[0].length + 1;
        double[][] a = new double[f][f + 1];
        for (int i = 0; i < train; i++) {
            double[] row = new double[f];
            row[0] = 1;
            for (int j = 1; j < f; j++) {
                row[j] = z[i][j - 1];
            }
            for (int r = 0; r < f; r++) {
                for (int c = 0; c < f; c++) {
                    a[r][c] += row[r] * row[c];
                }
                a[r][f] += row[r] * y[i];
            }
        }
        for (int r = 0; r < f; r++) {
            a[r][r] += 1e-6;
        }
        for (int c = 0; c < f; c++) {
            int p = c;
            for (int r = c + 1; r < f; r++) {
                if (Math.abs(a[r][c]) > Math.abs(a[p][c])) {
                    p = r;
                }
            }
            double[] t = a[c];
            a[c] = a[p];
            a[p] = t;
            for (int r = 0; r < f; r++) {
                if (r != c) {
                    double k = a[r][c] / a[c][c];
                    for (int cc = c; cc <= f; cc++) {
                        a[r][cc] -= k * a[c][cc];
                    }
                }
            }
        }
        double err = 0;
        int test = y.length - train;
        for (int i = train; i < y.length; i++) {
            double p = a[0][f] / a[0][0];
            for (int j = 1; j < f; j++) {
                p += a[j][f] / a[j][j] * z[i][j - 1];
            }
            err += (p - y[i]) * (p - y[i]) / test;
        }
        return Math.sqrt(err);
    }

    /** A 2 x 128 ReLU network fitted with Adam (cosine schedule, 40 epochs) on standardized features; label in degrees / 90. */
    static double networkRmse(double[][] x, double[] y, int train, long seed) {
        float[][] z = standardize(x, train);
        int f = z[0].length;
        Tensor in = Tensor.zeros(new Shape(y.length, f, 1, 1));
        Tensor target = Tensor.zeros(new Shape(y.length, 1, 1, 1));
        for (int i = 0; i < y.length; i++) {
            System.arraycopy(z[i], 0, in.data(), i * f, f);
            target.data()[i] = (float) (y[i] / RoadScenes.NORMALIZING_DEGREES);
        }
        Dataset all = Datasets.of(in, target, "lane measurements");
        Dataset tr = Datasets.range(all, 0, train);
        Dataset te = Datasets.range(all, train, y.length);
        SplittableRandom r = new SplittableRandom(seed);
        Network net = Network.of(new Shape(1, f, 1, 1), Dense.of(f, 128, r), ReLU.of(), Dense.of(128, 128, r), ReLU.of(), Dense.of(128, 1, r));
        int epochs = 40;
        new Trainer(net, Loss.mse(), Adam.adam(2e-3, 0), Trainer.Config.of(epochs, 64, seed).withSchedule(Schedule.cosine(100, 0.01)))
                .fit(tr, null, null);
        return Trainer.evaluate(net, Loss.mse(), te, 256).metric() * RoadScenes.NORMALIZING_DEGREES;
    }

    /** One layer's figures at initialization. */
    public record LayerGradient(String layer, String kind, double weightNorm, double gradientNorm) {
        /** Gradient norm over weight norm: the relative size of a plain SGD step of rate 1. */
        public double ratio() {
            return weightNorm == 0 ? Double.NaN : gradientNorm / weightNorm;
        }
    }

    /**
     * The weight (not bias) gradient's L2 norm and the weight's L2 norm of every conv and dense layer on one batch of
     * {@code data} (its first {@code batch} samples), in training mode with {@code loss}.
     */
    public static List<LayerGradient> gradientScale(Network net, Dataset data, int batch, Loss loss) {
        Batch b = Datasets.batch(data, 0, Math.min(batch, data.size()));
        Trace t = net.trace(b.inputs(), Mode.TRAIN);
        Tensor g = Tensor.zeros(t.result().shape());
        loss.evaluate(t.result(), b.targets(), g);
        net.zeroGrad();
        net.backward(t, g, true, false);
        List<LayerGradient> out = new ArrayList<>();
        for (int i = 0; i < net.size(); i++) {
            Layer l = net.layer(i);
            if (l instanceof BatchNorm2d || l.parameters().isEmpty()) {
                continue;
            }
            Parameter w = l.parameters().get(0);
            out.add(new LayerGradient(net.name(i), l.kind(), norm(w.value()), norm(w.grad())));
        }
        return out;
    }

    private static double norm(Tensor t) {
        double s = 0;
        for (float v : t.data()) {
            s += (double) v * v;
        }
        return Math.sqrt(s);
    }
}
