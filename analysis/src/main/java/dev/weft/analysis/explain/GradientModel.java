package dev.weft.analysis.explain;

import dev.weft.core.Tensor;
import dev.weft.layers.BatchNorm;
import dev.weft.layers.Dropout;
import dev.weft.layers.Layer;
import dev.weft.layers.LayerTypes;
import dev.weft.layers.Parameter;
import dev.weft.layers.Sequential;
import java.util.ArrayList;
import java.util.List;

/**
 * A trained model as it computes at inference, differentiable down to its input: what every explanation method
 * in this package back-propagates through. It is a copy of the model (the weights are copied when it is made; the
 * model itself is never run in training mode, so its BatchNorm statistics stay as they are) in which each
 * {@link BatchNorm} becomes the per-channel affine map it applies at inference ({@link FrozenBatchNorm}) and each
 * {@link Dropout}, the identity at inference, is left out; every other layer is rebuilt from its
 * {@link Layer#spec()}. Fusion follows the model's ({@link Sequential#fusionEnabled()}); results do not depend
 * on it.
 *
 * <p>The copy can be cut after one layer ({@link #cutAfter}): {@link #backward} then also returns that layer's
 * output {@code A} and {@code d(score)/dA}, which Grad-CAM needs.
 *
 * <pre>{@code
 * GradientModel g = GradientModel.of(model);
 * GradientModel.Pass pass = g.backward(images, model.predict(images));
 * Tensor saliency = pass.inputGradient();       // d logit_class / d image, [n, 1, 28, 28]
 * }</pre>
 *
 * <p>Not thread-safe: it keeps the buffers of its training-mode passes. Make one per thread.
 */
public final class GradientModel {

    /**
     * One forward and backward pass for a batch.
     *
     * @param logits             the model's logits {@code [n, classes]} (a copy)
     * @param inputGradient      {@code d logit[i, class_i] / d input[i]}, {@code [n, inputShape...]} (a copy)
     * @param activations        the output {@code A} of the layer the model was cut after (a copy); null uncut
     * @param activationGradient {@code d logit[i, class_i] / dA[i]} (a copy); null uncut
     */
    public record Pass(Tensor logits, Tensor inputGradient, Tensor activations, Tensor activationGradient) {
    }

    private final Sequential head;
    /** The layers after the cut, or null when the copy is not cut. */
    private final Sequential tail;
    private final int classes;

    private GradientModel(Sequential head, Sequential tail, int classes) {
        this.head = head;
        this.tail = tail;
        this.classes = classes;
    }

    /** The whole model, uncut. */
    public static GradientModel of(Sequential model) {
        return cutAfter(model, model.layers().size() - 1);
    }

    /**
     * The model cut after layer {@code layerIndex} (0-based in {@link Sequential#layers()}): {@link #backward}
     * also returns that layer's output and its gradient.
     *
     * @throws IllegalArgumentException if the index is out of range, or a layer is neither a BatchNorm, a Dropout
     *                                  nor a registered layer type with a spec
     */
    public static GradientModel cutAfter(Sequential model, int layerIndex) {
        List<Layer> layers = model.layers();
        if (layerIndex < 0 || layerIndex >= layers.size()) {
            throw new IllegalArgumentException("layer index " + layerIndex + " is outside 0.." + (layers.size() - 1)
                    + " for a model of " + layers.size() + " layers");
        }
        List<Layer> before = new ArrayList<>();
        List<Layer> after = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Layer copy = copyOf(layers.get(i), i);
            if (copy != null) {
                (i <= layerIndex ? before : after).add(copy);
            }
        }
        if (before.isEmpty()) {
            throw new IllegalArgumentException("nothing to cut after: layers 0.." + layerIndex + " are all Dropout");
        }
        Sequential head = build(model, model.inputShape(), before, layers.subList(0, layerIndex + 1));
        Sequential tail = after.isEmpty() ? null : build(model, head.outputShape(), after,
                layers.subList(layerIndex + 1, layers.size()));
        return new GradientModel(head, tail, model.numClasses());
    }

    /** A new, unbuilt layer computing what {@code layer} computes at inference; null for a Dropout. */
    private static Layer copyOf(Layer layer, int index) {
        if (layer instanceof Dropout) {
            return null;
        }
        if (layer instanceof BatchNorm batchNorm) {
            return new FrozenBatchNorm(batchNorm);
        }
        return LayerTypes.create(layer.spec().orElseThrow(() -> new IllegalArgumentException("layer " + index
                + " (" + layer.name() + ") has no spec, so it cannot be copied to explain the model")));
    }

    /** Builds the copies into a model and copies the originals' parameters into them. */
    private static Sequential build(Sequential model, int[] inputShape, List<Layer> copies, List<Layer> originals) {
        Sequential copy = new Sequential(inputShape, model.seed(), copies.toArray(new Layer[0]))
                .withFusion(model.fusionEnabled());
        List<Parameter> from = new ArrayList<>();
        for (Layer layer : originals) {
            if (!(layer instanceof BatchNorm)) {
                from.addAll(layer.parameters());
            }
        }
        List<Parameter> to = copy.parameters();
        for (int i = 0; i < to.size(); i++) {
            to.get(i).value().copyFrom(from.get(i).value());
        }
        return copy;
    }

    /** Per-sample input shape. */
    public int[] inputShape() {
        return head.inputShape();
    }

    /** Per-sample shape of the output of the layer the model was cut after (the logits' if uncut). */
    public int[] cutShape() {
        return head.outputShape();
    }

    /**
     * Runs {@code input [n, inputShape...]} forward and back-propagates, for each sample {@code i}, the logit of
     * {@code classes[i]} (the score before the softmax, as Simonyan et al. and Grad-CAM use).
     */
    public Pass backward(Tensor input, int[] classes) {
        int n = input.dim(0);
        if (classes.length != n) {
            throw new IllegalArgumentException(n + " inputs but " + classes.length + " classes");
        }
        Tensor dLogits = Tensor.zeros(n, this.classes);
        for (int i = 0; i < n; i++) {
            if (classes[i] < 0 || classes[i] >= this.classes) {
                throw new IllegalArgumentException("class " + classes[i] + " of sample " + i + " is outside 0.."
                        + (this.classes - 1));
            }
            dLogits.data()[i * this.classes + classes[i]] = 1f;
        }
        // The copies' parameter gradients are never read; cleared so that they do not grow call after call.
        head.zeroGrad();
        if (tail != null) {
            tail.zeroGrad();
        }
        Tensor cut = head.forward(input, true);
        Tensor logits = tail == null ? cut : tail.forward(cut, true);
        Tensor logitsCopy = logits.copy();
        if (tail == null) {
            return new Pass(logitsCopy, head.backwardToInput(dLogits).copy(), null, null);
        }
        Tensor activations = cut.copy();
        Tensor dCut = tail.backwardToInput(dLogits).copy();
        return new Pass(logitsCopy, head.backwardToInput(dCut).copy(), activations, dCut);
    }

    /** The logits {@code [n, classes]} of {@code input}, as the original model computes them (a copy). */
    public Tensor logits(Tensor input) {
        Tensor cut = head.forward(input, true);
        return (tail == null ? cut : tail.forward(cut, true)).copy();
    }
}
