package dev.weft.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.layers.Layer;
import dev.weft.layers.Models;
import dev.weft.optim.AdamW;
import dev.weft.optim.LearningRateSchedule;
import dev.weft.optim.OneCycle;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Each {@link RecipeVariant} changes the one thing it names in the {@code weft} {@link Recipe}. */
class RecipeVariantTest {
    private static final int TRAINING = 6400;   // 100 steps of 64 per epoch

    private static Recipe weft(RecipeVariant variant) {
        return Recipe.weft(7).withVariant(variant);
    }

    @Test
    void theBaselineIsTheRecipeAsTheStudyTrainsIt() {
        Recipe baseline = weft(RecipeVariant.BASELINE);
        assertThat(baseline).isEqualTo(Recipe.weft(7));
        assertThat(baseline.build(3).copyWeights()).isDeepEqualTo(Models.weftCnn(3).copyWeights());
        assertThat(baseline.schedule(TRAINING)).isEqualTo(Recipe.weft(7).schedule(TRAINING));
    }

    @Test
    void wideAndNarrowChangeOnlyTheChannelCounts() {
        assertThat(weft(RecipeVariant.WIDE).build(3).layers().get(0).outputShape()).containsExactly(48, 26, 26);
        assertThat(weft(RecipeVariant.WIDE).build(3).layers().get(7).outputShape()).containsExactly(96, 10, 10);
        assertThat(weft(RecipeVariant.NARROW).build(3).layers().get(0).outputShape()).containsExactly(24, 26, 26);
        assertThat(weft(RecipeVariant.WIDE).schedule(TRAINING)).isEqualTo(Recipe.weft(7).schedule(TRAINING));
    }

    @Test
    void residualAddsABlockAfterTheFirstPooling() {
        assertThat(weft(RecipeVariant.RESIDUAL).build(3).layers()).extracting(Layer::type).startsWith(
                "Conv2D", "BatchNorm", "ReLU", "Conv2D", "BatchNorm", "ReLU", "MaxPool2D", "Residual", "ReLU",
                "Conv2D");
    }

    @Test
    void oneCycleReplacesTheScheduleOverTheWholeRun() {
        LearningRateSchedule schedule = weft(RecipeVariant.ONE_CYCLE).schedule(TRAINING);
        assertThat(schedule).isInstanceOf(OneCycle.class);
        assertThat(((OneCycle) schedule).totalSteps()).isEqualTo(700);
        assertThat(((OneCycle) schedule).peak()).isEqualTo(2e-3f);
        assertThatThrownBy(() -> weft(RecipeVariant.ONE_CYCLE).scheduleChosenLater(TRAINING))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("one-cycle");
    }

    @Test
    void peak4e3DoublesThePeakAndKeepsTheShape() {
        LearningRateSchedule base = Recipe.weft(7).schedule(TRAINING);
        LearningRateSchedule higher = weft(RecipeVariant.PEAK_4E3).schedule(TRAINING);
        for (long step : new long[] {0, 50, 99, 100, 400, 699}) {
            assertThat(higher.at(step)).as("step %d", step).isCloseTo(2 * base.at(step),
                    org.assertj.core.api.Assertions.within(1e-5f));
        }
        assertThat(higher.at(100)).isEqualTo(4e-3f);
    }

    @Test
    void decayRaisesOnlyTheWeightDecay() {
        assertThat(((AdamW) weft(RecipeVariant.DECAY_0_2).optimizer(TRAINING)).weightDecay()).isEqualTo(0.2f);
        assertThat(((AdamW) Recipe.weft(7).optimizer(TRAINING)).weightDecay()).isEqualTo(5e-4f);
        assertThat(weft(RecipeVariant.DECAY_0_2).schedule(TRAINING)).isEqualTo(Recipe.weft(7).schedule(TRAINING));
    }

    @Test
    void erasingErasesAfterTheShiftsAndTheOthersDoNot() {
        float[] shifted = ones(64);
        float[] erased = ones(64);
        Recipe.weft(7).augmentation().apply(shifted, 64, new int[] {1, 28, 28}, new SplittableRandom(1));
        weft(RecipeVariant.ERASING).augmentation().apply(erased, 64, new int[] {1, 28, 28}, new SplittableRandom(1));

        // Shifts of an all-ones image only zero whole border rows and columns; erasing zeroes interior pixels too.
        assertThat(zerosInside(shifted)).isZero();
        assertThat(zerosInside(erased)).isPositive();
    }

    @Test
    void theReferenceRecipeTakesNoVariantAndUnknownNamesAreRefused() {
        assertThatThrownBy(() -> Recipe.reference(10).withVariant(RecipeVariant.WIDE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reference recipe");
        assertThat(RecipeVariant.of("peak4e-3")).isEqualTo(RecipeVariant.PEAK_4E3);
        assertThatThrownBy(() -> RecipeVariant.of("resnet50")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("baseline, residual, wide, narrow, onecycle, peak4e-3, decay0.2, erasing");
    }

    private static float[] ones(int count) {
        float[] batch = new float[count * 784];
        Arrays.fill(batch, 1f);
        return batch;
    }

    private static int zerosInside(float[] batch) {
        int n = 0;
        for (int i = 0; i < batch.length / 784; i++) {
            for (int y = 1; y < 27; y++) {
                for (int x = 1; x < 27; x++) {
                    n += batch[i * 784 + y * 28 + x] == 0f ? 1 : 0;
                }
            }
        }
        return n;
    }
}
