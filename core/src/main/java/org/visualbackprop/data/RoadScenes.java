package org.visualbackprop.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.visualbackprop.data.RoadScene.Band;
import org.visualbackprop.data.RoadScene.Camera;
import org.visualbackprop.data.RoadScene.Car;
import org.visualbackprop.data.RoadScene.CrossKind;
import org.visualbackprop.data.RoadScene.CrossMarking;
import org.visualbackprop.data.RoadScene.Dappled;
import org.visualbackprop.data.RoadScene.LaneLine;
import org.visualbackprop.data.RoadScene.LineType;
import org.visualbackprop.data.RoadScene.Pavement;
import org.visualbackprop.data.RoadScene.Road;
import org.visualbackprop.data.RoadScene.Shadow;
import org.visualbackprop.data.RoadScene.Side;
import org.visualbackprop.data.RoadScene.Surface;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.train.Dataset;

/**
 * Synthetic road frames with steering labels: a stand-in for the Udacity data of the paper's Section 5, which cannot
 * be downloaded here. Sample {@code i} is the scene {@link #generate(long, long, SceneKind) generate(seed, i, kind)}
 * rendered as {@link RoadView} {@code view}: gray frames of the lower part of a front camera's image, looking like
 * the authors' 640 x 125 frames (a dark, grainy road filling the frame, lanes converging towards a horizon above it).
 *
 * <p>Input: {@code 1 x 1 x 125 x 640} (SVF) or {@code 1 x 1 x 125 x 349} (HVF), values in [0, 1] in steps of 1/255.
 * Target: {@code 1 x 1 x 1 x 1}, the steering label of {@link RoadScene#steeringDegrees()} in degrees
 * ({@link Target#DEGREES}) or divided by {@link #NORMALIZING_DEGREES} ({@link Target#NORMALIZED}, the default;
 * the generated labels then lie in about [-1, 1], since {@link #generate} caps the commanded curvature at 1/25 m,
 * about 91 degrees).
 *
 * <p>Deterministic (the same seed, index, kind and view give the same pixels on every machine) and safe to load from
 * several threads. Rendering a 640 x 125 frame takes a few milliseconds.
 */
public final class RoadScenes implements Dataset {
    /** Focal length of the camera, in pixels of the NetSVF view (a horizontal field of view of 43.6 degrees). */
    public static final double FOCAL_PX = 800.0;
    /** Seed of the default data set. */
    public static final long DEFAULT_SEED = 2017L;
    /** {@link Target#NORMALIZED} divides degrees by this. */
    public static final double NORMALIZING_DEGREES = 90.0;
    /** The largest commanded curvature a generated scene gets, 1/m. */
    public static final double MAX_COMMANDED_CURVATURE = 1.0 / 25;

    /** The unit of the target. */
    public enum Target {
        /** Degrees of steering-wheel angle, positive left. */
        DEGREES,
        /** Degrees divided by {@link #NORMALIZING_DEGREES}. */
        NORMALIZED
    }

    private final long seed;
    private final int size;
    private final RoadView view;
    private final SceneKind kind;
    private final Target target;

    private RoadScenes(long seed, int size, RoadView view, SceneKind kind, Target target) {
        this.seed = seed;
        this.size = size;
        this.view = view;
        this.kind = kind;
        this.target = target;
    }

    /** {@code size} scenes of {@link SceneKind#ANY} with normalised targets. */
    public static RoadScenes of(long seed, int size, RoadView view) {
        return of(seed, size, view, SceneKind.ANY, Target.NORMALIZED);
    }

    /**
     * {@code size} scenes of the given kind.
     *
     * @throws IllegalArgumentException when {@code size < 1}
     */
    public static RoadScenes of(long seed, int size, RoadView view, SceneKind kind, Target target) {
        if (size < 1) {
            throw new IllegalArgumentException("a data set needs at least one sample, got size " + size);
        }
        return new RoadScenes(seed, size, Objects.requireNonNull(view, "view"), Objects.requireNonNull(kind, "kind"),
                Objects.requireNonNull(target, "target"));
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Shape inputShape() {
        return view.inputShape();
    }

    @Override
    public Shape targetShape() {
        return new Shape(1, 1, 1, 1);
    }

    @Override
    public void load(int index, float[] input, int inputOffset, float[] targetArray, int targetOffset) {
        RoadScene scene = scene(index);
        RoadRenderer.render(scene, view, input, inputOffset, null);
        targetArray[targetOffset] = (float) target(scene);
    }

    /** The target of sample {@code index}, in this data set's unit. */
    public double target(int index) {
        return target(scene(index));
    }

    private double target(RoadScene scene) {
        double deg = scene.steeringDegrees();
        return target == Target.DEGREES ? deg : deg / NORMALIZING_DEGREES;
    }

    /** The scene of sample {@code index}. */
    public RoadScene scene(int index) {
        Objects.checkIndex(index, size);
        return generate(seed, index, kind);
    }

    /** Sample {@code index} with its label map. */
    public RoadFrame frame(int index) {
        return render(scene(index), view);
    }

    /** The view. */
    public RoadView view() {
        return view;
    }

    @Override
    public String describe() {
        return "synthetic road scenes (seed " + seed + ", " + size + " samples, view " + view + " "
                + view.inputShape().describeSample() + ", kind " + kind + ", target "
                + (target == Target.DEGREES ? "steering degrees" : "steering degrees / " + NORMALIZING_DEGREES) + ")";
    }

    /** Renders a scene as a view, with its label map. */
    public static RoadFrame render(RoadScene scene, RoadView view) {
        Objects.requireNonNull(scene, "scene");
        Objects.requireNonNull(view, "view");
        float[] img = new float[view.height() * view.width()];
        byte[] labels = new byte[img.length];
        RoadRenderer.render(scene, view, img, 0, labels);
        return new RoadFrame(scene, view, Tensor.wrap(view.inputShape(), img), labels);
    }

    /**
     * Consecutive frames of one drive: {@code scene}, then the scene advanced by {@code metresPerFrame}, and so on
     * ({@code count} frames; at 25 m/s and 30 frames a second, about 0.8 m per frame).
     */
    public static List<RoadFrame> drive(RoadScene scene, RoadView view, int count, double metresPerFrame) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, got " + count);
        }
        List<RoadFrame> out = new ArrayList<>(count);
        RoadScene s = scene;
        for (int i = 0; i < count; i++) {
            out.add(render(s, view));
            s = s.advance(metresPerFrame);
        }
        return out;
    }

    /**
     * The scene number {@code index} of the stream {@code seed}, of the given kind (see {@link SceneKind} for the
     * mixture). A pure function of its arguments.
     */
    public static RoadScene generate(long seed, long index, SceneKind kind) {
        Objects.requireNonNull(kind, "kind");
        SplittableRandom rnd = new SplittableRandom(Noise.mix(Noise.mix(seed, index), kind.ordinal() + 0x6b1dL));
        double odo = rnd.nextDouble(0, 10_000);

        // road geometry
        double pl = rnd.nextDouble();
        int lanes = pl < 0.1 ? 1 : pl < 0.45 ? 2 : pl < 0.8 ? 3 : 4;
        int ego = rnd.nextInt(lanes);
        double laneWidth = rnd.nextDouble(3.3, 3.8);
        double curvature = switch (kind) {
            case STRAIGHT -> rnd.nextDouble(-1.0 / 5000, 1.0 / 5000);
            case SHARP_TURN -> sign(rnd) * rnd.nextDouble(1.0 / 60, 1.0 / 35);
            default -> {
                double c = rnd.nextDouble();
                if (c < 0.45) {
                    yield clamp(gaussian(rnd) / 3000, -1.0 / 800, 1.0 / 800);
                } else if (c < 0.8) {
                    yield sign(rnd) * rnd.nextDouble(1.0 / 800, 1.0 / 150);
                } else {
                    yield sign(rnd) * rnd.nextDouble(1.0 / 150, 1.0 / 40);
                }
            }
        };
        double heading = clamp(gaussian(rnd) * 0.012, -0.035, 0.035);
        double offset = clamp(gaussian(rnd) * 0.3, -0.9, 0.9);
        if (kind == SceneKind.STRAIGHT) {
            heading /= 3;
            offset /= 3;
        }
        Road road = new Road(curvature, heading, offset, laneWidth, lanes, ego, rnd.nextDouble(0.3, 2.5),
                rnd.nextDouble(0.5, 3.0), rnd.nextDouble() < 0.4, rnd.nextDouble() < 0.4);
        // cap the steering: shrink the correction (heading, offset) first, then the curvature
        for (int k = 0; k < 20 && Math.abs(commanded(road)) > MAX_COMMANDED_CURVATURE; k++) {
            road = road.withHeading(road.heading() * 0.7).withOffset(road.offset() * 0.7);
            if (k > 5) {
                road = road.withCurvature(road.curvature() * 0.9);
            }
        }

        // lane lines
        List<LaneLine> lines = new ArrayList<>();
        double paint = rnd.nextDouble(0.65, 1.0);
        boolean twoWay = lanes == 2 && rnd.nextDouble() < 0.4;
        for (int i = 0; i <= lanes; i++) {
            double bright = clamp(paint * rnd.nextDouble(0.8, 1.1), 0.2, 1.0);
            LaneLine line;
            if (i == 0 || i == lanes) {
                line = rnd.nextDouble() < 0.75 ? LaneLine.solid(i == 0 ? bright * 0.75 : bright) : LaneLine.none();
            } else if (twoWay) {
                line = LaneLine.solid(bright * 0.7).withType(LineType.DOUBLE_SOLID);
            } else {
                double t = rnd.nextDouble();
                double dash = rnd.nextDouble(2.0, 3.5);
                double period = dash * rnd.nextDouble(3, 4.2);
                if (t < 0.62) {
                    line = new LaneLine(LineType.DASHED, rnd.nextDouble(0.1, 0.15), bright, dash, period,
                            rnd.nextDouble(period), rnd.nextDouble() < 0.6, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
                } else if (t < 0.8) {
                    line = new LaneLine(LineType.DOTTED, 0.11, Math.min(1, bright * 1.05), 0.11, rnd.nextDouble(1.0, 1.4),
                            rnd.nextDouble(2), false, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
                } else if (t < 0.9) {
                    line = LaneLine.solid(bright);
                } else {
                    line = LaneLine.none();
                }
            }
            lines.add(line);
        }
        if (kind == SceneKind.ANY && rnd.nextDouble() < 0.12) {
            int side = rnd.nextBoolean() ? ego : ego + 1;
            lines.set(side, LaneLine.none());
        }
        if (kind == SceneKind.MISSING_MARKING) {
            boolean left = rnd.nextBoolean();
            int gone = left ? ego : ego + 1;
            int kept = left ? ego + 1 : ego;
            double end = odo + rnd.nextDouble(9, 14);
            LaneLine l = rnd.nextBoolean() ? LaneLine.solid(paint) : LaneLine.dashed(paint, end - 3 - rnd.nextDouble(3));
            lines.set(gone, l.between(Double.NEGATIVE_INFINITY, end));
            if (lines.get(kept).type() == LineType.NONE) {
                lines.set(kept, LaneLine.solid(paint));
            }
        }
        if (kind == SceneKind.STRAIGHT || kind == SceneKind.SHARP_TURN) {
            for (int side : new int[] {ego, ego + 1}) {
                if (lines.get(side).type() == LineType.NONE) {
                    lines.set(side, LaneLine.dashed(paint, rnd.nextDouble(12)));
                }
            }
        }

        // surface
        boolean concrete = rnd.nextDouble() < 0.4;
        double roadAlbedo = concrete ? rnd.nextDouble(0.28, 0.42) : rnd.nextDouble(0.16, 0.3);
        Surface surface = new Surface(concrete ? Pavement.CONCRETE : Pavement.ASPHALT, roadAlbedo,
                rnd.nextDouble(0.08, 0.35), rnd.nextDouble(0.4, 0.7), rnd.nextDouble(0.4, 1.0), rnd.nextDouble(0, 0.6),
                concrete ? rnd.nextDouble(4.5, 6.0) : rnd.nextDouble(8, 20));

        // shadows
        List<Shadow> shadows = new ArrayList<>();
        int nShadows = switch (kind) {
            case SHADOWS -> 2 + rnd.nextInt(3);
            case ANY -> rnd.nextDouble() < 0.35 ? 1 + rnd.nextInt(3) : 0;
            default -> 0;
        };
        for (int k = 0; k < nShadows; k++) {
            shadows.add(randomShadow(rnd, road, odo, kind == SceneKind.SHADOWS ? 30 : 40));
        }

        // cars
        List<Car> cars = new ArrayList<>();
        int nCars = switch (kind) {
            case CARS -> 2 + rnd.nextInt(3);
            case ANY -> rnd.nextDouble() < 0.35 ? 1 + rnd.nextInt(3) : 0;
            default -> 0;
        };
        for (int k = 0; k < nCars * 4 && cars.size() < nCars; k++) {
            int lane = clampInt(ego + (int) Math.round(gaussian(rnd) * 1.2), 0, lanes - 1);
            if (lanes == 1 && rnd.nextBoolean()) {
                lane = rnd.nextBoolean() ? -1 : 1; // parked beside the road
            }
            double dist = lane == ego ? rnd.nextDouble(14, 40) : rnd.nextDouble(kind == SceneKind.CARS ? 4 : 6, 35);
            boolean truck = rnd.nextDouble() < 0.12;
            double width = truck ? rnd.nextDouble(2.3, 2.55) : rnd.nextDouble(1.7, 2.0);
            double height = truck ? rnd.nextDouble(3.0, 4.0) : rnd.nextDouble(1.4, 1.9);
            double length = truck ? rnd.nextDouble(7, 12) : rnd.nextDouble(4.2, 5.0);
            double lateral = (lane - ego) * laneWidth + clamp(gaussian(rnd) * 0.2, -0.4, 0.4);
            if (lane < 0 || lane >= lanes) {
                lateral = (lane < 0 ? road.pavementLeft() - 1.2 : road.pavementRight() + 1.2);
            }
            boolean clash = false;
            for (Car c : cars) {
                if (Math.abs(c.lateral() - lateral) < 2.5 && dist < c.distance() + c.length() + 3 && c.distance() < dist + length + 3) {
                    clash = true;
                    break;
                }
            }
            if (!clash) {
                cars.add(new Car(lateral, dist, width, height, length, rnd.nextDouble(0.04, 0.8)));
            }
        }

        // markings across the road
        List<CrossMarking> cross = new ArrayList<>();
        double crossBright = rnd.nextDouble(0.65, 0.95);
        boolean stop = kind == SceneKind.STOP_LINE || kind == SceneKind.ANY && rnd.nextDouble() < 0.10;
        boolean walk = kind == SceneKind.CROSSWALK || kind == SceneKind.ANY && rnd.nextDouble() < 0.08;
        double at = odo + (kind == SceneKind.ANY ? rnd.nextDouble(5, 40) : kind == SceneKind.STOP_LINE
                ? rnd.nextDouble(6, 14) : rnd.nextDouble(5, 12));
        if (stop) {
            double from = road.boundaryU(ego) + (ego == 0 ? 0 : 0.15);
            cross.add(new CrossMarking(CrossKind.STOP_LINE, at, rnd.nextDouble(0.3, 0.6), from, road.pavementRight(), crossBright));
            at += rnd.nextDouble(1.5, 3);
        }
        if (walk) {
            CrossKind k = rnd.nextDouble() < 0.6 ? CrossKind.ZEBRA : CrossKind.TWO_LINES;
            cross.add(new CrossMarking(k, at, rnd.nextDouble(2.5, 4), road.pavementLeft(), road.pavementRight(), crossBright));
        }

        // camera and exposure
        double gamma = rnd.nextDouble(0.85, 1.25);
        double targetRoad = rnd.nextDouble() < 0.05 ? rnd.nextDouble(0.02, 0.06) : Math.exp(rnd.nextDouble(Math.log(0.07), Math.log(0.32)));
        double exposure = Math.pow(targetRoad, 1 / gamma) / roadAlbedo;
        Camera camera = new Camera(rnd.nextDouble(60, 100), rnd.nextDouble(1.35, 1.65), exposure, gamma,
                rnd.nextDouble(0.004, 0.02), rnd.nextDouble(150, 600), roadAlbedo * rnd.nextDouble(2.5, 5),
                rnd.nextDouble(0, 0.3));
        return new RoadScene(road, lines, surface, shadows, cars, cross, camera, odo, rnd.nextLong());
    }

    static Shadow randomShadow(SplittableRandom rnd, Road road, double odo, double within) {
        double t = rnd.nextDouble();
        double pavL = road.pavementLeft();
        double pavR = road.pavementRight();
        double dark = rnd.nextDouble(0.45, 0.8);
        if (t < 0.25) {
            double s0 = odo + rnd.nextDouble(3, within);
            return new Band(s0, s0 + rnd.nextDouble(3, 15), clamp(gaussian(rnd) * 0.3, -1, 1), rnd.nextDouble(0.05, 0.5), dark);
        } else if (t < 0.35) {
            double s0 = odo + rnd.nextDouble(3, within);
            return new Band(s0, s0 + rnd.nextDouble(0.15, 0.5), rnd.nextDouble(-1.5, 1.5), 0.05, dark);
        } else if (t < 0.7) {
            boolean left = rnd.nextBoolean();
            double s0 = odo + rnd.nextDouble(-10, within / 2);
            return new Side(left, rnd.nextDouble(pavL, pavR), rnd.nextDouble(-0.4, 0.4), s0, s0 + rnd.nextDouble(10, 60),
                    rnd.nextDouble(0.1, 0.6), dark);
        } else {
            double s0 = odo + rnd.nextDouble(-5, within / 2);
            double u0 = rnd.nextBoolean() ? pavL - 5 : rnd.nextDouble(pavL, pavR);
            double u1 = Math.max(u0 + 3, rnd.nextBoolean() ? pavR + 5 : rnd.nextDouble(pavL, pavR));
            return new Dappled(u0, u1, s0, s0 + rnd.nextDouble(10, 40), rnd.nextDouble(2, 6), rnd.nextDouble(-0.3, 0.8),
                    rnd.nextLong(), dark);
        }
    }

    private static double commanded(Road road) {
        double x = road.centreX(RoadScene.LOOKAHEAD_M);
        double l = RoadScene.LOOKAHEAD_M;
        return 2 * x / (x * x + l * l);
    }

    private static double sign(SplittableRandom rnd) {
        return rnd.nextBoolean() ? 1 : -1;
    }

    static double gaussian(SplittableRandom rnd) {
        // Box-Muller from two uniforms; SplittableRandom has no nextGaussian in Java 17
        double u1 = 1 - rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    private static int clampInt(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
