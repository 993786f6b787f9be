package dev.weft.layers;

import dev.weft.core.Tensor;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * One layer of a {@link Sequential} model: a forward pass and its hand-written backward pass.
 *
 * <p>The contract, after llm.c:
 * <ul>
 *   <li>{@link #build} is called once by the model with the per-sample input shape (no batch axis) and a seeded
 *       generator; it creates the parameters and infers {@link #outputShape()}. A shape the layer cannot take
 *       fails here with an {@link IllegalArgumentException}.</li>
 *   <li>{@link #forward} with {@code training = true} keeps exactly what {@link #backward} needs, in buffers
 *       reused between batches of the same size. The returned tensor belongs to the layer and is overwritten by
 *       the next forward pass of the same mode on the same thread.</li>
 *   <li>{@link #forward} with {@code training = false} (inference) does not change the layer: it uses per-thread
 *       scratch, so a trained model can serve several threads at once.</li>
 *   <li>{@link #backward} takes {@code dLoss/dOutput}, accumulates ({@code +=}) parameter gradients and returns
 *       {@code dLoss/dInput} (a buffer it overwrites). Calling it without a training forward first is an
 *       {@link IllegalStateException}.</li>
 * </ul>
 * Tensors are NCHW for images ({@code [batch, channels, height, width]}) and {@code [batch, features]} for vectors.
 */
public interface Layer {

    /** Creates parameters for the given per-sample input shape; called once, by the model. */
    void build(String name, int[] inputShape, RandomGenerator random);

    /** The layer's kind, e.g. {@code "Conv2D"}: the same for every instance, used by summaries and model files. */
    String type();

    /**
     * The layer's settings, from which {@link LayerTypes#create} rebuilds it (without its weights): what a model
     * file stores for it. Empty for a layer that cannot be saved, the default; Weft's own layers all have one.
     */
    default Optional<LayerSpec> spec() {
        return Optional.empty();
    }

    /** The name given by the model, e.g. {@code "conv2d_1"} (the type until built). */
    String name();

    /** Per-sample input shape (after {@link #build}). */
    int[] inputShape();

    /** Per-sample output shape (after {@link #build}). */
    int[] outputShape();

    /** Runs the layer on {@code input} of shape {@code [batch, inputShape...]}. */
    Tensor forward(Tensor input, boolean training);

    /** Given {@code dLoss/dOutput}, accumulates parameter gradients and returns {@code dLoss/dInput}. */
    Tensor backward(Tensor dOutput);

    /** The trainable parameters, each with its gradient (empty for layers without any). */
    default List<Parameter> parameters() {
        return List.of();
    }

    /**
     * Non-trainable state that belongs to a trained model, by name in a fixed order (BatchNorm's running mean and
     * variance); saved in model files and included in {@link Sequential#copyWeights()}.
     */
    default Map<String, Tensor> statistics() {
        return Map.of();
    }

    /**
     * Tells the layer whether {@link #backward} must compute {@code dLoss/dInput}. The model turns this off for
     * its first layer, whose input is the data; such a layer's backward may then return {@code null}.
     */
    default void setInputGradientNeeded(boolean needed) {
    }
}
