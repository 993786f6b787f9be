package dev.weft.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.weft.examples.EpochBudget.LaterInference;
import dev.weft.optim.EpochMetrics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The budget's formula: {@code N = 1 + floor((B - M - E - R) / F)} clamped to [4, 30], with the first epoch's
 * figures, the earlier models' inference rates and the clock injected, so no test depends on this machine's speed.
 */
class EpochBudgetTest {

    /** A reserve of {@code seconds}: one model inferring 500 images per reserved second at 1,000 images/s. */
    private static List<LaterInference> reserve(double seconds) {
        return List.of(new LaterInference("weft", Math.round(500 * seconds), 1000));
    }

    /** An epoch's figures: {@code seconds} in all, training at {@code trainImagesPerSecond}. */
    private static EpochMetrics epoch(double seconds, double trainImagesPerSecond) {
        return new EpochMetrics(1, 0.5, 0.8, 0.4, 0.85, 2e-3f, seconds, trainImagesPerSecond);
    }

    @Test
    void picksTheEpochsThatFitTheTimeLeft() {
        // M = 0.03 * 600 = 18; (600 - 18 - 200 - 10) / 20 = 18.6 -> 18 more epochs after the first.
        EpochBudget.Decision d = EpochBudget.choose(600, 200, 20, reserve(10));

        assertThat(d.epochs()).isEqualTo(19);
        assertThat(d.clamped()).isFalse();
        assertThat(d.marginSeconds()).isCloseTo(18, within(1e-9));
        assertThat(d.reading()).contains("= 19", "within 4..30");
    }

    @Test
    void raisesAShortBudgetToTheMinimumAndSaysTheStudyWillOverrunIt() {
        EpochBudget.Decision d = EpochBudget.choose(600, 590, 20, reserve(10));

        assertThat(d.epochs()).isEqualTo(EpochBudget.MIN_EPOCHS);
        assertThat(d.unclamped()).isLessThan(EpochBudget.MIN_EPOCHS);
        assertThat(d.clamped()).isTrue();
        assertThat(d.reading()).contains("raised to the minimum 4", "overrun");
    }

    @Test
    void lowersALongBudgetToTheMaximum() {
        EpochBudget.Decision d = EpochBudget.choose(600, 30, 1.5, reserve(5));

        assertThat(d.epochs()).isEqualTo(EpochBudget.MAX_EPOCHS);
        assertThat(d.unclamped()).isGreaterThan(EpochBudget.MAX_EPOCHS);
        assertThat(d.reading()).contains("lowered to the maximum 30");
    }

    @Test
    void neverPlansPastTheBudgetAndLeavesNoWholeEpochUnused() {
        for (double budget : new double[] {60, 300, 600, 1234.5}) {
            for (double elapsed = 0; elapsed < budget; elapsed += budget / 7) {
                for (double epoch : new double[] {0.7, 3, 17.3, 26, 61}) {
                    for (double reserveSeconds : new double[] {0, 4.2, 30}) {
                        EpochBudget.Decision d = EpochBudget.choose(budget, elapsed, epoch, reserve(reserveSeconds));
                        String where = budget + " " + elapsed + " " + epoch + " " + reserveSeconds;
                        if (d.epochs() > EpochBudget.MIN_EPOCHS) {
                            assertThat(d.plannedSeconds()).as(where).isLessThanOrEqualTo(budget - d.marginSeconds());
                        }
                        if (d.epochs() < EpochBudget.MAX_EPOCHS && d.epochs() == d.unclamped()) {
                            assertThat(d.plannedSeconds() + epoch).as(where)
                                    .isGreaterThan(budget - d.marginSeconds());
                        }
                    }
                }
            }
        }
    }

    @Test
    void decidesFromTheFirstEpochAndTheStudysClock() {
        // 20,000 training images at 1,000 images/s is 20 s of the epoch's 21; the other second validated 2,000
        // images: 2,000 images/s. The later stages infer 4,000 images: R = 2 * 4000 / 2000 = 4 s.
        EpochBudget budget = new EpochBudget(600, () -> 100.0, Map.of("weft", 4000L), Map.of());

        EpochBudget.Decision d = budget.decide(epoch(21, 1000), 20_000, 2_000);

        assertThat(d.elapsedSeconds()).isEqualTo(100);
        assertThat(d.firstEpochSeconds()).isEqualTo(21);
        assertThat(d.reserveSeconds()).isCloseTo(4, within(1e-9));
        // (600 - 18 - 100 - 4) / 21 = 22.76 -> N = 23.
        assertThat(d.epochs()).isEqualTo(23);
    }

    @Test
    void pricesEachModelsLaterInferenceAtThatModelsOwnRate() {
        // reference, trained before, validated at 8,000 images/s and infers 20,000 images later; weft's first epoch
        // validated at 2,000 images/s (as above) and it infers 4,000: R = 2 * (20000 / 8000 + 4000 / 2000) = 9 s,
        // where pricing both at weft's rate would reserve 2 * 24000 / 2000 = 24 s.
        Map<String, Long> images = new LinkedHashMap<>();
        images.put("reference", 20_000L);
        images.put("weft", 4_000L);
        EpochBudget budget = new EpochBudget(600, () -> 100.0, images, Map.of("reference", 8000.0));

        EpochBudget.Decision d = budget.decide(epoch(21, 1000), 20_000, 2_000);

        assertThat(d.reserve()).containsExactly(new LaterInference("reference", 20_000, 8000),
                new LaterInference("weft", 4_000, 2000));
        assertThat(d.reserve().get(0).reserveSeconds()).isCloseTo(5, within(1e-9));
        assertThat(d.reserveSeconds()).isCloseTo(9, within(1e-9));
        // (600 - 18 - 100 - 9) / 21 = 22.52 -> N = 23.
        assertThat(d.epochs()).isEqualTo(23);
        assertThat(d.reading()).contains("9.0 s for the later stages",
                "2 x the time to infer 20,000 images with reference at 8,000 images/s and 4,000 images with weft at "
                        + "2,000 images/s");
    }

    @Test
    void pricesAModelWithoutAMeasuredRateAtTheDecidingModelsFirstEpoch() {
        EpochBudget budget = new EpochBudget(600, () -> 100.0, Map.of("reference", 20_000L), Map.of());

        EpochBudget.Decision d = budget.decide(epoch(21, 1000), 20_000, 2_000);

        assertThat(d.reserve()).containsExactly(new LaterInference("reference", 20_000, 2000));
    }

    @Test
    void neverCountsInferenceSlowerThanTraining() {
        // A validation pass of 2,000 images in 5 s (400 images/s, still compiling) counts at the training rate,
        // 1,000 images/s: R = 2 * 4000 / 1000 = 8 s; so does one too short for the clock.
        EpochBudget budget = new EpochBudget(600, () -> 100.0, Map.of("weft", 4000L), Map.of());

        assertThat(budget.decide(epoch(25, 1000), 20_000, 2_000).reserveSeconds()).isCloseTo(8, within(1e-9));
        assertThat(budget.decide(epoch(20, 1000), 20_000, 2_000).reserveSeconds()).isCloseTo(8, within(1e-9));
    }

    @Test
    void measuresAModelsInferenceRateOverAllItsTimedValidationPasses() {
        // Three epochs of 20,000 training images at 1,000 images/s (20 s each) and 2,000 validation images: the
        // passes take 1 s, 2 s and 0 s (too short for the clock), so 4,000 images in 3 s.
        List<EpochMetrics> epochs = List.of(epoch(21, 1000), epoch(22, 1000), epoch(20, 1000));

        assertThat(EpochBudget.inferenceRate(epochs, 20_000, 2_000)).isCloseTo(4000 / 3.0, within(1e-9));
    }
}
