package org.visualbackprop.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.visualbackprop.nn.BatchNorm2d;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Flatten;
import org.visualbackprop.nn.MaxPool2d;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.ReLU;
import org.visualbackprop.nn.Tanh;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;

/**
 * Each LRP rule on a hand-worked example: one Dense layer with weights (2, -1), bias 0.5, input (1, 2), so
 * {@code z = 2 - 2 + 0.5 = 0.5} and the relevance to distribute is the output itself.
 */
class LrpRuleTest {
    private static final float[] W = {2f, -1f};
    private static final float B = 0.5f;
    private static final float[] X = {1f, 2f};
    private static final double STAB = LrpComposite.ZENNIT_STABILIZER;

    private static double[] relevance(LrpRule rule) {
        Network net = Network.of(Shape.vector(1, 2), Dense.withWeights(Tensor.of(new Shape(1, 2, 1, 1), W), Tensor.of(Shape.vector(1, 1), B)));
        LrpComposite c = LrpComposite.builder("test").rule(Dense.class, rule).build();
        Attribution a = Lrp.of(c).attribute(net.trace(Tensor.of(Shape.vector(1, 2), X), Mode.EVAL), Target.predicted());
        return new double[] {a.value(0, 0, 0, 0), a.value(0, 1, 0, 0)};
    }

    @Test
    void epsilon() {
        // R_i = x_i w_i / (z + eps) * z with z = 0.5, eps = 1
        double[] r = relevance(LrpRule.epsilon(1));
        assertEquals(2 * 0.5 / 1.5, r[0], 1e-6);
        assertEquals(-2 * 0.5 / 1.5, r[1], 1e-6);
    }

    @Test
    void zWithoutBiasConservesTheOutputMinusNothing() {
        // z - b = 0: the denominator is zero, so nothing passes (0/0 := 0)
        double[] r = relevance(LrpRule.zWithoutBias());
        assertEquals(0, r[0]);
        assertEquals(0, r[1]);
    }

    @Test
    void zPlusUsesOnlyPositiveContributionsAndThePositiveBias() {
        // inputs are positive: z+ = 1 * 2 + b+ = 2.5; only input 0 has a positive weight
        double[] r = relevance(LrpRule.zPlus());
        assertEquals(2 / (2.5 + STAB) * 0.5, r[0], 1e-7);
        assertEquals(0, r[1], 1e-12);
    }

    @Test
    void alphaTwoBetaOneWeighsPositiveAndNegativeParts() {
        // z+ = 2.5 (as above), z- = 2 * (-1) + b- = -2; R_0 = 2 * 2/2.5 * R, R_1 = -1 * (-2)/(-2) * R, R = 0.5
        double[] r = relevance(LrpRule.alphaBeta(2, 1));
        assertEquals(2 * 2 / (2.5 + STAB) * 0.5, r[0], 1e-6);
        assertEquals(-1 * (-2) / (-2 - STAB) * 0.5, r[1], 1e-6);
        assertThrows(IllegalArgumentException.class, () -> LrpRule.alphaBeta(2, 0.5));
    }

    @Test
    void flatSpreadsEvenlyOverTheReceptiveField() {
        double[] r = relevance(LrpRule.flat());
        assertEquals(0.5 / (2 + STAB) * 1, r[0], 1e-7);
        assertEquals(r[0], r[1]);
    }

    @Test
    void wSquareSharesBySquaredWeightsWithTheSquaredBiasInTheDenominator() {
        double[] r = relevance(LrpRule.wSquare());
        assertEquals(4 / (5.25 + STAB) * 0.5, r[0], 1e-7);
        assertEquals(1 / (5.25 + STAB) * 0.5, r[1], 1e-7);
    }

    @Test
    void flatOnAPaddedConvCountsOnlyRealInputs() {
        // a 3x3 conv with padding 1 on a 2x2 input: each output sees 4 real pixels; each pixel is seen by 4 outputs
        SplittableRandom rnd = new SplittableRandom(3);
        Conv2d conv = Conv2d.withWeights(new Window(3, 3, 1, 1, 1, 1), Tensor.uniform(new Shape(1, 1, 3, 3), 0.1f, 1f, rnd), null);
        Network net = Network.of(new Shape(1, 1, 2, 2), conv, ReLU.of(), Flatten.of(), Dense.withWeights(Tensor.of(new Shape(1, 4, 1, 1), 1, 1, 1, 1), null));
        LrpComposite c = LrpComposite.builder("flat").rule(Conv2d.class, LrpRule.flat()).rule(Dense.class, LrpRule.epsilon(0))
                .rule(ReLU.class, LrpRule.pass()).build();
        var t = net.trace(Tensor.of(new Shape(1, 1, 2, 2), 1, 2, 3, 4), Mode.EVAL);
        Attribution a = Lrp.of(c).attribute(t, Target.predicted());
        float[] conv1 = t.output(0).data();
        for (int q = 0; q < 4; q++) {
            double want = 0;
            for (int j = 0; j < 4; j++) {
                want += conv1[j] / (4 + STAB);
            }
            assertEquals(want, a.map(0)[q], 1e-5 * want);
        }
    }

    @Test
    void compositesRefuseRulesForLayersTheyCannotHandle() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LrpComposite.builder("bad").rule(MaxPool2d.class, LrpRule.epsilon(1)).build());
        assertTrue(e.getMessage().contains("MaxPool2d"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LrpComposite.builder("bad").rule(Conv2d.class, LrpRule.pass()).build());
        assertThrows(IllegalArgumentException.class, () -> LrpComposite.builder("bad").rule(Dense.class, LrpRule.winnerTakesAll()).build());
        // BatchNormAffine only on BatchNorm2d; Pass on BatchNorm2d is zennit's base map
        LrpComposite.builder("ok").rule(BatchNorm2d.class, LrpRule.pass()).build();
        SplittableRandom r = new SplittableRandom(1);
        Network tanh = Network.of(Shape.vector(1, 3), Dense.of(3, 3, r), Tanh.of(), Dense.of(3, 1, r));
        UnsupportedNetworkException u = assertThrows(UnsupportedNetworkException.class, () -> Lrp.of(LrpComposite.epsilonPlusFlat(1e-6))
                .attribute(tanh.trace(Tensor.of(Shape.vector(1, 3), 1, 2, 3), Mode.EVAL), Target.predicted()));
        assertTrue(u.getMessage().contains("tanh1 (Tanh)") && u.getMessage().contains("EpsilonPlusFlat"), u.getMessage());
    }
}
