package dev.weft.analysis.pca;

import dev.weft.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PcaTest {

    private static final int SAMPLES = 4000;
    private static final int FEATURES = 6;
    /** Orthonormal directions of the synthetic data. */
    private static final double[] U1 = {0.5, 0.5, 0.5, 0.5, 0, 0};
    private static final double[] U2 = {0.5, -0.5, 0.5, -0.5, 0, 0};

    /** x = 3 a U1 + 1 b U2 + 0.1 noise + offset, with a, b, noise standard normal: variances 9, 1, 0.01 x 6. */
    private static Tensor plantedData(long seed) {
        Random random = new Random(seed);
        float[] x = new float[SAMPLES * FEATURES];
        for (int r = 0; r < SAMPLES; r++) {
            double a = random.nextGaussian();
            double b = random.nextGaussian();
            for (int j = 0; j < FEATURES; j++) {
                x[r * FEATURES + j] = (float) (5 + 3 * a * U1[j] + b * U2[j] + 0.1 * random.nextGaussian());
            }
        }
        return Tensor.of(x, SAMPLES, FEATURES);
    }

    @Test
    void recoversPlantedDirectionsAndVariances() {
        Pca pca = Pca.fit(plantedData(1), false);

        double[] ratio = pca.explainedVarianceRatio();
        double total = 9 + 1 + 6 * 0.01;
        assertThat(ratio[0]).isCloseTo(9 / total, within(0.03));
        assertThat(ratio[1]).isCloseTo(1 / total, within(0.01));
        assertThat(Math.abs(dot(pca.component(0), U1))).isCloseTo(1, within(1e-3));
        assertThat(Math.abs(dot(pca.component(1), U2))).isCloseTo(1, within(1e-3));
        assertThat(pca.explainedVariance()[0]).isCloseTo(9, within(0.6));
    }

    @Test
    void ratiosSumToOneAndCumulativeIsIncreasing() {
        Pca pca = Pca.fit(plantedData(2), false);

        double[] cumulative = pca.cumulativeExplainedVarianceRatio();
        assertThat(cumulative[FEATURES - 1]).isCloseTo(1, within(1e-12));
        for (int i = 1; i < FEATURES; i++) {
            assertThat(cumulative[i]).isGreaterThanOrEqualTo(cumulative[i - 1]);
        }
    }

    @Test
    void componentsForFindsTheSmallestSufficientCount() {
        Pca pca = Pca.fit(plantedData(3), false);

        assertThat(pca.componentsFor(0.5)).isEqualTo(1);
        assertThat(pca.componentsFor(0.95)).isEqualTo(2);
        assertThat(pca.componentsFor(0.9999)).isEqualTo(FEATURES);
        assertThat(pca.componentsFor(1.0)).isEqualTo(FEATURES);
        assertThatThrownBy(() -> pca.componentsFor(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> pca.componentsFor(1.5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void componentsAreOrthonormalWithLargestEntryPositive() {
        Pca pca = Pca.fit(plantedData(4), true);

        for (int i = 0; i < FEATURES; i++) {
            double[] ci = pca.component(i);
            double largest = 0;
            for (double v : ci) {
                largest = Math.abs(v) > Math.abs(largest) ? v : largest;
            }
            assertThat(largest).as("largest-magnitude entry of component %d", i).isPositive();
            for (int j = 0; j < FEATURES; j++) {
                assertThat(dot(ci, pca.component(j))).isCloseTo(i == j ? 1 : 0, within(1e-12));
            }
        }
    }

    @Test
    void projectionMatchesDefinitionAndHasTheComponentVariance() {
        Tensor x = plantedData(5);
        Pca pca = Pca.fit(x, false);

        Tensor scores = pca.project(x, 2);

        assertThat(scores.shape()).containsExactly(SAMPLES, 2);
        float[] sample = new float[FEATURES];
        System.arraycopy(x.data(), 7 * FEATURES, sample, 0, FEATURES);
        double[] one = pca.project(sample, 2);
        assertThat((double) scores.get(7, 0)).isCloseTo(one[0], within(1e-4));
        assertThat((double) scores.get(7, 1)).isCloseTo(one[1], within(1e-4));
        // The scores on component 0 have mean 0 and the component's variance.
        double sum = 0;
        double squares = 0;
        for (int r = 0; r < SAMPLES; r++) {
            sum += scores.get(r, 0);
            squares += (double) scores.get(r, 0) * scores.get(r, 0);
        }
        assertThat(sum / SAMPLES).isCloseTo(0, within(1e-3));
        assertThat(squares / (SAMPLES - 1)).isCloseTo(pca.explainedVariance()[0], within(1e-3 * pca.explainedVariance()[0]));
    }

    @Test
    void standardizedPcaIgnoresFeatureUnits() {
        Tensor x = plantedData(6);
        Tensor rescaled = x.copy();
        for (int r = 0; r < SAMPLES; r++) {
            rescaled.set(1000 * x.get(r, 2), r, 2);
        }

        double[] a = Pca.fit(x, true).explainedVarianceRatio();
        double[] b = Pca.fit(rescaled, true).explainedVarianceRatio();

        assertThat(b).containsExactly(a, within(1e-5));
        assertThat(Pca.fit(rescaled, false).explainedVarianceRatio()[0]).as("raw PCA is dominated by the big feature")
                .isGreaterThan(0.99);
    }

    @Test
    void constantFeatureGetsNoWeightUnderStandardization() {
        // Feature 2 is constant: scale 1, standardised value 0, zero variance, zero weight.
        Random random = new Random(7);
        float[] x = new float[500 * 3];
        for (int r = 0; r < 500; r++) {
            double a = random.nextGaussian();
            x[r * 3] = (float) a;
            x[r * 3 + 1] = (float) (a + 0.5 * random.nextGaussian());
            x[r * 3 + 2] = 0;
        }

        Pca pca = Pca.fit(x, 500, 3, true);

        assertThat(pca.scale()[2]).isEqualTo(1.0);
        assertThat(pca.explainedVariance()[2]).isZero();
        assertThat(pca.component(0)[2]).isZero();
        assertThat(pca.component(1)[2]).isZero();
        assertThat(pca.cumulativeExplainedVarianceRatio()[1]).isCloseTo(1, within(1e-12));
    }

    @Test
    void projectRejectsWrongFeatureCount() {
        Pca pca = Pca.fit(plantedData(8), false);

        assertThatThrownBy(() -> pca.project(Tensor.zeros(3, 5), 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("6 features");
        assertThatThrownBy(() -> pca.project(Tensor.zeros(3, 6), 7))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[1, 6]");
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
