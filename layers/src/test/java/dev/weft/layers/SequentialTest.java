package dev.weft.layers;

import dev.weft.core.Tensor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SequentialTest {

    @Test
    void seedCnnHasTheReferenceShapesAndParameterCount() {
        Sequential model = Models.seedCnn(1L);
        // conv 1->32 3x3: 32·9 + 32 = 320; conv 32->64: 64·288 + 64 = 18,496; conv 64->128: 128·576 + 128 = 73,856;
        // dense 1152->128: 147,456 + 128 = 147,584; dense 128->10: 1,280 + 10 = 1,290. Total 241,546.
        assertThat(model.trainableParameterCount()).isEqualTo(320 + 18_496 + 73_856 + 147_584 + 1_290);
        assertThat(model.layers().get(8).outputShape()).containsExactly(1152);
        assertThat(model.outputShape()).containsExactly(10);
    }

    @Test
    void forwardGivesLogitsPerSample() {
        Sequential model = Models.seedCnn(1L);
        Tensor x = Tensor.uniform(new int[] {3, 1, 28, 28}, 0f, 1f, 7L);
        Tensor logits = model.forward(x, true);
        assertThat(logits.shape()).containsExactly(3, 10);
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        float l = loss.forward(logits, new int[] {1, 2, 3});
        model.zeroGrad();
        model.backward(loss.backward());
        assertThat(l).isBetween(0f, 20f);
    }

    @Test
    void shapeMismatchNamesTheLayer() {
        assertThatThrownBy(() -> new Sequential(new int[] {1, 28, 28}, 1L, new Conv2D(8, 3), new Dense(10)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dense_1 (Dense)").hasMessageContaining("Flatten");
    }
}
