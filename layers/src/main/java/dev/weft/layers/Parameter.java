package dev.weft.layers;

import dev.weft.core.Tensor;

/**
 * One trainable tensor of a layer together with its gradient, a mirror of the same shape (as in llm.c, where
 * {@code params} and {@code grads} are two structs of the same layout).
 *
 * <p>Backward passes accumulate into {@link #grad()} ({@code +=}); {@link #zeroGrad()} clears it before the next
 * mini-batch. Optimizer state (momentum, Adam moments) lives in the optimizer, not here.
 *
 * <pre>{@code
 * for (Parameter p : model.parameters()) {
 *     float[] w = p.value().data(), g = p.grad().data();
 *     for (int i = 0; i < w.length; i++) w[i] -= 0.01f * g[i];   // plain SGD
 * }
 * }</pre>
 */
public final class Parameter {
    private final String name;
    private final Tensor value;
    private final Tensor grad;
    private final boolean decays;

    /**
     * @param name   short name within its layer, e.g. {@code "weights"}, {@code "bias"}, {@code "gamma"}
     * @param value  the tensor (kept, not copied)
     * @param decays whether weight decay should apply (true for weights, false for biases and BatchNorm's
     *               scale and shift, as is customary)
     */
    public Parameter(String name, Tensor value, boolean decays) {
        this(name, value, Tensor.zeros(value.shape()), decays);
    }

    private Parameter(String name, Tensor value, Tensor grad, boolean decays) {
        this.name = name;
        this.value = value;
        this.grad = grad;
        this.decays = decays;
    }

    /**
     * The same value and gradient under the name {@code prefix + "/" + name()}: how a layer built from layers
     * ({@link Residual}) lists its parts' parameters under names unique within it. Updating either updates both.
     */
    Parameter prefixed(String prefix) {
        return new Parameter(prefix + "/" + name, value, grad, decays);
    }

    /** Short name within its layer, e.g. {@code "weights"}. */
    public String name() {
        return name;
    }

    /** The parameter's values (updated in place by optimizers). */
    public Tensor value() {
        return value;
    }

    /** {@code dLoss/dValue}, same shape as {@link #value()}, accumulated by backward passes. */
    public Tensor grad() {
        return grad;
    }

    /** Whether weight decay (L2 / AdamW) is meant to apply: true for weights, false for biases, gamma, beta. */
    public boolean decays() {
        return decays;
    }

    /** Number of elements. */
    public int size() {
        return value.size();
    }

    /** Sets the gradient to zero. */
    public void zeroGrad() {
        grad.fill(0f);
    }

    @Override
    public String toString() {
        return name + java.util.Arrays.toString(value.shape());
    }
}
