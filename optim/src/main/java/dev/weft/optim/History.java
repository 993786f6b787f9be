package dev.weft.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The per-epoch record of a {@link Trainer#fit} run, like Keras's {@code History}: one {@link EpochMetrics} per
 * epoch, plus each figure as an array ready for plotting.
 *
 * <pre>{@code
 * History history = trainer.fit(train, 10, 64);
 * double[] valAccuracy = history.validationAccuracy();
 * System.out.println(history);              // a small table
 * }</pre>
 */
public final class History {

    private final List<EpochMetrics> epochs = new ArrayList<>();
    private boolean stoppedEarly;

    /** An empty history; {@link Trainer} fills it. */
    public History() {
    }

    /** Appends one epoch's figures. */
    public void add(EpochMetrics metrics) {
        epochs.add(metrics);
    }

    void markStoppedEarly() {
        stoppedEarly = true;
    }

    /** Whether a callback stopped training before the requested number of epochs. */
    public boolean stoppedEarly() {
        return stoppedEarly;
    }

    /** The epochs in order (unmodifiable). */
    public List<EpochMetrics> epochs() {
        return Collections.unmodifiableList(epochs);
    }

    /** Number of epochs run. */
    public int size() {
        return epochs.size();
    }

    /** The last epoch's figures. */
    public EpochMetrics last() {
        if (epochs.isEmpty()) {
            throw new IllegalStateException("the history is empty: no epoch has run");
        }
        return epochs.get(epochs.size() - 1);
    }

    /** Whether validation figures were measured. */
    public boolean hasValidation() {
        return !epochs.isEmpty() && epochs.get(0).hasValidation();
    }

    /** The epoch with the best value of {@code monitor} (the first one on ties). */
    public EpochMetrics best(Monitor monitor) {
        EpochMetrics best = null;
        for (EpochMetrics e : epochs) {
            if (best == null || monitor.improves(monitor.value(e), monitor.value(best), 0)) {
                best = e;
            }
        }
        if (best == null) {
            throw new IllegalStateException("the history is empty: no epoch has run");
        }
        return best;
    }

    /** Training losses, one per epoch. */
    public double[] trainLoss() {
        return column(EpochMetrics::trainLoss);
    }

    /** Training accuracies, one per epoch. */
    public double[] trainAccuracy() {
        return column(EpochMetrics::trainAccuracy);
    }

    /** Validation losses (NaN for epochs without validation). */
    public double[] validationLoss() {
        return column(EpochMetrics::validationLoss);
    }

    /** Validation accuracies (NaN for epochs without validation). */
    public double[] validationAccuracy() {
        return column(EpochMetrics::validationAccuracy);
    }

    /** Wall time of each epoch in seconds, validation included. */
    public double[] seconds() {
        return column(EpochMetrics::seconds);
    }

    /** Training throughput of each epoch. */
    public double[] imagesPerSecond() {
        return column(EpochMetrics::imagesPerSecond);
    }

    /** The learning rate at the end of each epoch. */
    public double[] learningRate() {
        return column(EpochMetrics::learningRate);
    }

    private double[] column(ToDoubleFunction<EpochMetrics> f) {
        return epochs.stream().mapToDouble(f).toArray();
    }

    /**
     * The history as CSV with a header line: {@code epoch,train_loss,train_accuracy,val_loss,val_accuracy,
     * learning_rate,seconds,images_per_second} (empty validation cells when there was none).
     */
    public String toCsv() {
        StringBuilder sb = new StringBuilder(
                "epoch,train_loss,train_accuracy,val_loss,val_accuracy,learning_rate,seconds,images_per_second\n");
        for (EpochMetrics e : epochs) {
            sb.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%s,%s,%s,%.3f,%.1f%n", e.epoch(), e.trainLoss(),
                    e.trainAccuracy(), e.hasValidation() ? String.format(Locale.ROOT, "%.6f", e.validationLoss()) : "",
                    e.hasValidation() ? String.format(Locale.ROOT, "%.6f", e.validationAccuracy()) : "",
                    e.learningRate(), e.seconds(), e.imagesPerSecond()));
        }
        return sb.toString();
    }

    /** A small table, one line per epoch. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%5s %10s %9s %10s %9s %8s %10s%n",
                "epoch", "loss", "accuracy", "val_loss", "val_acc", "seconds", "images/s"));
        for (EpochMetrics e : epochs) {
            sb.append(String.format(Locale.ROOT, "%5d %10.4f %9.4f %10s %9s %8.1f %10.0f%n", e.epoch(), e.trainLoss(),
                    e.trainAccuracy(), e.hasValidation() ? String.format(Locale.ROOT, "%.4f", e.validationLoss()) : "-",
                    e.hasValidation() ? String.format(Locale.ROOT, "%.4f", e.validationAccuracy()) : "-",
                    e.seconds(), e.imagesPerSecond()));
        }
        if (stoppedEarly) {
            sb.append("(stopped early)\n");
        }
        return sb.toString();
    }
}
