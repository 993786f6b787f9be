package dev.weft.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import org.junit.jupiter.api.Test;

/** Initial weights: He-normal by default, Glorot-uniform on request (and in the reference network, as Keras built it). */
class InitializerTest {

    @Test
    void heNormalIsTheDefaultWithTheStandardDeviationOfItsFanIn() {
        float[] w = GradientCheck.built(new Dense(400), new int[] {500}).weights().value().data();
        assertThat(mean(w)).isCloseTo(0, within(0.003));
        assertThat(std(w)).isCloseTo(Math.sqrt(2.0 / 500), withinPercentage(2));
    }

    @Test
    void glorotUniformStaysWithinItsLimitAndHasTheVarianceOfAUniform() {
        Conv2D conv = GradientCheck.built(new Conv2D(40, 3).withInitializer(Initializer.GLOROT_UNIFORM),
                new int[] {30, 8, 8});
        float[] w = conv.weights().value().data();
        double limit = Math.sqrt(6.0 / (30 * 9 + 40 * 9));
        for (float v : w) {
            assertThat(Math.abs(v)).isLessThanOrEqualTo((float) limit);
        }
        assertThat(mean(w)).isCloseTo(0, within(0.003));
        assertThat(std(w)).isCloseTo(limit / Math.sqrt(3), withinPercentage(2));
        assertThat(conv.bias().value().data()).containsOnly(0f);
    }

    @Test
    void theInitializerIsChosenBeforeTheModelIsBuilt() {
        Dense dense = GradientCheck.built(new Dense(3), new int[] {4});
        assertThatThrownBy(() -> dense.withInitializer(Initializer.GLOROT_UNIFORM))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("before the model is built");
    }

    @Test
    void theSeedNetworkStartsAsKerasWouldWithGlorotUniformWeights() {
        for (Layer layer : Models.referenceCnn(7).layers()) {
            float[] w;
            double limit;
            if (layer instanceof Conv2D conv) {
                w = conv.weights().value().data();
                int[] s = conv.weights().value().shape();     // [out, in, k, k]
                limit = Math.sqrt(6.0 / ((s[0] + s[1]) * s[2] * s[3]));
            } else if (layer instanceof Dense dense) {
                w = dense.weights().value().data();
                int[] s = dense.weights().value().shape();    // [out, in]
                limit = Math.sqrt(6.0 / (s[0] + s[1]));
            } else {
                continue;
            }
            double largest = 0;
            for (float v : w) {
                largest = Math.max(largest, Math.abs(v));
            }
            // Bounded by the limit, and reaching close to it: a uniform, not a normal of the same variance.
            assertThat(largest).as(layer.name()).isLessThanOrEqualTo(limit).isGreaterThan(0.9 * limit);
        }
    }

    private static double mean(float[] x) {
        double s = 0;
        for (float v : x) {
            s += v;
        }
        return s / x.length;
    }

    private static double std(float[] x) {
        double m = mean(x);
        double s = 0;
        for (float v : x) {
            s += (v - m) * (v - m);
        }
        return Math.sqrt(s / x.length);
    }
}
