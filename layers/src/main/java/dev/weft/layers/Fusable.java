package dev.weft.layers;

import dev.weft.core.Tensor;

/**
 * A layer that can run the layer after it inside its own passes, saving that layer's passes over memory with the
 * same result, bit for bit. {@link Conv2D} and {@link BatchNorm} absorb a following {@link ReLU}: they apply
 * {@code max(Y, 0)} as they write {@code Y}, and mask the incoming gradient with {@code [Y > 0]} at the start of
 * their backward pass.
 *
 * <p>A {@link Sequential} decides which pairs to fuse when it is built (or when {@link Sequential#withFusion} is
 * called), shows them in {@link Sequential#summary()} and lists them in {@link Sequential#fusedPairs()}; the
 * absorbed layer's own {@code forward} and {@code backward} then never run. A layer called on its own is not fused.
 *
 * <p>Inference also folds a {@link BatchNorm} into a {@link Conv2D} or {@link Dense} right before it; that is not a
 * pair of this kind (it changes the rounding and never runs in training): see {@code FoldedBatchNorm} and
 * {@link Sequential#foldedBatchNorms()}.
 */
public interface Fusable extends Layer {
    /** Whether this layer can run {@code next}, the layer right after it, inside its own passes. */
    boolean canFuse(Layer next);

    /**
     * This layer's forward pass followed by the next layer's, in one pass. After a training call,
     * {@link #backward} takes {@code dLoss/d(next layer's output)} and returns {@code dLoss/d(this layer's input)};
     * after a plain {@link #forward}, it takes this layer's own output gradient again.
     */
    Tensor forwardFused(Tensor input, boolean training);
}
