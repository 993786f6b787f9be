package dev.weft.analysis.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.core.Parallel;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TsneGradientTest {

    @Test
    void exactGradientMatchesFiniteDifferencesOfTheKlDivergence() {
        int points = 31;
        Affinities P = Affinities.of(Clusters.gaussian(points, 5, 10), points, 5, 4);
        double[] y = embeddingLike(points, 11);
        double[] gradient = new double[2 * points];

        TsneGradient.exact(P, y, 1, gradient);

        // Central differences, step 1e-5: truncation ~1e-10, rounding ~1e-16 / 1e-5 = 1e-11.
        double h = 1e-5;
        double largest = largestMagnitude(gradient);
        for (int d = 0; d < y.length; d++) {
            double saved = y[d];
            y[d] = saved + h;
            double up = TsneGradient.klDivergence(P, y);
            y[d] = saved - h;
            double down = TsneGradient.klDivergence(P, y);
            y[d] = saved;
            double numeric = (up - down) / (2 * h);
            assertThat(Math.abs(gradient[d] - numeric)).as("dC/dy[%d]: analytic %s, numeric %s", d, gradient[d],
                    numeric).isLessThan(1e-6 * largest);
        }
    }

    @Test
    void barnesHutWithThetaZeroIsTheExactGradient() {
        int points = 120;
        Affinities P = Affinities.of(Clusters.gaussian(points, 6, 12), points, 6, 10);
        double[] y = embeddingLike(points, 13);
        double[] exact = new double[2 * points];
        double[] tree = new double[2 * points];

        TsneGradient.exact(P, y, 12, exact);
        TsneGradient.barnesHut(P, y, 12, 0, tree);

        // The same terms, added in tree order instead of index order: equal up to rounding.
        double largest = largestMagnitude(exact);
        for (int d = 0; d < exact.length; d++) {
            assertThat(Math.abs(tree[d] - exact[d])).as("entry %d", d).isLessThan(1e-12 * largest);
        }
    }

    @Test
    void barnesHutAgreesWithTheExactGradientAtTheDefaultTheta() {
        int points = 400;
        Affinities P = Affinities.of(Clusters.gaussian(points, 6, 14), points, 6, 10);
        double[] y = embeddingLike(points, 15);
        double[] exact = new double[2 * points];
        double[] tree = new double[2 * points];

        TsneGradient.exact(P, y, 1, exact);
        TsneGradient.barnesHut(P, y, 1, Tsne.DEFAULT_THETA, tree);

        // Relative error of the whole gradient vector, ‖g_tree - g_exact‖ / ‖g_exact‖.
        assertThat(relativeError(tree, exact)).isLessThan(RELATIVE_ERROR_AT_HALF);
        // A larger theta summarises more cells, so it is further off: the criterion is what decides.
        TsneGradient.barnesHut(P, y, 1, 2, tree);
        assertThat(relativeError(tree, exact)).isGreaterThan(relativeError(treeAt(P, y, 0.5), exact));
    }

    /**
     * The bound of {@link #barnesHutAgreesWithTheExactGradientAtTheDefaultTheta}: a few per cent of the gradient's
     * norm, the accuracy at which the paper's experiments find theta 0.5 gives embeddings as good as exact ones.
     */
    private static final double RELATIVE_ERROR_AT_HALF = 0.03;

    @Test
    void gradientIsBitIdenticalForOneAndTwoThreads() {
        int points = 500;
        Affinities P = Affinities.of(Clusters.gaussian(points, 6, 16), points, 6, 10);
        double[] y = embeddingLike(points, 17);
        double[] one = new double[2 * points];
        double[] two = new double[2 * points];
        int threads = Parallel.threads();
        try {
            Parallel.setThreads(1);
            TsneGradient.barnesHut(P, y, 12, 0.5, one);
            Parallel.setThreads(2);
            TsneGradient.barnesHut(P, y, 12, 0.5, two);
        } finally {
            Parallel.setThreads(threads);
        }
        assertThat(two).isEqualTo(one);
    }

    @Test
    void coincidentPointsRepelNothingButCountInZ() {
        // Three points on one spot and one apart: at any theta the tree must give the exact sums.
        int points = 4;
        Affinities P = Affinities.of(new float[] {0, 0, 0, 0, 0, 0, 1, 1}, points, 2, 1);
        double[] y = {0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 2, -1};
        double[] exact = new double[2 * points];
        double[] tree = new double[2 * points];

        TsneGradient.exact(P, y, 1, exact);
        TsneGradient.barnesHut(P, y, 1, 0, tree);

        for (int d = 0; d < exact.length; d++) {
            assertThat(Math.abs(tree[d] - exact[d])).as("entry %d", d).isLessThan(1e-15);
        }
    }

    @Test
    void rejectsPointsThatDoNotMatchP() {
        Affinities P = Affinities.of(Clusters.gaussian(10, 2, 18), 10, 2, 2);

        assertThatThrownBy(() -> TsneGradient.exact(P, new double[18], 1, new double[20]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("need 20 values (2-D), got 18");
    }

    private static double[] treeAt(Affinities P, double[] y, double theta) {
        double[] gradient = new double[y.length];
        TsneGradient.barnesHut(P, y, 1, theta, gradient);
        return gradient;
    }

    /** Points spread like a t-SNE embedding part-way through: a few units across. */
    private static double[] embeddingLike(int points, long seed) {
        Random random = new Random(seed);
        double[] y = new double[2 * points];
        for (int i = 0; i < y.length; i++) {
            y[i] = 3 * random.nextGaussian();
        }
        return y;
    }

    private static double relativeError(double[] actual, double[] expected) {
        double difference = 0;
        double norm = 0;
        for (int d = 0; d < expected.length; d++) {
            difference += (actual[d] - expected[d]) * (actual[d] - expected[d]);
            norm += expected[d] * expected[d];
        }
        return Math.sqrt(difference / norm);
    }

    private static double largestMagnitude(double[] values) {
        double largest = 0;
        for (double v : values) {
            largest = Math.max(largest, Math.abs(v));
        }
        return largest;
    }
}
