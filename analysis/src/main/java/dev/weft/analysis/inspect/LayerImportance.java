package dev.weft.analysis.inspect;

import dev.weft.core.Tensor;
import dev.weft.layers.Conv2D;
import dev.weft.layers.Evaluation;
import dev.weft.layers.Layer;
import dev.weft.layers.Parameter;
import dev.weft.layers.Sequential;
import java.util.ArrayList;
import java.util.List;

/**
 * Importance of one layer by ablation, as the reference study measures it: zero all the layer's parameters
 * (weights and bias), measure the test accuracy, restore the model. The importance is the accuracy drop.
 *
 * <p>The study calls this "permutation importance"; it is an ablation (nothing is permuted). For a real
 * permutation importance over input regions see {@link PermutationImportance}.
 *
 * <pre>{@code
 * List<LayerImportance> scores = LayerImportance.ablation(model, testX, testLabels,
 *         LayerImportance.convolutionLayers(model));
 * BarCharts.importance("Layer importance (ablation)", "Accuracy drop",
 *         scores.stream().map(LayerImportance::layerName).toList(),
 *         scores.stream().mapToDouble(LayerImportance::drop).toArray()).write(png, 800, 500);
 * }</pre>
 *
 * @param layerIndex       index of the ablated layer in {@link Sequential#layers()}
 * @param layerName        its name, e.g. {@code conv2d_1}
 * @param baselineAccuracy test accuracy of the intact model
 * @param ablatedAccuracy  test accuracy with the layer's parameters set to zero
 * @param baselineLoss     mean cross-entropy of the intact model
 * @param ablatedLoss      mean cross-entropy with the layer zeroed
 */
public record LayerImportance(int layerIndex, String layerName, double baselineAccuracy, double ablatedAccuracy,
        double baselineLoss, double ablatedLoss) {

    /** The accuracy drop {@code baseline - ablated} (a fraction; can be negative). */
    public double drop() {
        return baselineAccuracy - ablatedAccuracy;
    }

    /** Indices of the {@link Conv2D} layers of the model, in order (the layers the study ablates). */
    public static int[] convolutionLayers(Sequential model) {
        List<Layer> layers = model.layers();
        return java.util.stream.IntStream.range(0, layers.size())
                .filter(i -> layers.get(i) instanceof Conv2D).toArray();
    }

    /**
     * Ablates each listed layer in turn and measures accuracy and loss on {@code testX} against
     * {@code testLabels}. The model's state is snapshot once ({@link Sequential#copyWeights()}) and restored
     * bit for bit after each layer ({@link Sequential#setWeights}), also when an evaluation throws.
     *
     * <p>The model is modified while this runs: do not use it from another thread meanwhile.
     *
     * @throws IllegalArgumentException if an index is out of range or the layer has no parameters
     */
    public static List<LayerImportance> ablation(Sequential model, Tensor testX, int[] testLabels,
            int... layerIndices) {
        List<Layer> layers = model.layers();
        if (layerIndices.length == 0) {
            throw new IllegalArgumentException("no layers to ablate; LayerImportance.convolutionLayers(model) "
                    + "lists the convolutions");
        }
        for (int index : layerIndices) {
            if (index < 0 || index >= layers.size()) {
                throw new IllegalArgumentException("layer index " + index + " is outside 0.." + (layers.size() - 1));
            }
            if (layers.get(index).parameters().isEmpty()) {
                throw new IllegalArgumentException("layer " + index + " (" + layers.get(index).name()
                        + ") has no parameters to ablate");
            }
        }
        Evaluation baseline = model.evaluate(testX, testLabels);
        float[][] snapshot = model.copyWeights();
        List<LayerImportance> scores = new ArrayList<>();
        for (int index : layerIndices) {
            Layer layer = layers.get(index);
            Evaluation ablated;
            try {
                for (Parameter p : layer.parameters()) {
                    p.value().fill(0f);
                }
                ablated = model.evaluate(testX, testLabels);
            } finally {
                model.setWeights(snapshot);
            }
            scores.add(new LayerImportance(index, layer.name(), baseline.accuracy(), ablated.accuracy(),
                    baseline.loss(), ablated.loss()));
        }
        return List.copyOf(scores);
    }
}
