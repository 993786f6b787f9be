package dev.weft.layers;

import dev.weft.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fusion is a visible property of the model: {@code summary()} and {@code fusedPairs()} say which layers run as
 * one, teaching mode ({@code withFusion(false)}) runs every layer's own forward and backward, and both modes give
 * the same training logits and gradients, bit for bit, and the same inference logits where no BatchNorm is folded
 * (the fused kernels compute the same float operations in the same
 * order: {@code max(Y, 0)} as Y is written, and {@code dY ⊙ [Y > 0]} before the layer's own backward).
 */
class FusionTest {

    @Test
    void theReferenceCnnRunsThreeOfItsFourRelusInsideTheConvolutionBeforeThem() {
        Sequential model = Models.referenceCnn(1L);
        assertThat(model.fusedPairs()).extracting(Object::toString)
                .containsExactly("conv2d_1 + relu_1", "conv2d_2 + relu_2", "conv2d_3 + relu_3");
        assertThat(model.fusionEnabled()).isTrue();
        String summary = model.summary();
        assertThat(summary).containsPattern("relu_1 \\(ReLU\\)\\s+32x26x26\\s+0  runs inside conv2d_1\n")
                .containsPattern("relu_3 \\(ReLU\\)\\s+128x3x3\\s+0  runs inside conv2d_3\n")
                .containsPattern("relu_4 \\(ReLU\\)\\s+128\\s+0\n")
                .contains("Fused: conv2d_1 + relu_1, conv2d_2 + relu_2, conv2d_3 + relu_3");
    }

    @Test
    void batchNormAbsorbsTheReluAfterIt() {
        assertThat(Models.weftCnn(1L).fusedPairs()).extracting(Object::toString).containsExactly(
                "batchnorm_1 + relu_1", "batchnorm_2 + relu_2", "batchnorm_3 + relu_3", "batchnorm_4 + relu_4",
                "batchnorm_5 + relu_5");
    }

    @Test
    void teachingModeFusesNothingAndTheSummarySaysSo() {
        Sequential model = Models.referenceCnn(1L).withFusion(false);
        assertThat(model.fusionEnabled()).isFalse();
        assertThat(model.fusedPairs()).isEmpty();
        assertThat(model.summary()).doesNotContain("runs inside")
                .contains("Fused: none (teaching mode, withFusion(false)");
        assertThat(model.withFusion(true).fusedPairs()).hasSize(3);
    }

    @Test
    void inTeachingModeEveryLayerRunsItsOwnForwardAndBackward() {
        // A debugger's view: the timer hears of each call Sequential makes, so ReLU.backward (layers 1, 4, 7, 10)
        // runs in teaching mode, and only relu_4 (after a Dense, which absorbs nothing) runs when fused.
        Tensor x = Tensor.uniform(new int[] {2, 1, 28, 28}, 0f, 1f, 3L);
        Tensor dLogits = Tensor.uniform(new int[] {2, 10}, -1f, 1f, 4L);
        List<String> teaching = heard(Models.referenceCnn(2L).withFusion(false), x, dLogits);
        List<String> all = new ArrayList<>();
        for (int i = 0; i <= 12; i++) {
            all.add("f" + i);
        }
        for (int i = 12; i >= 0; i--) {
            all.add("b" + i);
        }
        assertThat(teaching).containsExactlyElementsOf(all);
        assertThat(heard(Models.referenceCnn(2L), x, dLogits)).containsExactly(
                "f0", "f2", "f3", "f5", "f6", "f8", "f9", "f10", "f11", "f12",
                "b12", "b11", "b10", "b9", "b8", "b6", "b5", "b3", "b2", "b0");
    }

    private static List<String> heard(Sequential model, Tensor x, Tensor dLogits) {
        List<String> heard = new ArrayList<>();
        model.setLayerTimer((layer, backward, nanos) -> heard.add((backward ? "b" : "f") + layer));
        model.forward(x, true);
        model.backward(dLogits);
        return heard;
    }

    @Test
    void bothModesGiveTheSameLogitsAndGradientsBitForBit() {
        check(Models::referenceCnn, new int[] {4, 1, 28, 28}, 10);
        check(Models::weftCnn, new int[] {4, 1, 28, 28}, 10);
        check(TinyModels::smallCnn, new int[] {5, 1, 12, 12}, 5);
        check(TinyModels::gapCnn, new int[] {5, 1, 12, 12}, 5);
    }

    private static void check(LongFunction<Sequential> build, int[] inputShape, int classes) {
        Tensor x = Tensor.uniform(inputShape, -1f, 1f, 8L);
        int[] labels = new int[inputShape[0]];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (3 * i) % classes;
        }
        Sequential fused = build.apply(21L);
        Sequential teaching = build.apply(21L).withFusion(false);
        assertThat(fused.fusedPairs()).isNotEmpty();
        float[][] trainingLogits = new float[2][];
        Sequential[] models = {fused, teaching};
        for (int m = 0; m < 2; m++) {
            SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
            models[m].zeroGrad();
            Tensor logits = models[m].forward(x, true);
            trainingLogits[m] = logits.toArray();
            loss.forward(logits, labels);
            models[m].backward(loss.backward());
        }
        assertThat(trainingLogits[1]).as("training logits").containsExactly(trainingLogits[0]);
        if (fused.foldedBatchNorms().isEmpty()) {
            // With BatchNorm folded, inference agrees to rounding only: BatchNormFoldingTest.
            assertThat(teaching.forward(x, false).toArray()).as("inference logits")
                    .containsExactly(fused.forward(x, false).toArray());
        }
        for (int k = 0; k < fused.parameters().size(); k++) {
            assertThat(teaching.parameters().get(k).grad().toArray()).as("gradient of parameter %d", k)
                    .containsExactly(fused.parameters().get(k).grad().toArray());
        }
        assertThat(teaching.copyWeights()).as("BatchNorm running statistics").isDeepEqualTo(fused.copyWeights());
    }

    @Test
    void backwardFollowsThePlanOfTheForwardBeforeIt() {
        Tensor x = Tensor.uniform(new int[] {3, 1, 12, 12}, -1f, 1f, 8L);
        Tensor dLogits = Tensor.uniform(new int[] {3, 5}, -1f, 1f, 9L);
        Sequential switched = TinyModels.smallCnn(4L);
        Sequential fused = TinyModels.smallCnn(4L);
        switched.forward(x, true);
        switched.withFusion(false);   // between forward and backward: takes effect at the next forward
        switched.backward(dLogits);
        fused.forward(x, true);
        fused.backward(dLogits);
        for (int k = 0; k < fused.parameters().size(); k++) {
            assertThat(switched.parameters().get(k).grad().toArray()).as("gradient of parameter %d", k)
                    .containsExactly(fused.parameters().get(k).grad().toArray());
        }
    }
}
