package dev.weft.analysis.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PerplexityCalibrationTest {

    @Test
    void everyPointReachesTheTargetPerplexity() {
        int points = 200;
        float[] data = Clusters.gaussian(points, 10, 2);
        double target = 12;
        NearestNeighbours knn = NearestNeighbours.of(data, points, 10, 36);

        PerplexityCalibration calibration = PerplexityCalibration.of(knn, target);

        for (int i = 0; i < points; i++) {
            // The search stops within 1e-5 nats of log(12), so the perplexity is within ~1e-5 relative.
            assertThat(calibration.perplexity(i)).as("perplexity of point %d", i).isCloseTo(target, within(2e-4));
            assertThat(entropyPerplexity(calibration, i, 36)).as("exp(H) recomputed from p(.|%d)", i)
                    .isCloseTo(target, within(2e-4));
        }
    }

    @Test
    void conditionalsAreDistributionsThatFallWithDistance() {
        int points = 100;
        NearestNeighbours knn = NearestNeighbours.of(Clusters.gaussian(points, 5, 3), points, 5, 15);

        PerplexityCalibration calibration = PerplexityCalibration.of(knn, 5);

        for (int i = 0; i < points; i++) {
            double sum = 0;
            for (int m = 0; m < 15; m++) {
                sum += calibration.conditional(i, m);
                if (m > 0) {
                    assertThat(calibration.conditional(i, m)).as("p(%d-th|%d)", m, i)
                            .isLessThanOrEqualTo(calibration.conditional(i, m - 1));
                }
            }
            assertThat(sum).as("sum of p(.|%d)", i).isCloseTo(1, within(1e-12));
            assertThat(calibration.beta(i)).as("beta of point %d", i).isPositive();
        }
    }

    @Test
    void farApartDataDoesNotUnderflow() {
        // Squared distances near 1e8: exp(-D) is 0 in double unless the smallest distance is taken out first.
        int points = 60;
        float[] data = Clusters.gaussian(points, 4, 4);
        for (int i = 0; i < data.length; i++) {
            data[i] *= 5000;
        }

        PerplexityCalibration calibration = PerplexityCalibration.of(NearestNeighbours.of(data, points, 4, 15), 5);

        for (int i = 0; i < points; i++) {
            assertThat(calibration.perplexity(i)).as("perplexity of point %d", i).isCloseTo(5, within(1e-4));
        }
    }

    /** {@code exp(-Σ p log p)} from the stored conditionals, independent of the search's own bookkeeping. */
    private static double entropyPerplexity(PerplexityCalibration calibration, int i, int k) {
        double H = 0;
        for (int m = 0; m < k; m++) {
            double p = calibration.conditional(i, m);
            if (p > 0) {
                H -= p * Math.log(p);
            }
        }
        return Math.exp(H);
    }
}
