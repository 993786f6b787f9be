package dev.weft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Axis reductions and softmax against naive double loops; tolerances stated per test. */
class TensorOpsTest {
    private static final int ROWS = 37;
    private static final int COLUMNS = 33;

    private static Tensor matrix() {
        // A view with an offset, to check that it is honoured.
        float[] storage = Tensor.uniform(new int[] {4 + ROWS * COLUMNS}, -3f, 3f, 11L).data();
        return Tensor.view(storage, 4, ROWS, COLUMNS);
    }

    @Test
    void rowSumsAreWithinRoundingOfTheDoubleSums() {
        Tensor x = matrix();
        Tensor sums = TensorOps.sum(x, 1);
        assertThat(sums.shape()).containsExactly(ROWS);
        for (int i = 0; i < ROWS; i++) {
            double exact = 0;
            double magnitude = 0;
            for (int j = 0; j < COLUMNS; j++) {
                exact += x.get(i, j);
                magnitude += Math.abs(x.get(i, j));
            }
            // Reassociated float sum: within (n + 1) * 2^-23 of the sum of magnitudes.
            assertThat((double) sums.get(i)).isCloseTo(exact, within((COLUMNS + 1) * 0x1p-23 * magnitude));
        }
    }

    @Test
    void columnSumsAccumulateIntoTheTarget() {
        Tensor x = matrix();
        Tensor into = Tensor.filled(1f, COLUMNS);
        TensorOps.addColumnSums(x, into);
        for (int j = 0; j < COLUMNS; j++) {
            float expected = 1f;
            for (int i = 0; i < ROWS; i++) {
                expected += x.get(i, j);   // the same order: exactly equal
            }
            assertThat(into.get(j)).isEqualTo(expected);
        }
        assertThat(TensorOps.sum(x, 0).get(3)).isEqualTo(into.get(3) - 1f, within(1e-4f));
    }

    @Test
    void maxAndArgmaxFindTheFirstLargestOfEachRow() {
        Tensor x = matrix();
        x.set(x.get(5, 7) + 100f, 5, 7);
        x.set(x.get(5, 7), 5, 20);   // a later tie does not win
        Tensor max = TensorOps.maxRows(x);
        int[] argmax = TensorOps.argmaxRows(x);
        for (int i = 0; i < ROWS; i++) {
            int best = 0;
            for (int j = 1; j < COLUMNS; j++) {
                if (x.get(i, j) > x.get(i, best)) {
                    best = j;
                }
            }
            assertThat(argmax[i]).as("row %d", i).isEqualTo(best);
            assertThat(max.get(i)).isEqualTo(x.get(i, best));
        }
        assertThat(argmax[5]).isEqualTo(7);
    }

    @Test
    void softmaxRowsAreProbabilitiesProportionalToExp() {
        Tensor x = matrix();
        x.set(500f, 2, 3);   // would overflow exp without the shift
        Tensor p = Tensor.zeros(ROWS, COLUMNS);
        TensorOps.softmaxRows(x, p);
        for (int i = 0; i < ROWS; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < COLUMNS; j++) {
                max = Math.max(max, x.get(i, j));
            }
            double total = 0;
            for (int j = 0; j < COLUMNS; j++) {
                total += Math.exp(x.get(i, j) - max);
            }
            for (int j = 0; j < COLUMNS; j++) {
                double expected = Math.exp(x.get(i, j) - max) / total;
                // Relative 1e-5: a few float roundings of the exp, the sum and the scaling.
                assertThat((double) p.get(i, j)).isCloseTo(expected, within(1e-5 * expected + 1e-30));
            }
        }
        assertThat(p.get(2, 3)).isEqualTo(1f, within(1e-6f));
    }

    @Test
    void higherRanksAreReducedAsRowsOfTheFirstAxis() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 2);
        assertThat(TensorOps.sumRows(x).toArray()).containsExactly(10f, 26f);
        assertThat(TensorOps.sum(x, 0).toArray()).containsExactly(6f, 8f, 10f, 12f);
    }

    @Test
    void rejectsAnUnknownAxisAndAWrongTarget() {
        assertThatThrownBy(() -> TensorOps.sum(Tensor.zeros(2, 3), 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("axis");
        assertThatThrownBy(() -> TensorOps.addColumnSums(Tensor.zeros(2, 3), Tensor.zeros(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[2, 3]");
    }
}
