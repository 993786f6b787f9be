package dev.weft.analysis.inspect;

import dev.weft.core.Tensor;
import dev.weft.layers.Layer;
import dev.weft.layers.Sequential;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What each layer of a model computes for one input: the feature maps of a convolution, the features of a
 * dense layer. The model is run layer by layer in inference mode ({@code training = false}: dropout off,
 * batch normalisation on its running statistics), which changes nothing in the model.
 *
 * <pre>{@code
 * Tensor maps = Activations.of(model, testX.slice(0, 1), 0);        // [32, 26, 26] for the first Conv2D
 * ImageGrid.featureMaps(maps.toArray(), maps.dim(0), maps.dim(1), maps.dim(2))
 *          .write(Path.of("conv1.png"), 1200, 700);
 * }</pre>
 */
public final class Activations {

    /** Inputs per forward pass of {@link #ofBatch}. */
    private static final int BATCH_CHUNK = 256;

    private Activations() {
    }

    /**
     * The output of layer {@code layerIndex} (0-based in {@link Sequential#layers()}) for one input, without
     * the batch axis: e.g. {@code [channels, height, width]} after a convolution, {@code [features]} after a
     * dense layer. The result is a fresh copy that later forward passes do not overwrite.
     *
     * @param image one input, either per-sample shaped ({@code [1, 28, 28]}) or a batch of one
     *              ({@code [1, 1, 28, 28]})
     * @throws IllegalArgumentException if the layer index is out of range or the image does not fit the model
     */
    public static Tensor of(Sequential model, Tensor image, int layerIndex) {
        List<Layer> layers = model.layers();
        if (layerIndex < 0 || layerIndex >= layers.size()) {
            throw new IllegalArgumentException("layer index " + layerIndex + " is outside 0.." + (layers.size() - 1)
                    + " for a model of " + layers.size() + " layers");
        }
        Tensor x = asBatchOfOne(model, image);
        for (int i = 0; i <= layerIndex; i++) {
            x = layers.get(i).forward(x, false);
        }
        return withoutBatchAxis(x);
    }

    /** The outputs of every layer for one input, in layer order (each without the batch axis, copied). */
    public static List<Tensor> all(Sequential model, Tensor image) {
        Tensor x = asBatchOfOne(model, image);
        List<Tensor> outputs = new ArrayList<>();
        for (Layer layer : model.layers()) {
            x = layer.forward(x, false);
            outputs.add(withoutBatchAxis(x));
        }
        return outputs;
    }

    /**
     * The output of layer {@code layerIndex} for every input of a batch {@code [n, inputShape...]}: e.g.
     * {@code [n, features]} after a dense layer, the features an embedding of the inputs is made from. The batch
     * is run in chunks of {@value #BATCH_CHUNK} (so the largest layer's output stays small); the result is a fresh
     * tensor.
     *
     * @throws IllegalArgumentException if the layer index is out of range or the inputs do not fit the model
     */
    public static Tensor ofBatch(Sequential model, Tensor images, int layerIndex) {
        List<Layer> layers = model.layers();
        if (layerIndex < 0 || layerIndex >= layers.size()) {
            throw new IllegalArgumentException("layer index " + layerIndex + " is outside 0.." + (layers.size() - 1)
                    + " for a model of " + layers.size() + " layers");
        }
        int[] sample = model.inputShape();
        int[] shape = images.shape();
        if (shape.length != sample.length + 1 || !Arrays.equals(Arrays.copyOfRange(shape, 1, shape.length), sample)) {
            throw new IllegalArgumentException("activations need a batch of inputs [n, "
                    + Arrays.toString(sample).replaceAll("[\\[\\]]", "") + "], got " + Arrays.toString(shape));
        }
        int n = shape[0];
        float[] result = null;
        int[] outputShape = null;
        for (int from = 0; from < n; from += BATCH_CHUNK) {
            Tensor x = images.slice(from, Math.min(n, from + BATCH_CHUNK));
            for (int i = 0; i <= layerIndex; i++) {
                x = layers.get(i).forward(x, false);
            }
            int perSample = x.size() / x.dim(0);
            if (result == null) {
                outputShape = x.shape();
                result = new float[n * perSample];
            }
            System.arraycopy(x.data(), x.offset(), result, from * perSample, x.size());
        }
        if (result == null) {
            throw new IllegalArgumentException("activations need at least one input, got " + Arrays.toString(shape));
        }
        outputShape[0] = n;
        return Tensor.of(result, outputShape);
    }

    private static Tensor asBatchOfOne(Sequential model, Tensor image) {
        int[] sample = model.inputShape();
        int[] shape = image.shape();
        if (Arrays.equals(shape, sample)) {
            int[] batched = new int[sample.length + 1];
            batched[0] = 1;
            System.arraycopy(sample, 0, batched, 1, sample.length);
            return image.reshape(batched);
        }
        if (shape.length == sample.length + 1 && shape[0] == 1
                && Arrays.equals(Arrays.copyOfRange(shape, 1, shape.length), sample)) {
            return image;
        }
        throw new IllegalArgumentException("activations need one input of shape " + Arrays.toString(sample)
                + " (or a batch of one), got " + Arrays.toString(shape));
    }

    private static Tensor withoutBatchAxis(Tensor batchOfOne) {
        int[] shape = batchOfOne.shape();
        if (shape.length == 1) {
            return batchOfOne.copy();
        }
        return Tensor.of(batchOfOne.toArray(), Arrays.copyOfRange(shape, 1, shape.length));
    }
}
