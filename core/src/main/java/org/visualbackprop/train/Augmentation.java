package org.visualbackprop.train;

import java.util.SplittableRandom;

/**
 * A change made to each training batch before the forward pass (data augmentation), drawn from the trainer's seeded
 * random stream: the same seed gives the same changes. Validation batches are never augmented. See
 * {@link Augmentations} for the ones that keep the label honest, and {@code RoadScenes.lateralShift} for a shift of
 * the camera rendered by the road generator with its label recomputed.
 */
public interface Augmentation {
    /**
     * Changes {@code batch} in place.
     *
     * @param batch   inputs and targets of the batch, modified
     * @param indices the index in {@code source} of each sample of the batch, in order; not modified
     * @param source  the data set the batch came from
     * @param random  the trainer's random stream
     */
    void apply(Batch batch, int[] indices, Dataset source, SplittableRandom random);

    /** One line for a model's provenance: {@code "flip(p 0.5, negate target)"}. */
    String describe();
}
