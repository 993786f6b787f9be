package dev.weft.layers;

import dev.weft.core.Tensor;
import dev.weft.core.conv.ConvolutionPlan;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Shapes, modes and errors of the layers (their gradients are in {@link LayerGradientTest}). */
class LayerBehaviourTest {

    @Test
    void conv2dInfersValidAndSameOutputShapes() {
        assertThat(GradientCheck.built(new Conv2D(8, 3), new int[] {1, 28, 28}).outputShape()).containsExactly(8, 26, 26);
        assertThat(GradientCheck.built(new Conv2D(8, 3, 1, Padding.SAME), new int[] {1, 28, 28}).outputShape())
                .containsExactly(8, 28, 28);
        assertThat(GradientCheck.built(new Conv2D(8, 5, 2, Padding.VALID), new int[] {3, 28, 28}).outputShape())
                .containsExactly(8, 12, 12);
    }

    @Test
    void conv2dTellsWhichConvolutionStrategiesRunForABatch() {
        Conv2D wide = GradientCheck.built(new Conv2D(32, 3), new int[] {32, 26, 26});
        ConvolutionPlan plan = wide.plan(64);
        assertThat(plan.geometry().batch()).isEqualTo(64);
        assertThat(plan.forward()).isEqualTo(ConvolutionPlan.ForwardPath.IN_PLACE);
        assertThat(plan.weightGradient()).isEqualTo(ConvolutionPlan.WeightGradientPath.IN_PLACE);
        Conv2D strided = GradientCheck.built(new Conv2D(4, 3, 2, Padding.SAME), new int[] {2, 9, 9});
        assertThat(strided.plan(8).forward()).isEqualTo(ConvolutionPlan.ForwardPath.GEMM);
        // The example docs/backprop.md gives.
        Conv2D conv2d2 = (Conv2D) Models.referenceCnn(1L).layers().get(3);
        assertThat(conv2d2.plan(64)).hasToString(
                "forward IN_PLACE, weight gradient CHANNELS_LAST, input gradient IN_PLACE, groups of 7");
        assertThatThrownBy(() -> new Conv2D(8, 3).plan(64)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("build the model first");
    }

    @Test
    void conv2dIsHeInitialised() {
        Conv2D conv = GradientCheck.built(new Conv2D(64, 3), new int[] {32, 11, 11});
        float[] w = conv.weights().value().toArray();
        double sumSquares = 0;
        for (float v : w) {
            sumSquares += v * v;
        }
        // He: variance 2 / fanIn = 2 / 288; 18,432 samples, so the estimate is within a few percent.
        assertThat(sumSquares / w.length).isCloseTo(2.0 / 288, within(0.05 * 2.0 / 288));
        assertThat(conv.bias().value().toArray()).containsOnly(0f);
    }

    @Test
    void denseComputesXTimesWTransposedPlusBias() {
        Dense dense = GradientCheck.built(new Dense(2), new int[] {3});
        dense.weights().value().copyFrom(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        dense.bias().value().copyFrom(Tensor.of(new float[] {0.5f, -1f}, 2));
        Tensor y = dense.forward(Tensor.of(new float[] {1, 0, -1, 2, 1, 0}, 2, 3), false);
        // Row 0: [1-3, 4-6] + b = [-1.5, -3]; row 1: [2+2, 8+5] + b = [4.5, 12].
        assertThat(y.toArray()).containsExactly(-1.5f, -3f, 4.5f, 12f);
    }

    @Test
    void mismatchedInputNamesTheLayerAndBothShapes() {
        Sequential model = Models.referenceCnn(1L);
        assertThatThrownBy(() -> model.layers().get(3).forward(Tensor.zeros(2, 1, 28, 28), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conv2d_2 (Conv2D)").hasMessageContaining("[2, 1, 28, 28]")
                .hasMessageContaining("32, 13, 13");
        assertThatThrownBy(() -> model.forward(Tensor.zeros(2, 28, 28), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[batch, 1, 28, 28]");
    }

    @Test
    void layersThatDoNotFitFailAtConstructionNamingTheLayer() {
        assertThatThrownBy(() -> new Sequential(new int[] {1, 6, 6}, 1L, new Conv2D(4, 3), new MaxPool2D(2),
                new Conv2D(4, 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layer 2").hasMessageContaining("conv2d_2 (Conv2D)").hasMessageContaining("[4, 2, 2]");
        assertThatThrownBy(() -> new Sequential(new int[] {10}, 1L, new Conv2D(4, 3)))
                .hasMessageContaining("conv2d_1 (Conv2D)").hasMessageContaining("[channels, height, width]");
    }

    @Test
    void backwardWithoutTrainingForwardIsAClearError() {
        Sequential model = TinyModels.smallCnn(1L);
        model.forward(Tensor.zeros(2, 1, 12, 12), false);
        assertThatThrownBy(() -> model.backward(Tensor.zeros(2, 5)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dense_2 (Dense)").hasMessageContaining("forward(input, true)");
    }

    @Test
    void backwardChecksTheGradientShape() {
        Dense dense = GradientCheck.built(new Dense(2), new int[] {3});
        dense.forward(Tensor.zeros(4, 3), true);
        assertThatThrownBy(() -> dense.backward(Tensor.zeros(5, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[4, 2]");
    }

    @Test
    void aLayerBelongsToOneModel() {
        Dense dense = new Dense(3);
        new Sequential(new int[] {4}, 1L, dense);
        assertThatThrownBy(() -> new Sequential(new int[] {4}, 1L, dense)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void dropoutIsIdentityAtInferenceAndInvertedInTraining() {
        Dropout dropout = GradientCheck.built(new Dropout(0.5), new int[] {1000});
        Tensor x = Tensor.filled(1f, 4, 1000);
        assertThat(dropout.forward(x, false)).isSameAs(x);
        float[] y = dropout.forward(x, true).toArray();
        int kept = 0;
        for (float v : y) {
            assertThat(v).isIn(0f, 2f);
            kept += v > 0 ? 1 : 0;
        }
        // 4,000 Bernoulli(0.5) draws: standard deviation ~32, so 2,000 ± 200 is a safe band.
        assertThat(kept).isBetween(1800, 2200);
    }

    @Test
    void dropoutBackwardUsesTheForwardMask() {
        Dropout dropout = GradientCheck.built(new Dropout(0.3), new int[] {50});
        Tensor y = dropout.forward(Tensor.filled(1f, 2, 50), true).copy();
        Tensor dx = dropout.backward(Tensor.filled(1f, 2, 50));
        assertThat(dx.toArray()).containsExactly(y.toArray());
    }

    @Test
    void batchNormNormalisesInTrainingAndUsesRunningStatisticsAtInference() {
        BatchNorm bn = GradientCheck.built(new BatchNorm(), new int[] {2, 3, 3});
        Tensor x = Tensor.normal(new int[] {8, 2, 3, 3}, 5f, 2f, 1L);
        Tensor y = bn.forward(x, true);
        for (int c = 0; c < 2; c++) {
            double sum = 0;
            double squares = 0;
            for (int n = 0; n < 8; n++) {
                for (int i = 0; i < 9; i++) {
                    double v = y.data()[(n * 2 + c) * 9 + i];
                    sum += v;
                    squares += v * v;
                }
            }
            assertThat(sum / 72).isCloseTo(0, within(1e-5));
            // Variance σ²/(σ² + ε) with σ² ≈ 4 and ε = 1e-3: just below 1.
            assertThat(squares / 72).isCloseTo(1, within(1e-3));
        }
        // One step of momentum 0.99 from (0, 1): running mean = 0.01·batch mean.
        double batchMean0 = 0;
        for (int n = 0; n < 8; n++) {
            for (int i = 0; i < 9; i++) {
                batchMean0 += x.data()[n * 18 + i];
            }
        }
        batchMean0 /= 72;
        assertThat((double) bn.runningMean().get(0)).isCloseTo(0.01 * batchMean0, within(1e-5));

        // Inference: (x - runningMean)/sqrt(runningVar + ε), γ = 1, β = 0; and it changes nothing.
        float[] meanBefore = bn.runningMean().toArray();
        Tensor inferred = bn.forward(x, false);
        float expected = (float) ((x.get(0, 0, 0, 0) - bn.runningMean().get(0))
                / Math.sqrt(bn.runningVariance().get(0) + 1e-3));
        assertThat(inferred.get(0, 0, 0, 0)).isCloseTo(expected, within(1e-5f));
        assertThat(bn.runningMean().toArray()).containsExactly(meanBefore);
    }

    @Test
    void batchNormRunningStatisticsConvergeToTheDataStatistics() {
        BatchNorm bn = GradientCheck.built(new BatchNorm(0.9f, 1e-3f), new int[] {3});
        Tensor x = Tensor.of(new float[] {1, 10, -4, 3, 20, -2}, 2, 3);
        for (int i = 0; i < 200; i++) {
            bn.forward(x, true);
        }
        // Per feature: means (2, 15, -3), biased variances (1, 25, 1).
        assertThat(bn.runningMean().toArray()).containsExactly(new float[] {2f, 15f, -3f}, within(1e-3f));
        assertThat(bn.runningVariance().toArray()).containsExactly(new float[] {1f, 25f, 1f}, within(1e-3f));
    }

    @Test
    void batchNormGradientsIgnoreAConstantShiftOfTheInput() {
        // BatchNorm sees only x - μ, so adding 100 to every input changes neither the output gradient it passes on
        // nor dγ and dβ. The backward pass forms Σ dY·(x - μ) as Σ dY·x - μ·Σ dY; this bounds what that costs.
        Tensor x = Tensor.uniform(new int[] {4, 3, 5, 5}, -2f, 2f, 20L);
        Tensor shifted = x.copy();
        for (int i = 0; i < shifted.size(); i++) {
            shifted.data()[i] += 100f;
        }
        Tensor dY = Tensor.uniform(x.shape(), -1f, 1f, 21L);
        BatchNorm near = GradientCheck.built(new BatchNorm(), new int[] {3, 5, 5});
        BatchNorm far = GradientCheck.built(new BatchNorm(), new int[] {3, 5, 5});
        near.forward(x, true);
        float[] dXNear = near.backward(dY).toArray();
        far.forward(shifted, true);
        float[] dXFar = far.backward(dY).toArray();

        assertThat(dXFar).containsExactly(dXNear, within(1e-3f));
        for (int k = 0; k < 2; k++) {
            assertThat(far.parameters().get(k).grad().toArray()).as(k == 0 ? "dγ" : "dβ")
                    .containsExactly(near.parameters().get(k).grad().toArray(), within(1e-3f));
        }
    }

    @Test
    void inferenceBetweenForwardAndBackwardDoesNotDisturbTraining() {
        Tensor x = Tensor.uniform(new int[] {4, 1, 12, 12}, 0f, 1f, 1L);
        Tensor dLogits = Tensor.uniform(new int[] {4, 5}, -1f, 1f, 2L);
        Sequential plain = TinyModels.smallCnn(3L);
        plain.forward(x, true);
        plain.backward(dLogits);
        Sequential interrupted = TinyModels.smallCnn(3L);
        interrupted.forward(x, true);
        interrupted.predict(Tensor.uniform(new int[] {5, 1, 12, 12}, 0f, 1f, 3L));
        interrupted.evaluate(Tensor.uniform(new int[] {4, 1, 12, 12}, 0f, 1f, 4L), new int[] {1, 2, 3, 4});
        interrupted.backward(dLogits);
        for (int k = 0; k < plain.parameters().size(); k++) {
            assertThat(interrupted.parameters().get(k).grad().toArray())
                    .as("gradient %d", k).containsExactly(plain.parameters().get(k).grad().toArray());
        }
        assertThat(interrupted.copyWeights()).isDeepEqualTo(plain.copyWeights());
    }

    @Test
    void forwardReusesItsBuffersWhileTheBatchSizeStaysTheSame() {
        Sequential model = TinyModels.smallCnn(1L);
        Tensor first = model.forward(Tensor.zeros(4, 1, 12, 12), true);
        assertThat(model.forward(Tensor.zeros(4, 1, 12, 12), true)).isSameAs(first);
        assertThat(model.forward(Tensor.zeros(3, 1, 12, 12), true)).isNotSameAs(first);
        Tensor inference = model.forward(Tensor.zeros(4, 1, 12, 12), false);
        assertThat(model.forward(Tensor.zeros(4, 1, 12, 12), false)).isSameAs(inference).isNotSameAs(first);
    }

    @Test
    void theFirstLayerSkipsTheGradientOfTheData() {
        Sequential model = TinyModels.smallCnn(1L);
        model.forward(Tensor.uniform(new int[] {2, 1, 12, 12}, 0f, 1f, 1L), true);
        assertThat(model.layers().get(0).backward(Tensor.filled(1f, 2, 4, 10, 10))).isNull();
        assertThat(model.layers().get(0).parameters().get(0).grad().toArray()).isNotEqualTo(new float[36]);
    }
}
