package dev.weft.layers;

import dev.weft.core.Tensor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every layer's backward pass against central finite differences (see {@link GradientCheck}): inputs, weights and
 * biases, on tiny odd shapes. Layers that are linear in each variable (Conv2D, Dense, pooling, Flatten, Dropout
 * with a fixed mask) use a large step h = 1e-2, where the only error is float32 rounding; tolerance
 * 1e-3 + 1e-2·|g|. BatchNorm is curved, so h = 1e-3 and the same tolerance.
 */
class LayerGradientTest {
    private final GradientCheck linear = new GradientCheck(1e-2, 1e-3, 1e-2);

    @Test
    void denseBackwardMatchesFiniteDifferences() {
        Dense dense = GradientCheck.built(new Dense(4), new int[] {5});
        randomizeBias(dense.bias());
        int checked = linear.check(dense, Tensor.uniform(new int[] {3, 5}, -1f, 1f, 1L));
        assertThat(checked).isEqualTo(3 * 5 + 4 * 5 + 4);
    }

    @Test
    void conv2dValidBackwardMatchesFiniteDifferences() {
        Conv2D conv = GradientCheck.built(new Conv2D(3, 3), new int[] {2, 5, 6});
        randomizeBias(conv.bias());
        int checked = linear.check(conv, Tensor.uniform(new int[] {2, 2, 5, 6}, -1f, 1f, 2L));
        assertThat(checked).isEqualTo(2 * 2 * 5 * 6 + 3 * 2 * 3 * 3 + 3);
    }

    @Test
    void conv2dSameWithStrideBackwardMatchesFiniteDifferences() {
        Conv2D conv = GradientCheck.built(new Conv2D(2, 3, 2, Padding.SAME), new int[] {3, 7, 5});
        assertThat(conv.outputShape()).containsExactly(2, 4, 3);
        randomizeBias(conv.bias());
        linear.check(conv, Tensor.uniform(new int[] {2, 3, 7, 5}, -1f, 1f, 3L));
    }

    @Test
    void conv2dEvenKernelSamePaddingBackwardMatchesFiniteDifferences() {
        // A 2x2 kernel with SAME padding pads only after the image (padTop = padLeft = 0).
        Conv2D conv = GradientCheck.built(new Conv2D(2, 2, 1, Padding.SAME), new int[] {1, 3, 4});
        assertThat(conv.outputShape()).containsExactly(2, 3, 4);
        linear.check(conv, Tensor.uniform(new int[] {3, 1, 3, 4}, -1f, 1f, 4L));
    }

    @Test
    void maxPoolBackwardMatchesFiniteDifferences() {
        // Values 0.05 apart and h = 1e-2: no window changes its winner under the nudge.
        MaxPool2D pool = GradientCheck.built(new MaxPool2D(2), new int[] {2, 5, 7});
        assertThat(pool.outputShape()).containsExactly(2, 2, 3);
        linear.check(pool, GradientCheck.distinct(new int[] {3, 2, 5, 7}, 0.05f, 5L));
    }

    @Test
    void overlappingMaxPoolBackwardMatchesFiniteDifferences() {
        MaxPool2D pool = GradientCheck.built(new MaxPool2D(3, 2), new int[] {1, 7, 5});
        assertThat(pool.outputShape()).containsExactly(1, 3, 2);
        linear.check(pool, GradientCheck.distinct(new int[] {2, 1, 7, 5}, 0.05f, 6L));
    }

    @Test
    void reluBackwardMatchesFiniteDifferences() {
        // |x| >= 0.1 and h = 1e-2: no element crosses the kink at zero.
        ReLU relu = GradientCheck.built(new ReLU(), new int[] {3, 5});
        linear.check(relu, GradientCheck.awayFromZero(new int[] {2, 3, 5}, 0.1f, 1f, 7L));
    }

    @Test
    void flattenBackwardMatchesFiniteDifferences() {
        Flatten flatten = GradientCheck.built(new Flatten(), new int[] {2, 3, 5});
        assertThat(flatten.outputShape()).containsExactly(30);
        linear.check(flatten, Tensor.uniform(new int[] {3, 2, 3, 5}, -1f, 1f, 8L));
    }

    @Test
    void globalAveragePoolBackwardMatchesFiniteDifferences() {
        GlobalAveragePool gap = GradientCheck.built(new GlobalAveragePool(), new int[] {3, 5, 3});
        assertThat(gap.outputShape()).containsExactly(3);
        linear.check(gap, Tensor.uniform(new int[] {2, 3, 5, 3}, -1f, 1f, 9L));
    }

    @Test
    void dropoutBackwardWithAFixedMaskMatchesFiniteDifferences() {
        Dropout dropout = GradientCheck.built(new Dropout(0.4), new int[] {7});
        Tensor x = Tensor.uniform(new int[] {5, 7}, -1f, 1f, 10L);
        dropout.forward(x, true);
        dropout.freezeMask = true;
        linear.check(dropout, x);
    }

    @Test
    void batchNormOverChannelsBackwardMatchesFiniteDifferences() {
        BatchNorm bn = GradientCheck.built(new BatchNorm(), new int[] {3, 3, 5});
        randomize(bn.parameters().get(0), 0.5f, 1.5f, 11L);
        randomize(bn.parameters().get(1), -0.5f, 0.5f, 12L);
        new GradientCheck(1e-3, 1e-3, 1e-2).check(bn, Tensor.uniform(new int[] {2, 3, 3, 5}, -2f, 2f, 13L));
    }

    @Test
    void batchNormOverFeaturesBackwardMatchesFiniteDifferences() {
        BatchNorm bn = GradientCheck.built(new BatchNorm(), new int[] {5});
        randomize(bn.parameters().get(0), 0.5f, 1.5f, 14L);
        randomize(bn.parameters().get(1), -0.5f, 0.5f, 15L);
        new GradientCheck(1e-3, 1e-3, 1e-2).check(bn, Tensor.uniform(new int[] {7, 5}, -2f, 2f, 16L));
    }

    @Test
    void theCheckCatchesAWrongBackward() {
        // A ReLU whose backward forgets the mask must fail the check, naming the tensor and the index.
        AbstractLayer wrong = new AbstractLayer() {
            private Tensor output;

            @Override
            public String type() {
                return "WrongReLU";
            }

            @Override
            protected int[] initialize(int[] inputShape, java.util.random.RandomGenerator random) {
                return inputShape;
            }

            @Override
            public Tensor forward(Tensor x, boolean training) {
                beginForward(x, training);
                output = Tensor.zeros(x.shape());
                for (int i = 0; i < x.size(); i++) {
                    output.data()[i] = Math.max(0f, x.data()[x.offset() + i]);
                }
                return output;
            }

            @Override
            public Tensor backward(Tensor dOutput) {
                beginBackward(dOutput);
                return dOutput.copy();
            }
        };
        GradientCheck.built(wrong, new int[] {4});
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> linear.check(wrong, GradientCheck.awayFromZero(new int[] {3, 4}, 0.1f, 1f, 17L)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("dinput[");
    }

    private static void randomizeBias(Parameter bias) {
        randomize(bias, -0.5f, 0.5f, 77L);
    }

    private static void randomize(Parameter p, float low, float high, long seed) {
        p.value().copyFrom(Tensor.uniform(p.value().shape(), low, high, seed));
    }
}
