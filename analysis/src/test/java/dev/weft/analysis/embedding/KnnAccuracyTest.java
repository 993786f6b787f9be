package dev.weft.analysis.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class KnnAccuracyTest {

    @Test
    void countsAPointAmongTheOtherClassAsWrong() {
        // 1-D points 0 1 2 | 10 11 12; the point at 2 is labelled 1 but its nearest neighbour (1) is class 0.
        // Ties in distance (1 is as far from 0 as from 2) go to the smaller index.
        double[] points = {0, 1, 2, 10, 11, 12};
        int[] labels = {0, 0, 1, 1, 1, 1};

        assertThat(KnnAccuracy.of(points, 1, labels, 1)).isCloseTo(5.0 / 6, within(1e-15));
    }

    @Test
    void majorityOfTheKNearestDecides() {
        // 1-D points 0 1 2 3 10 labelled 0 0 0 1 1. With k = 3 the point at 10 has neighbours 3 (class 1), 2 and 1
        // (class 0): outvoted, wrong; the point at 3 is wrong either way; the rest are right: 3 of 5.
        // With k = 1 the point at 10 follows its nearest neighbour (class 1): 4 of 5.
        double[] points = {0, 1, 2, 3, 10};
        int[] labels = {0, 0, 0, 1, 1};

        assertThat(KnnAccuracy.of(points, 1, labels, 3)).isCloseTo(3.0 / 5, within(1e-15));
        assertThat(KnnAccuracy.of(points, 1, labels, 1)).isCloseTo(4.0 / 5, within(1e-15));
    }

    @Test
    void aTiedVoteGoesToTheNearestNeighboursLabel() {
        // k = 2 around point 0: class 1 at distance 1, class 2 at distance 2: one vote each, class 1 wins.
        double[] points = {0, 1, -2};
        int[] labels = {1, 1, 2};

        // Point 0: neighbours 1 (class 1) and 2 (class 2): tie, nearest is class 1: right.
        // Point 1: neighbours 0 (class 1) and 2: right. Point 2: neighbours 0 and 1, both class 1: wrong.
        assertThat(KnnAccuracy.of(points, 1, labels, 2)).isCloseTo(2.0 / 3, within(1e-15));
    }

    @Test
    void rejectsKAsLargeAsThePoints() {
        assertThatThrownBy(() -> KnnAccuracy.of(new double[6], 2, new int[3], 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("k must be in [1, 2]");
        assertThatThrownBy(() -> KnnAccuracy.of(new double[5], 2, new int[3], 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("need 6 coordinates");
    }
}
