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

    /** After every epoch, with its figures. */
    default void epochEnd(EpochReport report) {
    }

    /** Figures of one epoch. {@code validationLoss} and {@code validationMetric} are NaN without a validation set. */
    record EpochReport(int epoch, double trainLoss, double validationLoss, double validationMetric, String metricName,
                       double seconds) {
    }
}
