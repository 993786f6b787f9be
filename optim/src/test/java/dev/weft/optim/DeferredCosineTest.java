package dev.weft.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.core.Tensor;
import dev.weft.layers.Parameter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A cosine schedule whose length is fixed after its warm-up gives, to the bit, the cosine of that length. */
class DeferredCosineTest {

    @Test
    void warmUpRatesAreThoseOfEveryLength() {
        DeferredCosine deferred = new DeferredCosine(2e-3f, 7, 1e-5f);
        for (long total : new long[] {8, 28, 29, 1000}) {
            LearningRateSchedule known = LearningRateSchedule.cosine(2e-3f, 7, total, 1e-5f);
            for (long step = 0; step <= 7; step++) {
                assertThat(deferred.at(step)).as("step %d of %d", step, total).isEqualTo(known.at(step));
            }
        }
    }

    @Test
    void onceFixedEveryRateEqualsTheCosineOfThatLength() {
        DeferredCosine deferred = new DeferredCosine(2e-3f, 7, 1e-5f);
        deferred.at(7);
        deferred.fixTotalSteps(40);
        LearningRateSchedule known = LearningRateSchedule.cosine(2e-3f, 7, 40, 1e-5f);
        for (long step = 0; step < 50; step++) {
            assertThat(deferred.at(step)).as("step %d", step).isEqualTo(known.at(step));
        }
        assertThat(deferred.isFixed()).isTrue();
    }

    @Test
    void refusesAStepAfterTheWarmUpBeforeTheLengthIsFixed() {
        DeferredCosine deferred = new DeferredCosine(1f, 4, 0f);
        assertThatThrownBy(() -> deferred.at(5)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("step 5").hasMessageContaining("not fixed");
    }

    @Test
    void fixesItsLengthOnceAndAfterTheWarmUp() {
        DeferredCosine deferred = new DeferredCosine(1f, 4, 0f);
        assertThatThrownBy(() -> deferred.fixTotalSteps(4)).isInstanceOf(IllegalArgumentException.class);
        deferred.fixTotalSteps(10);
        assertThatThrownBy(() -> deferred.fixTotalSteps(12)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already fixed at 10");
    }

    @Test
    void anAdamWFollowingItTrainsAsOneFollowingTheKnownCosine() {
        // Two optimizers on one parameter each, the same gradients: the deferred one is fixed after the warm-up.
        DeferredCosine deferred = new DeferredCosine(0.1f, 3, 1e-3f);
        AdamW late = new AdamW(deferred, 0.01f);
        AdamW early = new AdamW(LearningRateSchedule.cosine(0.1f, 3, 12, 1e-3f), 0.01f);
        Parameter a = new Parameter("weight", Tensor.of(new float[] {0.5f, -1.5f, 2f}, 3), true);
        Parameter b = new Parameter("weight", Tensor.of(new float[] {0.5f, -1.5f, 2f}, 3), true);
        for (int step = 0; step < 12; step++) {
            if (step == 3) {
                deferred.fixTotalSteps(12);
            }
            for (Parameter p : List.of(a, b)) {
                float[] g = p.grad().data();
                for (int i = 0; i < 3; i++) {
                    g[i] = p.value().data()[i] * (i + 1) - 0.25f;   // the gradient of a quadratic bowl
                }
            }
            late.step(List.of(a));
            early.step(List.of(b));
        }
        assertThat(a.value().toArray()).containsExactly(b.value().toArray());
    }
}
