package dev.weft.analysis.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AffinitiesTest {

    @Test
    void jointAffinitiesAreSymmetricToTheBitAndSumToOne() {
        int points = 150;
        Affinities P = Affinities.of(Clusters.gaussian(points, 8, 5), points, 8, 7);

        double sum = 0;
        for (int i = 0; i < points; i++) {
            for (int e = P.rowStart(i); e < P.rowStart(i + 1); e++) {
                int j = P.column(e);
                assertThat(j).as("column in row %d", i).isNotEqualTo(i);
                assertThat(P.get(j, i)).as("p(%d,%d) against p(%d,%d)", j, i, i, j).isEqualTo(P.value(e));
                sum += P.value(e);
            }
        }
        assertThat(sum).isCloseTo(1, within(1e-12));
    }

    @Test
    void eachPairAveragesTheTwoConditionals() {
        int points = 80;
        float[] data = Clusters.gaussian(points, 6, 6);
        PerplexityCalibration calibration = PerplexityCalibration.of(NearestNeighbours.of(data, points, 6, 9), 3);
        double[][] conditional = new double[points][points];
        for (int i = 0; i < points; i++) {
            for (int m = 0; m < 9; m++) {
                conditional[i][calibration.neighbours().index(i, m)] = calibration.conditional(i, m);
            }
        }

        Affinities P = Affinities.of(calibration);

        for (int i = 0; i < points; i++) {
            for (int j = 0; j < points; j++) {
                // Each row of conditionals sums to 1, so the normaliser is 2 x points.
                double expected = (conditional[i][j] + conditional[j][i]) / (2.0 * points);
                assertThat(P.get(i, j)).as("p(%d,%d)", i, j).isCloseTo(expected, within(1e-15));
            }
        }
    }

    @Test
    void rejectsAPerplexityTooLargeForThePoints() {
        assertThatThrownBy(() -> Affinities.of(Clusters.gaussian(100, 3, 7), 100, 3, 40))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("perplexity 40.0 is too large for 100 points")
                .hasMessageContaining("at most 33");
    }

    @Test
    void rejectsAPerplexityBelowOne() {
        assertThatThrownBy(() -> Affinities.of(Clusters.gaussian(100, 3, 7), 100, 3, 0.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was 0.5");
        assertThatThrownBy(() -> Affinities.of(Clusters.gaussian(100, 3, 7), 100, 3, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was NaN");
    }

    @Test
    void rejectsNaNInputNamingWhereItIs() {
        float[] data = Clusters.gaussian(50, 4, 8);
        data[17 * 4 + 2] = Float.NaN;

        assertThatThrownBy(() -> Affinities.of(data, 50, 4, 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("point 17, feature 2 is NaN");
    }
}
