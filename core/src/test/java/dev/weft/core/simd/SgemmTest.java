package dev.weft.core.simd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SGEMM of both implementations against a naive double-precision loop: every transpose combination, odd sizes,
 * alpha/beta variations, offsets and leading dimensions larger than the rows.
 *
 * <p>Tolerance: the standard forward-error bound of a float dot product, {@code |c - exact| <= (k + 2) * u *
 * (|alpha| * sum_p |a_ip * b_pj| + |beta * c_ij|)} with {@code u = 2^-23} (one ulp of 1, twice the unit
 * roundoff, to cover the two extra roundings of alpha and beta).
 */
class SgemmTest {
    private static final int[] SIZES = {1, 3, 17, 31, 33, 100, 257};
    private static final double U = Math.ulp(1f);

    static Stream<Arguments> shapes() {
        List<Arguments> all = new ArrayList<>();
        for (int m : SIZES) {
            for (int n : SIZES) {
                for (int k : SIZES) {
                    all.add(Arguments.of(m, n, k));
                }
            }
        }
        return all.stream();
    }

    /** One problem: op(A) m x k, op(B) k x n, with padded leading dimensions and offsets. */
    private record Problem(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
                           float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {

        static Problem random(boolean transA, boolean transB, int m, int n, int k, long seed) {
            Random r = new Random(seed);
            int aRows = transA ? k : m;
            int aCols = transA ? m : k;
            int bRows = transB ? n : k;
            int bCols = transB ? k : n;
            int lda = aCols + 3;
            int ldb = bCols + 5;
            int ldc = n + 2;
            float[] a = fill(new float[7 + aRows * lda], r);
            float[] b = fill(new float[11 + bRows * ldb], r);
            float[] c = fill(new float[5 + m * ldc], r);
            return new Problem(transA, transB, m, n, k, a, 7, lda, b, 11, ldb, c, 5, ldc);
        }

        private static float[] fill(float[] x, Random r) {
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextFloat() * 2f - 1f;
            }
            return x;
        }

        double opA(int i, int p) {
            return transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
        }

        double opB(int p, int j) {
            return transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
        }

        float[] run(Kernels kernels, float alpha, float beta) {
            float[] out = c.clone();
            kernels.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, out, cOff, ldc);
            return out;
        }

        /** The double-precision product op(A)·op(B) and the sums of |terms|, row-major m x n. */
        double[][] exact() {
            double[] product = new double[m * n];
            double[] magnitude = new double[m * n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    for (int p = 0; p < k; p++) {
                        double t = opA(i, p) * opB(p, j);
                        product[i * n + j] += t;
                        magnitude[i * n + j] += Math.abs(t);
                    }
                }
            }
            return new double[][] {product, magnitude};
        }

        void check(float[] out, float alpha, float beta, String who) {
            check(out, alpha, beta, who, exact());
        }

        /** Checks {@code out} against the double-precision product, and that padding was left alone. */
        void check(float[] out, float alpha, float beta, String who, double[][] product) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double exact = product[0][i * n + j];
                    double magnitude = product[1][i * n + j];
                    double old = beta == 0f ? 0 : c[cOff + i * ldc + j];
                    double expected = alpha * exact + beta * old;
                    double bound = (k + 2) * U * (Math.abs(alpha) * magnitude + Math.abs(beta * old)) + 1e-30;
                    double got = out[cOff + i * ldc + j];
                    if (!(Math.abs(got - expected) <= bound)) {
                        throw new AssertionError(who + " C[" + i + "," + j + "] = " + got + ", expected " + expected
                                + " +- " + bound + " (transA=" + transA + ", transB=" + transB + ", m=" + m
                                + ", n=" + n + ", k=" + k + ", alpha=" + alpha + ", beta=" + beta + ")");
                    }
                }
                for (int j = n; j < ldc && cOff + i * ldc + j < c.length; j++) {
                    assertThat(out[cOff + i * ldc + j]).as("padding of C row %d", i).isEqualTo(c[cOff + i * ldc + j]);
                }
            }
            assertThat(out[0]).as("before the offset of C").isEqualTo(c[0]);
        }
    }

    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @MethodSource("shapes")
    void everyTransposeCombinationMatchesTheDoubleProduct(int m, int n, int k) {
        Kernels[] implementations = {new VectorKernels(), new ScalarKernels()};
        for (boolean transA : new boolean[] {false, true}) {
            for (boolean transB : new boolean[] {false, true}) {
                Problem p = Problem.random(transA, transB, m, n, k, 31L * m + 17L * n + k);
                double[][] exact = p.exact();
                for (Kernels kernels : implementations) {
                    p.check(p.run(kernels, 1f, 0f), 1f, 0f, kernels.name(), exact);
                }
            }
        }
    }

    /** Fewer shapes than {@link #shapes()}, still with tails, single rows and columns, and several depth blocks. */
    static Stream<Arguments> panelShapes() {
        List<Arguments> all = new ArrayList<>();
        for (int m : new int[] {1, 9, 33}) {
            for (int n : new int[] {1, 31, 65}) {
                for (int k : new int[] {1, 17, 300}) {
                    all.add(Arguments.of(m, n, k));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @MethodSource("panelShapes")
    void aPanelSourceGivesTheSameProductAsTheArrayItPacks(int m, int n, int k) {
        for (boolean transB : new boolean[] {false, true}) {
            Problem p = Problem.random(true, transB, m, n, k, 7L * m + 5L * n + k);
            // op(B) handed over through the documented panel layout, written element by element.
            Kernels.PanelSource source = (row, column, rows, columns, width, panels) -> {
                int panelCount = (columns + width - 1) / width;
                for (int q = 0; q < panelCount; q++) {
                    for (int r = 0; r < rows; r++) {
                        for (int j = 0; j < width; j++) {
                            int col = q * width + j;
                            panels[q * width * rows + r * width + j] =
                                    col < columns ? (float) p.opB(row + r, column + col) : 0f;
                        }
                    }
                }
            };
            for (Kernels kernels : new Kernels[] {new VectorKernels(), new ScalarKernels()}) {
                for (float beta : new float[] {0f, 0.5f}) {
                    float[] fromSource = p.c().clone();
                    kernels.sgemm(true, m, n, k, 1.5f, p.a(), p.aOff(), p.lda(), source, beta, fromSource,
                            p.cOff(), p.ldc());
                    assertThat(fromSource).as("%s, transB=%s, beta=%s", kernels.name(), transB, beta)
                            .containsExactly(p.run(kernels, 1.5f, beta));
                }
            }
        }
    }

    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @MethodSource("panelShapes")
    void packedPanelsAreMultipliedInPlaceOrCopiedOutWithTheSameResult(int m, int n, int k) {
        Problem p = Problem.random(false, false, m, n, k, 3L * m + n + 11L * k);
        for (Kernels kernels : new Kernels[] {new VectorKernels(), new ScalarKernels()}) {
            float[] expected = p.run(kernels, 1f, 0.5f);
            // The kernel's own width (read in place by the SIMD kernel) and an odd one (always copied out).
            for (int width : new int[] {Math.max(1, kernels.panelWidth()), 5}) {
                int panels = (n + width - 1) / width;
                float[] data = new float[k * panels * width];
                for (int col = 0; col < n; col++) {
                    for (int row = 0; row < k; row++) {
                        data[(col / width) * k * width + row * width + col % width] = (float) p.opB(row, col);
                    }
                }
                float[] got = p.c().clone();
                kernels.sgemm(false, m, n, k, 1f, p.a(), p.aOff(), p.lda(),
                        new Kernels.PackedPanels(data, k, n, width), 0.5f, got, p.cOff(), p.ldc());
                assertThat(got).as("%s, panels %d wide", kernels.name(), width).containsExactly(expected);
            }
        }
    }

    @Test
    void alphaAndBetaScaleTheProductAndTheOldC() {
        float[][] alphaBeta = {{1f, 0f}, {0.5f, 0f}, {1f, 1f}, {-2f, 0.75f}, {0f, 0.5f}, {1.25f, -1f}};
        Kernels[] implementations = {new VectorKernels(), new ScalarKernels()};
        for (boolean transA : new boolean[] {false, true}) {
            for (boolean transB : new boolean[] {false, true}) {
                Problem p = Problem.random(transA, transB, 33, 31, 100, 5L);
                double[][] exact = p.exact();
                for (float[] ab : alphaBeta) {
                    for (Kernels kernels : implementations) {
                        p.check(p.run(kernels, ab[0], ab[1]), ab[0], ab[1], kernels.name(), exact);
                    }
                }
            }
        }
    }

    @Test
    void betaZeroIgnoresNaNsInTheOldC() {
        Problem p = Problem.random(false, true, 17, 33, 31, 9L);
        java.util.Arrays.fill(p.c(), Float.NaN);
        float[] out = p.run(new VectorKernels(), 1f, 0f);
        for (int i = 0; i < p.m(); i++) {
            for (int j = 0; j < p.n(); j++) {
                assertThat(out[p.cOff() + i * p.ldc() + j]).isNotNaN();
            }
        }
    }

    @Test
    void blocksOfDeepAndWideProductsAreStitchedCorrectly() {
        // Larger than one KC x NC block of B and one MC block of A, with ragged edges everywhere.
        int m = VectorKernels.MC + VectorKernels.MR + 3;
        int n = VectorKernels.NR * 3 + 5;
        int k = 2 * VectorKernels.KC + 7;
        Problem p = Problem.random(true, false, m, n, k, 13L);
        p.check(p.run(new VectorKernels(), 0.5f, 0.25f), 0.5f, 0.25f, "simd");
    }

    @Test
    void zeroSizedProductsOnlyScaleC() {
        Problem p = Problem.random(false, false, 3, 4, 0, 1L);
        float[] out = p.run(new VectorKernels(), 1f, 0.5f);
        for (int j = 0; j < 4; j++) {
            assertThat(out[p.cOff() + j]).isEqualTo(0.5f * p.c()[p.cOff() + j]);
        }
    }
}
