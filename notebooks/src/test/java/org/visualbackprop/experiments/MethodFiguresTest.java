package org.visualbackprop.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.visualbackprop.data.Label;
import org.visualbackprop.data.RoadView;
import org.visualbackprop.explain.Explanation;
import org.visualbackprop.explain.MaskMass;
import org.visualbackprop.explain.VbpPlan;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.testing.Tolerances;

class MethodFiguresTest {
    private static MethodFigures standard;

    @BeforeAll
    static void build() {
        standard = MethodFigures.of(MethodFigures.Config.standard());
    }

    @Test
    void theStandardFigureExplainsARoadFrameThroughNetSvf() {
        Explanation e = standard.explanation();
        assertEquals(PaperNets.NETSVF_INPUT, standard.network().inputShape());
        assertEquals(new Shape(1, 1, 125, 640), e.mask().shape());
        assertEquals(PaperNets.DRIVING_CHANNELS.length, e.averagedMaps().size());
        for (float v : e.mask().data()) {
            assertTrue(v >= 0 && v <= 1, "mask value " + v);
        }
        assertTrue(!e.isFlat(0), "the standard frame's mask is not flat");
        assertTrue(standard.describe().startsWith("NetSVF (weights from seed 1, not trained"), standard.describe());
    }

    @Test
    void theHigherFieldOfViewUsesNetHvf() {
        MethodFigures hvf = MethodFigures.of(MethodFigures.Config.standard().withView(RoadView.HVF));
        assertEquals(PaperNets.NETHVF_INPUT, hvf.network().inputShape());
        assertEquals(new Shape(1, 1, 125, 349), hvf.explanation().mask().shape());
    }

    @Test
    void theSameConfigGivesTheSameMask() {
        float[] a = standard.explanation().mask().data();
        float[] b = MethodFigures.of(MethodFigures.Config.standard()).explanation().mask().data();
        for (int q = 0; q < a.length; q++) {
            assertEquals(a[q], b[q], "mask pixel " + q);
        }
    }

    @Test
    void figure1ListsEveryStageFromTheDeepestConvLayerDown() {
        String html = standard.planHtml();
        VbpPlan plan = VbpPlan.of(standard.network());
        int last = -1;
        for (int s = plan.stages().size() - 1; s >= 0; s--) {
            int at = html.indexOf("<td>" + plan.stages().get(s).name() + "</td>");
            assertTrue(at > last, "stage " + plan.stages().get(s).name() + " in order in " + html);
            last = at;
        }
        assertTrue(html.contains("1 x 1 x 17 (mean of 128)"), "NetSVF's deepest map is 1 x 17: " + html);
        assertTrue(html.contains("normalized to [0, 1]"), html);
    }

    @Test
    void figuresAreRenderedHeadless() {
        BufferedImage f2 = standard.figure2();
        int rows = 1 + PaperNets.DRIVING_CHANNELS.length;
        assertTrue(f2.getWidth() >= 2 * 640, "two columns of 640: " + f2.getWidth());
        assertTrue(f2.getHeight() > rows * 14, "a labelled row per conv layer and one for input and mask: " + f2.getHeight());
        BufferedImage f3 = standard.figure3();
        assertTrue(f3.getWidth() >= 2 * 640 && f3.getHeight() >= 2 * 125, f3.getWidth() + " x " + f3.getHeight());
        BufferedImage zoomed = MethodFigures.overlayRow(standard.explanation(), 2, "label");
        assertTrue(zoomed.getWidth() >= 2 * 2 * 640, "zoomed: " + zoomed.getWidth());
        assertThrows(IllegalArgumentException.class, () -> MethodFigures.overlayRow(standard.explanation(), 0, "label"));
    }

    @Test
    void theMasksSharesOverAllLabelsAddUpToOne() {
        // every pixel has exactly one label, so the shares of the mask (and of the frame) over all labels sum to 1
        Map<Label, MaskMass.Share> shares = standard.sharesByLabel();
        assertTrue(shares.containsKey(Label.LANE_MARKING) && shares.containsKey(Label.ROAD), "labels " + shares.keySet());
        double mass = 0;
        double area = 0;
        for (Map.Entry<Label, MaskMass.Share> e : shares.entrySet()) {
            assertTrue(standard.frame().count(e.getKey()) > 0, e.getKey().toString());
            assertTrue(Double.isFinite(e.getValue().enrichment()), e.getKey() + ": " + e.getValue());
            mass += e.getValue().massShare();
            area += e.getValue().areaShare();
        }
        assertEquals(1.0, mass, Tolerances.F64);
        assertEquals(1.0, area, Tolerances.F64);
        assertTrue(standard.sharesHtml().contains("<td>lane marking</td>"), standard.sharesHtml());
    }

    @Test
    void aLabelTheFrameLacksIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> standard.share(Label.CAR));
    }
}
