package dev.weft.optim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.core.Tensor;
import dev.weft.layers.Models;
import dev.weft.layers.Sequential;
import dev.weft.layers.SoftmaxCrossEntropy;
import java.util.Arrays;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Teaching mode ({@code Sequential.withFusion(false)}, every layer runs its own forward and backward) trains to the
 * same weights as the default fused mode, bit for bit, over several optimizer steps: the fused kernels compute the
 * same float operations in the same order, so there is no tolerance to state.
 */
class FusionTrainingTest {

    @Test
    void referenceCnnTrainedWithAdamGetsTheSameWeightsInBothModes() {
        assertSameWeightsInBothModes(() -> Models.referenceCnn(17L), Adam::new);
    }

    @Test
    void batchNormCnnTrainedWithSgdAndMomentumGetsTheSameWeightsInBothModes() {
        assertSameWeightsInBothModes(() -> Models.weftCnn(17L), () -> new Sgd(0.05f).withMomentum(0.9f, true));
    }

    private static void assertSameWeightsInBothModes(Supplier<Sequential> build, Supplier<Optimizer> optimizer) {
        Sequential fused = build.get();
        Sequential teaching = build.get().withFusion(false);
        assertThat(fused.fusedPairs()).isNotEmpty();
        assertThat(teaching.fusedPairs()).isEmpty();
        float[][] before = fused.copyWeights();
        float[][] fusedWeights = train(fused, optimizer.get());
        float[][] teachingWeights = train(teaching, optimizer.get());
        assertThat(teachingWeights).isDeepEqualTo(fusedWeights);
        assertThat(Arrays.deepEquals(fusedWeights, before)).as("training moved the weights").isFalse();
    }

    /** Five steps on fixed random batches of 16 images. */
    private static float[][] train(Sequential model, Optimizer optimizer) {
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        int[] labels = new int[16];
        for (int step = 0; step < 5; step++) {
            Tensor x = Tensor.uniform(new int[] {16, 1, 28, 28}, 0f, 1f, 100 + step);
            for (int i = 0; i < labels.length; i++) {
                labels[i] = (i * 7 + step) % 10;
            }
            model.zeroGrad();
            loss.forward(model.forward(x, true), labels);
            model.backward(loss.backward());
            optimizer.step(model.parameters());
        }
        return model.copyWeights();
    }
}
