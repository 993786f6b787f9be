package dev.weft.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.weft.core.Tensor;
import dev.weft.layers.Parameter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each optimizer's update against values worked out by hand for two steps.
 *
 * <p>Common fixture: one parameter {@code w = [1, -2]}, learning rate 0.1, gradient {@code [0.5, -1]} at step 1
 * and {@code [0.25, 2]} at step 2. Tolerance 1e-6 absolute (float32 arithmetic on values of order 1).
 */
class OptimizerTest {

    private static final float TOLERANCE = 1e-6f;

    static Parameter parameter(String name, float... values) {
        return new Parameter(name, Tensor.of(values.clone(), values.length), true);
    }

    static Parameter bias(String name, float... values) {
        return new Parameter(name, Tensor.of(values.clone(), values.length), false);
    }

    /** Runs the two steps of the fixture and returns the weights after each. */
    private static float[][] twoSteps(Optimizer optimizer) {
        return twoSteps(optimizer, parameter("w", 1f, -2f));
    }

    private static float[][] twoSteps(Optimizer optimizer, Parameter w) {
        float[][] after = new float[2][];
        float[][] gradients = {{0.5f, -1f}, {0.25f, 2f}};
        for (int step = 0; step < 2; step++) {
            w.zeroGrad();
            w.grad().set(gradients[step][0], 0);
            w.grad().set(gradients[step][1], 1);
            optimizer.step(List.of(w));
            after[step] = w.value().toArray();
        }
        return after;
    }

    private static void assertWeights(float[] actual, double... expected) {
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) actual[i]).as("w[%d]", i).isCloseTo(expected[i], within((double) TOLERANCE));
        }
    }

    @Test
    void plainSgdStepsAgainstTheGradient() {
        // w = w - lr * g
        float[][] w = twoSteps(new Sgd(0.1f));
        assertWeights(w[0], 1 - 0.05, -2 + 0.1);             // [0.95, -1.9]
        assertWeights(w[1], 0.95 - 0.025, -1.9 - 0.2);       // [0.925, -2.1]
    }

    @Test
    void sgdWithMomentumAccumulatesVelocity() {
        // v = 0.9 v - lr g; w = w + v
        // step 1: v = [-0.05, 0.1]                       w = [0.95, -1.9]
        // step 2: v = [-0.045 - 0.025, 0.09 - 0.2]       w = [0.95 - 0.07, -1.9 - 0.11]
        float[][] w = twoSteps(new Sgd(0.1f).withMomentum(0.9f, false));
        assertWeights(w[0], 0.95, -1.9);
        assertWeights(w[1], 0.88, -2.01);
    }

    @Test
    void nesterovLooksAheadAlongTheNewVelocity() {
        // v = 0.9 v - lr g; w = w + 0.9 v - lr g
        // step 1: v = [-0.05, 0.1];   w = [1 - 0.045 - 0.05, -2 + 0.09 + 0.1]        = [0.905, -1.81]
        // step 2: v = [-0.07, -0.11]; w = [0.905 - 0.063 - 0.025, -1.81 - 0.099 - 0.2] = [0.817, -2.109]
        float[][] w = twoSteps(new Sgd(0.1f).withMomentum(0.9f, true));
        assertWeights(w[0], 0.905, -1.81);
        assertWeights(w[1], 0.817, -2.109);
    }

    @Test
    void adamIsBiasCorrectedWithKerasEpsilon() {
        // beta1 = 0.9, beta2 = 0.999, eps = 1e-7; alpha_t = lr sqrt(1 - beta2^t) / (1 - beta1^t)
        // step 1: m = [0.05, -0.1], v = [0.00025, 0.001], alpha = 0.1 sqrt(0.001) / 0.1 = 0.0316227766
        //   w0 = 1 - 0.0316227766 * 0.05 / (0.0158113883 + 1e-7)  = 0.900000632  (first Adam step ~ lr * sign(g))
        //   w1 = -2 - 0.0316227766 * -0.1 / (0.0316227766 + 1e-7) = -1.900000316
        // step 2: m = [0.07, 0.11], v = [0.00031225, 0.004999], alpha = 0.1 sqrt(0.001999) / 0.19 = 0.0235316725
        //   w0 = 0.900000632 - 0.0235316725 * 0.07 / (0.0176705970 + 1e-7) = 0.806783196
        //   w1 = -1.900000316 - 0.0235316725 * 0.11 / (0.0707036138 + 1e-7) = -1.936610617
        float[][] w = twoSteps(new Adam(0.1f));
        assertWeights(w[0], 0.900000632, -1.900000316);
        assertWeights(w[1], 0.806783196, -1.936610617);
    }

    @Test
    void adamDefaultsAreKeras() {
        Adam adam = new Adam();
        assertThat(adam.learningRate()).isEqualTo(1e-3f);
        assertThat(adam.beta1()).isEqualTo(0.9f);
        assertThat(adam.beta2()).isEqualTo(0.999f);
        assertThat(adam.epsilon()).isEqualTo(1e-7f);
    }

    @Test
    void adamWShrinksWeightsBeforeTheAdamStep() {
        // lambda = 0.1: w = w (1 - lr lambda) - Adam update, Adam updates as in the test above
        // step 1: w0 = 1 * 0.99 - 0.099999368 = 0.890000632;  w1 = -2 * 0.99 + 0.099999684 = -1.880000316
        // step 2: w0 = 0.890000632 * 0.99 - 0.093217436 = 0.787883190
        //         w1 = -1.880000316 * 0.99 - 0.036610301 = -1.897810614
        float[][] w = twoSteps(new AdamW(0.1f, 0.1f));
        assertWeights(w[0], 0.890000632, -1.880000316);
        assertWeights(w[1], 0.787883190, -1.897810614);
    }

    @Test
    void adamWLeavesBiasesUndecayed() {
        float[][] adam = twoSteps(new Adam(0.1f));
        float[][] adamW = twoSteps(new AdamW(0.1f, 0.1f), bias("b", 1f, -2f));
        assertThat(adamW[1]).containsExactly(adam[1]);
    }

    @Test
    void adamWWithoutDecayEqualsAdam() {
        float[][] adam = twoSteps(new Adam(0.1f));
        float[][] adamW = twoSteps(new AdamW(0.1f, 0f));
        assertThat(adamW[1]).containsExactly(adam[1]);
    }

    @Test
    void optimizerFollowsItsSchedule() {
        // lr 0.1 for the first step, 0.05 for the second: w0 = 1 - 0.1 * 0.5 - 0.05 * 0.25 = 0.9375
        Sgd sgd = new Sgd(LearningRateSchedule.step(0.1f, 1, 0.5f));
        assertThat(sgd.learningRate()).isEqualTo(0.1f);
        float[][] w = twoSteps(sgd);
        assertWeights(w[1], 0.9375, -2 + 0.1 - 0.1);
        assertThat(sgd.iterations()).isEqualTo(2);
        assertThat(sgd.learningRate()).isEqualTo(0.025f);
    }

    @Test
    void stateIsKeptPerParameter() {
        // Two parameters with the same gradients move identically: momentum of one does not leak into the other.
        Sgd sgd = new Sgd(0.1f).withMomentum(0.9f, false);
        Parameter a = parameter("a", 1f);
        Parameter b = parameter("b", 1f);
        a.grad().set(1f, 0);
        sgd.step(List.of(a));
        b.grad().set(1f, 0);
        sgd.step(List.of(b));
        assertThat(b.value().get(0)).isEqualTo(a.value().get(0));
    }

    @Test
    void clippedOptimizerClipsBeforeUpdating() {
        // |g| = |[0.5, -1]| = 1.118 > 0.5, so g becomes [0.5, -1] * 0.5 / 1.118; w = w - 0.1 g.
        Sgd sgd = new Sgd(0.1f).withClipNorm(0.5);
        float[][] w = twoSteps(sgd);
        double norm = Math.sqrt(0.25 + 1);
        assertWeights(w[0], 1 - 0.1 * 0.5 * 0.5 / norm, -2 + 0.1 * 0.5 / norm);
    }

    @Test
    void rejectsInvalidSettings() {
        assertThatThrownBy(() -> new Sgd(0.1f).withMomentum(1f, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("momentum");
        assertThatThrownBy(() -> new Adam(LearningRateSchedule.constant(1e-3f), 1f, 0.999f, 1e-7f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("beta1");
        assertThatThrownBy(() -> new Sgd(-1f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("learning rate");
        assertThatThrownBy(() -> new AdamW(1e-3f, -0.1f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("weight decay");
    }

    @Test
    void describesItself() {
        assertThat(new Adam()).hasToString("Adam(lr=0.001, beta1=0.9, beta2=0.999, eps=1.0E-7)");
        assertThat(new Sgd(0.01f).withMomentum(0.9f, true)).hasToString("Sgd(lr=0.01, momentum=0.9, nesterov)");
    }
}
