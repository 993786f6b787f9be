package dev.weft.optim;

import dev.weft.layers.Sequential;

/**
 * Hooks into {@link Trainer#fit}. All methods default to doing nothing.
 *
 * <pre>{@code
 * trainer.withCallbacks(new EarlyStopping(Monitor.VALIDATION_LOSS, 3), new KeepBest(Monitor.VALIDATION_ACCURACY));
 * }</pre>
 */
public interface Callback {

    /** Called once before the first epoch of a {@code fit}. */
    default void onTrainBegin(Sequential model) {
    }

    /**
     * Called after each epoch, validation included.
     *
     * @return true to stop training after this epoch
     */
    default boolean onEpochEnd(Sequential model, EpochMetrics metrics) {
        return false;
    }

    /** Called once after the last epoch (also after an early stop; not when training fails). */
    default void onTrainEnd(Sequential model, History history) {
    }
}
