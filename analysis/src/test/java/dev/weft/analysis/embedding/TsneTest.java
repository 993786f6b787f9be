package dev.weft.analysis.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.core.Parallel;
import dev.weft.core.Tensor;
import org.junit.jupiter.api.Test;

class TsneTest {

    @Test
    void separatesWellSeparatedGaussianClusters() {
        // 5 clusters of 60 points in 20-D, centres ~63 apart, each ~4.5 across.
        int[] labels = Clusters.labels(300, 5);
        float[] data = Clusters.blobs(labels, 20, 10, 20);

        double[] y = new Tsne(30).withSeed(1).embed(data, 300, 20);

        assertThat(KnnAccuracy.of(y, 2, labels, 5)).isGreaterThanOrEqualTo(0.99);
    }

    @Test
    void theEmbeddingIsCentredAndFinite() {
        int[] labels = Clusters.labels(200, 4);
        double[] y = new Tsne(15).withIterations(300).embed(Clusters.blobs(labels, 10, 5, 21), 200, 10);

        double mx = 0;
        double my = 0;
        for (int i = 0; i < 200; i++) {
            assertThat(Double.isFinite(y[2 * i]) && Double.isFinite(y[2 * i + 1])).as("point %d", i).isTrue();
            mx += y[2 * i];
            my += y[2 * i + 1];
        }
        assertThat(Math.abs(mx / 200)).isLessThan(1e-9);
        assertThat(Math.abs(my / 200)).isLessThan(1e-9);
    }

    @Test
    void theSameSeedGivesTheSameEmbeddingAndAnotherSeedAnother() {
        int[] labels = Clusters.labels(150, 3);
        float[] data = Clusters.blobs(labels, 8, 5, 22);
        Tsne tsne = new Tsne(10).withIterations(300);

        double[] first = tsne.withSeed(7).embed(data, 150, 8);
        double[] again = tsne.withSeed(7).embed(data, 150, 8);
        double[] other = tsne.withSeed(8).embed(data, 150, 8);

        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void theEmbeddingIsBitIdenticalForOneAndTwoThreads() {
        int[] labels = Clusters.labels(400, 4);
        float[] data = Clusters.blobs(labels, 12, 5, 23);
        Tsne tsne = new Tsne(20).withIterations(300).withSeed(3);
        double[] one;
        double[] two;
        int threads = Parallel.threads();
        try {
            Parallel.setThreads(1);
            one = tsne.embed(data, 400, 12);
            Parallel.setThreads(2);
            two = tsne.embed(data, 400, 12);
        } finally {
            Parallel.setThreads(threads);
        }
        assertThat(two).isEqualTo(one);
    }

    @Test
    void embedsATensorLikeItsRows() {
        int[] labels = Clusters.labels(90, 3);
        float[] data = Clusters.blobs(labels, 6, 5, 24);
        Tsne tsne = new Tsne(5).withIterations(100);

        assertThat(tsne.embed(Tensor.of(data, 90, 6))).isEqualTo(tsne.embed(data, 90, 6));
    }

    @Test
    void defaultLearningRateIsTheLargerOf200AndPointsOver12() {
        assertThat(new Tsne(30).learningRate(1200)).isEqualTo(200);
        assertThat(new Tsne(30).learningRate(6000)).isEqualTo(500);
        assertThat(new Tsne(30).withLearningRate(50).learningRate(6000)).isEqualTo(50);
    }

    @Test
    void rejectsAPerplexityTooLargeForThePoints() {
        assertThatThrownBy(() -> new Tsne(30).embed(Clusters.gaussian(50, 3, 25), 50, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("perplexity 30.0 is too large for 50 points");
    }

    @Test
    void rejectsNaNInput() {
        float[] data = Clusters.gaussian(50, 3, 26);
        data[3 * 3 + 1] = Float.NaN;

        assertThatThrownBy(() -> new Tsne(5).embed(data, 50, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("point 3, feature 1 is NaN");
    }

    @Test
    void rejectsBadSettingsNamingTheValue() {
        assertThatThrownBy(() -> new Tsne(Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("perplexity").hasMessageContaining("was NaN");
        assertThatThrownBy(() -> new Tsne(30).withTheta(-0.1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("theta").hasMessageContaining("was -0.1");
        assertThatThrownBy(() -> new Tsne(30).withIterations(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was 0");
        assertThatThrownBy(() -> new Tsne(30).withLearningRate(Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was Infinity");
    }
}
