package org.visualbackprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.testing.NumericAssert;
import org.visualbackprop.testing.RandomNets;
import org.visualbackprop.testing.TestData;
import org.visualbackprop.testing.Tolerances;

/**
 * BatchNorm2d against its formulas (Ioffe and Szegedy 2015; Torch's and PyTorch's running averages): in TRAIN mode
 * it normalizes with the batch mean and the biased batch variance over (n, h, w) and updates
 * {@code running = 0.9 running + 0.1 batch}, with the unbiased variance; in EVAL mode it uses the running statistics;
 * in BATCH_STATISTICS mode it normalizes like TRAIN and leaves the running statistics alone.
 */
class BatchNorm2dTest {

    /** {@code [mean, biasedVar]} of channel {@code c} over batch, height and width, in double. */
    private static double[] stats(Tensor x, int c) {
        Shape s = x.shape();
        double sum = 0;
        int m = s.n() * s.plane();
        for (int n = 0; n < s.n(); n++) {
            for (int y = 0; y < s.h(); y++) {
                for (int xx = 0; xx < s.w(); xx++) {
                    sum += x.get(n, c, y, xx);
                }
            }
        }
        double mean = sum / m;
        double sq = 0;
        for (int n = 0; n < s.n(); n++) {
            for (int y = 0; y < s.h(); y++) {
                for (int xx = 0; xx < s.w(); xx++) {
                    sq += (x.get(n, c, y, xx) - mean) * (x.get(n, c, y, xx) - mean);
                }
            }
        }
        return new double[] {mean, sq / m};
    }

    private static double[] normalized(Tensor x, double[] mean, double[] var, float[] gamma, float[] beta, double eps) {
        Shape s = x.shape();
        double[] y = new double[s.size()];
        for (int n = 0; n < s.n(); n++) {
            for (int c = 0; c < s.c(); c++) {
                for (int yy = 0; yy < s.h(); yy++) {
                    for (int xx = 0; xx < s.w(); xx++) {
                        y[s.index(n, c, yy, xx)] = (x.get(n, c, yy, xx) - mean[c]) / Math.sqrt(var[c] + eps) * gamma[c] + beta[c];
                    }
                }
            }
        }
        return y;
    }

    @Test
    void defaultsAreTorchsEpsilonAndMomentumAndAnIdentityStart() {
        BatchNorm2d bn = BatchNorm2d.of(4);
        assertEquals(1e-5f, bn.eps());
        assertEquals(0.1f, bn.momentum());
        for (int c = 0; c < 4; c++) {
            assertEquals(1f, bn.gamma().value().data()[c]);
            assertEquals(0f, bn.beta().value().data()[c]);
            assertEquals(0f, bn.runningMean().data()[c]);
            assertEquals(1f, bn.runningVar().data()[c]);
        }
    }

    @Test
    void aHandWorkedExampleNormalizesAndUpdatesTheRunningAverages() {
        // one channel holding 1, 2, 3, 4: mean 2.5, biased variance 1.25, unbiased variance 5/3
        BatchNorm2d bn = BatchNorm2d.of(1);
        Tensor x = Tensor.of(new Shape(2, 1, 1, 2), 1, 2, 3, 4);
        Tensor y = Tensor.zeros(x.shape());
        bn.forward(x, y, Mode.TRAIN);
        double sd = Math.sqrt(1.25 + 1e-5);
        NumericAssert.assertClose(new double[] {-1.5 / sd, -0.5 / sd, 0.5 / sd, 1.5 / sd}, y.data(), Tolerances.F32, "output");
        assertTrue(Tolerances.close(0.9 * 0 + 0.1 * 2.5, bn.runningMean().data()[0], Tolerances.F32), "running mean");
        assertTrue(Tolerances.close(0.9 * 1 + 0.1 * 5.0 / 3.0, bn.runningVar().data()[0], Tolerances.F32), "running variance");
    }

    @Test
    void trainModeNormalizesWithBatchMeanAndBiasedVariance() {
        SplittableRandom r = new SplittableRandom(41);
        BatchNorm2d bn = RandomNets.batchNorm(3, r);
        Tensor x = Tensor.uniform(new Shape(4, 3, 5, 6), -3f, 5f, r);
        Tensor y = Tensor.zeros(x.shape());
        bn.forward(x, y, Mode.TRAIN);
        double[] mean = new double[3];
        double[] var = new double[3];
        for (int c = 0; c < 3; c++) {
            double[] st = stats(x, c);
            mean[c] = st[0];
            var[c] = st[1];
        }
        NumericAssert.assertClose(normalized(x, mean, var, bn.gamma().value().data(), bn.beta().value().data(), bn.eps()),
                y.data(), Tolerances.F32, "TRAIN output");
    }

    @Test
    void evalModeNormalizesWithTheRunningStatisticsAndChangesNothing() {
        SplittableRandom r = new SplittableRandom(42);
        BatchNorm2d bn = RandomNets.batchNorm(3, r);
        float[] mean0 = bn.runningMean().data().clone();
        float[] var0 = bn.runningVar().data().clone();
        Tensor x = Tensor.uniform(new Shape(2, 3, 4, 4), -3f, 5f, r);
        Tensor y = Tensor.zeros(x.shape());
        bn.forward(x, y, Mode.EVAL);
        double[] mean = TestData.toDouble(mean0);
        double[] var = TestData.toDouble(var0);
        NumericAssert.assertClose(normalized(x, mean, var, bn.gamma().value().data(), bn.beta().value().data(), bn.eps()),
                y.data(), Tolerances.F32, "EVAL output");
        NumericAssert.assertBitIdentical(mean0, bn.runningMean().data(), "running mean after EVAL");
        NumericAssert.assertBitIdentical(var0, bn.runningVar().data(), "running variance after EVAL");
    }

    @Test
    void runningAveragesAfterSeveralTrainStepsFollowTheMomentumRule() {
        SplittableRandom r = new SplittableRandom(43);
        BatchNorm2d bn = BatchNorm2d.of(2);
        double[] mean = {0, 0};
        double[] var = {1, 1};
        for (int step = 0; step < 4; step++) {
            Tensor x = Tensor.uniform(new Shape(3, 2, 3, 5), -1f + step, 2f + 2 * step, r);
            bn.forward(x, Tensor.zeros(x.shape()), Mode.TRAIN);
            int m = 3 * 3 * 5;
            for (int c = 0; c < 2; c++) {
                double[] st = stats(x, c);
                mean[c] = 0.9 * mean[c] + 0.1 * st[0];
                var[c] = 0.9 * var[c] + 0.1 * st[1] * m / (m - 1);
            }
        }
        NumericAssert.assertClose(mean, bn.runningMean().data(), Tolerances.F32, "running mean after 4 steps");
        NumericAssert.assertClose(var, bn.runningVar().data(), Tolerances.F32, "running variance after 4 steps");
    }

    @Test
    void batchStatisticsModeNormalizesLikeTrainButLeavesRunningStatisticsUntouched() {
        SplittableRandom r = new SplittableRandom(44);
        BatchNorm2d bn = RandomNets.batchNorm(3, r);
        float[] mean0 = bn.runningMean().data().clone();
        float[] var0 = bn.runningVar().data().clone();
        Tensor x = Tensor.uniform(new Shape(5, 3, 2, 3), -2f, 3f, r);
        Tensor yBatch = Tensor.zeros(x.shape());
        bn.forward(x, yBatch, Mode.BATCH_STATISTICS);
        NumericAssert.assertBitIdentical(mean0, bn.runningMean().data(), "running mean after BATCH_STATISTICS");
        NumericAssert.assertBitIdentical(var0, bn.runningVar().data(), "running variance after BATCH_STATISTICS");
        Tensor yTrain = Tensor.zeros(x.shape());
        bn.forward(x, yTrain, Mode.TRAIN);
        NumericAssert.assertBitIdentical(yTrain.data(), yBatch.data(), "BATCH_STATISTICS output against TRAIN output");
    }

    @Test
    void featureVectorsAreNormalizedOverTheBatch() {
        SplittableRandom r = new SplittableRandom(45);
        BatchNorm2d bn = RandomNets.batchNorm(4, r);
        Tensor x = Tensor.uniform(Shape.vector(7, 4), -1f, 3f, r);
        Tensor y = Tensor.zeros(x.shape());
        bn.forward(x, y, Mode.TRAIN);
        double[] mean = new double[4];
        double[] var = new double[4];
        for (int c = 0; c < 4; c++) {
            double[] st = stats(x, c);
            mean[c] = st[0];
            var[c] = st[1];
        }
        NumericAssert.assertClose(normalized(x, mean, var, bn.gamma().value().data(), bn.beta().value().data(), bn.eps()),
                y.data(), Tolerances.F32, "TRAIN output on vectors");
    }

    @Test
    void badSettingsAndShapesAreRefusedWithTheValues() {
        Shape s = Shape.vector(1, 2);
        Tensor ones = Tensor.of(s, 1, 1);
        Tensor zeros = Tensor.zeros(s);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BatchNorm2d.withStatistics(1e-5f, 0.1f, ones, zeros, zeros, Tensor.of(s, 1, -1)));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BatchNorm2d.withStatistics(0f, 0.1f, ones, zeros, zeros, ones));
        assertThrows(IllegalArgumentException.class, () -> BatchNorm2d.withStatistics(1e-5f, 1.5f, ones, zeros, zeros, ones));
        assertThrows(ShapeException.class, () -> BatchNorm2d.withStatistics(1e-5f, 0.1f, ones, zeros, zeros, Tensor.zeros(Shape.vector(1, 3))));
        ShapeException wrong = assertThrows(ShapeException.class, () -> BatchNorm2d.of(3).outputShape(new Shape(1, 2, 4, 4)));
        assertTrue(wrong.getMessage().contains("3") && wrong.getMessage().contains("[1, 2, 4, 4]"), wrong.getMessage());
    }
}
