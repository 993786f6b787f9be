package dev.weft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GemmTest {
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    private static float[] run(int threads, boolean transA, boolean transB, int m, int n, int k) {
        Parallel.setThreads(threads);
        float[] a = Tensor.uniform(new int[] {m * k}, -1f, 1f, 1L).data();
        float[] b = Tensor.uniform(new int[] {k * n}, -1f, 1f, 2L).data();
        float[] c = Tensor.uniform(new int[] {m * n}, -1f, 1f, 3L).data();
        Gemm.sgemm(transA, transB, m, n, k, 0.75f, a, 0, transA ? m : k, b, 0, transB ? k : n, 0.5f, c, 0, n);
        return c;
    }

    @ParameterizedTest(name = "transA={0} transB={1} m={2} n={3} k={4}")
    @CsvSource({  // each above Gemm's 2^26-flop threshold, so two threads really split the work
        "false, false, 257, 300, 500",
        "true, false, 300, 257, 450",
        "false, true, 31, 2049, 600",
        "true, true, 401, 401, 401",
        "false, false, 7, 6000, 900"})
    void oneAndTwoThreadsGiveBitIdenticalResults(boolean transA, boolean transB, int m, int n, int k) {
        float[] one = run(1, transA, transB, m, n, k);
        float[] two = run(2, transA, transB, m, n, k);
        assertThat(Arrays.mismatch(two, one)).as("first differing element").isEqualTo(-1);
    }

    @Test
    void matmulMultipliesTransposedOperands() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = Tensor.of(new float[] {1, 0, 0, 1, 1, 1}, 2, 3);
        Tensor c = Gemm.matmul(a, false, b, true);
        assertThat(c.shape()).containsExactly(2, 2);
        assertThat(c.toArray()).containsExactly(1, 6, 4, 15);
        assertThat(Gemm.matmul(a, true, a, false).get(2, 2)).isEqualTo(45f);
    }

    @Test
    void matmulNamesBothShapesWhenInnerDimensionsDiffer() {
        assertThatThrownBy(() -> Gemm.matmul(Tensor.zeros(2, 3), false, Tensor.zeros(2, 3), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[2, 3]");
    }
}
