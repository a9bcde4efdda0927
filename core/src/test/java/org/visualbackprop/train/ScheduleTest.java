package org.visualbackprop.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Learning-rate schedules against PyTorch's schedulers and hand-worked values. */
class ScheduleTest {
    /**
     * PyTorch 1.13: {@code CosineAnnealingLR(SGD(lr=1.0), T_max=9, eta_min=0.1)}, the rate of steps 0..9 (a run of ten
     * steps whose last step reaches the floor).
     */
    static final double[] TORCH_COSINE = {1.0, 0.9728616793536587, 0.89471999940354, 0.7749999999999999, 0.6281416799501187,
            0.4718583200498814, 0.3250000000000001, 0.20528000059645996, 0.12713832064634126, 0.1};

    @Test
    void cosineWithoutWarmUpMatchesPyTorchsCosineAnnealing() {
        Schedule s = Schedule.cosine(0, 0.1);
        for (int i = 0; i < 10; i++) {
            assertEquals(TORCH_COSINE[i], s.factor(i, 10), 1e-12, "step " + i);
        }
    }

    @Test
    void warmUpRisesLinearlyThenTheCosineStartsAtOne() {
        // 4 warm-up steps: 1/4, 2/4, 3/4, 4/4; then cosine over steps 4..12 (8 intervals) down to 0
        Schedule s = Schedule.cosine(4, 0);
        assertEquals(0.25, s.factor(0, 13), 1e-12);
        assertEquals(0.75, s.factor(2, 13), 1e-12);
        assertEquals(1.0, s.factor(3, 13), 1e-12);
        assertEquals(1.0, s.factor(4, 13), 1e-12);
        assertEquals(0.5, s.factor(8, 13), 1e-12); // halfway: (1 + cos(pi/2)) / 2
        assertEquals(0.0, s.factor(12, 13), 1e-12);
        assertEquals(0.0, s.factor(20, 13), 1e-12); // past the end it stays at the floor
    }

    @Test
    void stepDecayMultipliesByGammaEveryPeriodAfterTheWarmUp() {
        Schedule s = Schedule.step(2, 3, 0.1);
        double[] want = {0.5, 1, 1, 1, 1, 0.1, 0.1, 0.1, 0.01};
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], s.factor(i, 100), 1e-12, "step " + i);
        }
    }

    @Test
    void constantIsOneAfterItsWarmUp() {
        assertEquals(1.0, Schedule.constant(0).factor(0, 5), 0.0);
        assertEquals(0.5, Schedule.constant(2).factor(0, 5), 0.0);
        assertEquals(1.0, Schedule.constant(2).factor(4, 5), 0.0);
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Schedule.cosine(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> Schedule.cosine(0, 1.5));
        assertThrows(IllegalArgumentException.class, () -> Schedule.step(0, 0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> Schedule.step(0, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> Schedule.constant(0).factor(-1, 5));
    }
}
