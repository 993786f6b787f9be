package dev.weft.optim;

import dev.weft.layers.Sequential;

/**
 * Stops training when a monitored figure has not improved for {@code patience} epochs in a row (Keras's
 * {@code EarlyStopping}: with patience 3 and the best value at epoch 4, training ends after epoch 7). Combine with {@link KeepBest} to end with the best weights rather than the last.
 *
 * <pre>{@code
 * new EarlyStopping(Monitor.VALIDATION_LOSS, 3)           // stop after 3 epochs without a lower val loss
 * new EarlyStopping(Monitor.VALIDATION_ACCURACY, 5, 1e-3) // improvements under 0.1 point do not count
 * }</pre>
 */
public final class EarlyStopping implements Callback {

    private final Monitor monitor;
    private final int patience;
    private final double minDelta;
    private double best = Double.NaN;
    private int bestEpoch;
    private int waited;
    private int stoppedEpoch;

    /** Stops after {@code patience} epochs without any improvement of {@code monitor}. */
    public EarlyStopping(Monitor monitor, int patience) {
        this(monitor, patience, 0);
    }

    /** Stops after {@code patience} epochs without an improvement of more than {@code minDelta}. */
    public EarlyStopping(Monitor monitor, int patience, double minDelta) {
        if (monitor == null) {
            throw new IllegalArgumentException("monitor must not be null");
        }
        if (patience < 1) {
            throw new IllegalArgumentException("patience must be at least 1 epoch, was " + patience);
        }
        if (!(minDelta >= 0)) {
            throw new IllegalArgumentException("minDelta must be at least 0, was " + minDelta);
        }
        this.monitor = monitor;
        this.patience = patience;
        this.minDelta = minDelta;
    }

    @Override
    public void onTrainBegin(Sequential model) {
        best = Double.NaN;
        bestEpoch = 0;
        waited = 0;
        stoppedEpoch = 0;
    }

    @Override
    public boolean onEpochEnd(Sequential model, EpochMetrics metrics) {
        double value = monitor.value(metrics);
        if (monitor.improves(value, best, minDelta)) {
            best = value;
            bestEpoch = metrics.epoch();
            waited = 0;
            return false;
        }
        waited++;
        if (waited >= patience) {
            stoppedEpoch = metrics.epoch();
            return true;
        }
        return false;
    }

    /** The watched figure. */
    public Monitor monitor() {
        return monitor;
    }

    /** The epoch after which training was stopped, or 0 if it ran to the end. */
    public int stoppedEpoch() {
        return stoppedEpoch;
    }

    /** The epoch with the best monitored value so far (0 before the first epoch). */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** The best monitored value so far (NaN before the first epoch). */
    public double bestValue() {
        return best;
    }
}
