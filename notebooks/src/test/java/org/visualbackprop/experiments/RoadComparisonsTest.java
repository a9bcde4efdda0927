package org.visualbackprop.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.visualbackprop.data.Label;
import org.visualbackprop.data.RoadFrame;
import org.visualbackprop.data.RoadView;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.Network;

class RoadComparisonsTest {
    private static RoadComparisons comparisons;

    @BeforeAll
    static void explain() {
        // untrained small nets: the test checks the frames chosen and the plumbing, not what a network learned
        Map<RoadView, Network> nets = new EnumMap<>(RoadView.class);
        for (RoadView v : RoadView.values()) {
            nets.put(v, PaperNets.small(v.inputShape(), 1, false, 5));
        }
        comparisons = RoadComparisons.of(nets, 1, "lrp");
    }

    @Test
    void everySituationShowsItsFramesInBothViewsOfTheSameScenes() {
        for (RoadComparisons.Situation s : RoadComparisons.Situation.values()) {
            List<RoadComparisons.Frame> svf = comparisons.frames(s, RoadView.SVF);
            List<RoadComparisons.Frame> hvf = comparisons.frames(s, RoadView.HVF);
            assertEquals(s.frames(), svf.size(), s.name());
            assertEquals(s.frames(), hvf.size(), s.name());
            for (int i = 0; i < svf.size(); i++) {
                RoadFrame a = svf.get(i).frame();
                RoadFrame b = hvf.get(i).frame();
                assertEquals(RoadView.SVF, a.view());
                assertEquals(RoadView.HVF, b.view());
                assertEquals(a.steeringDegrees(), b.steeringDegrees(), s + " frame " + i + ": one scene, two views");
                if (s != RoadComparisons.Situation.DISAPPEARING_MARKING) {
                    double share = (double) a.count(s.label()) / (a.height() * a.width());
                    assertTrue(share >= s.minShare() && a.count(s.label()) > 0, s + " frame " + i + " shows " + s.label() + " on " + share);
                    assertNotNull(svf.get(i).vbpShare(), s.name());
                }
                double[] vbp = svf.get(i).explained().vbpMask();
                assertEquals(a.height() * a.width(), vbp.length);
                assertEquals(vbp.length, svf.get(i).lrpMap().length);
            }
        }
    }

    @Test
    void theDisappearingMarkingShrinksFromFrameToFrame() {
        List<RoadComparisons.Frame> f = comparisons.frames(RoadComparisons.Situation.DISAPPEARING_MARKING, RoadView.SVF);
        int first = f.get(0).frame().count(Label.LANE_MARKING);
        int last = f.get(f.size() - 1).frame().count(Label.LANE_MARKING);
        assertTrue(last < first / 2, "lane-marking pixels " + first + " -> " + last);
        assertEquals("frame 2 (5 m on)", f.get(1).explained().title());
    }

    @Test
    void theEvaluationCoversTheHeldOutFramesOfEachView() {
        RoadEvaluation.Result r = comparisons.evaluate(RoadView.HVF, 6);
        assertEquals(6, r.frames());
        assertTrue(r.rmseDegrees() > 0 && r.baselineRmse() > 0, r.toString());
        assertEquals(6, r.vbp().get(Label.LANE_MARKING).frames(), "every frame has lane markings");
    }

    @Test
    void figuresAndTablesCarryEveryFrame() {
        for (RoadComparisons.Situation s : RoadComparisons.Situation.values()) {
            BufferedImage svf = comparisons.figure(s, RoadView.SVF);
            assertEquals(4 + 3 * (640 + 4), svf.getWidth(), "input | VBP | LRP");
            assertTrue(svf.getHeight() >= s.frames() * 125, s.name());
            String table = comparisons.table(s);
            assertEquals(2 * s.frames(), table.lines().filter(l -> l.startsWith("SVF ") || l.startsWith("HVF ")).count(), table);
            assertTrue(table.contains("error"), table);
        }
    }
}
