package dev.weft.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class OneCycleTest {

    // peak 1, 11 steps, 3 of them rising (round(0.3 * 11) = 3), first rate 1/4, last 1/4/10 = 0.025.
    private final OneCycle schedule = new OneCycle(1f, 11, 0.3, 4f, 10f);

    @Test
    void startsAtPeakOverDivFactor() {
        assertThat(schedule.at(0)).isEqualTo(0.25f);
    }

    @Test
    void risesAlongAHalfCosineToThePeakAtTheEndOfTheWarmup() {
        // step 1: t = 1/3, 1 + (0.25 - 1) * (1 + cos(pi/3)) / 2 = 1 - 0.75 * 0.75 = 0.4375
        assertThat(schedule.at(1)).isCloseTo(0.4375f, within(1e-6f));
        assertThat(schedule.warmupSteps()).isEqualTo(3);
        assertThat(schedule.at(3)).isEqualTo(1f);
    }

    @Test
    void annealsToTheLastRateAtTheFinalStepAndStaysThere() {
        // steps 3..10 anneal over 7 intervals; halfway at step 6.5 is not a step, so check the end and after.
        assertThat(schedule.at(10)).isCloseTo(0.025f, within(1e-7f));
        assertThat(schedule.at(11)).isCloseTo(0.025f, within(1e-7f));
        assertThat(schedule.at(1_000)).isCloseTo(0.025f, within(1e-7f));
    }

    @Test
    void neverRisesAfterThePeakNorFallsBeforeIt() {
        OneCycle long_ = (OneCycle) LearningRateSchedule.oneCycle(2e-3f, 1000);
        for (long step = 1; step < 1000; step++) {
            if (step <= long_.warmupSteps()) {
                assertThat(long_.at(step)).as("step %d", step).isGreaterThanOrEqualTo(long_.at(step - 1));
            } else {
                assertThat(long_.at(step)).as("step %d", step).isLessThanOrEqualTo(long_.at(step - 1));
            }
        }
        assertThat(long_.warmupSteps()).isEqualTo(300);
        assertThat(long_.at(300)).isEqualTo(2e-3f);
    }

    @Test
    void factoryUsesThePaperSettingsAsPyTorchDefaultsThem() {
        OneCycle s = (OneCycle) LearningRateSchedule.oneCycle(1f, 100);
        assertThat(s.warmupShare()).isEqualTo(0.3);
        assertThat(s.initial()).isEqualTo(0.04f);
        assertThat(s.last()).isCloseTo(4e-6f, within(1e-12f));
    }

    @Test
    void rejectsSettingsWithoutACycle() {
        assertThatThrownBy(() -> new OneCycle(1f, 1, 0.3, 25f, 1e4f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2 steps");
        assertThatThrownBy(() -> new OneCycle(1f, 100, 1.0, 25f, 1e4f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("warmupShare");
        assertThatThrownBy(() -> new OneCycle(0f, 100, 0.3, 25f, 1e4f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("peak");
        assertThatThrownBy(() -> new OneCycle(1f, 100, 0.3, 0.5f, 1e4f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("divFactor");
    }
}
