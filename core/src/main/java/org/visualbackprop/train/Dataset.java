package org.visualbackprop.train;

import org.visualbackprop.tensor.Shape;

/**
 * A finite, indexed collection of (input, target) samples, loaded one at a time so that generated or on-disk data
 * need not sit in memory. Targets are {@code 1 x outputs x 1 x 1} regression values, or {@code 1 x 1 x 1 x 1}
 * holding a class index for classification (what {@link Loss#nll()} reads).
 *
 * <p>{@link #load} must be deterministic (the same index gives the same sample) and safe to call from several
 * threads at once.
 */
public interface Dataset {
    /** Number of samples. */
    int size();

    /** Shape of one input sample (batch 1). */
    Shape inputShape();

    /** Shape of one target (batch 1). */
    Shape targetShape();

    /**
     * Writes sample {@code index} into the arrays.
     *
     * @param input  receives {@code inputShape().size()} values from {@code inputOffset}. Modified.
     * @param target receives {@code targetShape().size()} values from {@code targetOffset}. Modified.
     */
    void load(int index, float[] input, int inputOffset, float[] target, int targetOffset);

    /** One line saying what this is, for model provenance and logs. */
    default String describe() {
        return getClass().getSimpleName() + " of " + size() + " samples";
    }
}
