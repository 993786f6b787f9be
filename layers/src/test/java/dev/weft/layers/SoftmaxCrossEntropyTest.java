package dev.weft.layers;

import dev.weft.core.Tensor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SoftmaxCrossEntropyTest {

    @Test
    void backwardMatchesFiniteDifferences() {
        // L = mean_n CE(z_n, y_n), h = 1e-2, tolerance 1e-4 + 1e-2·|g| (L is smooth; float32 forward).
        Tensor logits = Tensor.uniform(new int[] {3, 5}, -3f, 3f, 1L);
        int[] labels = {4, 0, 2};
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        loss.forward(logits, labels);
        Tensor analytic = loss.backward().copy();
        new GradientCheck(1e-2, 1e-4, 1e-2).compare("logits", logits, analytic,
                () -> new SoftmaxCrossEntropy().forward(logits, labels));
    }

    @Test
    void lossOfUniformLogitsIsLogOfClassCount() {
        float l = new SoftmaxCrossEntropy().forward(Tensor.zeros(2, 10), new int[] {3, 7});
        assertThat((double) l).isCloseTo(Math.log(10), within(1e-6));
    }

    @Test
    void isStableForHugeLogits() {
        Tensor logits = Tensor.of(new float[] {1000f, 0f, -1000f, 5000f, 5001f, 4999f}, 2, 3);
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        float l = loss.forward(logits, new int[] {0, 1});
        // Row 0 is certain and right (loss 0); row 1 is log(1 + e^-1 + e^-2) ≈ 0.40761.
        assertThat((double) l).isCloseTo((0 + Math.log(1 + Math.exp(-1) + Math.exp(-2))) / 2, within(1e-5));
        for (float g : loss.backward().toArray()) {
            assertThat(Float.isFinite(g)).isTrue();
        }
    }

    @Test
    void gradientRowsSumToZero() {
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        loss.forward(Tensor.uniform(new int[] {4, 6}, -2f, 2f, 2L), new int[] {0, 1, 2, 5});
        Tensor d = loss.backward();
        for (int n = 0; n < 4; n++) {
            double s = 0;
            for (int k = 0; k < 6; k++) {
                s += d.get(n, k);
            }
            assertThat(s).isCloseTo(0, within(1e-6));
        }
    }

    @Test
    void statelessLossSumAgreesWithForward() {
        Tensor logits = Tensor.uniform(new int[] {5, 4}, -2f, 2f, 3L);
        int[] labels = {0, 1, 2, 3, 0};
        int[] correct = new int[1];
        double sum = SoftmaxCrossEntropy.lossSum(logits, labels, correct);
        assertThat(sum / 5).isCloseTo(new SoftmaxCrossEntropy().forward(logits, labels), within(1e-5));
        assertThat(correct[0]).isBetween(0, 5);
    }

    @Test
    void rejectsLabelsOutsideTheClasses() {
        assertThatThrownBy(() -> new SoftmaxCrossEntropy().forward(Tensor.zeros(2, 3), new int[] {0, 3}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("label 3 of row 1");
    }

    @Test
    void backwardWithoutForwardIsAnError() {
        assertThatThrownBy(() -> new SoftmaxCrossEntropy().backward()).isInstanceOf(IllegalStateException.class);
    }
}
