package org.visualbackprop.train;

/**
 * Training diverged: a loss, a weight or a BatchNorm statistic became NaN or infinite. The message names what became
 * non-finite, where (epoch, batch, layer and tensor) and the learning rate; {@link #completedEpochs()} says how many
 * epochs ended with a finite network before it happened (their checkpoints are the last good ones).
 */
public final class TrainingDivergedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final int completedEpochs;

    public TrainingDivergedException(String message, int completedEpochs) {
        super(message);
        this.completedEpochs = completedEpochs;
    }

    /** Epochs that ended with every value finite before training diverged (0: it diverged in the first). */
    public int completedEpochs() {
        return completedEpochs;
    }
}
