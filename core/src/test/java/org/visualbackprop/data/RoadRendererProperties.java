package org.visualbackprop.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.visualbackprop.data.RoadScene.Road;

class RoadRendererProperties {

    /** The exact measure of a periodic pattern over an interval agrees with a fine Riemann sum of its indicator. */
    @Property(tries = 300)
    void patternMeasureEqualsItsNumericalIntegral(@ForAll @DoubleRange(min = -50, max = 50) double a,
            @ForAll @DoubleRange(min = 0.01, max = 20) double length, @ForAll @DoubleRange(min = 0.05, max = 5) double on,
            @ForAll @DoubleRange(min = 1, max = 4) double periodFactor, @ForAll @DoubleRange(min = -10, max = 10) double phase,
            @ForAll @DoubleRange(min = -60, max = 0) double lo, @ForAll @DoubleRange(min = 0, max = 60) double hi) {
        double period = on * periodFactor;
        double b = a + length;
        int steps = 200_000;
        double h = length / steps;
        double sum = 0;
        for (int i = 0; i < steps; i++) {
            double t = a + (i + 0.5) * h;
            double m = ((t - phase) % period + period) % period;
            if (t >= lo && t <= hi && m < on) {
                sum += h;
            }
        }
        double exact = RoadRenderer.measure(a, b, lo, hi, on, period, phase);
        // each edge of the pattern inside [a, b] costs the Riemann sum at most one step
        double edges = 2 * (Math.floor(length / period) + 2) + 2;
        assertEquals(sum, exact, edges * h + 1e-9 * length, "a " + a + " b " + b);
        assertTrue(exact >= 0 && exact <= length + 1e-12);
    }

    /** The steering label turns the wheel further right (more negative) the more the road bends right. */
    @Property(tries = 200)
    void steeringDecreasesWithCurvature(@ForAll @DoubleRange(min = -0.05, max = 0.05) @net.jqwik.api.constraints.Scale(4) double c1,
            @ForAll @DoubleRange(min = 0, max = 0.02) @net.jqwik.api.constraints.Scale(4) double dc, @ForAll @DoubleRange(min = -0.03, max = 0.03) double heading,
            @ForAll @DoubleRange(min = -0.8, max = 0.8) double offset) {
        RoadScene base = RoadScenes.generate(1, 0, SceneKind.STRAIGHT);
        Road r = base.road().withHeading(heading).withOffset(offset);
        double s1 = base.withRoad(r.withCurvature(c1)).steeringDegrees();
        double s2 = base.withRoad(r.withCurvature(Math.min(0.1, c1 + dc))).steeringDegrees();
        assertTrue(s2 <= s1 + 1e-12, s1 + " then " + s2);
    }

    /** Mirroring the road mirrors the steering label. */
    @Property(tries = 200)
    void mirroredRoadSteersTheOtherWay(@ForAll @DoubleRange(min = -0.05, max = 0.05) double c,
            @ForAll @DoubleRange(min = -0.03, max = 0.03) double heading, @ForAll @DoubleRange(min = -0.8, max = 0.8) double offset) {
        RoadScene base = RoadScenes.generate(1, 0, SceneKind.STRAIGHT);
        Road r = base.road().withCurvature(c).withHeading(heading).withOffset(offset);
        Road m = r.withCurvature(-c).withHeading(-heading).withOffset(-offset);
        assertEquals(base.withRoad(r).steeringDegrees(), -base.withRoad(m).steeringDegrees(), 1e-9);
    }
}
