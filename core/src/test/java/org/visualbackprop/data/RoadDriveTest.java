package org.visualbackprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.visualbackprop.data.RoadScene.Car;
import org.visualbackprop.data.RoadScene.LaneLine;
import org.visualbackprop.data.RoadScene.Road;

class RoadDriveTest {
    private static final double STEP = 0.5;

    @Test
    void theSameSeedGivesTheSameDriveAndAnotherSeedAnother() {
        RoadDrive a = RoadDrive.generate(4, 300);
        RoadDrive b = RoadDrive.generate(4, 300);
        for (double s : new double[] {0, 17.5, 120, 300}) {
            assertEquals(a.sceneAt(s), b.sceneAt(s), "at " + s + " m");
        }
        assertEquals(a.events(), b.events());
        assertArrayEquals(a.render(40, STEP, RoadView.SVF).image().data(), b.render(40, STEP, RoadView.SVF).image().data());
        assertNotEquals(a.sceneAt(50), RoadDrive.generate(5, 300).sceneAt(50));
    }

    /**
     * The steering label, the road's geometry and the other cars change by bounded amounts from one frame to the
     * next (0.5 m apart). The bounds follow from the drive's construction, not from its output: the curvature changes
     * at most 1/50 m^-1 over a 20 m clothoid (0.001 per metre, at the car and 30 m ahead); the lateral wander
     * {@code e(s)} has |e'| <= 0.25 * 2pi/150 + 0.08 * 2pi/45 < 0.022 and |e''| < 0.0021 per metre; other cars close
     * or open at most 1 m per metre driven. The label's rate then follows from the pure-pursuit formula:
     * |d label / ds| <= (180/pi) r B (2 / L^2) |dX_c(L)/ds| with |dX_c(L)/ds| <= 0.022 + 10 * 0.0021 + 50 * 0.001.
     */
    @Test
    void consecutiveFramesChangeByBoundedAmounts() {
        double xRate = 0.022 + 10 * 0.0021 + 50 * 0.001;
        double labelRate = Math.toDegrees(RoadScene.STEERING_RATIO) * RoadScene.WHEELBASE_M * 2
                / (RoadScene.LOOKAHEAD_M * RoadScene.LOOKAHEAD_M) * xRate;
        for (long seed = 0; seed < 4; seed++) {
            RoadDrive d = RoadDrive.generate(seed, 500);
            RoadScene prev = d.frame(0, STEP);
            double lo = prev.steeringDegrees();
            double hi = lo;
            double maxCurvature = 0;
            for (int i = 1; i * STEP <= 500; i++) {
                RoadScene s = d.frame(i, STEP);
                String at = "seed " + seed + ", frame " + i;
                assertEquals(prev.odometer() + STEP, s.odometer(), 1e-9, at);
                assertTrue(Math.abs(s.steeringDegrees() - prev.steeringDegrees()) <= labelRate * STEP,
                        at + ": label " + prev.steeringDegrees() + " -> " + s.steeringDegrees() + ", bound " + labelRate * STEP);
                Road r = s.road();
                Road q = prev.road();
                assertTrue(Math.abs(r.curvature() - q.curvature()) <= 0.001 * STEP + 1e-12, at + ": curvature");
                assertTrue(Math.abs(r.curvatureAhead() - q.curvatureAhead()) <= 0.001 * STEP + 1e-12, at + ": curvature ahead");
                assertTrue(Math.abs(r.offset() - q.offset()) <= 0.022 * STEP, at + ": offset");
                assertTrue(Math.abs(r.heading() - q.heading()) <= 0.0021 * STEP, at + ": heading");
                for (Car c : s.cars()) {
                    for (Car p : prev.cars()) {
                        if (p.lateral() == c.lateral() && p.width() == c.width()) {
                            assertTrue(Math.abs(c.distance() - p.distance()) <= STEP + 1e-9, at + ": car " + p + " -> " + c);
                        }
                    }
                }
                lo = Math.min(lo, s.steeringDegrees());
                hi = Math.max(hi, s.steeringDegrees());
                maxCurvature = Math.max(maxCurvature, Math.abs(r.curvature()));
                prev = s;
            }
            assertTrue(maxCurvature >= 1.0 / 300, "seed " + seed + " drives through a curve: " + maxCurvature);
            assertTrue(hi - lo > 20, "seed " + seed + ": the label spans " + lo + " .. " + hi);
        }
    }

    /**
     * Consecutive frames show nearly the same scene: summed over the drive, the share of pixels whose ground-truth
     * label (a lane marking, the road, a shadow, a car...) changes from one frame to the next is a small fraction of
     * the share that changes over 100 m, and no single step changes a tenth of the frame (near the camera the ground
     * moves about 16 pixel rows per frame, so a dappled shadow there can relabel a few percent in one step). Labels,
     * not pixel values, because the sensor noise changes every frame.
     */
    @Test
    void consecutiveFramesShowNearlyTheSameSceneAndFramesFarApartDoNot() {
        RoadDrive d = RoadDrive.generate(2, 400);
        double near = 0;
        double far = 0;
        for (int t = 0; t + 200 <= 800; t += 40) {
            byte[] a = d.render(t, STEP, RoadView.SVF).labelCodes();
            double next = changed(a, d.render(t + 1, STEP, RoadView.SVF).labelCodes());
            assertTrue(next < 0.1, "frame " + t + " to " + (t + 1) + ": " + next + " of the labels change");
            near += next;
            far += changed(a, d.render(t + 200, STEP, RoadView.SVF).labelCodes());
        }
        assertTrue(far > 5 * near, "labels changed: " + near + " from frame to frame, " + far + " over 100 m (sums)");
    }

    private static double changed(byte[] a, byte[] b) {
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                n++;
            }
        }
        return (double) n / a.length;
    }

    @Test
    void everyKindOfEventHappensInALongDriveAndTheFirstOnesComeInOrder() {
        RoadDrive d = RoadDrive.generate(9, 1500);
        List<RoadDrive.Event> events = d.events();
        assertEquals(RoadDrive.EventKind.CURVE, events.get(0).kind());
        assertEquals(RoadDrive.EventKind.MARKING_ENDS, events.get(1).kind());
        for (RoadDrive.EventKind k : RoadDrive.EventKind.values()) {
            assertTrue(events.stream().anyMatch(e -> e.kind() == k), k + " in " + events);
        }
        boolean sawCar = false;
        boolean sawShadow = false;
        boolean sawCrossing = false;
        for (int i = 0; i * 2.0 <= 1500; i++) {
            RoadScene s = d.frame(i, 2.0);
            sawCar |= !s.cars().isEmpty();
            sawShadow |= !s.shadows().isEmpty();
            sawCrossing |= !s.crossMarkings().isEmpty();
        }
        assertTrue(sawCar && sawShadow && sawCrossing, "cars " + sawCar + ", shadows " + sawShadow + ", crossings " + sawCrossing);
    }

    /** While the car is in the gap of an ending marking, the rows that show the gap have no pixel of that marking. */
    @Test
    void theEndingMarkingIsGoneFromTheNearRowsInsideItsGap() {
        RoadDrive d = RoadDrive.generate(9, 400);
        RoadDrive.Event ends = d.events().stream().filter(e -> e.kind() == RoadDrive.EventKind.MARKING_ENDS).findFirst().orElseThrow();
        RoadScene before = d.sceneAt(ends.from());
        int side = -1;
        for (int i = 0; i < before.lines().size(); i++) {
            if (before.lines().get(i).hasGap()) {
                side = i;
            }
        }
        assertTrue(side == before.leftLine() || side == before.rightLine(), "the gap is in the car's lane: " + side);
        LaneLine line = before.lines().get(side);
        double gapFrom = line.gapFrom() - before.odometer() + ends.from();
        double inside = gapFrom + 8;
        assertTrue(inside < ends.to() - 20, "gap long enough for the test: " + ends);
        assertTrue(markingPixelsNear(before, side) > 0, "the marking shows before its gap");
        assertEquals(0, markingPixelsNear(d.sceneAt(inside), side), "no marking pixels in the gap");
    }

    /**
     * Lane-marking pixels of the SVF view in the rows whose ground lies less than 12 m ahead, within 0.6 m of
     * boundary {@code side}, located by projecting the boundary through the pinhole camera of {@link RoadRenderer}'s
     * class comment ({@code Z = f h / (y + horizon)}, {@code x = 320 + f X / Z}).
     */
    private static int markingPixelsNear(RoadScene s, int side) {
        RoadFrame f = RoadScenes.render(s, RoadView.SVF);
        double fpx = RoadScenes.FOCAL_PX;
        int count = 0;
        for (int y = 0; y < f.height(); y++) {
            double z = fpx * s.camera().height() / (y + 0.5 + s.camera().horizon());
            if (z > 12) {
                continue;
            }
            double xb = s.road().centreX(z) + s.road().boundaryU(side);
            double x0 = 320 + fpx * (xb - 0.6) / z;
            double x1 = 320 + fpx * (xb + 0.6) / z;
            for (int x = Math.max(0, (int) x0); x < Math.min(f.width(), (int) Math.ceil(x1)); x++) {
                if (f.label(y, x) == Label.LANE_MARKING) {
                    count++;
                }
            }
        }
        return count;
    }

    @Test
    void aLineWithAGapRendersAsTheLineThatEndsOrStartsThere() {
        RoadScene s = RoadScenesTest.calmScene();
        double odo = s.odometer();
        LaneLine solid = LaneLine.solid(0.85);
        // a gap that begins 9 m ahead and lasts past the horizon: the same as a line that ends 9 m ahead
        RoadScene gapAhead = s.withLine(1, solid.withGap(odo + 9, odo + 5000));
        RoadScene ends = s.withLine(1, solid.between(Double.NEGATIVE_INFINITY, odo + 9));
        assertArrayEquals(RoadScenes.render(ends, RoadView.SVF).image().data(), RoadScenes.render(gapAhead, RoadView.SVF).image().data());
        // a gap behind the car that ends 20 m ahead: the same as a line that starts 20 m ahead
        RoadScene gapBehind = s.withLine(1, solid.withGap(odo - 50, odo + 20));
        RoadScene starts = s.withLine(1, solid.between(odo + 20, Double.POSITIVE_INFINITY));
        assertArrayEquals(RoadScenes.render(starts, RoadView.SVF).image().data(), RoadScenes.render(gapBehind, RoadView.SVF).image().data());
        assertFalse(java.util.Arrays.equals(RoadScenes.render(s.withLine(1, solid), RoadView.SVF).image().data(),
                RoadScenes.render(gapBehind, RoadView.SVF).image().data()));
        assertFalse(solid.hasGap());
        assertTrue(solid.withGap(1, 2).hasGap());
    }

    /**
     * The centre line of a road whose curvature ramps over {@link Road#CLOTHOID_M} is the double integral of its
     * curvature: {@code X(z) = offset + heading z + integral_0^z (z - t) kappa(t) dt}, here by Simpson's rule.
     */
    @Test
    void theClothoidCentreLineIsTheDoubleIntegralOfItsCurvature() {
        Road r = new Road(0.004, 0.01, -0.3, 3.5, 2, 0, 1, 1, false, false, -0.012);
        for (double z : new double[] {0, 3, 10, 29.9, 30, 30.1, 55, 120}) {
            int n = 2000;
            double h = z / n;
            double sum = 0;
            for (int i = 0; i <= n; i++) {
                double t = i * h;
                double w = i == 0 || i == n ? 1 : i % 2 == 1 ? 4 : 2;
                sum += w * (z - t) * r.curvatureAt(t);
            }
            double expected = r.offset() + r.heading() * z + sum * h / 3;
            assertEquals(expected, r.centreX(z), 1e-6 * Math.max(1, Math.abs(expected)), "X at " + z);
            double dz = 1e-4;
            assertEquals((r.centreX(z + dz) - r.centreX(Math.max(0, z - dz))) / (z + dz - Math.max(0, z - dz)), r.slope(z), 1e-6,
                    "slope at " + z);
        }
        assertEquals(-0.012, r.curvatureAt(30), 1e-15);
        assertEquals(0.004, r.curvatureAt(0), 1e-15);
        Road constant = new Road(0.004, 0.01, -0.3, 3.5, 2, 0, 1, 1, false, false);
        assertEquals(0.004, constant.curvatureAhead());
        assertEquals(-0.3 + 0.01 * 80 + 0.5 * 0.004 * 80 * 80, constant.centreX(80), 1e-12);
    }

    @Test
    void badArgumentsAreRefusedWithTheirValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RoadDrive.generate(1, 0));
        assertTrue(e.getMessage().contains("0.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RoadDrive.generate(1, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> RoadDrive.generate(1, Double.POSITIVE_INFINITY));
        RoadDrive d = RoadDrive.generate(1, 100);
        e = assertThrows(IllegalArgumentException.class, () -> d.sceneAt(100.5));
        assertTrue(e.getMessage().contains("100.5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> d.sceneAt(-1));
        e = assertThrows(IllegalArgumentException.class, () -> d.frame(-1, 0.5));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> d.frame(1, 0));
        assertTrue(e.getMessage().contains("0.0"), e.getMessage());
        assertEquals(d.sceneAt(100), d.frame(200, 0.5), "the last frame is the end of the drive");
        e = assertThrows(IllegalArgumentException.class, () -> new Road(0, 0, 0, 3.5, 2, 0, 1, 1, false, false, 0.2));
        assertTrue(e.getMessage().contains("curvatureAhead"), e.getMessage());
    }
}
