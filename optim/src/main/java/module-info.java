/**
 * Weft's optimizers (SGD, Adam, AdamW), learning-rate schedules and the training loop
 * ({@link dev.weft.optim.Trainer}, {@link dev.weft.optim.History}, callbacks).
 *
 * <p>The trainer takes a {@link dev.weft.layers.Sequential}, so this module re-exports {@code dev.weft.layers}.
 */
module dev.weft.optim {
    requires transitive dev.weft.layers;

    exports dev.weft.optim;
}
