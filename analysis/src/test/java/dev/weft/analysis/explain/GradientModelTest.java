package dev.weft.analysis.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.core.Tensor;
import dev.weft.layers.BatchNorm;
import dev.weft.layers.Conv2D;
import dev.weft.layers.Dense;
import dev.weft.layers.Dropout;
import dev.weft.layers.Flatten;
import dev.weft.layers.Sequential;
import org.junit.jupiter.api.Test;

/**
 * The copy the explanations differentiate computes what the trained model computes at inference (BatchNorm on
 * its running statistics, no dropout), its input gradient is the derivative of that function, and making it
 * changes nothing in the model.
 */
class GradientModelTest {

    /** The quadrant model with a few steps of training, so that BatchNorm's running statistics are not 0 and 1. */
    private static Sequential model(long seed) {
        Sequential model = QuadrantTask.untrained(seed);
        int[] labels = new int[8];
        for (int step = 0; step < 3; step++) {
            model.forward(QuadrantTask.images(8, step, labels), true);
        }
        return model;
    }

    @Test
    void logitsEqualTheModelsInferenceLogits() {
        Sequential model = model(3L);
        Tensor x = QuadrantTask.images(5, 11L, new int[5]);
        // The model's layers run one by one (withFusion(false)): by default inference folds the BatchNorm into the
        // convolution before it, which changes the rounding; the explained copy runs the layers themselves.
        Tensor expected = model.withFusion(false).forward(x, false).copy();
        model.withFusion(true);
        assertThat(GradientModel.of(model).logits(x).toArray()).containsExactly(expected.toArray());
        assertThat(GradientModel.cutAfter(model, 4).logits(x).toArray()).containsExactly(expected.toArray());
    }

    @Test
    void theInputGradientMatchesFiniteDifferencesOfTheInferenceLogit() {
        // Without ReLU or max pooling the model is linear at inference (BatchNorm frozen, no dropout), so central
        // differences are exact up to float rounding: step 1e-2, tolerance 1e-3 + 1e-2·|g|. A training-mode
        // BatchNorm (batch statistics) or a live dropout mask would miss by far more.
        Sequential model = new Sequential(new int[] {1, 6, 6}, 4L,
                new Conv2D(3, 3), new BatchNorm(), new Flatten(), new Dense(5), new Dropout(0.5), new Dense(3));
        Tensor warm = Tensor.uniform(new int[] {8, 1, 6, 6}, 0f, 2f, 1L);
        for (int step = 0; step < 3; step++) {
            model.forward(warm, true);   // running statistics away from 0 and 1
        }
        Tensor x = Tensor.uniform(new int[] {3, 1, 6, 6}, 0f, 1f, 12L);
        int[] classes = {1, 0, 2};
        Tensor gradient = GradientModel.of(model).backward(x, classes).inputGradient();
        double step = 1e-2;
        float[] v = x.data();
        for (int p = 0; p < x.size(); p++) {
            float saved = v[p];
            v[p] = (float) (saved + step);
            double plus = score(model, x, classes);
            v[p] = (float) (saved - step);
            double minus = score(model, x, classes);
            v[p] = saved;
            double numeric = (plus - minus) / (2 * step);
            double analytic = gradient.data()[p];
            assertThat(Math.abs(analytic - numeric)).as("d/dx[%d]: analytic %.6g vs numeric %.6g", p, analytic,
                    numeric).isLessThanOrEqualTo(1e-3 + 1e-2 * Math.abs(numeric));
        }
    }

    private static double score(Sequential model, Tensor x, int[] classes) {
        Tensor logits = model.forward(x, false);
        double sum = 0;
        for (int i = 0; i < classes.length; i++) {
            sum += logits.get(i, classes[i]);
        }
        return sum;
    }

    @Test
    void explainingLeavesTheModelUnchanged() {
        Sequential model = model(5L);
        float[][] before = model.copyWeights();
        Tensor x = QuadrantTask.images(4, 13L, new int[4]);
        GradientModel.of(model).backward(x, new int[] {0, 1, 0, 1});
        GradCam.of(model, x, new int[] {0, 1, 0, 1});
        assertThat(model.copyWeights()).isDeepEqualTo(before);
    }

    @Test
    void fusionOnOrOffGivesTheSameGradientsBitForBit() {
        Tensor x = QuadrantTask.images(4, 14L, new int[4]);
        int[] classes = {0, 1, 1, 0};
        GradientModel.Pass fused = GradientModel.cutAfter(model(6L), 5).backward(x, classes);
        GradientModel.Pass separate = GradientModel.cutAfter(model(6L).withFusion(false), 5).backward(x, classes);
        assertThat(fused.inputGradient().toArray()).containsExactly(separate.inputGradient().toArray());
        assertThat(fused.activationGradient().toArray()).containsExactly(separate.activationGradient().toArray());
    }

    @Test
    void aCutModelReturnsTheLayersOutputAndItsGradient() {
        Sequential model = model(8L);
        Tensor x = QuadrantTask.images(2, 15L, new int[2]);
        GradientModel.Pass pass = GradientModel.cutAfter(model, 5).backward(x, new int[] {1, 1});
        assertThat(pass.activations().shape()).containsExactly(2, 8, 8, 8);
        assertThat(pass.activationGradient().shape()).containsExactly(2, 8, 8, 8);
        assertThat(pass.inputGradient().shape()).containsExactly(2, 1, 16, 16);
    }

    @Test
    void refusesAClassOutOfRange() {
        Sequential model = new Sequential(new int[] {3}, 1L, new Dense(2));
        assertThatThrownBy(() -> GradientModel.of(model).backward(Tensor.zeros(1, 3), new int[] {2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("class 2 of sample 0");
    }
}
