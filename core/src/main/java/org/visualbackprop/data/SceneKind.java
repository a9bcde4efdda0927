package org.visualbackprop.data;

/**
 * What a generated road scene must contain, for training sets ({@link #ANY}) and for figures (the rest), after the
 * situations of the paper's Figures 8 to 17.
 */
public enum SceneKind {
    /**
     * The training mixture: about 45% nearly straight roads, 35% gentle curves (radius 150 to 800 m), 20% sharp ones
     * (40 to 150 m); shadows in about 35% of scenes, other cars in 35%, a stop line in 10%, a crosswalk in 8%, a lane
     * line of the car's lane missing in 12%.
     */
    ANY,
    /** A straight road (radius over 5 km), no cars, no shadows (Figures 8, 9). */
    STRAIGHT,
    /** A sharp curve, radius 35 to 60 m, either way (Figures 14, 15). */
    SHARP_TURN,
    /** Shadows across the road: two to four of them, within the first 30 m (Figures 10, 11). */
    SHADOWS,
    /**
     * A lane line of the car's lane that ends 9 to 14 m ahead: it shows in this frame and is gone from the NetSVF view
     * (which starts 5 to 7 m ahead of the camera) in the scene {@code advance(10)} later; frames in between show it
     * shrink towards the bottom edge (Figures 12, 13: a marking that disappears between consecutive frames).
     */
    MISSING_MARKING,
    /** A crosswalk 5 to 12 m ahead (Figure 16: horizontal markings that do not affect steering). */
    CROSSWALK,
    /** A stop line 6 to 14 m ahead (Figure 16). */
    STOP_LINE,
    /** Two to four other cars, some close (Figure 17). */
    CARS
}
