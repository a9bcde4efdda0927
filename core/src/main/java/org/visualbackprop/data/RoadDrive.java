package org.visualbackprop.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import org.visualbackprop.data.RoadScene.Car;
import org.visualbackprop.data.RoadScene.CrossKind;
import org.visualbackprop.data.RoadScene.CrossMarking;
import org.visualbackprop.data.RoadScene.LaneLine;
import org.visualbackprop.data.RoadScene.LineType;
import org.visualbackprop.data.RoadScene.Road;
import org.visualbackprop.data.RoadScene.Shadow;

/**
 * One continuous synthetic drive: a road whose scene advances metre by metre, with the situations of the paper's
 * Figures 8 to 17 met one after another (curves, a lane marking that ends and starts again, shadows, a crosswalk,
 * other cars), so that consecutive frames are consecutive views of the same road, each with its true steering label
 * ({@link RoadScene#steeringDegrees()}).
 *
 * <p>The road is laid out along {@code s} (metres driven since the start, {@code 0 <= s <= length}):
 * <ul>
 * <li>its curvature {@code kappa(s)} is piecewise linear: straight stretches, and curves entered and left through
 *     clothoids (curvature changing linearly over 20 to 35 m). The scene at {@code s} has curvature {@code kappa(s)}
 *     at the car and {@code kappa(s + 30)} {@link Road#CLOTHOID_M} ahead, linear in between ({@link Road}), so a curve
 *     shows ahead before the car is in it;</li>
 * <li>the car wanders in its lane: its lateral position is {@code e(s) = a1 sin(2 pi s / l1 + p1) + a2 sin(2 pi s /
 *     l2 + p2)} (a1 in [0.1, 0.25] m, l1 in [150, 260] m, a2 in [0.03, 0.08] m, l2 in [45, 80] m), so the lane
 *     centre is at {@code offset = -e(s)} and the road's heading relative to the car is {@code -e'(s)};</li>
 * <li>lane markings, shadows, crosswalks and the surface are fixed on the ground and come closer as the car
 *     advances (as {@link RoadScene#advance} moves them); a marking that ends is a gap in one of the ego lane's
 *     boundaries ({@link LaneLine#gapFrom()}), 35 to 60 m long;</li>
 * <li>other cars move at their own speeds: each car's distance ahead is a piecewise linear function of {@code s}
 *     (cars that overtake, cars the car overtakes, a car ahead in the lane that it closes up to, follows and that then
 *     pulls away, parked cars on a one-lane road), shown while it is between 2 and {@link #CAR_HORIZON_M} metres
 *     ahead.</li>
 * </ul>
 * Lanes, surface, camera and exposure are those of {@link RoadScenes#generate(long, long, SceneKind)
 * generate(seed, 0, STRAIGHT)} and stay for the whole drive; the sensor noise and the pixel grain change from frame
 * to frame, as a camera's do. The first events come in a fixed order (a curve, a marking that ends, shadows, a
 * crosswalk, cars, a curve the other way) so that a short drive shows each; later ones are shuffled.
 *
 * <p>Immutable and deterministic: the same seed and length give the same scenes on every machine. Safe from
 * several threads.
 */
public final class RoadDrive {
    /** Speed of the car when none is given, m/s (54 km/h). */
    public static final double DEFAULT_SPEED = 15.0;
    /** Other cars are shown while they are at most this far ahead, metres (nearer than any background, 120 m). */
    public static final double CAR_HORIZON_M = 110.0;
    /** Gaps in one boundary's marking are at least this far apart, so that only one is ever in view, metres. */
    static final double GAP_SPACING_M = 320.0;
    private static final double LEAD_IN_M = 15.0;

    /** What happens along a stretch of the drive. */
    public enum EventKind {
        /** A curve entered and left through clothoids. */
        CURVE,
        /** A lane marking of the car's lane ends, and starts again 35 to 60 m later. */
        MARKING_ENDS,
        /** Shadows on the road. */
        SHADOWS,
        /** A crosswalk, sometimes after a stop line. */
        CROSSWALK,
        /** Other cars. */
        CARS
    }

    /**
     * One situation of the drive.
     *
     * @param kind        what it is
     * @param from        where it begins to show, metres driven
     * @param to          where it is passed, metres driven
     * @param description in words, with its sizes
     */
    public record Event(EventKind kind, double from, double to, String description) {
    }

    /** A car whose distance ahead is linear between knots of the drive position ({@code at}, metres driven). */
    private record MovingCar(double lateral, double width, double height, double length, double albedo, double[] at,
            double[] distance) {
        Car at(double s) {
            if (s < at[0] || s > at[at.length - 1]) {
                return null;
            }
            double d = interpolate(at, distance, s);
            return d >= 2 && d <= CAR_HORIZON_M ? new Car(lateral, d, width, height, length, albedo) : null;
        }
    }

    private final long seed;
    private final double length;
    private final RoadScene base;
    private final double origin;
    private final double[] knotS;
    private final double[] knotK;
    private final double[] wander;
    private final List<List<double[]>> gaps;
    private final List<Shadow> shadows;
    private final List<CrossMarking> crossMarkings;
    private final List<MovingCar> cars;
    private final List<Event> events;

    private RoadDrive(long seed, double length, RoadScene base, double[] knotS, double[] knotK, double[] wander,
            List<List<double[]>> gaps, List<Shadow> shadows, List<CrossMarking> crossMarkings, List<MovingCar> cars,
            List<Event> events) {
        this.seed = seed;
        this.length = length;
        this.base = base;
        this.origin = base.odometer();
        this.knotS = knotS;
        this.knotK = knotK;
        this.wander = wander;
        this.gaps = gaps;
        this.shadows = List.copyOf(shadows);
        this.crossMarkings = List.copyOf(crossMarkings);
        this.cars = List.copyOf(cars);
        this.events = List.copyOf(events);
    }

    /**
     * The drive of stream {@code seed}, {@code lengthMetres} long.
     *
     * @throws IllegalArgumentException when the length is not a positive finite number of metres
     */
    public static RoadDrive generate(long seed, double lengthMetres) {
        if (!(lengthMetres > 0) || Double.isInfinite(lengthMetres)) {
            throw new IllegalArgumentException("a drive needs a positive finite length in metres, got " + lengthMetres);
        }
        RoadScene base = RoadScenes.generate(seed, 0, SceneKind.STRAIGHT);
        SplittableRandom rnd = new SplittableRandom(Noise.mix(seed, 0xd71feL));
        Road road = base.road().withCurvature(0).withHeading(0).withOffset(0);
        List<LaneLine> lines = new ArrayList<>(base.lines());
        int ego = road.egoLane();
        double origin = base.odometer();

        double[] wander = {rnd.nextDouble(0.1, 0.25), rnd.nextDouble(150, 260), rnd.nextDouble(2 * Math.PI),
            rnd.nextDouble(0.03, 0.08), rnd.nextDouble(45, 80), rnd.nextDouble(2 * Math.PI)};
        List<Double> ks = new ArrayList<>(List.of(0.0, LEAD_IN_M));
        List<Double> kk = new ArrayList<>(List.of(0.0, 0.0));
        List<List<double[]>> gaps = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            gaps.add(new ArrayList<>());
        }
        List<Shadow> shadows = new ArrayList<>();
        List<CrossMarking> cross = new ArrayList<>();
        List<MovingCar> cars = new ArrayList<>();
        List<Event> events = new ArrayList<>();
        double[] laneFreeFrom = new double[road.laneCount() + 2]; // index lane + 1; -1 and laneCount: the verges

        List<EventKind> first = List.of(EventKind.CURVE, EventKind.MARKING_ENDS, EventKind.SHADOWS, EventKind.CROSSWALK,
                EventKind.CARS, EventKind.CURVE);
        List<EventKind> queue = new ArrayList<>(first);
        double pos = LEAD_IN_M;
        int curveSign = rnd.nextBoolean() ? 1 : -1;
        while (pos < lengthMetres) {
            if (queue.isEmpty()) {
                queue.addAll(List.of(EventKind.CURVE, EventKind.CURVE, EventKind.MARKING_ENDS, EventKind.SHADOWS,
                        EventKind.CROSSWALK, EventKind.CARS));
                shuffle(queue, rnd);
            }
            EventKind kind = queue.remove(0);
            double end = pos;
            switch (kind) {
                case CURVE -> {
                    boolean firstCurve = events.stream().noneMatch(e -> e.kind() == EventKind.CURVE);
                    double radius = firstCurve ? rnd.nextDouble(60, 90) : Math.exp(rnd.nextDouble(Math.log(50), Math.log(300)));
                    double in = rnd.nextDouble(20, 35);
                    double arc = rnd.nextDouble(20, 60);
                    double out = rnd.nextDouble(20, 35);
                    double k = curveSign / radius;
                    curveSign = -curveSign;
                    ks.addAll(List.of(pos + in, pos + in + arc, pos + in + arc + out));
                    kk.addAll(List.of(k, k, 0.0));
                    end = pos + in + arc + out;
                    events.add(new Event(kind, Math.max(0, pos - 40), end, String.format(Locale.ROOT,
                            "a curve to the %s, radius %.0f m, %.0f m long with %.0f m and %.0f m clothoids",
                            k > 0 ? "right" : "left", radius, arc, in, out)));
                }
                case MARKING_ENDS -> {
                    double gapFrom = pos + 15;
                    double gapTo = gapFrom + rnd.nextDouble(35, 60);
                    List<Integer> sides = new ArrayList<>();
                    for (int side : new int[] {ego, ego + 1}) {
                        List<double[]> g = gaps.get(side);
                        if (g.isEmpty() || g.get(g.size() - 1)[1] + GAP_SPACING_M <= gapFrom) {
                            sides.add(side);
                        }
                    }
                    if (sides.isEmpty()) {
                        end = pos + 10;
                        break;
                    }
                    int side = sides.get(rnd.nextInt(sides.size()));
                    int other = side == ego ? ego + 1 : ego;
                    if (lines.get(side).type() == LineType.NONE) {
                        lines.set(side, side == 0 || side == road.laneCount() ? LaneLine.solid(0.85)
                                : LaneLine.dashed(0.85, rnd.nextDouble(12)));
                    }
                    if (lines.get(other).type() == LineType.NONE) {
                        lines.set(other, LaneLine.solid(0.8));
                    }
                    gaps.get(side).add(new double[] {origin + gapFrom, origin + gapTo});
                    end = gapTo;
                    events.add(new Event(kind, Math.max(0, gapFrom - 25), gapTo, String.format(Locale.ROOT,
                            "the %s marking of the car's lane ends for %.0f m", side == ego ? "left" : "right", gapTo - gapFrom)));
                }
                case SHADOWS -> {
                    int n = 2 + rnd.nextInt(3);
                    for (int q = 0; q < n; q++) {
                        shadows.add(RoadScenes.randomShadow(rnd, road, origin + pos + 10, 50));
                    }
                    end = pos + 60;
                    events.add(new Event(kind, Math.max(0, pos - 20), end, n + " shadows"));
                }
                case CROSSWALK -> {
                    double at = pos + 20;
                    double bright = rnd.nextDouble(0.65, 0.95);
                    boolean stop = rnd.nextBoolean();
                    if (stop) {
                        double from = road.boundaryU(ego) + (ego == 0 ? 0 : 0.15);
                        cross.add(new CrossMarking(CrossKind.STOP_LINE, origin + at, rnd.nextDouble(0.3, 0.6), from,
                                road.pavementRight(), bright));
                        at += rnd.nextDouble(1.5, 3);
                    }
                    CrossKind k = rnd.nextDouble() < 0.6 ? CrossKind.ZEBRA : CrossKind.TWO_LINES;
                    double depth = rnd.nextDouble(2.5, 4);
                    cross.add(new CrossMarking(k, origin + at, depth, road.pavementLeft(), road.pavementRight(), bright));
                    end = at + depth + 5;
                    events.add(new Event(kind, Math.max(0, pos - 20), end, (stop ? "a stop line and " : "")
                            + (k == CrossKind.ZEBRA ? "a zebra crosswalk" : "a crosswalk between two lines")));
                }
                case CARS -> {
                    int made = addCars(rnd, road, pos, cars, laneFreeFrom);
                    end = pos + 40;
                    events.add(new Event(kind, pos, end, made + (made == 1 ? " other car" : " other cars")));
                }
                default -> throw new IllegalStateException(kind.toString());
            }
            pos = end + rnd.nextDouble(10, 30);
            ks.add(pos);
            kk.add(0.0);
        }
        ks.add(Math.max(pos, lengthMetres) + Road.CLOTHOID_M + 1);
        kk.add(0.0);
        double[] knotS = ks.stream().mapToDouble(Double::doubleValue).toArray();
        double[] knotK = kk.stream().mapToDouble(Double::doubleValue).toArray();
        List<Event> kept = new ArrayList<>();
        for (Event e : events) {
            if (e.from() < lengthMetres) {
                kept.add(e);
            }
        }
        RoadScene start = base.withRoadAndLines(road, lines).withShadows(List.of()).withCars(List.of())
                .withCrossMarkings(List.of());
        List<List<double[]>> frozen = new ArrayList<>();
        for (List<double[]> g : gaps) {
            frozen.add(List.copyOf(g));
        }
        return new RoadDrive(seed, lengthMetres, start, knotS, knotK, wander, List.copyOf(frozen), shadows, cross, cars, kept);
    }

    /** Adds one to three cars from drive position {@code pos}; returns how many. */
    private static int addCars(SplittableRandom rnd, Road road, double pos, List<MovingCar> cars, double[] laneFreeFrom) {
        int lanes = road.laneCount();
        int ego = road.egoLane();
        int wanted = 1 + rnd.nextInt(3);
        int made = 0;
        for (int k = 0; k < wanted * 4 && made < wanted; k++) {
            double start = pos + made * rnd.nextDouble(5, 15);
            int lane;
            if (lanes == 1) {
                lane = rnd.nextBoolean() ? -1 : 1;
            } else {
                lane = Math.max(0, Math.min(lanes - 1, ego + (rnd.nextBoolean() ? 1 : -1) * rnd.nextInt(2)));
            }
            if (laneFreeFrom[lane + 1] > start) {
                continue;
            }
            boolean truck = rnd.nextDouble() < 0.12;
            double width = truck ? rnd.nextDouble(2.3, 2.55) : rnd.nextDouble(1.7, 2.0);
            double height = truck ? rnd.nextDouble(3.0, 4.0) : rnd.nextDouble(1.4, 1.9);
            double len = truck ? rnd.nextDouble(7, 12) : rnd.nextDouble(4.2, 5.0);
            double albedo = rnd.nextDouble(0.04, 0.8);
            double far = CAR_HORIZON_M + 1;
            double[] at;
            double[] dist;
            double lateral;
            if (lane < 0 || lane >= lanes) {
                // parked beside a one-lane road: the car passes it
                lateral = lane < 0 ? road.pavementLeft() - 1.2 : road.pavementRight() + 1.2;
                at = new double[] {start, start + far - 1.5};
                dist = new double[] {far, 1.5};
            } else if (lane == ego) {
                // a car ahead: closed up to, followed, then it pulls away
                lateral = Math.max(-0.4, Math.min(0.4, RoadScenes.gaussian(rnd) * 0.15));
                double follow = rnd.nextDouble(18, 28);
                double close = (far - follow) / rnd.nextDouble(0.6, 0.8);
                double hold = rnd.nextDouble(40, 90);
                double leave = (far - follow) / rnd.nextDouble(0.4, 0.7);
                at = new double[] {start, start + close, start + close + hold, start + close + hold + leave};
                dist = new double[] {far, follow, follow, far};
            } else {
                lateral = (lane - ego) * road.laneWidth() + Math.max(-0.4, Math.min(0.4, RoadScenes.gaussian(rnd) * 0.2));
                double rel = rnd.nextDouble(0.3, 0.7);
                double span = (far - 1.5) / rel;
                at = new double[] {start, start + span};
                dist = rnd.nextBoolean() ? new double[] {1.5, far} : new double[] {far, 1.5};
            }
            laneFreeFrom[lane + 1] = at[at.length - 1] + 5;
            cars.add(new MovingCar(lateral, width, height, len, albedo, at, dist));
            made++;
        }
        return made;
    }

    private static void shuffle(List<EventKind> list, SplittableRandom rnd) {
        for (int i = list.size() - 1; i > 0; i--) {
            Collections.swap(list, i, rnd.nextInt(i + 1));
        }
    }

    /** Linear interpolation of {@code (xs, ys)} at {@code x}, constant beyond the ends. */
    static double interpolate(double[] xs, double[] ys, double x) {
        if (x <= xs[0]) {
            return ys[0];
        }
        for (int i = 1; i < xs.length; i++) {
            if (x <= xs[i]) {
                double t = xs[i] > xs[i - 1] ? (x - xs[i - 1]) / (xs[i] - xs[i - 1]) : 1;
                return ys[i - 1] + t * (ys[i] - ys[i - 1]);
            }
        }
        return ys[ys.length - 1];
    }

    /** The seed. */
    public long seed() {
        return seed;
    }

    /** The length, metres. */
    public double length() {
        return length;
    }

    /** The situations met along the drive, in order. */
    public List<Event> events() {
        return events;
    }

    /** The curvature of the lane centre {@code s} metres into the drive, 1/m, positive bends right. */
    public double curvature(double s) {
        return interpolate(knotS, knotK, s);
    }

    /** The car's lateral position in its lane {@code s} metres into the drive, metres, positive right of the centre. */
    public double lateral(double s) {
        return wander[0] * Math.sin(2 * Math.PI * s / wander[1] + wander[2])
                + wander[3] * Math.sin(2 * Math.PI * s / wander[4] + wander[5]);
    }

    private double lateralSlope(double s) {
        return wander[0] * 2 * Math.PI / wander[1] * Math.cos(2 * Math.PI * s / wander[1] + wander[2])
                + wander[3] * 2 * Math.PI / wander[4] * Math.cos(2 * Math.PI * s / wander[4] + wander[5]);
    }

    /**
     * The scene {@code s} metres into the drive.
     *
     * @throws IllegalArgumentException when {@code s} is outside {@code [0, length]}
     */
    public RoadScene sceneAt(double s) {
        if (!(s >= 0 && s <= length)) {
            throw new IllegalArgumentException("a drive of " + length + " m has no position " + s + " m");
        }
        double odo = origin + s;
        Road road = base.road().withCurvature(curvature(s), curvature(s + Road.CLOTHOID_M))
                .withHeading(-lateralSlope(s)).withOffset(-lateral(s));
        List<LaneLine> lines = new ArrayList<>(base.lines());
        for (int i = 0; i < lines.size(); i++) {
            for (double[] g : gaps.get(i)) {
                if (g[1] > odo - 5) {
                    lines.set(i, lines.get(i).withGap(g[0], g[1]));
                    break;
                }
            }
        }
        double near = odo - 5;
        double far = odo + 400;
        List<Shadow> sh = new ArrayList<>();
        for (Shadow x : shadows) {
            if (x.maxS() >= near && x.minS() <= far) {
                sh.add(x);
            }
        }
        List<CrossMarking> cm = new ArrayList<>();
        for (CrossMarking x : crossMarkings) {
            if (x.s() + x.depth() >= near && x.s() <= far) {
                cm.add(x);
            }
        }
        List<Car> cs = new ArrayList<>();
        for (MovingCar c : cars) {
            Car car = c.at(s);
            if (car != null) {
                cs.add(car);
            }
        }
        return new RoadScene(road, lines, base.surface(), sh, cs, cm, base.camera(), odo, base.textureSeed());
    }

    /** Frame {@code index} of the drive filmed at {@code metresPerFrame}: the scene at {@code index * metresPerFrame}. */
    public RoadScene frame(int index, double metresPerFrame) {
        if (index < 0) {
            throw new IllegalArgumentException("frame index must be >= 0, got " + index);
        }
        if (!(metresPerFrame > 0) || Double.isInfinite(metresPerFrame)) {
            throw new IllegalArgumentException("metres per frame must be positive and finite, got " + metresPerFrame);
        }
        double s = index * metresPerFrame;
        if (s > length && s - length < 1e-9 * length) {
            s = length; // rounding of index * metresPerFrame at the last frame
        }
        return sceneAt(s);
    }

    /** Rendered frame {@code index}, with its label map. */
    public RoadFrame render(int index, double metresPerFrame, RoadView view) {
        return RoadScenes.render(frame(index, metresPerFrame), Objects.requireNonNull(view, "view"));
    }

    /** One line: seed, length, lanes. */
    public String describe() {
        Road r = base.road();
        return String.format(Locale.ROOT, "synthetic drive (seed %d, %.0f m, %d lane%s, car in lane %d, %d event%s)", seed, length,
                r.laneCount(), r.laneCount() == 1 ? "" : "s", r.egoLane() + 1, events.size(), events.size() == 1 ? "" : "s");
    }
}
