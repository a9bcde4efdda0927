package org.visualbackprop.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.visualbackprop.data.Label;
import org.visualbackprop.data.RoadFrame;
import org.visualbackprop.data.RoadScene;
import org.visualbackprop.data.RoadScenes;
import org.visualbackprop.data.RoadView;
import org.visualbackprop.data.SceneKind;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.train.Loss;

/** The steering floor's lane measurements against the rendered frames, and the gradient-scale table. */
class LearnabilityTest {
    /**
     * The lane measurements must be where the renderer paints the lines: at each measured row, the ego lane's
     * boundaries (centre +- width / 2) fall on lane-marking pixels of the rendered label map, for scenes whose ego lane
     * has solid lines on both sides.
     */
    @Test
    void laneMeasurementsLieOnTheRenderedLaneMarkings() {
        int checked = 0;
        for (int i = 0; i < 400 && checked < 12; i++) {
            RoadScene s = RoadScenes.generate(77, i, SceneKind.ANY);
            if (s.lines().get(s.leftLine()).type() != RoadScene.LineType.SOLID || s.lines().get(s.rightLine()).type() != RoadScene.LineType.SOLID
                    || !s.cars().isEmpty()) {
                continue;
            }
            RoadFrame f = RoadScenes.render(s, RoadView.SVF);
            double[] m = Learnability.laneFeatures(s, 0);
            for (int r = 0; r < Learnability.ROWS.length; r++) {
                int y = Learnability.ROWS[r];
                for (int side : new int[] {-1, 1}) {
                    // pixel column c covers [c, c + 1): the boundary at column x lies in pixel floor(x)
                    double x = m[2 * r] + side * m[2 * r + 1] / 2;
                    int c = (int) Math.floor(x);
                    if (c < 2 || c > 637) {
                        continue;
                    }
                    boolean marked = false;
                    for (int dc = -2; dc <= 2; dc++) {
                        marked |= f.label(y, c + dc) == Label.LANE_MARKING;
                    }
                    assertTrue(marked, "scene " + i + ", row " + y + ": no lane marking within 2 pixels of column " + x);
                }
            }
            checked++;
        }
        assertTrue(checked >= 5, "only " + checked + " scenes with solid lines on both sides");
    }

    @Test
    void aStraightCentredRoadIsMeasuredAtTheImageCentre() {
        RoadScene s = RoadScenes.generate(11, 0, SceneKind.STRAIGHT);
        s = s.withRoad(s.road().withCurvature(0).withHeading(0).withOffset(0));
        double[] m = Learnability.laneFeatures(s, 0);
        for (int r = 0; r < Learnability.ROWS.length; r++) {
            assertEquals(320, m[2 * r], 1e-9);
            double z = RoadScenes.FOCAL_PX * s.camera().height() / (Learnability.ROWS[r] + 0.5 + s.camera().horizon());
            assertEquals(RoadScenes.FOCAL_PX * s.road().laneWidth() / z, m[2 * r + 1], 1e-9);
        }
        assertEquals(s.camera().horizon(), m[m.length - 1], 0);
        assertEquals(Math.rint(m[2] / 2) * 2, Learnability.laneFeatures(s, 2)[2], 0);
    }

    @Test
    void theFloorIsFarBelowTheMeanPredictorAndAnUntrainedHeadPassesNoGradientDown() {
        Learnability.Floor f = Learnability.steeringFloor(3, 1500, 500, 1);
        assertTrue(f.mlpRmse() < f.meanRmse() / 5 && f.linearRmse() < f.meanRmse() / 3, f.table());
        assertTrue(f.table().contains("perfect lane detector"));
        List<Learnability.LayerGradient> g = Learnability.gradientScale(PaperNets.small(RoadView.SVF.inputShape(), 1, false, 1),
                RoadScenes.of(1, 4, RoadView.SVF), 4, Loss.mse());
        // the output layer starts at zero: only it gets a gradient on the first step
        Learnability.LayerGradient head = g.get(g.size() - 1);
        assertEquals(0, head.weightNorm());
        assertTrue(head.gradientNorm() > 0);
        for (Learnability.LayerGradient l : g.subList(0, g.size() - 1)) {
            assertEquals(0, l.gradientNorm(), l.layer());
            assertTrue(l.weightNorm() > 0, l.layer());
        }
    }
}
