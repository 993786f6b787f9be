package dev.weft.layers;

import dev.weft.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SequentialTest {

    @Test
    void referenceCnnHasTheReferenceShapesAndParameterCount() {
        Sequential model = Models.referenceCnn(1L);
        // conv 1->32 3x3: 32·9 + 32 = 320; conv 32->64: 64·288 + 64 = 18,496; conv 64->128: 128·576 + 128 = 73,856;
        // dense 1152->128: 147,456 + 128 = 147,584; dense 128->10: 1,280 + 10 = 1,290. Total 241,546.
        assertThat(model.trainableParameterCount()).isEqualTo(320 + 18_496 + 73_856 + 147_584 + 1_290);
        assertThat(model.layers().get(8).outputShape()).containsExactly(1152);
        assertThat(model.outputShape()).containsExactly(10);
    }

    @Test
    void forwardGivesLogitsPerSample() {
        Sequential model = Models.referenceCnn(1L);
        Tensor x = Tensor.uniform(new int[] {3, 1, 28, 28}, 0f, 1f, 7L);
        Tensor logits = model.forward(x, true);
        assertThat(logits.shape()).containsExactly(3, 10);
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        float l = loss.forward(logits, new int[] {1, 2, 3});
        model.zeroGrad();
        model.backward(loss.backward());
        assertThat(l).isBetween(0f, 20f);
    }

    /**
     * The layers of the fusion test: Conv2D + ReLU (18x18 outputs per image, then 7x7), BatchNorm + ReLU over
     * channels and over features, and an unfused Conv2D + BatchNorm.
     */
    private static Sequential convReluModel() {
        return new Sequential(new int[] {2, 20, 20}, 9L,
                new Conv2D(5, 3), new ReLU(), new MaxPool2D(2),
                new Conv2D(6, 3), new ReLU(),
                new Conv2D(4, 3), new BatchNorm(), new ReLU(),
                new Flatten(), new Dense(8), new BatchNorm(), new ReLU(), new Dense(4));
    }

    /** A Conv2D and a BatchNorm each with a ReLU after it, and no BatchNorm right after a Conv2D or Dense. */
    private static Sequential unfoldedInferenceModel() {
        return new Sequential(new int[] {2, 20, 20}, 9L,
                new Conv2D(5, 3), new ReLU(), new MaxPool2D(2), new BatchNorm(), new ReLU(),
                new Flatten(), new Dense(4));
    }

    @Test
    void aLayerTimerHearsOfEachTrainingCallOnceAndNothingOfInference() {
        Sequential model = convReluModel();
        List<String> heard = new ArrayList<>();
        model.setLayerTimer((layer, backward, nanos) -> {
            assertThat(nanos).isNotNegative();
            heard.add((backward ? "b" : "f") + layer);
        });
        Tensor x = Tensor.uniform(new int[] {4, 2, 20, 20}, -1f, 1f, 3L);
        model.predict(x);
        assertThat(heard).as("inference").isEmpty();

        model.forward(x, true);
        model.backward(Tensor.uniform(new int[] {4, 4}, -1f, 1f, 4L));
        // Conv + ReLU (0, 1), pool 2, Conv + ReLU (3, 4), Conv 5, BatchNorm + ReLU (6, 7), Flatten 8, Dense 9,
        // BatchNorm + ReLU (10, 11), Dense 12: a fused pair is heard of under its first layer.
        assertThat(heard).containsExactly("f0", "f2", "f3", "f5", "f6", "f8", "f9", "f10", "f12",
                "b12", "b10", "b9", "b8", "b6", "b5", "b3", "b2", "b0");

        model.setLayerTimer(null);
        heard.clear();
        model.forward(x, true);
        assertThat(heard).as("after the timer is removed").isEmpty();
    }

    @Test
    void aConvolutionOrBatchNormAndTheReluAfterItRunFusedGiveTheLayerByLayerResultsExactly() {
        Tensor x = Tensor.uniform(new int[] {4, 2, 20, 20}, -1f, 1f, 3L);
        Tensor dLogits = Tensor.uniform(new int[] {4, 4}, -1f, 1f, 4L);
        for (boolean training : new boolean[] {true, false}) {
            // At inference a BatchNorm after a Conv2D or Dense is folded into it, which changes the rounding
            // (BatchNormFoldingTest); the inference model keeps its BatchNorm after a pooling layer instead.
            Sequential fused = training ? convReluModel() : unfoldedInferenceModel();
            Sequential separate = training ? convReluModel() : unfoldedInferenceModel();
            assertThat(fused.fusedPairs()).isNotEmpty();
            Tensor fusedLogits = fused.forward(x, training).copy();
            Tensor y = x;
            for (Layer layer : separate.layers()) {
                y = layer.forward(y, training);
            }
            assertThat(fusedLogits.toArray()).as("logits, training=%s", training).containsExactly(y.toArray());
        }
        Sequential fused = convReluModel();
        Sequential separate = convReluModel();
        fused.zeroGrad();
        separate.zeroGrad();
        fused.forward(x, true);
        fused.backward(dLogits);
        Tensor y = x;
        for (Layer layer : separate.layers()) {
            y = layer.forward(y, true);
        }
        Tensor d = dLogits;
        for (int i = separate.layers().size() - 1; i >= 0; i--) {
            d = separate.layers().get(i).backward(d);
        }
        for (int k = 0; k < fused.parameters().size(); k++) {
            assertThat(fused.parameters().get(k).grad().toArray()).as("gradient of parameter %d", k)
                    .containsExactly(separate.parameters().get(k).grad().toArray());
        }
    }

    @Test
    void shapeMismatchNamesTheLayer() {
        assertThatThrownBy(() -> new Sequential(new int[] {1, 28, 28}, 1L, new Conv2D(8, 3), new Dense(10)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dense_1 (Dense)").hasMessageContaining("Flatten");
    }
}
