package dev.weft.optim;

import dev.weft.layers.Sequential;

/**
 * Remembers the model's weights (and BatchNorm statistics) from the epoch with the best monitored value and puts
 * them back when training ends, so {@code fit} returns with the best model rather than the last one (Keras's
 * {@code ModelCheckpoint(save_best_only=True)} plus {@code restore_best_weights}, in memory).
 *
 * <pre>{@code
 * KeepBest best = new KeepBest(Monitor.VALIDATION_ACCURACY);
 * trainer.withCallbacks(best).fit(train, 20, 64);
 * System.out.println("best epoch " + best.bestEpoch());
 * }</pre>
 */
public final class KeepBest implements Callback {

    private final Monitor monitor;
    private double best = Double.NaN;
    private int bestEpoch;
    private float[][] weights;

    /** Keeps the weights of the epoch with the best {@code monitor}. */
    public KeepBest(Monitor monitor) {
        if (monitor == null) {
            throw new IllegalArgumentException("monitor must not be null");
        }
        this.monitor = monitor;
    }

    @Override
    public void onTrainBegin(Sequential model) {
        best = Double.NaN;
        bestEpoch = 0;
        weights = null;
    }

    @Override
    public boolean onEpochEnd(Sequential model, EpochMetrics metrics) {
        double value = monitor.value(metrics);
        if (monitor.improves(value, best, 0)) {
            best = value;
            bestEpoch = metrics.epoch();
            weights = model.copyWeights();
        }
        return false;
    }

    @Override
    public void onTrainEnd(Sequential model, History history) {
        if (weights != null) {
            model.setWeights(weights);
        }
    }

    /** The watched figure. */
    public Monitor monitor() {
        return monitor;
    }

    /** The epoch whose weights are kept (0 before the first epoch). */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** The monitored value of that epoch (NaN before the first epoch). */
    public double bestValue() {
        return best;
    }
}
