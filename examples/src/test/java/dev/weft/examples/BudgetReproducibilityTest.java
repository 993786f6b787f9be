package dev.weft.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.data.ImageSet;
import dev.weft.data.Recipe;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A run whose epoch count the budget chose after the first epoch is, to the bit, the run of that count given with
 * {@code --epochs}: same weights (BatchNorm statistics included), same history. The budget's clock and timings
 * are injected, so the count chosen does not depend on this machine.
 */
class BudgetReproducibilityTest {

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    /** 100 generated 28x28 images, 10 per class, each class a brighter band at its own rows, plus noise. */
    private static ImageSet images() {
        int n = 100;
        byte[] pixels = new byte[n * 28 * 28];
        int[] labels = new int[n];
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
            for (int p = 0; p < 28 * 28; p++) {
                int row = p / 28;
                int band = row / 3 == labels[i] ? 150 : 0;
                pixels[i * 28 * 28 + p] = (byte) (band + random.nextInt(100));
            }
        }
        return ImageSet.of("generated", 28, 28, 10, pixels, labels);
    }

    @Test
    void aBudgetedRunEqualsTheRunOfTheCountItChose() {
        ImageSet.Split split = Recipe.weft(1).split(images(), 3);
        // Injected timings: B = 100 s, E = 10 s, F = 20 s, R = 2 x 250 images / 100 images/s = 5 s, M = 3 s:
        // 1 + floor(82 / 20) = 5 epochs.
        TrainingStage.Fitted budgeted = TrainingStage.fitChoosingEpochs(Recipe.weft(EpochBudget.MIN_EPOCHS), split,
                3, QUIET, first -> EpochBudget.choose(100, 10, 20,
                        List.of(new EpochBudget.LaterInference("weft", 250, 100))));
        TrainingStage.Fitted explicit = TrainingStage.fit(Recipe.weft(5), split, 3, QUIET);

        assertThat(budgeted.decision().epochs()).isEqualTo(5);
        assertThat(budgeted.decision().clamped()).isFalse();
        assertThat(budgeted.history().size()).isEqualTo(5);
        assertThat(budgeted.model().copyWeights()).isDeepEqualTo(explicit.model().copyWeights());
        assertThat(budgeted.history().validationAccuracy()).containsExactly(explicit.history().validationAccuracy());
        assertThat(budgeted.history().learningRate()).containsExactly(explicit.history().learningRate());
        // And training moved the weights: the comparison is not between two untouched initialisations.
        assertThat(Arrays.deepEquals(budgeted.model().copyWeights(), Recipe.weft(5).build(3).copyWeights()))
                .isFalse();
    }
}
