package dev.weft.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.weft.optim.EpochMetrics;
import org.junit.jupiter.api.Test;

/**
 * The budget's formula: {@code N = 1 + floor((B - M - E - R) / F)} clamped to [4, 30], with the first epoch's
 * figures and the clock injected, so no test depends on this machine's speed.
 */
class EpochBudgetTest {

    @Test
    void picksTheEpochsThatFitTheTimeLeft() {
        // M = 0.03 * 600 = 18; (600 - 18 - 200 - 10) / 20 = 18.6 -> 18 more epochs after the first.
        EpochBudget.Decision d = EpochBudget.choose(600, 200, 20, 10);

        assertThat(d.epochs()).isEqualTo(19);
        assertThat(d.clamped()).isFalse();
        assertThat(d.marginSeconds()).isCloseTo(18, within(1e-9));
        assertThat(d.reading()).contains("= 19", "within 4..30");
    }

    @Test
    void raisesAShortBudgetToTheMinimumAndSaysTheStudyWillOverrunIt() {
        EpochBudget.Decision d = EpochBudget.choose(600, 590, 20, 10);

        assertThat(d.epochs()).isEqualTo(EpochBudget.MIN_EPOCHS);
        assertThat(d.unclamped()).isLessThan(EpochBudget.MIN_EPOCHS);
        assertThat(d.clamped()).isTrue();
        assertThat(d.reading()).contains("raised to the minimum 4", "overrun");
    }

    @Test
    void lowersALongBudgetToTheMaximum() {
        EpochBudget.Decision d = EpochBudget.choose(600, 30, 1.5, 5);

        assertThat(d.epochs()).isEqualTo(EpochBudget.MAX_EPOCHS);
        assertThat(d.unclamped()).isGreaterThan(EpochBudget.MAX_EPOCHS);
        assertThat(d.reading()).contains("lowered to the maximum 30");
    }

    @Test
    void neverPlansPastTheBudgetAndLeavesNoWholeEpochUnused() {
        for (double budget : new double[] {60, 300, 600, 1234.5}) {
            for (double elapsed = 0; elapsed < budget; elapsed += budget / 7) {
                for (double epoch : new double[] {0.7, 3, 17.3, 26, 61}) {
                    for (double reserve : new double[] {0, 4.2, 30}) {
                        EpochBudget.Decision d = EpochBudget.choose(budget, elapsed, epoch, reserve);
                        String where = budget + " " + elapsed + " " + epoch + " " + reserve;
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
        EpochBudget budget = new EpochBudget(600, () -> 100.0, 4000);
        EpochMetrics first = new EpochMetrics(1, 0.5, 0.8, 0.4, 0.85, 2e-3f, 21, 1000);

        EpochBudget.Decision d = budget.decide(first, 20_000, 2_000);

        assertThat(d.elapsedSeconds()).isEqualTo(100);
        assertThat(d.firstEpochSeconds()).isEqualTo(21);
        assertThat(d.reserveSeconds()).isCloseTo(4, within(1e-9));
        // (600 - 18 - 100 - 4) / 21 = 22.76 -> N = 23.
        assertThat(d.epochs()).isEqualTo(23);
    }

    @Test
    void neverCountsInferenceSlowerThanTraining() {
        // A validation pass of 2,000 images in 5 s (400 images/s, still compiling) counts at the training rate,
        // 1,000 images/s: R = 2 * 4000 / 1000 = 8 s; so does one too short for the clock.
        EpochBudget budget = new EpochBudget(600, () -> 100.0, 4000);
        EpochMetrics slowValidation = new EpochMetrics(1, 0.5, 0.8, 0.4, 0.85, 2e-3f, 25, 1000);
        EpochMetrics untimedValidation = new EpochMetrics(1, 0.5, 0.8, 0.4, 0.85, 2e-3f, 20, 1000);

        assertThat(budget.decide(slowValidation, 20_000, 2_000).reserveSeconds()).isCloseTo(8, within(1e-9));
        assertThat(budget.decide(untimedValidation, 20_000, 2_000).reserveSeconds()).isCloseTo(8, within(1e-9));
    }
}
