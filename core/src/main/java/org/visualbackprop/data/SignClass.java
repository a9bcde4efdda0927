package org.visualbackprop.data;

/**
 * The 43 traffic-sign classes of the German Traffic Sign Recognition Benchmark (GTSRB; the paper's supplement uses
 * the same 43 categories through GTSDB), in GTSRB's order, so {@link #ordinal()} is GTSRB's {@code ClassId}. Each
 * class is drawn by {@link TrafficSigns} as shape x colour x symbol:
 *
 * <table>
 * <caption>Class table</caption>
 * <tr><th>ids</th><th>shape and colours</th><th>symbol</th></tr>
 * <tr><td>0-5, 7, 8</td><td>white circle, red rim</td><td>speed limit 20, 30, 50, 60, 70, 80, 100, 120 (black digits)</td></tr>
 * <tr><td>9, 10</td><td>white circle, red rim</td><td>no passing: red car (9) or red lorry (10) left of a black car</td></tr>
 * <tr><td>15, 16</td><td>white circle, red rim</td><td>no vehicles (empty), no lorries (black lorry)</td></tr>
 * <tr><td>17</td><td>red disc</td><td>no entry: white horizontal bar</td></tr>
 * <tr><td>6, 32, 41, 42</td><td>white circle, thin gray edge</td><td>end of: 80 (gray digits), all limits, no passing,
 *     no passing for lorries; crossed by black diagonal stripes</td></tr>
 * <tr><td>11, 18-31</td><td>white triangle pointing up, red rim</td><td>right of way at the next crossing, caution (!),
 *     curve left, curve right, double curve, bumpy road, slippery road, road narrows on the right, road works,
 *     traffic signals (red, amber, green), pedestrians, children, bicycles, ice or snow, wild animals</td></tr>
 * <tr><td>12</td><td>yellow diamond, white border</td><td>priority road</td></tr>
 * <tr><td>13</td><td>white triangle pointing down, red rim</td><td>yield</td></tr>
 * <tr><td>14</td><td>red octagon, white edge</td><td>stop: white letters STOP</td></tr>
 * <tr><td>33-40</td><td>blue circle, white edge</td><td>white arrows: turn right, turn left, ahead only, straight or
 *     right, straight or left, keep right, keep left, roundabout</td></tr>
 * </table>
 */
public enum SignClass {
    SPEED_20(Shape.CIRCLE, Kind.PROHIBITORY, "speed limit 20 km/h"),
    SPEED_30(Shape.CIRCLE, Kind.PROHIBITORY, "speed limit 30 km/h"),
    SPEED_50(Shape.CIRCLE, Kind.PROHIBITORY, "speed limit 50 km/h"),
    SPEED_60(Shape.CIRCLE, Kind.PROHIBITORY, "speed limit 60 km/h"),
    SPEED_70(Shape.CIRCLE, Kind.PROHIBITORY, "speed limit 70 km/h"),
    SPEED_80(Shape.CIRCLE, Kind.PROHIBITORY, "speed limit 80 km/h"),
    END_SPEED_80(Shape.CIRCLE, Kind.END_OF_RESTRICTION, "end of speed limit 80 km/h"),
    SPEED_100(Shape.CIRCLE, Kind.PROHIBITORY, "speed limit 100 km/h"),
    SPEED_120(Shape.CIRCLE, Kind.PROHIBITORY, "speed limit 120 km/h"),
    NO_PASSING(Shape.CIRCLE, Kind.PROHIBITORY, "no passing"),
    NO_PASSING_LORRIES(Shape.CIRCLE, Kind.PROHIBITORY, "no passing for vehicles over 3.5 t"),
    RIGHT_OF_WAY(Shape.TRIANGLE, Kind.DANGER, "right of way at the next intersection"),
    PRIORITY_ROAD(Shape.DIAMOND, Kind.OTHER, "priority road"),
    YIELD(Shape.INVERTED_TRIANGLE, Kind.OTHER, "yield"),
    STOP(Shape.OCTAGON, Kind.OTHER, "stop"),
    NO_VEHICLES(Shape.CIRCLE, Kind.PROHIBITORY, "no vehicles"),
    NO_LORRIES(Shape.CIRCLE, Kind.PROHIBITORY, "vehicles over 3.5 t prohibited"),
    NO_ENTRY(Shape.CIRCLE, Kind.OTHER, "no entry"),
    CAUTION(Shape.TRIANGLE, Kind.DANGER, "general caution"),
    CURVE_LEFT(Shape.TRIANGLE, Kind.DANGER, "dangerous curve to the left"),
    CURVE_RIGHT(Shape.TRIANGLE, Kind.DANGER, "dangerous curve to the right"),
    DOUBLE_CURVE(Shape.TRIANGLE, Kind.DANGER, "double curve"),
    BUMPY_ROAD(Shape.TRIANGLE, Kind.DANGER, "bumpy road"),
    SLIPPERY_ROAD(Shape.TRIANGLE, Kind.DANGER, "slippery road"),
    ROAD_NARROWS_RIGHT(Shape.TRIANGLE, Kind.DANGER, "road narrows on the right"),
    ROAD_WORK(Shape.TRIANGLE, Kind.DANGER, "road work"),
    TRAFFIC_SIGNALS(Shape.TRIANGLE, Kind.DANGER, "traffic signals"),
    PEDESTRIANS(Shape.TRIANGLE, Kind.DANGER, "pedestrians"),
    CHILDREN(Shape.TRIANGLE, Kind.DANGER, "children crossing"),
    BICYCLES(Shape.TRIANGLE, Kind.DANGER, "bicycles crossing"),
    ICE_SNOW(Shape.TRIANGLE, Kind.DANGER, "beware of ice/snow"),
    WILD_ANIMALS(Shape.TRIANGLE, Kind.DANGER, "wild animals crossing"),
    END_ALL_LIMITS(Shape.CIRCLE, Kind.END_OF_RESTRICTION, "end of all speed and passing limits"),
    TURN_RIGHT(Shape.CIRCLE, Kind.MANDATORY, "turn right ahead"),
    TURN_LEFT(Shape.CIRCLE, Kind.MANDATORY, "turn left ahead"),
    AHEAD_ONLY(Shape.CIRCLE, Kind.MANDATORY, "ahead only"),
    STRAIGHT_OR_RIGHT(Shape.CIRCLE, Kind.MANDATORY, "go straight or right"),
    STRAIGHT_OR_LEFT(Shape.CIRCLE, Kind.MANDATORY, "go straight or left"),
    KEEP_RIGHT(Shape.CIRCLE, Kind.MANDATORY, "keep right"),
    KEEP_LEFT(Shape.CIRCLE, Kind.MANDATORY, "keep left"),
    ROUNDABOUT(Shape.CIRCLE, Kind.MANDATORY, "roundabout mandatory"),
    END_NO_PASSING(Shape.CIRCLE, Kind.END_OF_RESTRICTION, "end of no passing"),
    END_NO_PASSING_LORRIES(Shape.CIRCLE, Kind.END_OF_RESTRICTION, "end of no passing by vehicles over 3.5 t");

    /** Number of classes, 43. */
    public static final int COUNT = 43;

    private static final SignClass[] VALUES = values();

    /** Outline of a sign. */
    public enum Shape {
        CIRCLE, TRIANGLE, INVERTED_TRIANGLE, OCTAGON, DIAMOND
    }

    /** GTSRB's super-categories. */
    public enum Kind {
        /** Red-rimmed circles: speed limits and other prohibitions. */
        PROHIBITORY,
        /** Red-rimmed triangles pointing up. */
        DANGER,
        /** Blue circles with white arrows. */
        MANDATORY,
        /** White circles crossed by diagonal stripes. */
        END_OF_RESTRICTION,
        /** Priority road, yield, stop, no entry. */
        OTHER
    }

    private final Shape shape;
    private final Kind kind;
    private final String description;

    SignClass(Shape shape, Kind kind, String description) {
        this.shape = shape;
        this.kind = kind;
        this.description = description;
    }

    /** GTSRB's class id, 0..42. */
    public int id() {
        return ordinal();
    }

    /** The outline. */
    public Shape shape() {
        return shape;
    }

    /** The super-category. */
    public Kind kind() {
        return kind;
    }

    /** GTSRB's name for the class. */
    public String description() {
        return description;
    }

    /**
     * The class with GTSRB id {@code id}.
     *
     * @throws IllegalArgumentException outside 0..42
     */
    public static SignClass of(int id) {
        if (id < 0 || id >= VALUES.length) {
            throw new IllegalArgumentException("traffic-sign class id " + id + " outside 0.." + (VALUES.length - 1));
        }
        return VALUES[id];
    }
}
