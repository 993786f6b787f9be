package dev.weft.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

    @Test
    void constantNeverChanges() {
        LearningRateSchedule s = LearningRateSchedule.constant(0.01f);
        assertThat(s.at(0)).isEqualTo(0.01f);
        assertThat(s.at(1_000_000)).isEqualTo(0.01f);
    }

    @Test
    void stepDecayMultipliesEveryPeriod() {
        LearningRateSchedule s = LearningRateSchedule.step(0.1f, 10, 0.5f);
        assertThat(s.at(0)).isEqualTo(0.1f);
        assertThat(s.at(9)).isEqualTo(0.1f);
        assertThat(s.at(10)).isEqualTo(0.05f);
        assertThat(s.at(25)).isEqualTo(0.025f);
    }

    @Test
    void cosineWarmsUpLinearlyThenDecaysToTheMinimum() {
        // warm-up 4 steps to peak 1.0, cosine from step 4 to 14 down to 0.1
        LearningRateSchedule s = LearningRateSchedule.cosine(1f, 4, 14, 0.1f);
        assertThat(s.at(0)).isEqualTo(0.25f);
        assertThat(s.at(1)).isEqualTo(0.5f);
        assertThat(s.at(3)).isEqualTo(1f);
        assertThat(s.at(4)).isEqualTo(1f);                                  // start of the cosine: peak
        assertThat(s.at(9)).isCloseTo(0.55f, within(1e-6f));                // halfway: (peak + min) / 2
        // step 6: progress 0.2, 0.1 + 0.9 * (1 + cos(0.2 pi)) / 2 = 0.1 + 0.45 * 1.809017 = 0.914058
        assertThat(s.at(6)).isCloseTo(0.914058f, within(1e-6f));
        assertThat(s.at(14)).isEqualTo(0.1f);
        assertThat(s.at(100)).isEqualTo(0.1f);
    }

    @Test
    void cosineWithoutWarmupStartsAtPeakAndEndsAtZero() {
        LearningRateSchedule s = LearningRateSchedule.cosine(0.2f, 0, 100);
        assertThat(s.at(0)).isEqualTo(0.2f);
        assertThat(s.at(50)).isCloseTo(0.1f, within(1e-7f));
        assertThat(s.at(100)).isZero();
    }

    @Test
    void rejectsInconsistentSettings() {
        assertThatThrownBy(() -> LearningRateSchedule.cosine(1f, 10, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("warmupSteps");
        assertThatThrownBy(() -> LearningRateSchedule.step(0.1f, 0, 0.5f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("every");
        assertThatThrownBy(() -> LearningRateSchedule.constant(Float.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
