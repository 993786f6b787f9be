package dev.weft.optim;

/**
 * Training produced a NaN or infinite loss. Thrown by {@link Trainer#fit} before the optimizer step of that
 * batch, with the running statistics the batch's forward pass had updated (BatchNorm's) restored: the model is
 * exactly as it was before the step.
 */
public final class NonFiniteLossException extends RuntimeException {

    private final int epoch;
    private final int batch;
    private final int batches;
    private final float loss;

    /**
     * @param epoch   1-based epoch
     * @param batch   1-based batch within the epoch
     * @param batches number of batches in the epoch
     * @param loss    the offending loss
     */
    public NonFiniteLossException(int epoch, int batch, int batches, float loss) {
        super("training loss is " + loss + " at epoch " + epoch + ", batch " + batch + " of " + batches
                + ": try a lower learning rate, gradient clipping (withClipNorm) or check the inputs for NaNs");
        this.epoch = epoch;
        this.batch = batch;
        this.batches = batches;
        this.loss = loss;
    }

    /** The 1-based epoch in which the loss became non-finite. */
    public int epoch() {
        return epoch;
    }

    /** The 1-based batch within that epoch. */
    public int batch() {
        return batch;
    }

    /** The number of batches in the epoch. */
    public int batches() {
        return batches;
    }

    /** The loss value (NaN or infinite). */
    public float loss() {
        return loss;
    }
}
