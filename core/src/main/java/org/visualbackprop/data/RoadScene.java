package org.visualbackprop.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One synthetic road scene as a front camera sees it: the road's geometry relative to the car, its markings,
 * surface, shadows, other cars, markings across the road, and the camera. Immutable; {@link RoadScenes#render} turns
 * it into a frame, the {@code with...} methods and {@link #advance} make changed copies (for figures: the same scene
 * with a marking removed, or the next frame of the same drive).
 *
 * <h2>Coordinates</h2>
 * The ground is a flat plane. {@code Z} is the distance ahead of the camera and {@code X} the lateral position,
 * positive to the right, both in metres. The centre line of the car's own lane (the ego lane) is the curve
 * <pre>   X_c(Z) = offset + heading * Z + curvature * Z^2 / 2</pre>
 * (a second-order expansion of a road of constant curvature: {@code offset} is where the lane centre is, relative
 * to the camera, at the car; {@code heading} the road's direction relative to the camera axis in radians;
 * {@code curvature} is 1 / radius in 1/m; all positive to the right). Where a curve begins or ends the curvature can
 * change linearly over the first {@link Road#CLOTHOID_M} metres ({@link Road#curvatureAhead()}), which adds a cubic
 * term: {@link RoadDrive} uses it to drive into and out of curves. {@code u} is the signed distance across the
 * road from the ego lane's centre line (positive right) and {@code s} the position along the road, measured in
 * metres from a fixed origin: a point {@code Z} ahead of the camera has {@code s = odometer + Z}. Lane markings,
 * shadows, crosswalks and the surface texture are fixed in {@code (u, s)}, so {@link #advance} moves them towards
 * the camera; other cars are placed relative to the camera (they drive at the car's speed).
 *
 * <h2>Steering label</h2>
 * Pure pursuit towards the lane centre {@link #LOOKAHEAD_M} ahead: the circle through the car, tangent to its axis,
 * that passes through the point {@code (x, L) = (X_c(L), L)} has curvature {@code k = 2 x / (x^2 + L^2)}; a car with
 * wheelbase {@code B} ({@link #WHEELBASE_M}) and steering ratio {@code r} ({@link #STEERING_RATIO}) turns the
 * steering wheel by
 * <pre>   steeringDegrees = -(180 / pi) * r * atan(B * k)</pre>
 * degrees. The sign follows the Udacity export's {@code angle} column and ROS (REP 103): <b>positive steers left</b>
 * (counter-clockwise), so a road bending right gives a negative angle. For {@code x << L},
 * {@code k ~ curvature + 2 heading / L + 2 offset / L^2}: the label is the road's curvature plus a correction that
 * brings the car back to the lane centre. Markings across the road, shadows, cars and the surface do not enter it.
 * The wheelbase and ratio are those of a Lincoln MKZ, the Udacity car.
 *
 * @param road           geometry of the road relative to the car
 * @param lines          the lane boundaries from left to right: {@code road.laneCount() + 1} of them
 * @param surface        brightness and texture of road, kerbs and verges
 * @param shadows        shadows on the ground
 * @param cars           other cars, drawn far to near
 * @param crossMarkings  stop lines and crosswalks
 * @param camera         camera placement and exposure
 * @param odometer       position of the camera along the road, metres
 * @param textureSeed    seed of the surface texture, the pixel noise and the horizon
 */
public record RoadScene(Road road, List<LaneLine> lines, Surface surface, List<Shadow> shadows, List<Car> cars,
        List<CrossMarking> crossMarkings, Camera camera, double odometer, long textureSeed) {

    /** Largest |u| the renderer draws, metres: beyond it the ground is plain verge. */
    static final double MAX_U = 60.0;
    /** Pure-pursuit look-ahead distance of the steering label, metres. */
    public static final double LOOKAHEAD_M = 10.0;
    /** Wheelbase of the labelled car (Lincoln MKZ), metres. */
    public static final double WHEELBASE_M = 2.85;
    /** Steering-wheel angle per road-wheel angle (Lincoln MKZ). */
    public static final double STEERING_RATIO = 14.8;

    public RoadScene {
        Objects.requireNonNull(road, "road");
        Objects.requireNonNull(surface, "surface");
        Objects.requireNonNull(camera, "camera");
        lines = List.copyOf(lines);
        shadows = List.copyOf(shadows);
        cars = List.copyOf(cars);
        crossMarkings = List.copyOf(crossMarkings);
        if (lines.size() != road.laneCount() + 1) {
            throw new IllegalArgumentException("a road of " + road.laneCount() + " lanes has " + (road.laneCount() + 1)
                    + " lane boundaries, got " + lines.size() + " lines");
        }
        finite("odometer", odometer);
    }

    /**
     * Curvature of the pure-pursuit arc to the lane centre {@link #LOOKAHEAD_M} ahead, 1/m, positive to the right.
     */
    public double commandedCurvature() {
        double x = road.centreX(LOOKAHEAD_M);
        return 2 * x / (x * x + LOOKAHEAD_M * LOOKAHEAD_M);
    }

    /** The steering label in degrees of steering-wheel angle, positive to the left (see the class comment). */
    public double steeringDegrees() {
        return -Math.toDegrees(STEERING_RATIO * Math.atan(WHEELBASE_M * commandedCurvature()));
    }

    /** Index in {@link #lines} of the ego lane's left boundary (its right one is this plus one). */
    public int leftLine() {
        return road.egoLane();
    }

    /** Index in {@link #lines} of the ego lane's right boundary. */
    public int rightLine() {
        return road.egoLane() + 1;
    }

    /**
     * The scene {@code metres} further along the road: the camera moves forward, so markings, shadows and texture
     * come closer; the road's local geometry, the other cars (relative to the camera) and the exposure stay.
     */
    public RoadScene advance(double metres) {
        finite("metres", metres);
        return new RoadScene(road, lines, surface, shadows, cars, crossMarkings, camera, odometer + metres, textureSeed);
    }

    public RoadScene withRoad(Road r) {
        return new RoadScene(r, lines, surface, shadows, cars, crossMarkings, camera, odometer, textureSeed);
    }

    /** This scene with another road and its lane boundaries (needed together when the lane count changes). */
    public RoadScene withRoadAndLines(Road r, List<LaneLine> l) {
        return new RoadScene(r, l, surface, shadows, cars, crossMarkings, camera, odometer, textureSeed);
    }

    public RoadScene withLines(List<LaneLine> l) {
        return new RoadScene(road, l, surface, shadows, cars, crossMarkings, camera, odometer, textureSeed);
    }

    /** This scene with lane boundary {@code index} (0 = leftmost) replaced. */
    public RoadScene withLine(int index, LaneLine line) {
        Objects.checkIndex(index, lines.size());
        List<LaneLine> l = new ArrayList<>(lines);
        l.set(index, line);
        return withLines(l);
    }

    public RoadScene withSurface(Surface s) {
        return new RoadScene(road, lines, s, shadows, cars, crossMarkings, camera, odometer, textureSeed);
    }

    public RoadScene withShadows(List<Shadow> s) {
        return new RoadScene(road, lines, surface, s, cars, crossMarkings, camera, odometer, textureSeed);
    }

    public RoadScene withCars(List<Car> c) {
        return new RoadScene(road, lines, surface, shadows, c, crossMarkings, camera, odometer, textureSeed);
    }

    public RoadScene withCrossMarkings(List<CrossMarking> c) {
        return new RoadScene(road, lines, surface, shadows, cars, c, camera, odometer, textureSeed);
    }

    public RoadScene withCamera(Camera c) {
        return new RoadScene(road, lines, surface, shadows, cars, crossMarkings, c, odometer, textureSeed);
    }

    public RoadScene withTextureSeed(long seed) {
        return new RoadScene(road, lines, surface, shadows, cars, crossMarkings, camera, odometer, seed);
    }

    /**
     * The road's geometry relative to the car.
     *
     * @param curvature     1 / radius of the lane centre line, 1/m, positive bends right; |curvature| <= 0.1
     * @param heading       direction of the road relative to the camera axis, radians, positive right; |heading| <= 0.5
     * @param offset        lateral position of the ego lane's centre at the car, metres, positive right
     * @param laneWidth     metres, in [2, 6]
     * @param laneCount     lanes, in [1, 8]
     * @param egoLane       the car's lane, 0 = leftmost
     * @param shoulderLeft  paved width left of the leftmost boundary, metres, >= 0
     * @param shoulderRight paved width right of the rightmost boundary, metres, >= 0
     * @param curbLeft      a kerb along the left edge of the pavement
     * @param curbRight     a kerb along the right edge
     * @param curvatureAhead curvature {@link #CLOTHOID_M} ahead, 1/m, |curvatureAhead| <= 0.1: between the car and
     *                      there the curvature changes linearly (a clothoid, as where a straight road enters a curve),
     *                      beyond it stays constant. Equal to {@code curvature} for a road of constant curvature (the
     *                      constructor without it).
     */
    public record Road(double curvature, double heading, double offset, double laneWidth, int laneCount, int egoLane,
            double shoulderLeft, double shoulderRight, boolean curbLeft, boolean curbRight, double curvatureAhead) {
        /** Distance ahead over which the curvature goes from {@link #curvature} to {@link #curvatureAhead}, metres. */
        public static final double CLOTHOID_M = 30.0;

        /** A road of constant curvature. */
        public Road(double curvature, double heading, double offset, double laneWidth, int laneCount, int egoLane,
                double shoulderLeft, double shoulderRight, boolean curbLeft, boolean curbRight) {
            this(curvature, heading, offset, laneWidth, laneCount, egoLane, shoulderLeft, shoulderRight, curbLeft, curbRight,
                    curvature);
        }

        public Road {
            range("curvature", curvature, -0.1, 0.1);
            range("curvatureAhead", curvatureAhead, -0.1, 0.1);
            range("heading", heading, -0.5, 0.5);
            range("offset", offset, -20, 20);
            range("laneWidth", laneWidth, 2, 6);
            if (laneCount < 1 || laneCount > 8) {
                throw new IllegalArgumentException("laneCount must be in [1, 8], got " + laneCount);
            }
            if (egoLane < 0 || egoLane >= laneCount) {
                throw new IllegalArgumentException("egoLane must be in [0, " + (laneCount - 1) + "], got " + egoLane);
            }
            range("shoulderLeft", shoulderLeft, 0, 20);
            range("shoulderRight", shoulderRight, 0, 20);
        }

        /**
         * Lateral position {@code X} of the ego lane's centre line {@code z} metres ahead: with
         * {@code k = (curvatureAhead - curvature) / CLOTHOID_M}, {@code X = offset + heading z + curvature z^2 / 2
         * + k z^3 / 6} up to {@code CLOTHOID_M}, and beyond it the parabola of curvature {@code curvatureAhead} that
         * continues it with the same value and slope (the small-angle road model of the class comment).
         */
        public double centreX(double z) {
            if (z <= CLOTHOID_M) {
                double k = (curvatureAhead - curvature) / CLOTHOID_M;
                return offset + heading * z + 0.5 * curvature * z * z + k * z * z * z / 6;
            }
            double t = z - CLOTHOID_M;
            return centreX(CLOTHOID_M) + slope(CLOTHOID_M) * t + 0.5 * curvatureAhead * t * t;
        }

        /** {@code dX/dZ} of the centre line at {@code z}. */
        public double slope(double z) {
            double k = (curvatureAhead - curvature) / CLOTHOID_M;
            if (z <= CLOTHOID_M) {
                return heading + curvature * z + 0.5 * k * z * z;
            }
            return heading + curvature * CLOTHOID_M + 0.5 * k * CLOTHOID_M * CLOTHOID_M + curvatureAhead * (z - CLOTHOID_M);
        }

        /** The curvature {@code z} metres ahead, 1/m. */
        public double curvatureAt(double z) {
            return z >= CLOTHOID_M ? curvatureAhead : curvature + (curvatureAhead - curvature) * Math.max(0, z) / CLOTHOID_M;
        }

        /** {@code u} of lane boundary {@code i} (0 = leftmost). */
        public double boundaryU(int i) {
            return (i - egoLane - 0.5) * laneWidth;
        }

        /** {@code u} of the left edge of the pavement (kerb excluded). */
        public double pavementLeft() {
            return boundaryU(0) - shoulderLeft;
        }

        /** {@code u} of the right edge of the pavement (kerb excluded). */
        public double pavementRight() {
            return boundaryU(laneCount) + shoulderRight;
        }

        /** This road with constant curvature {@code c} (both {@link #curvature} and {@link #curvatureAhead}). */
        public Road withCurvature(double c) {
            return new Road(c, heading, offset, laneWidth, laneCount, egoLane, shoulderLeft, shoulderRight, curbLeft, curbRight, c);
        }

        /** This road with curvature {@code atCar} at the car and {@code ahead} {@link #CLOTHOID_M} ahead. */
        public Road withCurvature(double atCar, double ahead) {
            return new Road(atCar, heading, offset, laneWidth, laneCount, egoLane, shoulderLeft, shoulderRight, curbLeft, curbRight,
                    ahead);
        }

        public Road withHeading(double h) {
            return new Road(curvature, h, offset, laneWidth, laneCount, egoLane, shoulderLeft, shoulderRight, curbLeft, curbRight,
                    curvatureAhead);
        }

        public Road withOffset(double o) {
            return new Road(curvature, heading, o, laneWidth, laneCount, egoLane, shoulderLeft, shoulderRight, curbLeft, curbRight,
                    curvatureAhead);
        }
    }

    /** How a lane boundary is painted. */
    public enum LineType {
        /** No marking. */
        NONE,
        /** A continuous line. */
        SOLID,
        /** Dashes of {@link LaneLine#dashLength()} every {@link LaneLine#period()}. */
        DASHED,
        /** Botts' dots: round raised markers of the line's width every {@link LaneLine#period()}. */
        DOTTED,
        /** Two continuous lines, each of the line's width, one width apart. */
        DOUBLE_SOLID
    }

    /**
     * A lane boundary.
     *
     * @param type       how it is painted
     * @param width      width of one stripe, metres, in [0.05, 0.5]
     * @param brightness albedo of the paint relative to white, in (0, 1]; worn paint is dimmer
     * @param dashLength length of a dash or dot, metres (DASHED, DOTTED)
     * @param period     distance from one dash or dot to the next, metres, >= dashLength
     * @param phase      {@code s} where a dash starts, metres
     * @param reflectors raised reflectors in the middle of each gap between dashes (DASHED only)
     * @param from       the line exists for {@code from <= s < to}: a marking that starts or ends
     * @param to         see {@code from}
     * @param gapFrom    the line is missing for {@code gapFrom <= s < gapTo}: a marking that ends and starts again
     *                   (no gap when {@code gapFrom >= gapTo}; the constructor without them leaves none)
     * @param gapTo      see {@code gapFrom}
     */
    public record LaneLine(LineType type, double width, double brightness, double dashLength, double period,
            double phase, boolean reflectors, double from, double to, double gapFrom, double gapTo) {
        /** A line with no gap. */
        public LaneLine(LineType type, double width, double brightness, double dashLength, double period,
                double phase, boolean reflectors, double from, double to) {
            this(type, width, brightness, dashLength, period, phase, reflectors, from, to, Double.POSITIVE_INFINITY,
                    Double.POSITIVE_INFINITY);
        }

        public LaneLine {
            Objects.requireNonNull(type, "type");
            range("width", width, 0.05, 0.5);
            range("brightness", brightness, 0.0, 1.0);
            if (!(dashLength > 0) || !(period >= dashLength) || period > 100) {
                throw new IllegalArgumentException("need 0 < dashLength <= period <= 100, got dashLength " + dashLength
                        + ", period " + period);
            }
            finite("phase", phase);
            if (Double.isNaN(from) || Double.isNaN(to) || !(from < to)) {
                throw new IllegalArgumentException("need from < to, got from " + from + ", to " + to);
            }
            if (Double.isNaN(gapFrom) || Double.isNaN(gapTo)) {
                throw new IllegalArgumentException("gap ends must be numbers, got gapFrom " + gapFrom + ", gapTo " + gapTo);
            }
        }

        /** True when the line has a gap ({@code gapFrom < gapTo}). */
        public boolean hasGap() {
            return gapFrom < gapTo;
        }

        /** This line, missing for {@code gapFrom <= s < gapTo}. */
        public LaneLine withGap(double gapFrom, double gapTo) {
            return new LaneLine(type, width, brightness, dashLength, period, phase, reflectors, from, to, gapFrom, gapTo);
        }

        /** No marking. */
        public static LaneLine none() {
            return new LaneLine(LineType.NONE, 0.12, 0.8, 3, 12, 0, false, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
        }

        /** A solid line 12 cm wide. */
        public static LaneLine solid(double brightness) {
            return new LaneLine(LineType.SOLID, 0.12, brightness, 3, 12, 0, false, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
        }

        /** Dashes 3 m long every 12 m (10 ft / 40 ft), 12 cm wide, with reflectors. */
        public static LaneLine dashed(double brightness, double phase) {
            return new LaneLine(LineType.DASHED, 0.12, brightness, 3, 12, phase, true, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
        }

        /** This line, present only for {@code from <= s < to}. */
        public LaneLine between(double f, double t) {
            return new LaneLine(type, width, brightness, dashLength, period, phase, reflectors, f, t, gapFrom, gapTo);
        }

        public LaneLine withType(LineType t) {
            return new LaneLine(t, width, brightness, dashLength, period, phase, reflectors, from, to, gapFrom, gapTo);
        }
    }

    /** Kinds of pavement. */
    public enum Pavement {
        /** Dark, fine-grained, with tyre tracks and patches. */
        ASPHALT,
        /** Lighter slabs with longitudinal grooves and transverse joints. */
        CONCRETE
    }

    /**
     * Brightness (albedo, before the camera's exposure) and texture of the ground.
     *
     * @param pavement      kind of road surface
     * @param roadAlbedo    mean albedo of the pavement, in (0, 1]
     * @param offRoadAlbedo mean albedo beside the road
     * @param curbAlbedo    albedo of the kerb's top
     * @param texture       relative amplitude of the pavement texture, in [0, 1]
     * @param laneContrast  relative brightness differences between lanes, in [0, 1]
     * @param jointSpacing  distance between transverse joints (concrete) or patches (asphalt), metres, >= 1
     */
    public record Surface(Pavement pavement, double roadAlbedo, double offRoadAlbedo, double curbAlbedo,
            double texture, double laneContrast, double jointSpacing) {
        public Surface {
            Objects.requireNonNull(pavement, "pavement");
            range("roadAlbedo", roadAlbedo, 0.001, 1);
            range("offRoadAlbedo", offRoadAlbedo, 0.001, 1);
            range("curbAlbedo", curbAlbedo, 0.001, 1);
            range("texture", texture, 0, 1);
            range("laneContrast", laneContrast, 0, 1);
            range("jointSpacing", jointSpacing, 1, 1000);
        }
    }

    /**
     * A shadow on the ground: direct light is blocked where {@link #coverage} is 1, and the ground's brightness is
     * multiplied by {@code 1 - darkness * coverage}.
     */
    public sealed interface Shadow permits Band, Side, Dappled, Patch {
        /** Fraction of the brightness that full shadow removes, in [0, 1). */
        double darkness();

        /**
         * How much of the point {@code (u, s)} is shadowed, in [0, 1], with edges softened over at least
         * {@code footprint} metres (the ground size of a pixel there).
         */
        double coverage(double u, double s, double footprint);

        /** The shadow lies within {@code minS() <= s <= maxS()}. */
        double minS();

        /** See {@link #minS()}. */
        double maxS();
    }

    /**
     * A band across the whole width of the view, such as an overpass casts: {@code s} between {@code s0 + slant * u}
     * and {@code s1 + slant * u}, edges blurred over {@code softness} metres.
     */
    public record Band(double s0, double s1, double slant, double softness, double darkness) implements Shadow {
        public Band {
            if (!(s0 < s1)) {
                throw new IllegalArgumentException("a band needs s0 < s1, got " + s0 + ", " + s1);
            }
            range("slant", slant, -5, 5);
            range("softness", softness, 0, 50);
            range("darkness", darkness, 0, 0.99);
        }

        @Override
        public double coverage(double u, double s, double footprint) {
            double w = Math.max(softness, footprint);
            double t = s - slant * u;
            return ramp((t - s0) / w) * ramp((s1 - t) / w);
        }

        @Override
        public double minS() {
            return s0 - Math.abs(slant) * MAX_U - softness;
        }

        @Override
        public double maxS() {
            return s1 + Math.abs(slant) * MAX_U + softness;
        }
    }

    /**
     * The shadow of something beside the road (a wall, a tree line, a truck): everything on one side of the line
     * {@code u = u0 + slope * (s - s0)} for {@code s} in {@code [s0, s1]}, on the left when {@code left}. The ends fade
     * over 2 m (or {@code softness}, if larger).
     */
    public record Side(boolean left, double u0, double slope, double s0, double s1, double softness, double darkness)
            implements Shadow {
        public Side {
            range("u0", u0, -50, 50);
            range("slope", slope, -10, 10);
            if (!(s0 < s1)) {
                throw new IllegalArgumentException("a side shadow needs s0 < s1, got " + s0 + ", " + s1);
            }
            range("softness", softness, 0, 50);
            range("darkness", darkness, 0, 0.99);
        }

        @Override
        public double coverage(double u, double s, double footprint) {
            double w = Math.max(softness, footprint);
            double edge = u0 + slope * (s - s0);
            double across = left ? (edge - u) / w : (u - edge) / w;
            double along = ramp((s - s0) / Math.max(w, 2.0)) * ramp((s1 - s) / Math.max(w, 2.0));
            return ramp(across) * along;
        }

        @Override
        public double minS() {
            return s0 - softness;
        }

        @Override
        public double maxS() {
            return s1 + softness;
        }
    }

    /**
     * The dappled shadow of tree crowns: smooth noise of feature size {@code scale} metres thresholded at
     * {@code threshold} (higher leaves more light), for {@code s} in {@code [s0, s1]} and {@code u} in
     * {@code [u0, u1]}.
     */
    public record Dappled(double u0, double u1, double s0, double s1, double scale, double threshold, long seed,
            double darkness) implements Shadow {
        public Dappled {
            if (!(u0 < u1) || !(s0 < s1)) {
                throw new IllegalArgumentException("dappled shadow needs u0 < u1 and s0 < s1, got u " + u0 + ".." + u1
                        + ", s " + s0 + ".." + s1);
            }
            range("scale", scale, 0.1, 100);
            range("threshold", threshold, -3, 3);
            range("darkness", darkness, 0, 0.99);
        }

        @Override
        public double coverage(double u, double s, double footprint) {
            double inside = ramp((u - u0) / scale) * ramp((u1 - u) / scale) * ramp((s - s0) / scale) * ramp((s1 - s) / scale);
            if (inside <= 0) {
                return 0;
            }
            double texel = scale / 16;
            double ox = (seed & 0xffff);
            double oy = (seed >>> 16 & 0xffff);
            double n = Noise.sample(u / texel + ox, s / texel + oy);
            double soft = 0.35 + 3 * footprint / scale;
            return inside * ramp((n - threshold) / soft + 0.5);
        }

        @Override
        public double minS() {
            return s0;
        }

        @Override
        public double maxS() {
            return s1;
        }
    }

    /**
     * A rectangular shadow {@code [u0, u1] x [s0, s1]} with soft edges: what a car casts under and beside itself, or a
     * sign or a building.
     */
    public record Patch(double u0, double u1, double s0, double s1, double softness, double darkness) implements Shadow {
        public Patch {
            if (!(u0 < u1) || !(s0 < s1)) {
                throw new IllegalArgumentException("patch needs u0 < u1 and s0 < s1, got u " + u0 + ".." + u1 + ", s "
                        + s0 + ".." + s1);
            }
            range("softness", softness, 0, 50);
            range("darkness", darkness, 0, 0.99);
        }

        @Override
        public double coverage(double u, double s, double footprint) {
            double w = Math.max(softness, footprint);
            return ramp((u - u0) / w + 0.5) * ramp((u1 - u) / w + 0.5) * ramp((s - s0) / w + 0.5) * ramp((s1 - s) / w + 0.5);
        }

        @Override
        public double minS() {
            return s0 - softness;
        }

        @Override
        public double maxS() {
            return s1 + softness;
        }
    }

    /**
     * Another car, seen from behind (and from the side when it is off the camera's axis).
     *
     * @param lateral  {@code u} of its centre, metres
     * @param distance distance from the camera to its rear, metres, >= 2
     * @param width    metres
     * @param height   metres
     * @param length   metres
     * @param albedo   brightness of its paint, in (0, 1]
     */
    public record Car(double lateral, double distance, double width, double height, double length, double albedo) {
        public Car {
            range("lateral", lateral, -50, 50);
            range("distance", distance, 2, 1000);
            range("width", width, 1, 3);
            range("height", height, 1, 4.5);
            range("length", length, 2, 20);
            range("albedo", albedo, 0.01, 1);
        }
    }

    /** Kinds of markings across the road. */
    public enum CrossKind {
        /** One wide transverse line. */
        STOP_LINE,
        /** Wide stripes along the road ("continental" crosswalk). */
        ZEBRA,
        /** Two transverse lines bounding the crossing. */
        TWO_LINES
    }

    /**
     * A marking across the road: it starts at {@code s} and is {@code depth} metres deep along the road, spanning
     * {@code u} from {@code uFrom} to {@code uTo}.
     */
    public record CrossMarking(CrossKind kind, double s, double depth, double uFrom, double uTo, double brightness) {
        public CrossMarking {
            Objects.requireNonNull(kind, "kind");
            finite("s", s);
            range("depth", depth, 0.1, 20);
            if (!(uFrom < uTo)) {
                throw new IllegalArgumentException("need uFrom < uTo, got " + uFrom + ", " + uTo);
            }
            range("brightness", brightness, 0, 1);
        }
    }

    /**
     * The camera. Pixel units are those of the NetSVF view (640 x 125): the focal length is
     * {@link RoadScenes#FOCAL_PX} and the principal point's column is 320.
     *
     * @param horizon       how many pixels the horizon lies above the top row of the NetSVF view, in [20, 200]
     * @param height        height of the camera above the road, metres
     * @param exposure      multiplies the scene's albedo into pixel values
     * @param gamma         pixel = (exposure * albedo)^gamma, before noise
     * @param noise         standard deviation of the sensor noise, in pixel values
     * @param haze          distance over which the contrast falls to 1/e, metres
     * @param skyBrightness albedo of the sky and of the haze
     * @param vignetting    relative darkening at the corners, in [0, 1)
     */
    public record Camera(double horizon, double height, double exposure, double gamma, double noise, double haze,
            double skyBrightness, double vignetting) {
        public Camera {
            range("horizon", horizon, 20, 200);
            range("height", height, 0.5, 5);
            range("exposure", exposure, 0.01, 100);
            range("gamma", gamma, 0.3, 3);
            range("noise", noise, 0, 0.5);
            range("haze", haze, 10, 1e6);
            range("skyBrightness", skyBrightness, 0, 10);
            range("vignetting", vignetting, 0, 0.99);
        }

        public Camera withExposure(double e) {
            return new Camera(horizon, height, e, gamma, noise, haze, skyBrightness, vignetting);
        }

        public Camera withNoise(double n) {
            return new Camera(horizon, height, exposure, gamma, n, haze, skyBrightness, vignetting);
        }
    }

    /** Smooth step from 0 (t <= -0.5) to 1 (t >= 0.5), as a function of a signed distance in units of the edge width. */
    static double ramp(double t) {
        if (t <= -0.5) {
            return 0;
        }
        if (t >= 0.5) {
            return 1;
        }
        double x = t + 0.5;
        return x * x * (3 - 2 * x);
    }

    private static void finite(String name, double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(name + " must be finite, got " + v);
        }
    }

    private static void range(String name, double v, double lo, double hi) {
        if (!(v >= lo && v <= hi)) {
            throw new IllegalArgumentException(name + " must be in [" + lo + ", " + hi + "], got " + v);
        }
    }
}
