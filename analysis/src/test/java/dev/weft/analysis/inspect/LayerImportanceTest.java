package dev.weft.analysis.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.core.Tensor;
import dev.weft.layers.Conv2D;
import dev.weft.layers.Dense;
import dev.weft.layers.Flatten;
import dev.weft.layers.ReLU;
import dev.weft.layers.Sequential;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayerImportanceTest {

    private final Sequential model = new Sequential(new int[] {1, 6, 6}, 11L,
            new Conv2D(3, 3), new ReLU(), new Conv2D(2, 3), new ReLU(), new Flatten(), new Dense(4));
    private final Tensor x = Tensor.uniform(new int[] {64, 1, 6, 6}, 0f, 1f, 13L);
    // Labels are the model's own predictions, so the intact model is 100% accurate.
    private final int[] labels = model.predict(x);

    @Test
    void findsTheConvolutionLayers() {
        assertThat(LayerImportance.convolutionLayers(model)).containsExactly(0, 2);
    }

    @Test
    void zeroingAConvolutionDropsAccuracy() {
        List<LayerImportance> scores = LayerImportance.ablation(model, x, labels, 0, 2);
        assertThat(scores).extracting(LayerImportance::layerName).containsExactly("conv2d_1", "conv2d_2");
        for (LayerImportance score : scores) {
            assertThat(score.baselineAccuracy()).isEqualTo(1.0);
            // Zero convolution weights and bias make every later activation zero: the logits are the dense
            // bias alone, one class for every input, so at most the share of that class stays right.
            assertThat(score.drop()).as("drop of %s", score.layerName()).isGreaterThan(0.2);
            assertThat(score.ablatedLoss()).isGreaterThan(score.baselineLoss());
        }
    }

    @Test
    void restoresEveryWeightExactly() {
        float[][] before = model.copyWeights();
        LayerImportance.ablation(model, x, labels, 0, 2, 5);
        float[][] after = model.copyWeights();
        assertThat(after.length).isEqualTo(before.length);
        for (int i = 0; i < before.length; i++) {
            // Arrays of float compare bit for bit (Float.floatToIntBits).
            assertThat(after[i]).as("state array %d", i).containsExactly(before[i]);
        }
        assertThat(model.predict(x)).containsExactly(labels);
    }

    @Test
    void rejectsALayerWithoutParameters() {
        assertThatThrownBy(() -> LayerImportance.ablation(model, x, labels, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("relu_1) has no parameters");
    }

    @Test
    void rejectsAnEmptyListOfLayers() {
        assertThatThrownBy(() -> LayerImportance.ablation(model, x, labels))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("convolutionLayers");
    }
}
