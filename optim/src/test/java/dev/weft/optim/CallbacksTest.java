package dev.weft.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CallbacksTest {

    private static EpochMetrics epoch(int epoch, double validationLoss, double validationAccuracy) {
        return new EpochMetrics(epoch, 1.0, 0.5, validationLoss, validationAccuracy, 1e-3f, 1.0, 100.0);
    }

    @Test
    void earlyStoppingWaitsPatienceEpochsAfterTheBest() {
        EarlyStopping stopping = new EarlyStopping(Monitor.VALIDATION_LOSS, 3);
        stopping.onTrainBegin(null);
        double[] losses = {0.9, 0.7, 0.6, 0.65, 0.61, 0.60};
        boolean[] stop = new boolean[losses.length];
        for (int e = 0; e < losses.length; e++) {
            stop[e] = stopping.onEpochEnd(null, epoch(e + 1, losses[e], 0.5));
        }
        // best 0.6 at epoch 3; epochs 4, 5, 6 do not beat it (0.60 is not lower): stop after epoch 6.
        assertThat(stop).containsExactly(false, false, false, false, false, true);
        assertThat(stopping.bestEpoch()).isEqualTo(3);
        assertThat(stopping.stoppedEpoch()).isEqualTo(6);
    }

    @Test
    void earlyStoppingOnAccuracyWantsHigherValues() {
        EarlyStopping stopping = new EarlyStopping(Monitor.VALIDATION_ACCURACY, 1, 0.01);
        stopping.onTrainBegin(null);
        assertThat(stopping.onEpochEnd(null, epoch(1, 1, 0.80))).isFalse();
        assertThat(stopping.onEpochEnd(null, epoch(2, 1, 0.82))).isFalse();   // +0.02 > minDelta
        assertThat(stopping.onEpochEnd(null, epoch(3, 1, 0.825))).isTrue();   // +0.005 does not count
        assertThat(stopping.bestValue()).isEqualTo(0.82);
    }

    @Test
    void monitorsKnowWhichDirectionIsBetter() {
        assertThat(Monitor.VALIDATION_LOSS.improves(0.4, 0.5, 0)).isTrue();
        assertThat(Monitor.VALIDATION_LOSS.improves(0.5, 0.4, 0)).isFalse();
        assertThat(Monitor.TRAIN_ACCURACY.improves(0.9, 0.8, 0)).isTrue();
        assertThat(Monitor.TRAIN_ACCURACY.improves(0.1, Double.NaN, 0)).isTrue();
    }

    @Test
    void rejectsNonsensicalSettings() {
        assertThatThrownBy(() -> new EarlyStopping(Monitor.TRAIN_LOSS, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("patience");
        assertThatThrownBy(() -> new KeepBest(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
