package dev.weft.analysis.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Comparator;
import org.junit.jupiter.api.Test;

class NearestNeighboursTest {

    @Test
    void findsTheSameNeighboursAsADoubleBruteForce() {
        // More points than one GEMM block of 256 rows, features not a multiple of any vector width.
        int points = 300;
        int features = 13;
        int k = 7;
        float[] data = Clusters.gaussian(points, features, 1);

        NearestNeighbours knn = NearestNeighbours.of(data, points, features, k);

        for (int i = 0; i < points; i++) {
            int self = i;
            Integer[] order = new Integer[points];
            for (int j = 0; j < points; j++) {
                order[j] = j;
            }
            Arrays.sort(order, Comparator.comparingDouble((Integer j) -> distance(data, self, j, features))
                    .thenComparingInt(j -> j));
            for (int m = 0; m < k; m++) {
                int expected = order[m + 1];   // order[0] is the point itself, at distance 0
                assertThat(knn.index(i, m)).as("neighbour %d of point %d", m, i).isEqualTo(expected);
                assertThat(knn.squaredDistance(i, m)).as("distance %d of point %d", m, i)
                        .isCloseTo(distance(data, i, expected, features), within(1e-12));
            }
        }
    }

    @Test
    void rejectsMoreNeighboursThanOtherPoints() {
        assertThatThrownBy(() -> NearestNeighbours.of(new float[10], 5, 2, 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[1, 4]").hasMessageContaining("was 5");
    }

    private static double distance(float[] data, int i, int j, int features) {
        double s = 0;
        for (int f = 0; f < features; f++) {
            double d = (double) data[i * features + f] - data[j * features + f];
            s += d * d;
        }
        return s;
    }
}
