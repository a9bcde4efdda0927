package org.visualbackprop.train;

import org.visualbackprop.nn.Network;

/**
 * Hears from a {@link Trainer} as training goes: after each batch (for a progress bar), at chosen points in
 * (fractional) epochs (to draw masks while the network learns, as the paper's Figure 7 does), and after each epoch.
 * All methods run on the training thread; the network must not be trained from inside them, but may be evaluated.
 */
public interface TrainingListener {
    /** After every mini-batch. */
    default void batchEnd(int epoch, int batch, int batchesPerEpoch, double loss) {
    }

    /**
     * When training has seen {@code epochs} epochs' worth of samples, for each point of {@link Trainer.Config#checkpoints()}
     * (0 means before the first update).
     */
    default void checkpoint(double epochs, Network network) {
    }

    /** After every optimizer step, with the figures of that step (for learning curves). */
    default void step(StepReport report) {
    }

    /**
     * After every {@link Trainer.Config#validateEvery()} training samples: the validation set's loss and metric at that
     * point ({@code epochs} = samples seen / training set size).
     */
    default void validation(long samplesSeen, double epochs, Trainer.Evaluation evaluation) {
    }

    /** After every epoch, with its figures. */
    default void epochEnd(EpochReport report) {
    }

    /**
     * Figures of one optimizer step.
     *
     * @param step          1 for the first step
     * @param samplesSeen   training samples seen so far, this step's included
     * @param epochs        {@code samplesSeen} over the training set's size
     * @param loss          the batch's loss before the step
     * @param learningRate  the rate of this step (base rate times the schedule's factor)
     * @param gradientNorm  global L2 norm of the parameter gradients before clipping
     * @param clipped       whether the gradients were scaled down to the clipping norm
     */
    record StepReport(long step, long samplesSeen, double epochs, double loss, double learningRate, double gradientNorm,
                      boolean clipped) {
    }

    /** Figures of one epoch. {@code validationLoss} and {@code validationMetric} are NaN without a validation set. */
    record EpochReport(int epoch, double trainLoss, double validationLoss, double validationMetric, String metricName,
                       double seconds) {
    }
}
