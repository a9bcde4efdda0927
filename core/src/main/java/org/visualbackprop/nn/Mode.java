package org.visualbackprop.nn;

/** How a forward pass treats the layers that behave differently in training and in use. */
public enum Mode {
    /** Training: BatchNorm normalizes with the batch's statistics and updates its running averages; Dropout drops. */
    TRAIN,
    /** Evaluation: BatchNorm uses its running statistics; Dropout passes everything through. */
    EVAL,
    /**
     * Evaluation with batch statistics: BatchNorm normalizes with the statistics of the batch given (running
     * averages untouched), Dropout passes everything through. This is how the authors' {@code run.lua} ran their
     * model, which was saved in training mode.
     */
    BATCH_STATISTICS;

    /** True when BatchNorm uses the statistics of the current batch. */
    public boolean batchStatistics() {
        return this != EVAL;
    }
}
