package dev.weft.analysis.linalg;

import dev.weft.core.Parallel;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SymmetricEigenTest {

    /** Residual bound ||A v - λ v|| / ||A||_F required of every pair. */
    private static final double RESIDUAL = 1e-12;
    /** Bound on |VᵀV - I| entries. */
    private static final double ORTHONORMALITY = 1e-12;

    @Test
    void oneByOneMatrixIsItsOwnEigenvalue() {
        SymmetricEigen eig = SymmetricEigen.decompose(new double[] {-3.5}, 1);

        assertThat(eig.values()).containsExactly(-3.5);
        assertThat(eig.vector(0)).containsExactly(1.0);
    }

    @Test
    void twoByTwoMatchesClosedForm() {
        // [[2, 1], [1, 2]] has eigenvalues 3 and 1 with vectors (1, 1)/sqrt 2 and (1, -1)/sqrt 2.
        SymmetricEigen eig = SymmetricEigen.decompose(new double[][] {{2, 1}, {1, 2}});
        double r = Math.sqrt(0.5);

        assertThat(eig.value(0)).isCloseTo(3, within(1e-14));
        assertThat(eig.value(1)).isCloseTo(1, within(1e-14));
        assertThat(eig.vector(0)).containsExactly(new double[] {r, r}, within(1e-14));
        assertThat(Math.abs(eig.vector(1)[0])).isCloseTo(r, within(1e-14));
        assertThat(eig.vector(1)[0] + eig.vector(1)[1]).isCloseTo(0, within(1e-14));
    }

    @Test
    void diagonalMatrixGivesSortedDiagonalAndUnitVectors() {
        double[] diagonal = {4, -1, 7, 0, 2.5};
        int n = diagonal.length;
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            a[i * n + i] = diagonal[i];
        }

        SymmetricEigen eig = SymmetricEigen.decompose(a, n);

        assertThat(eig.values()).containsExactly(7, 4, 2.5, 0, -1);
        assertThat(eig.vector(0)).containsExactly(0, 0, 1, 0, 0);
        assertThat(eig.vector(4)).containsExactly(0, 1, 0, 0, 0);
        assertDecomposes(a, n, eig);
    }

    @Test
    void repeatedEigenvaluesGetAnOrthonormalBasisOfTheirEigenspace() {
        // Q diag(5, 5, 5, 1, 1, -2) Q^T for a random orthogonal Q.
        double[] spectrum = {5, 5, 5, 1, 1, -2};
        int n = spectrum.length;
        double[] a = withSpectrum(spectrum, 11);

        SymmetricEigen eig = SymmetricEigen.decompose(a, n);

        assertThat(eig.values()).containsExactly(new double[] {5, 5, 5, 1, 1, -2}, within(1e-13));
        assertDecomposes(a, n, eig);
    }

    @Test
    void rankDeficientMatrixHasZeroEigenvalues() {
        // X^T X for X with 3 rows and 8 columns has rank 3: five eigenvalues are 0.
        int n = 8;
        Random random = new Random(3);
        double[] x = new double[3 * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextGaussian();
        }
        double[] a = gram(x, 3, n);

        SymmetricEigen eig = SymmetricEigen.decompose(a, n);

        double scale = eig.value(0);
        for (int j = 0; j < 3; j++) {
            assertThat(eig.value(j)).as("eigenvalue %d", j).isGreaterThan(1e-3 * scale);
        }
        for (int j = 3; j < n; j++) {
            assertThat(Math.abs(eig.value(j))).as("eigenvalue %d", j).isLessThan(1e-13 * scale);
        }
        assertDecomposes(a, n, eig);
    }

    @Test
    void zeroMatrixHasZeroSpectrumAndIdentityVectors() {
        SymmetricEigen eig = SymmetricEigen.decompose(new double[16], 4);

        assertThat(eig.values()).containsExactly(0, 0, 0, 0);
        assertDecomposes(new double[16], 4, eig);
    }

    @Test
    void alreadyTridiagonalMatrixIsHandled() {
        // Householder steps with x = 0 beyond the first entry (tau = 0) must be skipped correctly.
        int n = 7;
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            a[i * n + i] = 2;
            if (i + 1 < n) {
                a[i * n + i + 1] = -1;
                a[(i + 1) * n + i] = -1;
            }
        }

        SymmetricEigen eig = SymmetricEigen.decompose(a, n);

        // The second-difference matrix has eigenvalues 2 - 2 cos(k pi / (n + 1)).
        for (int j = 0; j < n; j++) {
            double expected = 2 - 2 * Math.cos((n - j) * Math.PI / (n + 1));
            assertThat(eig.value(j)).isCloseTo(expected, within(1e-13));
        }
        assertDecomposes(a, n, eig);
    }

    @Test
    void randomSpdMatricesDecomposeWithSmallResiduals() {
        // 300 > the 256-column replay block and > the 128-column threshold for splitting a step between threads.
        for (int n : new int[] {3, 4, 17, 64, 150, 300}) {
            double[] a = randomSpd(n, n);

            SymmetricEigen eig = SymmetricEigen.decompose(a, n);

            assertDecomposes(a, n, eig);
            assertThat(eig.value(n - 1)).as("smallest eigenvalue of an SPD matrix, n=%d", n).isPositive();
        }
    }

    @Test
    void eigenvaluesAgreeWithEjml() {
        int n = 120;
        double[] a = randomSpd(n, 7);

        SymmetricEigen eig = SymmetricEigen.decompose(a, n);

        EigenDecomposition_F64<DMatrixRMaj> reference = DecompositionFactory_DDRM.eig(n, false, true);
        assertThat(reference.decompose(new DMatrixRMaj(n, n, true, a))).isTrue();
        double[] expected = new double[n];
        for (int i = 0; i < n; i++) {
            expected[i] = reference.getEigenvalue(i).getReal();
        }
        Arrays.sort(expected);
        for (int j = 0; j < n; j++) {
            // Relative to the largest eigenvalue: both solvers are backward stable.
            assertThat(eig.value(j)).as("eigenvalue %d", j)
                    .isCloseTo(expected[n - 1 - j], within(1e-12 * expected[n - 1]));
        }
    }

    @Test
    void largestMagnitudeEntryOfEveryVectorIsPositive() {
        int n = 30;
        SymmetricEigen eig = SymmetricEigen.decompose(randomSpd(n, 5), n);

        for (int j = 0; j < n; j++) {
            double[] v = eig.vector(j);
            int largest = 0;
            for (int i = 1; i < n; i++) {
                if (Math.abs(v[i]) > Math.abs(v[largest])) {
                    largest = i;
                }
            }
            assertThat(v[largest]).as("vector %d", j).isPositive();
        }
    }

    @Test
    void resultIsBitIdenticalForOneAndTwoThreads() {
        int n = 300;
        double[] a = randomSpd(n, 9);
        int threads = Parallel.threads();
        try {
            Parallel.setThreads(1);
            SymmetricEigen one = SymmetricEigen.decompose(a, n);
            Parallel.setThreads(2);
            SymmetricEigen two = SymmetricEigen.decompose(a, n);

            assertThat(two.values()).isEqualTo(one.values());
            assertThat(two.vectorRows()).isEqualTo(one.vectorRows());
        } finally {
            Parallel.setThreads(threads);
        }
    }

    @Test
    void vectorsIsTheTransposeOfVectorRows() {
        int n = 5;
        SymmetricEigen eig = SymmetricEigen.decompose(randomSpd(n, 2), n);
        double[] v = eig.vectors();

        for (int j = 0; j < n; j++) {
            double[] column = eig.vector(j);
            for (int i = 0; i < n; i++) {
                assertThat(v[i * n + j]).isEqualTo(column[i]);
            }
        }
    }

    @Test
    void doesNotModifyItsInput() {
        double[] a = randomSpd(6, 4);
        double[] copy = a.clone();

        SymmetricEigen.decompose(a, 6);

        assertThat(a).isEqualTo(copy);
    }

    @Test
    void rejectsAsymmetricMatrixNamingTheEntry() {
        double[] a = {1, 2, 3, 1};

        assertThatThrownBy(() -> SymmetricEigen.decompose(a, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not symmetric")
                .hasMessageContaining("a[1][0]");
    }

    @Test
    void rejectsNonFiniteEntries() {
        assertThatThrownBy(() -> SymmetricEigen.decompose(new double[] {1, Double.NaN, Double.NaN, 1}, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-finite");
    }

    @Test
    void rejectsWrongLength() {
        assertThatThrownBy(() -> SymmetricEigen.decompose(new double[5], 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("array length 5, expected 4");
    }

    // ---------------------------------------------------------------------------------------------------------

    /** Checks ||A v - λ v|| / ||A||_F for every pair, unit length, orthogonality and descending order. */
    static void assertDecomposes(double[] a, int n, SymmetricEigen eig) {
        double norm = 0;
        for (double x : a) {
            norm += x * x;
        }
        norm = Math.max(Math.sqrt(norm), Double.MIN_NORMAL);
        for (int j = 0; j < n; j++) {
            double[] v = eig.vector(j);
            double residual = 0;
            for (int i = 0; i < n; i++) {
                double av = 0;
                for (int k = 0; k < n; k++) {
                    av += a[i * n + k] * v[k];
                }
                double r = av - eig.value(j) * v[i];
                residual += r * r;
            }
            assertThat(Math.sqrt(residual) / norm).as("residual of pair %d", j).isLessThan(RESIDUAL);
            if (j > 0) {
                assertThat(eig.value(j)).as("descending order at %d", j).isLessThanOrEqualTo(eig.value(j - 1));
            }
        }
        for (int j = 0; j < n; j++) {
            double[] u = eig.vector(j);
            for (int k = j; k < n; k++) {
                double[] v = eig.vector(k);
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += u[i] * v[i];
                }
                assertThat(dot).as("v%d . v%d", j, k).isCloseTo(j == k ? 1 : 0, within(ORTHONORMALITY));
            }
        }
    }

    /** X^T X for a random rows x n matrix X (symmetric by construction, SPD when rows >= n). */
    static double[] randomSpd(int n, long seed) {
        Random random = new Random(seed);
        int rows = n + 5;
        double[] x = new double[rows * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextGaussian();
        }
        return gram(x, rows, n);
    }

    private static double[] gram(double[] x, int rows, int n) {
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int r = 0; r < rows; r++) {
                    s += x[r * n + i] * x[r * n + j];
                }
                a[i * n + j] = s;
                a[j * n + i] = s;
            }
        }
        return a;
    }

    /** Q diag(spectrum) Q^T with Q from Gram-Schmidt on a seeded Gaussian matrix. */
    private static double[] withSpectrum(double[] spectrum, long seed) {
        int n = spectrum.length;
        Random random = new Random(seed);
        double[][] q = new double[n][n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < n; i++) {
                q[j][i] = random.nextGaussian();
            }
            for (int k = 0; k < j; k++) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += q[j][i] * q[k][i];
                }
                for (int i = 0; i < n; i++) {
                    q[j][i] -= dot * q[k][i];
                }
            }
            double norm = 0;
            for (int i = 0; i < n; i++) {
                norm += q[j][i] * q[j][i];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < n; i++) {
                q[j][i] /= norm;
            }
        }
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k <= i; k++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += q[j][i] * spectrum[j] * q[j][k];
                }
                a[i * n + k] = s;
                a[k * n + i] = s;
            }
        }
        return a;
    }
}
