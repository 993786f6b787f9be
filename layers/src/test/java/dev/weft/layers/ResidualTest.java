package dev.weft.layers;

import dev.weft.core.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Residual}: {@code Y = X + F(X)}, its backward, its parameters' names, and saving it. */
class ResidualTest {
    @TempDir
    Path dir;

    private static void fill(Parameter p, float... perChannel) {
        float[] v = p.value().data();
        for (int i = 0; i < v.length; i++) {
            v[i] = perChannel[i % perChannel.length];
        }
    }

    private static void randomize(Parameter p, float low, float high, long seed) {
        p.value().copyFrom(Tensor.uniform(p.value().shape(), low, high, seed));
    }

    private static Parameter named(Residual block, String name) {
        return block.parameters().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        // Two BatchNorms in series: h = 5e-3 (at 1e-3 the float32 rounding of the loss dominates), tolerance
        // 1e-3 + 1e-2·|g|. The ReLU inside must not see a kink within h:
        // bn1 has γ = 0.5 and β = +3 on channel 0 (its normalised values stay well above -6, so the ReLU passes
        // everything) and β = -3 on channel 1 (the ReLU blocks everything), so both sides of the mask are checked.
        Residual block = GradientCheck.built(new Residual(3), new int[] {2, 4, 5});
        fill(named(block, "bn1/gamma"), 0.5f);
        fill(named(block, "bn1/beta"), 3f, -3f);
        randomize(named(block, "conv1/bias"), -0.5f, 0.5f, 21L);
        randomize(named(block, "conv2/bias"), -0.5f, 0.5f, 22L);
        randomize(named(block, "bn2/gamma"), 0.5f, 1.5f, 23L);
        randomize(named(block, "bn2/beta"), -0.5f, 0.5f, 24L);

        int checked = new GradientCheck(5e-3, 1e-3, 1e-2).check(block,
                Tensor.uniform(new int[] {3, 2, 4, 5}, -1f, 1f, 25L));

        // The input, two convolutions' weights and biases, two BatchNorms' γ and β.
        assertThat(checked).isEqualTo(3 * 2 * 4 * 5 + 2 * (2 * 2 * 3 * 3 + 2) + 2 * (2 + 2));
    }

    @Test
    void withTheLastScaleAndShiftAtZeroTheBlockIsTheIdentity() {
        // F ends in bn2, so γ = β = 0 makes F(X) = 0: Y = X and dX = dY exactly.
        Residual block = GradientCheck.built(new Residual(3), new int[] {2, 4, 5});
        fill(named(block, "bn2/gamma"), 0f);
        Tensor x = Tensor.uniform(new int[] {2, 2, 4, 5}, -1f, 1f, 31L);
        Tensor dY = Tensor.uniform(new int[] {2, 2, 4, 5}, -1f, 1f, 32L);

        assertThat(block.forward(x, true).toArray()).containsExactly(x.toArray());
        assertThat(block.backward(dY).toArray()).containsExactly(dY.toArray());
    }

    @Test
    void keepsTheShapeAndNamesItsPartsParameters() {
        Residual block = GradientCheck.built(new Residual(3), new int[] {4, 6, 7});

        assertThat(block.outputShape()).containsExactly(4, 6, 7);
        assertThat(block.parameters()).extracting(Parameter::name).containsExactly("conv1/weights", "conv1/bias",
                "bn1/gamma", "bn1/beta", "conv2/weights", "conv2/bias", "bn2/gamma", "bn2/beta");
        assertThat(block.statistics()).containsOnlyKeys("bn1/runningMean", "bn1/runningVariance",
                "bn2/runningMean", "bn2/runningVariance");
        assertThat(block.body()).extracting(Layer::type)
                .containsExactly("Conv2D", "BatchNorm", "ReLU", "Conv2D", "BatchNorm");
    }

    @Test
    void anInferenceForwardBetweenForwardAndBackwardChangesNothing() {
        Residual block = GradientCheck.built(new Residual(3), new int[] {2, 4, 5});
        Tensor x = Tensor.uniform(new int[] {3, 2, 4, 5}, -1f, 1f, 41L);
        Tensor other = Tensor.uniform(new int[] {3, 2, 4, 5}, -1f, 1f, 42L);
        Tensor dY = Tensor.uniform(new int[] {3, 2, 4, 5}, -1f, 1f, 43L);
        float[] y = block.forward(x, true).toArray();
        float[] dX = block.backward(dY).toArray();

        float[] again = block.forward(x, true).toArray();
        block.forward(other, false);
        assertThat(again).containsExactly(y);
        assertThat(block.backward(dY).toArray()).containsExactly(dX);
    }

    @Test
    void refusesInputsThatAreNotImages() {
        assertThatThrownBy(() -> GradientCheck.built(new Residual(3), new int[] {5}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[channels, height, width]");
        assertThatThrownBy(() -> new Residual(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kernel");
    }

    @Test
    void aModelWithAResidualBlockSavesAndLoadsWithIdenticalPredictions() throws IOException {
        Sequential model = new Sequential(new int[] {1, 8, 8}, 5L,
                new Conv2D(3, 3), new BatchNorm(), new ReLU(),
                new Residual(3), new ReLU(),
                new Flatten(), new Dense(4));
        Tensor x = Tensor.uniform(new int[] {6, 1, 8, 8}, 0f, 1f, 51L);
        model.forward(x, true);   // moves the running statistics away from their initial values
        Path file = dir.resolve("residual.weft");

        model.save(file);
        Sequential loaded = Sequential.load(file);

        assertThat(loaded.predictProbabilities(x).toArray()).containsExactly(model.predictProbabilities(x).toArray());
        assertThat(loaded.copyWeights()).isDeepEqualTo(model.copyWeights());
        assertThat(loaded.summary()).isEqualTo(model.summary());
    }
}
