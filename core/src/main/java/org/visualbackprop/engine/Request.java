package org.visualbackprop.engine;

import java.util.Objects;
import org.visualbackprop.explain.Lrp;
import org.visualbackprop.explain.Target;

/**
 * What an {@link InferenceEngine} should compute besides the predictions. Immutable.
 *
 * @param vbp        the VisualBackProp mask (normalized, at input size)
 * @param vbpDetails also the raw mask, every averaged map and every intermediate mask (Figure 2); implies {@code vbp}
 * @param lrp        the LRP rule to apply, or null for none
 * @param target     the output LRP explains (required with {@code lrp})
 */
public record Request(boolean vbp, boolean vbpDetails, Lrp lrp, Target target) {

    public Request {
        vbp = vbp || vbpDetails;
        if (lrp != null) {
            Objects.requireNonNull(target, "an LRP request needs a target");
        }
    }

    /** Predictions only. */
    public static Request predictions() {
        return new Request(false, false, null, null);
    }

    /** Predictions and the normalized VisualBackProp mask. */
    public static Request vbpMask() {
        return new Request(true, false, null, null);
    }

    /** Predictions and everything VisualBackProp computes: mask, raw mask, averaged maps, intermediate masks. */
    public static Request vbpAll() {
        return new Request(true, true, null, null);
    }

    /** Predictions and LRP relevance. */
    public static Request lrpOnly(Lrp rule, Target target) {
        return new Request(false, false, Objects.requireNonNull(rule, "rule"), target);
    }

    /** This request with LRP added. */
    public Request withLrp(Lrp rule, Target target) {
        return new Request(vbp, vbpDetails, Objects.requireNonNull(rule, "rule"), target);
    }

    /** True when only the predictions are asked for. */
    public boolean predictionsOnly() {
        return !vbp && lrp == null;
    }
}
