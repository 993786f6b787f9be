package dev.weft.optim;

import java.util.Locale;

/**
 * What one epoch of {@link Trainer#fit} measured.
 *
 * @param epoch              1-based epoch number (continues across successive {@code fit} calls of one trainer)
 * @param trainLoss          mean cross-entropy over the epoch's training batches, measured while training (as
 *                           Keras does: with dropout active and weights changing during the epoch)
 * @param trainAccuracy      share of training samples classified correctly during the epoch
 * @param validationLoss     mean cross-entropy on the validation data at the end of the epoch, NaN without
 * @param validationAccuracy accuracy on the validation data at the end of the epoch, NaN without
 * @param learningRate       the optimizer's learning rate after the epoch's last step
 * @param seconds            wall time of the whole epoch, validation included
 * @param imagesPerSecond    training samples per second of training time (gathering, forward, backward, update)
 */
public record EpochMetrics(int epoch, double trainLoss, double trainAccuracy, double validationLoss,
                           double validationAccuracy, float learningRate, double seconds, double imagesPerSecond) {

    /** Whether validation figures were measured. */
    public boolean hasValidation() {
        return !Double.isNaN(validationLoss);
    }

    @Override
    public String toString() {
        String s = String.format(Locale.ROOT, "epoch %d: loss %.4f, accuracy %.4f", epoch, trainLoss, trainAccuracy);
        if (hasValidation()) {
            s += String.format(Locale.ROOT, ", val_loss %.4f, val_accuracy %.4f", validationLoss, validationAccuracy);
        }
        return s + String.format(Locale.ROOT, ", %.1f s, %.0f images/s", seconds, imagesPerSecond);
    }
}
