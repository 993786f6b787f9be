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
    @CsvSource({  // each above Gemm's 2^24-flop threshold, so two threads really split the work
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
    void eachProductOnTwoThreadsPacksItsOwnB() {
        // Each thread keeps its packing of B for the blocks of one product only: a later product, with another B
        // or with the same array changed in place, must be packed again.
        int m = 300;
        int n = 257;
        int k = 450;
        float[] a = Tensor.uniform(new int[] {m * k}, -1f, 1f, 1L).data();
        float[] first = Tensor.uniform(new int[] {k * n}, -1f, 1f, 2L).data();
        float[] second = Tensor.uniform(new int[] {k * n}, -1f, 1f, 3L).data();
        float[][] expected = new float[3][];
        float[][] got = new float[3][];
        for (int threads = 1; threads <= 2; threads++) {
            Parallel.setThreads(threads);
            float[][] results = threads == 1 ? expected : got;
            float[] changing = first.clone();
            results[0] = product(a, changing, m, n, k);
            results[1] = product(a, second, m, n, k);
            for (int i = 0; i < changing.length; i += 3) {
                changing[i] = -changing[i];
            }
            results[2] = product(a, changing, m, n, k);
        }
        for (int i = 0; i < 3; i++) {
            assertThat(Arrays.mismatch(got[i], expected[i])).as("product %d, first differing element", i)
                    .isEqualTo(-1);
        }
        assertThat(Arrays.mismatch(got[2], got[0])).as("the changed B was used").isNotEqualTo(-1);
    }

    @Test
    void aThreadsPackingGrowsForALargerProductAndServesASmallerOneAfterIt() {
        // Rows split, B packed once per thread: the second product needs a larger buffer than the first, the third
        // a smaller one than the buffer it finds.
        int[][] shapes = {{300, 257, 450}, {400, 380, 600}, {260, 130, 520}};
        float[][] as = new float[shapes.length][];
        float[][] bs = new float[shapes.length][];
        float[][] expected = new float[shapes.length][];
        Parallel.setThreads(1);
        for (int i = 0; i < shapes.length; i++) {
            int[] s = shapes[i];
            as[i] = Tensor.uniform(new int[] {s[0] * s[2]}, -1f, 1f, 10L + i).data();
            bs[i] = Tensor.uniform(new int[] {s[2] * s[1]}, -1f, 1f, 20L + i).data();
            expected[i] = product(as[i], bs[i], s[0], s[1], s[2]);
        }
        Parallel.setThreads(2);   // one pool for the three products, so its threads keep their buffers
        for (int i = 0; i < shapes.length; i++) {
            int[] s = shapes[i];
            float[] got = product(as[i], bs[i], s[0], s[1], s[2]);
            assertThat(Arrays.mismatch(got, expected[i])).as("%s, first differing element", Arrays.toString(s))
                    .isEqualTo(-1);
        }
    }

    private static float[] product(float[] a, float[] b, int m, int n, int k) {
        float[] c = new float[m * n];
        Gemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
        return c;
    }

    @ParameterizedTest(name = "threads={0}")
    @CsvSource({"1", "2"})
    void aPanelSourceSplitOverThreadsGivesTheArrayProduct(int threads) {
        int m = 40;
        int n = 1000;
        int k = 900;   // 72 MFLOP: above the threshold, so two threads each ask for their own columns
        float[] a = Tensor.uniform(new int[] {m * k}, -1f, 1f, 1L).data();
        float[] b = Tensor.uniform(new int[] {k * n}, -1f, 1f, 2L).data();
        float[] expected = new float[m * n];
        Parallel.setThreads(1);
        Gemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, expected, 0, n);
        Parallel.setThreads(threads);
        float[] got = new float[m * n];
        Gemm.sgemm(false, m, n, k, 1f, a, 0, k, (row, column, rows, columns, width, panels) -> {
            for (int start = 0; start < columns; start += width) {
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < width; j++) {
                        panels[start * rows + r * width + j] =
                                start + j < columns ? b[(row + r) * n + column + start + j] : 0f;
                    }
                }
            }
        }, 0f, got, 0, n);
        assertThat(Arrays.mismatch(got, expected)).as("first differing element").isEqualTo(-1);
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
