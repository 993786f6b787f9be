package dev.weft.optim;

import dev.weft.layers.Parameter;
import java.util.List;

/**
 * Updates parameters from their gradients: one call to {@link #step} per mini-batch, after the backward pass.
 *
 * <p>The optimizer only reads gradients; clearing them before the next batch is the training loop's job
 * ({@link Parameter#zeroGrad()}). Any per-parameter state (momentum, Adam's moments) lives inside the optimizer,
 * keyed by the {@link Parameter} object, so one optimizer serves one model.
 *
 * <pre>{@code
 * Optimizer adam = new Adam(1e-3f);
 * model.zeroGrad();
 * float l = loss.forward(model.forward(x, true), labels);
 * model.backward(loss.backward());        // fills the gradients
 * adam.step(model.parameters());          // w <- w - update(grad)
 * }</pre>
 */
public interface Optimizer {

    /** Applies one update to every parameter, using its current gradient. */
    void step(List<Parameter> parameters);

    /** Number of {@link #step} calls so far. */
    long iterations();

    /** The learning rate the next {@link #step} will use (the schedule evaluated at {@link #iterations()}). */
    float learningRate();

    /** A short description for logs, e.g. {@code "Adam(lr=0.001, beta1=0.9, beta2=0.999, eps=1e-07)"}. */
    @Override
    String toString();
}
