package org.visualbackprop.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.visualbackprop.explain.Explanation;
import org.visualbackprop.explain.VbpPlan;
import org.visualbackprop.tensor.Shape;

class BarTrainingTest {
    /** Smaller than {@link BarTraining.Config#quick()}: the test checks the plumbing and that training helps. */
    private static final BarTraining.Config TINY = new BarTraining.Config(24, 64, 300, 20, 3, 32, 0.01, 7);

    private static BarTraining trained;
    private static BarTraining untrained;

    @BeforeAll
    static void build() {
        trained = BarTraining.train(TINY);
        untrained = BarTraining.train(TINY.withEpochs(0));
    }

    @Test
    void quickSizeIsChosenByTheEnvironmentVariable() {
        assertEquals(BarTraining.Config.quick(), BarTraining.Config.fromEnvironment(Map.of("VBP_QUICK", "1")));
        assertEquals(BarTraining.Config.quick(), BarTraining.Config.fromEnvironment(Map.of("VBP_QUICK", "true")));
        assertEquals(BarTraining.Config.full(), BarTraining.Config.fromEnvironment(Map.of("VBP_QUICK", "0")));
        assertEquals(BarTraining.Config.full(), BarTraining.Config.fromEnvironment(Map.of("VBP_QUICK", " ")));
        assertEquals(BarTraining.Config.full(), BarTraining.Config.fromEnvironment(Map.of()));
    }

    @Test
    void invalidConfigsAreRejectedWithTheirValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BarTraining.Config(24, 64, 0, 20, 1, 32, 0.01, 1));
        assertTrue(e.getMessage().contains("0 training"), e.getMessage());
    }

    @Test
    void trainingRecordsOneReportPerEpochAndUntrainedNone() {
        assertEquals(TINY.epochs(), trained.history().size());
        assertTrue(untrained.history().isEmpty());
        assertTrue(trained.historyText().contains("epoch 3: train mse"), trained.historyText());
        assertTrue(trained.historyText().startsWith("small net: "), trained.historyText());
    }

    @Test
    void theSameSeedGivesTheSameNetworkAndMask() {
        BarTraining again = BarTraining.train(TINY.withEpochs(0));
        assertEquals(untrained.predict(0), again.predict(0));
        float[] a = untrained.explain(1).mask().data();
        float[] b = again.explain(1).mask().data();
        assertEquals(a.length, b.length);
        for (int q = 0; q < a.length; q++) {
            assertEquals(a[q], b[q], "mask pixel " + q);
        }
    }

    @Test
    void theMaskHasTheFrameSizeAndLiesInTheUnitInterval() {
        Explanation e = trained.explain(0);
        assertEquals(new Shape(1, 1, TINY.height(), TINY.width()), e.mask().shape());
        for (float v : e.mask().data()) {
            assertTrue(v >= 0 && v <= 1, "mask value " + v);
        }
        assertEquals(VbpPlan.of(trained.network()).convCount(), e.averagedMaps().size());
    }

    @Test
    void theTrainedNetworkLooksAtTheBarMoreThanTheUntrainedOne() {
        double before = untrained.meanBarFocus(10);
        double after = trained.meanBarFocus(10);
        assertTrue(after > 1.5, "mean bar focus after training " + after + " (before " + before + ")");
        assertTrue(after > before, "mean bar focus after training " + after + ", before " + before);
    }

    @Test
    void barFocusLiesBetweenZeroAndTheInverseOfTheBandsAreaShare() {
        // the band is at least 2 columns wide (the bar at an edge), so the ratio is at most width / 2
        double f = trained.barFocus(0, trained.explain(0));
        assertTrue(Double.isFinite(f) && f >= 0 && f <= (double) TINY.width() / 2, "bar focus " + f);
    }

    @Test
    void theOverlayIsRenderedHeadlessAndZoomed() {
        Explanation e = trained.explain(2);
        BufferedImage f3 = BarTraining.figure3(e, 2);
        assertTrue(f3.getWidth() >= 2 * 2 * TINY.width(), "input and overlay side by side: " + f3.getWidth());
        assertTrue(trained.figure3(e).getWidth() >= f3.getWidth());
        assertThrows(IllegalArgumentException.class, () -> BarTraining.figure3(e, 0));
    }
}
