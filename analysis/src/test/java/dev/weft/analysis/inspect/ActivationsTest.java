package dev.weft.analysis.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.core.Tensor;
import dev.weft.layers.Conv2D;
import dev.weft.layers.Dense;
import dev.weft.layers.Flatten;
import dev.weft.layers.MaxPool2D;
import dev.weft.layers.ReLU;
import dev.weft.layers.Sequential;
import java.util.List;
import org.junit.jupiter.api.Test;

class ActivationsTest {

    private final Sequential model = new Sequential(new int[] {1, 9, 9}, 3L,
            new Conv2D(4, 3), new ReLU(), new MaxPool2D(2), new Flatten(), new Dense(3));
    private final Tensor image = Tensor.uniform(new int[] {1, 9, 9}, 0f, 1f, 5L);

    @Test
    void convolutionActivationsHaveOneMapPerChannelWithoutTheBatchAxis() {
        Tensor maps = Activations.of(model, image, 0);
        assertThat(maps.shape()).containsExactly(4, 7, 7);
    }

    @Test
    void lastLayerActivationsAreTheModelsLogits() {
        Tensor logits = model.forward(image.reshape(1, 1, 9, 9), false).copy();
        Tensor last = Activations.of(model, image, 4);
        assertThat(last.shape()).containsExactly(3);
        assertThat(last.toArray()).containsExactly(logits.toArray());
    }

    @Test
    void batchActivationsAreEachInputsActivationsInOrder() {
        // More inputs than one forward chunk of 256, so the chunks must be put back in order.
        int n = 300;
        Tensor images = Tensor.uniform(new int[] {n, 1, 9, 9}, 0f, 1f, 6L);

        Tensor features = Activations.ofBatch(model, images, 3);

        assertThat(features.shape()).containsExactly(n, 36);
        for (int i : new int[] {0, 1, 255, 256, 299}) {
            float[] alone = Activations.of(model, images.slice(i, i + 1), 3).toArray();
            assertThat(java.util.Arrays.copyOfRange(features.toArray(), i * 36, (i + 1) * 36))
                    .as("input %d", i).containsExactly(alone);
        }
    }

    @Test
    void batchActivationsRejectInputsOfTheWrongShape() {
        assertThatThrownBy(() -> Activations.ofBatch(model, Tensor.zeros(2, 1, 8, 8), 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[n, 1, 9, 9]");
    }

    @Test
    void reluActivationsAreNotNegative() {
        for (float v : Activations.of(model, image, 1).toArray()) {
            assertThat(v).isGreaterThanOrEqualTo(0f);
        }
    }

    @Test
    void acceptsABatchOfOneAndReturnsACopyThatLaterPassesDoNotOverwrite() {
        Tensor first = Activations.of(model, image.reshape(1, 1, 9, 9), 0);
        float[] kept = first.toArray();
        Activations.of(model, Tensor.uniform(new int[] {1, 9, 9}, 0f, 1f, 99L), 0);
        assertThat(first.toArray()).containsExactly(kept);
    }

    @Test
    void allListsEveryLayersOutput() {
        List<Tensor> outputs = Activations.all(model, image);
        assertThat(outputs).hasSize(5);
        assertThat(outputs.get(2).shape()).containsExactly(4, 3, 3);
        assertThat(outputs.get(3).shape()).containsExactly(36);
        assertThat(outputs.get(0).toArray()).containsExactly(Activations.of(model, image, 0).toArray());
    }

    @Test
    void rejectsALayerIndexOutOfRange() {
        assertThatThrownBy(() -> Activations.of(model, image, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("layer index 5 is outside 0..4");
    }

    @Test
    void rejectsAnImageOfTheWrongShape() {
        assertThatThrownBy(() -> Activations.of(model, Tensor.zeros(2, 1, 9, 9), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[1, 9, 9]");
    }
}
