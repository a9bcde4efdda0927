package org.visualbackprop.evaluate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.visualbackprop.explain.Attribution;
import org.visualbackprop.explain.Explainer;
import org.visualbackprop.explain.Target;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Flatten;
import org.visualbackprop.nn.LogSoftmax;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.testing.TestData;

/** Region perturbation on linear models, whose gradient-times-input attribution is exact, worked by hand. */
class RegionPerturbationTest {

    @Test
    void aopcOfALinearModelWithItsExactAttributionWorkedByHand() {
        // y = sum_i w_i x_i on a 4 x 4 picture of ones, w = 1..16 in row order: 2 x 2 patches sum to 14, 22, 46, 54.
        // Zero baseline: removing a patch lowers y by its sum. MoRF 54, 46, 22, 14: curve 0, 54, 100, 122, 136, AOPC 412/5;
        // LeRF 14, 22, 46, 54: curve 0, 14, 36, 82, 136, AOPC 268/5
        float[] w = new float[16];
        for (int i = 0; i < 16; i++) {
            w[i] = i + 1;
        }
        Network net = Network.of(new Shape(1, 1, 4, 4), Flatten.of(), Dense.withWeights(Tensor.of(new Shape(1, 16, 1, 1), w), null));
        Tensor x = Tensor.zeros(new Shape(1, 1, 4, 4));
        x.fillInPlace(1f);
        RegionPerturbation.Settings s = new RegionPerturbation.Settings(2, 100, RegionPerturbation.Baseline.ZERO, 1);
        RegionPerturbation.Curves c = RegionPerturbation.run(Explainer.of("gradxinput", net), x, s, true, 3, null);
        assertArrayEquals(new double[] {0, 54, 100, 122, 136}, c.morf()[0], 1e-4);
        assertArrayEquals(new double[] {0, 14, 36, 82, 136}, c.lerf()[0], 1e-4);
        assertEquals(412.0 / 5, c.aopcMorf(), 1e-4);
        assertEquals(268.0 / 5, c.aopcLerf(), 1e-4);
        assertEquals(144.0 / 5, c.abpc(), 1e-4);
    }

    @Test
    void aClassifiersScoreFallsByTheExactAttributionOfThePatchesRemoved() {
        // two classes, y_c = b_c + sum_i w_ci x_i below a LogSoftmax; gradient x input of the explained class is exact, so
        // the MoRF curve is the running sum of the patch sums in falling order, the LeRF curve in rising order
        SplittableRandom r = new SplittableRandom(3);
        Shape in = new Shape(1, 2, 10, 13);
        Network net = Network.of(in, Flatten.of(), Dense.withWeights(Tensor.uniform(new Shape(2, in.sampleSize(), 1, 1), -1, 1, r),
                Tensor.of(Shape.vector(1, 2), 0.5f, -0.3f)), LogSoftmax.of());
        Tensor x = TestData.uniform(in.withBatch(3), r);
        int patch = 4;
        int steps = 7;
        RegionPerturbation.Settings s = new RegionPerturbation.Settings(patch, steps, RegionPerturbation.Baseline.ZERO, 1);
        Attribution a = Explainer.of("gradxinput", net).explain(x, Target.predicted());
        RegionPerturbation.Curves c = RegionPerturbation.run(Explainer.of("gradxinput", net), x, s, false, 5, null);
        for (int f = 0; f < 3; f++) {
            double[] map = a.map(f);
            int py = 3;
            int px = 4;
            double[] sums = new double[py * px];
            double[] area = new double[py * px];
            for (int y = 0; y < 10; y++) {
                for (int xx = 0; xx < 13; xx++) {
                    sums[(y / patch) * px + xx / patch] += map[y * 13 + xx];
                    area[(y / patch) * px + xx / patch]++;
                }
            }
            // patches are ranked by their mean (the 10 x 13 picture cuts the last row and column of 4 x 4 patches short);
            // removing one lowers the score by its sum
            Integer[] order = new Integer[sums.length];
            for (int p = 0; p < order.length; p++) {
                order[p] = p;
            }
            Arrays.sort(order, (p, q) -> Double.compare(sums[p] / area[p], sums[q] / area[q]));
            double down = 0;
            double up = 0;
            double aopcM = 0;
            double aopcL = 0;
            for (int k = 1; k <= steps; k++) {
                down += sums[order[order.length - k]];
                up += sums[order[k - 1]];
                assertEquals(down, c.morf()[f][k], 1e-4, "MoRF frame " + f + " step " + k);
                assertEquals(up, c.lerf()[f][k], 1e-4, "LeRF frame " + f + " step " + k);
                aopcM += down / (steps + 1);
                aopcL += up / (steps + 1);
            }
            assertEquals(aopcM, c.aopcMorf(f), 1e-4);
            assertEquals(aopcL, c.aopcLerf(f), 1e-4);
            assertTrue(c.aopcMorf(f) > c.aopcLerf(f));
        }
    }

    @Test
    void aMapThatIsTheSameEverywhereGivesTheSameCurveInBothOrders() {
        // 10 x 13 with 4 x 4 patches: the last row and column are cut short. Ranked by their sums the cut patches would
        // come last in MoRF and first in LeRF; ranked by their means every patch ties and both orders are row order
        SplittableRandom r = new SplittableRandom(7);
        Shape in = new Shape(1, 1, 10, 13);
        Network net = Network.of(in, Flatten.of(), Dense.withWeights(Tensor.uniform(new Shape(1, 130, 1, 1), -1, 1, r), null));
        Tensor x = TestData.uniform(in.withBatch(2), r);
        double[][] flat = new double[2][130];
        for (double[] m : flat) {
            Arrays.fill(m, 0.5);
        }
        RegionPerturbation.Curves c = RegionPerturbation.curves(net, x, flat, new int[2],
                new RegionPerturbation.Settings(4, 6, RegionPerturbation.Baseline.ZERO, 1), true, 4, null);
        for (int f = 0; f < 2; f++) {
            assertArrayEquals(c.morf()[f], c.lerf()[f], 0.0);
        }
        assertEquals(0.0, c.abpc(), 0.0);
    }

    @Test
    void theBaselinesAreWhatTheirNamesSay() {
        SplittableRandom r = new SplittableRandom(5);
        Shape in = new Shape(2, 2, 9, 11);
        Tensor x = TestData.uniform(in, r);
        Tensor u = RegionPerturbation.baseline(x, new RegionPerturbation.Settings(4, 10, RegionPerturbation.Baseline.UNIFORM, 3));
        int size = in.sampleSize();
        for (int f = 0; f < 2; f++) {
            float lo = Float.POSITIVE_INFINITY;
            float hi = Float.NEGATIVE_INFINITY;
            for (int q = f * size; q < (f + 1) * size; q++) {
                lo = Math.min(lo, x.data()[q]);
                hi = Math.max(hi, x.data()[q]);
            }
            for (int q = f * size; q < (f + 1) * size; q++) {
                assertTrue(u.data()[q] >= lo && u.data()[q] <= hi);
            }
        }
        Tensor m = RegionPerturbation.baseline(x, new RegionPerturbation.Settings(4, 10, RegionPerturbation.Baseline.MEAN, 3));
        for (int c = 0; c < 2; c++) {
            double s = 0;
            for (int f = 0; f < 2; f++) {
                for (int q = 0; q < in.plane(); q++) {
                    s += x.get(f, c, q / 11, q % 11);
                }
            }
            assertEquals(s / (2 * in.plane()), m.get(1, c, 4, 5), 1e-6);
        }
        Tensor flat = Tensor.zeros(in);
        flat.fillInPlace(0.25f);
        Tensor b = RegionPerturbation.baseline(flat, new RegionPerturbation.Settings(4, 10, RegionPerturbation.Baseline.BLUR, 3));
        for (float v : b.data()) {
            assertEquals(0.25, v, 1e-6, "a blurred constant is the constant");
        }
        Tensor z = RegionPerturbation.baseline(x, new RegionPerturbation.Settings(4, 10, RegionPerturbation.Baseline.ZERO, 3));
        assertEquals(0.0, z.sum(), 0.0);
        assertEquals(RegionPerturbation.Baseline.BLUR, RegionPerturbation.Baseline.parse("blur"));
    }
}
