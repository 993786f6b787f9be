package dev.weft.optim;

/** A per-epoch figure that callbacks such as {@link EarlyStopping} and {@link KeepBest} watch. */
public enum Monitor {
    TRAIN_LOSS(false),
    TRAIN_ACCURACY(true),
    VALIDATION_LOSS(false),
    VALIDATION_ACCURACY(true);

    private final boolean higherIsBetter;

    Monitor(boolean higherIsBetter) {
        this.higherIsBetter = higherIsBetter;
    }

    /** Whether this is a validation figure, which needs validation data. */
    public boolean needsValidation() {
        return this == VALIDATION_LOSS || this == VALIDATION_ACCURACY;
    }

    /** Whether a larger value is an improvement (accuracies) or a smaller one (losses). */
    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /**
     * The watched figure of one epoch.
     *
     * @throws IllegalStateException for a validation figure when the training had no validation data
     */
    public double value(EpochMetrics metrics) {
        double v = switch (this) {
            case TRAIN_LOSS -> metrics.trainLoss();
            case TRAIN_ACCURACY -> metrics.trainAccuracy();
            case VALIDATION_LOSS -> metrics.validationLoss();
            case VALIDATION_ACCURACY -> metrics.validationAccuracy();
        };
        if (Double.isNaN(v) && !metrics.hasValidation() && needsValidation()) {
            throw missingValidation();
        }
        return v;
    }

    IllegalStateException missingValidation() {
        return new IllegalStateException(this + " is monitored but fit was given no validation data: use "
                + "Trainer.withValidation or withValidationSplit, or monitor TRAIN_LOSS");
    }

    /** Whether {@code candidate} improves on {@code best} by more than {@code minDelta} (any value beats NaN). */
    public boolean improves(double candidate, double best, double minDelta) {
        if (Double.isNaN(best)) {
            return !Double.isNaN(candidate);
        }
        return higherIsBetter ? candidate > best + minDelta : candidate < best - minDelta;
    }
}
