package dev.weft.analysis.pca;

import dev.weft.core.Parallel;
import dev.weft.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CovarianceTest {

    @Test
    void matchesDoubleReferenceAcrossSeveralChunks() {
        // More samples than one chunk, features not a multiple of the block size, means far from 0.
        int samples = 2 * Covariance.CHUNK + 77;
        int features = 130;
        float[] x = randomData(samples, features, 1);

        Covariance cov = Covariance.of(x, 0, samples, features);

        double[] expected = referenceCovariance(x, samples, features);
        double[] actual = cov.matrix();
        double largest = 0;
        for (double v : expected) {
            largest = Math.max(largest, Math.abs(v));
        }
        for (int i = 0; i < expected.length; i++) {
            // Float products summed in chunks of 1024 in double: ~1e-6 of the largest entry.
            assertThat(actual[i]).as("entry %d", i).isCloseTo(expected[i], within(1e-5 * largest));
        }
    }

    @Test
    void matrixIsExactlySymmetric() {
        int features = 9;
        Covariance cov = Covariance.of(randomData(300, features, 2), 0, 300, features);
        double[] c = cov.matrix();

        for (int i = 0; i < features; i++) {
            for (int j = 0; j < i; j++) {
                assertThat(c[i * features + j]).isEqualTo(c[j * features + i]);
            }
        }
    }

    @Test
    void meansAreColumnMeans() {
        float[] x = {1, 10, 3, 20, 5, 60};

        Covariance cov = Covariance.of(Tensor.of(x, 3, 2));

        assertThat(cov.mean()).containsExactly(new double[] {3, 30}, within(1e-12));
        // var(1, 3, 5) = 4; var(10, 20, 60) = 700; cov = (-2*-20 + 0 + 2*30) / 2 = 50.
        assertThat(cov.matrix()).containsExactly(new double[] {4, 50, 50, 700}, within(1e-9));
    }

    @Test
    void constantFeatureHasZeroStandardizedVarianceAndZeroCorrelation() {
        // Feature 1 is constant (like a border pixel that is 0 in every image).
        float[] x = {1, 0, 2, 2, 0, 4, 3, 0, 7, 4, 0, 7};
        Covariance cov = Covariance.of(x, 0, 4, 3);

        assertThat(cov.isConstant(1)).isTrue();
        assertThat(cov.scalerScale()[1]).isEqualTo(1.0);
        double[] s = cov.standardized();
        assertThat(s[1 * 3 + 1]).isZero();
        assertThat(s[0]).as("n / (n - 1) for a varying feature").isCloseTo(4.0 / 3, within(1e-12));
        double[] r = cov.correlation();
        assertThat(r[1 * 3 + 1]).isEqualTo(1.0);
        assertThat(r[0 * 3 + 1]).isZero();
        assertThat(r[0]).isEqualTo(1.0);
    }

    @Test
    void correlationOfLinearlyRelatedFeaturesIsOne() {
        float[] x = new float[200];
        Random random = new Random(4);
        for (int r = 0; r < 100; r++) {
            float v = (float) random.nextGaussian();
            x[2 * r] = v;
            x[2 * r + 1] = -3 * v + 1;
        }

        double[] r = Covariance.of(x, 0, 100, 2).correlation();

        assertThat(r[1]).isCloseTo(-1, within(1e-6));
    }

    @Test
    void bitIdenticalForOneAndTwoThreads() {
        int samples = 1500;
        int features = 120;
        float[] x = randomData(samples, features, 5);
        int threads = Parallel.threads();
        try {
            Parallel.setThreads(1);
            double[] one = Covariance.of(x, 0, samples, features).matrix();
            Parallel.setThreads(2);
            double[] two = Covariance.of(x, 0, samples, features).matrix();
            assertThat(two).isEqualTo(one);
        } finally {
            Parallel.setThreads(threads);
        }
    }

    @Test
    void rejectsFewerThanTwoSamples() {
        assertThatThrownBy(() -> Covariance.of(new float[3], 0, 1, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 2 samples");
    }

    @Test
    void rejectsTooShortData() {
        assertThatThrownBy(() -> Covariance.of(new float[10], 0, 4, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs 12 floats, array has 10");
    }

    static float[] randomData(int samples, int features, long seed) {
        Random random = new Random(seed);
        float[] x = new float[samples * features];
        for (int r = 0; r < samples; r++) {
            double shared = random.nextGaussian();
            for (int j = 0; j < features; j++) {
                // Correlated features with different means and scales, values in a pixel-like range.
                x[r * features + j] = (float) (0.3 + 0.01 * j + 0.1 * shared + 0.05 * (1 + j % 3) * random.nextGaussian());
            }
        }
        return x;
    }

    static double[] referenceCovariance(float[] x, int samples, int features) {
        double[] mean = new double[features];
        for (int r = 0; r < samples; r++) {
            for (int j = 0; j < features; j++) {
                mean[j] += x[r * features + j];
            }
        }
        for (int j = 0; j < features; j++) {
            mean[j] /= samples;
        }
        double[] c = new double[features * features];
        for (int r = 0; r < samples; r++) {
            for (int i = 0; i < features; i++) {
                double xi = x[r * features + i] - mean[i];
                for (int j = 0; j < features; j++) {
                    c[i * features + j] += xi * (x[r * features + j] - mean[j]);
                }
            }
        }
        for (int i = 0; i < c.length; i++) {
            c[i] /= samples - 1;
        }
        return c;
    }
}
