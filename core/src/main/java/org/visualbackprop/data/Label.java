package org.visualbackprop.data;

/**
 * What a pixel of a synthetic road frame shows: the ground-truth label map of {@link RoadFrame}.
 *
 * <p>The declaration order is the priority: where several things meet in one pixel, the later constant wins
 * (a lane marking inside a shadow is {@link #LANE_MARKING}, a car in front of a marking is {@link #CAR}).
 * A thin or partly covered feature labels the pixel when it covers at least half of it, or when it is narrower than
 * the pixel and at least half of its width lies in it (so distant lane markings stay continuous in the map).
 */
public enum Label {
    /** Sky (only in views that reach above the horizon). */
    SKY(0x8fb8de),
    /** Everything beside the road: verges, grass, dirt, and the tree lines and buildings on the horizon. */
    OFF_ROAD(0x4f7a3a),
    /** The road surface, shoulders included, in direct light. */
    ROAD(0x5a5a5a),
    /** Road surface (shoulders included) in a shadow: at least half the direct light blocked. */
    SHADOW(0x24246e),
    /** A kerb along the road edge. */
    CURB(0xc8a060),
    /** Markings across the road that do not say where to steer: stop lines and crosswalks. */
    HORIZONTAL_MARKING(0x30c0ff),
    /** Markings along the road that bound the lanes: solid, dashed, double lines, Botts' dots, reflectors. */
    LANE_MARKING(0xffe000),
    /** Other vehicles, their tyres included (the dark patch they cast on the road is {@link #SHADOW}). */
    CAR(0xe02020);

    private static final Label[] VALUES = values();

    private final int rgb;

    Label(int rgb) {
        this.rgb = rgb;
    }

    /** The colour this label gets in coloured label maps, as {@code 0xRRGGBB}. */
    public int rgb() {
        return rgb;
    }

    /** The label whose {@link #ordinal()} is {@code code}. */
    public static Label of(int code) {
        if (code < 0 || code >= VALUES.length) {
            throw new IllegalArgumentException("label code " + code + " outside 0.." + (VALUES.length - 1));
        }
        return VALUES[code];
    }
}
