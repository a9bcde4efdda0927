package org.visualbackprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.visualbackprop.data.RoadScene.CrossKind;
import org.visualbackprop.data.RoadScene.CrossMarking;
import org.visualbackprop.data.RoadScene.LaneLine;
import org.visualbackprop.data.RoadScene.Road;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.train.Batch;
import org.visualbackprop.train.Datasets;

class RoadScenesTest {

    /** A calm straight scene with dashed lines both sides, no cars, shadows or noise, to tweak in tests. */
    static RoadScene calmScene() {
        RoadScene s = RoadScenes.generate(11, 0, SceneKind.STRAIGHT);
        List<LaneLine> lines = new ArrayList<>(List.of(LaneLine.solid(0.8), LaneLine.dashed(0.85, 0.0),
                LaneLine.dashed(0.85, 0.0), LaneLine.solid(0.8)));
        return s.withRoadAndLines(new Road(0, 0, 0, 3.6, 3, 1, 1.0, 1.0, false, false), lines).withCamera(s.camera().withNoise(0)).withShadows(List.of()).withCars(List.of())
                .withCrossMarkings(List.of());
    }

    @Test
    void sameSeedAndIndexGiveIdenticalFrames() {
        for (RoadView view : RoadView.values()) {
            RoadScenes a = RoadScenes.of(5, 10, view);
            RoadScenes b = RoadScenes.of(5, 10, view);
            float[] x = new float[view.height() * view.width()];
            float[] y = new float[x.length];
            float[] tx = new float[1];
            float[] ty = new float[1];
            for (int i = 0; i < 10; i++) {
                a.load(i, x, 0, tx, 0);
                b.load(i, y, 0, ty, 0);
                assertArrayEquals(x, y, "sample " + i + " of view " + view);
                assertEquals(tx[0], ty[0]);
                assertArrayEquals(a.frame(i).labelCodes(), b.frame(i).labelCodes());
                assertArrayEquals(x, a.frame(i).image().data(), "load and frame agree");
            }
        }
    }

    @Test
    void differentIndicesOrSeedsGiveDifferentScenes() {
        RoadScenes a = RoadScenes.of(5, 3, RoadView.SVF);
        assertNotEquals(a.scene(0), a.scene(1));
        assertNotEquals(a.scene(0), RoadScenes.of(6, 3, RoadView.SVF).scene(0));
        assertFalse(Arrays.equals(a.frame(0).image().data(), a.frame(1).image().data()));
    }

    @Test
    void parallelBatchEqualsSequentialLoads() {
        RoadScenes d = RoadScenes.of(9, 8, RoadView.HVF);
        Batch batch = Datasets.batch(d, 0, 8);
        float[] x = new float[d.inputShape().size()];
        float[] t = new float[1];
        for (int i = 0; i < 8; i++) {
            d.load(i, x, 0, t, 0);
            assertArrayEquals(x, Arrays.copyOfRange(batch.inputs().data(), i * x.length, (i + 1) * x.length));
            assertEquals(t[0], batch.targets().data()[i]);
        }
    }

    @Test
    void shapesMatchThePaperNetworksAndValuesAreEightBitInUnitRange() {
        assertEquals(new Shape(1, 1, 125, 640), RoadScenes.of(1, 1, RoadView.SVF).inputShape());
        assertEquals(new Shape(1, 1, 125, 349), RoadScenes.of(1, 1, RoadView.HVF).inputShape());
        assertEquals(new Shape(1, 1, 1, 1), RoadScenes.of(1, 1, RoadView.SVF).targetShape());
        for (RoadView view : RoadView.values()) {
            for (int i = 0; i < 20; i++) {
                RoadFrame f = RoadScenes.render(RoadScenes.generate(3, i, SceneKind.ANY), view);
                assertEquals(view.inputShape(), f.image().shape());
                for (float v : f.image().data()) {
                    assertTrue(v >= 0 && v <= 1, "value " + v);
                    assertEquals(0f, v * 255f - Math.round(v * 255f), 1e-3f, "8-bit steps");
                }
                assertEquals(view.height() * view.width(), f.labelCodes().length);
            }
        }
    }

    @Test
    void laneMarkingPixelsAreBrighterThanTheRoadBesideThem() {
        int brighter = 0;
        int total = 0;
        for (int i = 0; i < 20; i++) {
            RoadFrame f = RoadScenes.render(RoadScenes.generate(21, i, SceneKind.ANY), RoadView.SVF);
            float[] img = f.image().data();
            int w = f.width();
            for (int y = 0; y < f.height(); y++) {
                for (int x = 0; x < w; x++) {
                    if (f.label(y, x) != Label.LANE_MARKING) {
                        continue;
                    }
                    double sum = 0;
                    int n = 0;
                    for (int dx = -8; dx <= 8; dx++) {
                        int xx = x + dx;
                        if (xx >= 0 && xx < w && (f.label(y, xx) == Label.ROAD || f.label(y, xx) == Label.SHADOW)) {
                            sum += img[y * w + xx];
                            n++;
                        }
                    }
                    if (n > 0) {
                        total++;
                        if (img[y * w + x] > sum / n) {
                            brighter++;
                        }
                    }
                }
            }
        }
        assertTrue(total > 1000, "too few marking pixels: " + total);
        assertTrue(brighter > 0.9 * total, brighter + " of " + total + " marking pixels brighter than the road beside them");
    }

    @Test
    void shadowPixelsAreDarkerThanLitRoad() {
        int frames = 0;
        for (int i = 0; i < 12; i++) {
            RoadFrame f = RoadScenes.render(RoadScenes.generate(4, i, SceneKind.SHADOWS), RoadView.SVF);
            if (f.count(Label.SHADOW) < 500 || f.count(Label.ROAD) < 500) {
                continue;
            }
            frames++;
            assertTrue(mean(f, Label.SHADOW) < mean(f, Label.ROAD), "frame " + i + ": shadow " + mean(f, Label.SHADOW)
                    + " vs road " + mean(f, Label.ROAD));
        }
        assertTrue(frames >= 6, "only " + frames + " frames with both shadow and lit road");
    }

    @Test
    void steeringSignFollowsTheCurve() {
        RoadScene s = calmScene();
        RoadScene right = s.withRoad(s.road().withCurvature(1.0 / 60));
        RoadScene left = s.withRoad(s.road().withCurvature(-1.0 / 60));
        assertTrue(right.steeringDegrees() < -10, "right bend steers right (negative): " + right.steeringDegrees());
        assertTrue(left.steeringDegrees() > 10, "left bend steers left (positive): " + left.steeringDegrees());
        assertEquals(0.0, s.steeringDegrees(), 1e-12);
        // and the picture bends the same way: markings drift right towards the top of a right bend
        assertTrue(markingDrift(right) > 20, "drift " + markingDrift(right));
        assertTrue(markingDrift(left) < -20, "drift " + markingDrift(left));
    }

    /** With only the car's lane marked: mean column of marking pixels in the top 25 rows minus the bottom 25 rows. */
    private static double markingDrift(RoadScene s) {
        List<LaneLine> only = new ArrayList<>();
        for (int i = 0; i < s.lines().size(); i++) {
            only.add(i == s.leftLine() || i == s.rightLine() ? LaneLine.solid(0.8) : LaneLine.none());
        }
        RoadFrame f = RoadScenes.render(s.withLines(only), RoadView.SVF);
        return meanColumn(f, 0, 25) - meanColumn(f, 100, 125);
    }

    private static double meanColumn(RoadFrame f, int y0, int y1) {
        double sum = 0;
        int n = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = 0; x < f.width(); x++) {
                if (f.label(y, x) == Label.LANE_MARKING) {
                    sum += x;
                    n++;
                }
            }
        }
        assertTrue(n > 0, "no markings in rows " + y0 + ".." + y1);
        return sum / n;
    }

    @Test
    void steeringIsThePurePursuitFormula() {
        for (int i = 0; i < 200; i++) {
            RoadScene s = RoadScenes.generate(8, i, SceneKind.ANY);
            Road r = s.road();
            double l = 10.0;
            double x = r.offset() + r.heading() * l + r.curvature() * l * l / 2;
            double k = 2 * x / (x * x + l * l);
            double expected = -Math.toDegrees(14.8 * Math.atan(2.85 * k));
            assertEquals(expected, s.steeringDegrees(), 1e-9);
        }
    }

    @Test
    void offsetAndHeadingCorrectTowardsTheLaneCentre() {
        RoadScene s = calmScene();
        // lane centre to the right of the car: steer right (negative)
        assertTrue(s.withRoad(s.road().withOffset(0.5)).steeringDegrees() < 0);
        assertTrue(s.withRoad(s.road().withHeading(0.02)).steeringDegrees() < 0);
        assertTrue(s.withRoad(s.road().withOffset(-0.5)).steeringDegrees() > 0);
    }

    @Test
    void normalizedTargetsStayNearUnitRangeAndAreCentred() {
        RoadScenes d = RoadScenes.of(13, 2000, RoadView.SVF);
        double sum = 0;
        double sq = 0;
        for (int i = 0; i < d.size(); i++) {
            double t = d.target(i);
            assertTrue(Math.abs(t) <= 1.02, "target " + t + " of sample " + i);
            sum += t;
            sq += t * t;
        }
        double mean = sum / d.size();
        double sd = Math.sqrt(sq / d.size() - mean * mean);
        assertTrue(Math.abs(mean) < 0.05, "mean " + mean);
        assertTrue(sd > 0.05, "targets hardly vary: sd " + sd);
        RoadScenes deg = RoadScenes.of(13, 5, RoadView.SVF, SceneKind.ANY, RoadScenes.Target.DEGREES);
        assertEquals(deg.target(3), d.target(3) * RoadScenes.NORMALIZING_DEGREES, 1e-9);
    }

    @Test
    void horizontalMarkingsAreLabelledAndDoNotChangeSteering() {
        for (SceneKind kind : new SceneKind[] {SceneKind.CROSSWALK, SceneKind.STOP_LINE}) {
            for (int i = 0; i < 5; i++) {
                RoadScene s = RoadScenes.generate(2, i, kind);
                RoadFrame f = RoadScenes.render(s, RoadView.SVF);
                assertTrue(f.count(Label.HORIZONTAL_MARKING) > 200, kind + " " + i + ": " + f.count(Label.HORIZONTAL_MARKING));
                assertEquals(s.steeringDegrees(), s.withCrossMarkings(List.of()).steeringDegrees());
            }
        }
        RoadScene s = calmScene();
        RoadScene walk = s.withCrossMarkings(List.of(new CrossMarking(CrossKind.ZEBRA, s.odometer() + 7, 3,
                s.road().pavementLeft(), s.road().pavementRight(), 0.9)));
        assertEquals(s.steeringDegrees(), walk.steeringDegrees());
        assertTrue(mean(RoadScenes.render(walk, RoadView.SVF), Label.HORIZONTAL_MARKING)
                > mean(RoadScenes.render(walk, RoadView.SVF), Label.ROAD));
    }

    @Test
    void carsAreLabelledAndSkyOnlyInTheTallerView() {
        int withCars = 0;
        for (int i = 0; i < 6; i++) {
            RoadScene s = RoadScenes.generate(1, i, SceneKind.CARS);
            RoadFrame h = RoadScenes.render(s, RoadView.HVF);
            if (h.count(Label.CAR) > 30) {
                withCars++;
            }
            assertTrue(h.count(Label.SKY) + h.count(Label.OFF_ROAD) > 0);
            assertEquals(0, RoadScenes.render(s, RoadView.SVF).count(Label.SKY), "SVF stays below the horizon");
        }
        assertTrue(withCars >= 5, withCars + " of 6 car scenes show cars");
    }

    @Test
    void bothViewsSeeTheSameCameraPixels() {
        // an HVF pixel covers the SVF pixels (2x - 29 .. 2x - 28, 2y - 125 .. 2y - 124)
        int agree = 0;
        int total = 0;
        for (int i = 0; i < 10; i++) {
            RoadScene s = RoadScenes.generate(17, i, SceneKind.ANY);
            RoadFrame a = RoadScenes.render(s, RoadView.SVF);
            RoadFrame b = RoadScenes.render(s, RoadView.HVF);
            for (int y = 63; y < 125; y++) {
                for (int x = 15; x < 334; x++) {
                    if (b.label(y, x) != Label.LANE_MARKING) {
                        continue;
                    }
                    total++;
                    boolean found = false;
                    for (int dy = 0; dy < 2; dy++) {
                        for (int dx = 0; dx < 2; dx++) {
                            int sy = 2 * y - 125 + dy;
                            int sx = 2 * x - 29 + dx;
                            if (sy >= 0 && sy < 125 && sx >= 0 && sx < 640 && a.label(sy, sx) == Label.LANE_MARKING) {
                                found = true;
                            }
                        }
                    }
                    if (found) {
                        agree++;
                    }
                }
            }
        }
        assertTrue(total > 200, "few markings: " + total);
        assertTrue(agree >= 0.99 * total, agree + " of " + total);
    }

    @Test
    void aMarkingThatEndsDisappearsInALaterFrame() {
        for (int i = 0; i < 6; i++) {
            RoadScene s = RoadScenes.generate(3, i, SceneKind.MISSING_MARKING);
            int gone = -1;
            for (int k = 0; k < s.lines().size(); k++) {
                if (s.lines().get(k).to() < Double.POSITIVE_INFINITY) {
                    gone = k;
                }
            }
            assertTrue(gone == s.leftLine() || gone == s.rightLine(), "ending line " + gone + " borders the car's lane");
            RoadScene withoutLine = s.withLine(gone, LaneLine.none());
            assertFalse(Arrays.equals(RoadScenes.render(s, RoadView.SVF).image().data(),
                    RoadScenes.render(withoutLine, RoadView.SVF).image().data()), "visible in the first frame");
            RoadScene later = s.advance(15);
            assertArrayEquals(RoadScenes.render(withoutLine.advance(15), RoadView.SVF).image().data(),
                    RoadScenes.render(later, RoadView.SVF).image().data(), "gone 15 m later");
        }
    }

    @Test
    void driveAdvancesTheOdometer() {
        RoadScene s = calmScene();
        List<RoadFrame> frames = RoadScenes.drive(s, RoadView.SVF, 3, 2.5);
        assertEquals(3, frames.size());
        assertEquals(s.odometer() + 5, frames.get(2).scene().odometer(), 1e-9);
        assertFalse(Arrays.equals(frames.get(0).image().data(), frames.get(1).image().data()));
    }

    @Test
    void everySceneKindRenders() {
        for (SceneKind k : SceneKind.values()) {
            RoadFrame f = RoadScenes.render(RoadScenes.generate(0, 0, k), RoadView.SVF);
            assertTrue(f.count(Label.ROAD) + f.count(Label.SHADOW) > 10_000, k + " shows road");
        }
        RoadScene sharp = RoadScenes.generate(0, 1, SceneKind.SHARP_TURN);
        assertTrue(Math.abs(sharp.road().curvature()) >= 1.0 / 60 * 0.5, "sharp: " + sharp.road().curvature());
    }

    @Test
    void badArgumentsAreRefusedWithTheirValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RoadScenes.of(1, 0, RoadView.SVF));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> RoadScenes.of(1, 3, RoadView.SVF).scene(3));
        e = assertThrows(IllegalArgumentException.class, () -> new Road(0, 0, 0, 3.5, 2, 2, 1, 1, false, false));
        assertTrue(e.getMessage().contains("egoLane") && e.getMessage().contains("2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> calmScene().withLines(List.of(LaneLine.none())));
        assertTrue(e.getMessage().contains("4 lane boundaries"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> calmScene().road().withCurvature(0.5));
        assertTrue(e.getMessage().contains("curvature") && e.getMessage().contains("0.5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> calmScene().advance(Double.NaN));
    }

    @Test
    void describeNamesSeedViewAndTarget() {
        String d = RoadScenes.of(77, 5, RoadView.HVF).describe();
        assertTrue(d.contains("77") && d.contains("HVF") && d.contains("125 x 349") && d.contains("90"), d);
    }

    static double mean(RoadFrame f, Label label) {
        double sum = 0;
        int n = 0;
        float[] img = f.image().data();
        for (int y = 0; y < f.height(); y++) {
            for (int x = 0; x < f.width(); x++) {
                if (f.label(y, x) == label) {
                    sum += img[y * f.width() + x];
                    n++;
                }
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }
}
