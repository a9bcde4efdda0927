package org.visualbackprop.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.visualbackprop.explain.Explanation;
import org.visualbackprop.explain.VbpPlan;
import org.visualbackprop.tensor.Shape;

class MethodFiguresTest {
    /** Smaller than {@link MethodFigures.Config#quick()}: the test checks the plumbing and that training helps. */
    private static final MethodFigures.Config TINY = new MethodFigures.Config(24, 64, 300, 20, 3, 32, 0.01, 7);

    private static MethodFigures trained;
    private static MethodFigures untrained;

    @BeforeAll
    static void build() {
        trained = MethodFigures.train(TINY);
        untrained = MethodFigures.train(TINY.withEpochs(0));
    }

    @Test
    void quickSizeIsChosenByTheEnvironmentVariable() {
        assertEquals(MethodFigures.Config.quick(), MethodFigures.Config.fromEnvironment(Map.of("VBP_QUICK", "1")));
        assertEquals(MethodFigures.Config.quick(), MethodFigures.Config.fromEnvironment(Map.of("VBP_QUICK", "true")));
        assertEquals(MethodFigures.Config.full(), MethodFigures.Config.fromEnvironment(Map.of("VBP_QUICK", "0")));
        assertEquals(MethodFigures.Config.full(), MethodFigures.Config.fromEnvironment(Map.of("VBP_QUICK", " ")));
        assertEquals(MethodFigures.Config.full(), MethodFigures.Config.fromEnvironment(Map.of()));
    }

    @Test
    void invalidConfigsAreRejectedWithTheirValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MethodFigures.Config(24, 64, 0, 20, 1, 32, 0.01, 1));
        assertTrue(e.getMessage().contains("0 training"), e.getMessage());
    }

    @Test
    void trainingRecordsOneReportPerEpochAndUntrainedNone() {
        assertEquals(TINY.epochs(), trained.history().size());
        assertTrue(untrained.history().isEmpty());
        assertTrue(trained.historyText().contains("epoch 3: train mse"), trained.historyText());
    }

    @Test
    void theSameSeedGivesTheSameNetworkAndMask() {
        MethodFigures again = MethodFigures.train(TINY.withEpochs(0));
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
    void figure1ListsEveryStageFromTheDeepestConvLayerDown() {
        String html = trained.planHtml();
        VbpPlan plan = VbpPlan.of(trained.network());
        int last = -1;
        for (int s = plan.stages().size() - 1; s >= 0; s--) {
            int at = html.indexOf("<td>" + plan.stages().get(s).name() + "</td>");
            assertTrue(at > last, "stage " + plan.stages().get(s).name() + " in order in " + html);
            last = at;
        }
        assertTrue(html.contains("normalized to [0, 1]"), html);
    }

    @Test
    void figuresAreRenderedHeadlessAndZoomed() {
        Explanation e = trained.explain(2);
        BufferedImage f2 = MethodFigures.figure2(e, 1);
        BufferedImage f2x3 = MethodFigures.figure2(e, 3);
        assertEquals(3 * f2.getWidth(), f2x3.getWidth());
        assertEquals(3 * f2.getHeight(), f2x3.getHeight());
        assertTrue(f2.getWidth() >= 2 * TINY.width(), "two columns: " + f2.getWidth());
        BufferedImage f3 = MethodFigures.figure3(e, 2);
        assertTrue(f3.getWidth() >= 2 * 2 * TINY.width(), "input and overlay side by side: " + f3.getWidth());
        assertTrue(trained.figure2(e).getWidth() > 0 && trained.figure3(e).getWidth() > 0);
        assertThrows(IllegalArgumentException.class, () -> MethodFigures.scale(f2, 0));
        assertThrows(IllegalArgumentException.class, () -> MethodFigures.figure3(e, 0));
    }

    @Test
    void nearestNeighbourScalingRepeatsPixels() {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0xff0000);
        img.setRGB(1, 0, 0x00ff00);
        BufferedImage big = MethodFigures.scale(img, 2);
        assertEquals(0xff0000, big.getRGB(1, 1) & 0xffffff);
        assertEquals(0x00ff00, big.getRGB(2, 0) & 0xffffff);
        assertFalse(big == img);
    }
}
