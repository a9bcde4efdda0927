package org.visualbackprop.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.visualbackprop.data.Label;

class RoadEvaluationTableTest {
    @Test
    void aMethodWhoseMapsAreAllZeroIsShownAsDashesNotNaN() {
        // an untrained net with a zero output layer: LRP's relevance is zero on every frame, so no share is defined
        Map<Label, RoadEvaluation.LabelFigures> vbp = new EnumMap<>(Label.class);
        Map<Label, RoadEvaluation.LabelFigures> lrp = new EnumMap<>(Label.class);
        for (Label l : RoadEvaluation.LABELS) {
            vbp.put(l, new RoadEvaluation.LabelFigures(3, 0.25, 0.5));
            lrp.put(l, new RoadEvaluation.LabelFigures(0, Double.NaN, Double.NaN));
        }
        String t = RoadEvaluation.table(new RoadEvaluation.Result(3, 20, 15, 24, vbp, lrp));
        assertFalse(t.contains("NaN"), t);
        String lane = t.lines().filter(s -> s.startsWith("lane_marking")).findFirst().orElseThrow();
        // 3 frames, area 25%, VBP mass 50% = 2x its area; LRP's cells dashed
        assertEquals(java.util.List.of("lane_marking", "3", "25.00%", "|", "50.00%", "2.00x", "|", "-", "-"),
                java.util.List.of(lane.trim().split("\\s+")), lane);
        assertTrue(t.contains("LRP's map is zero on every frame"), t);
    }
}
