package dev.weft.analysis.charts;

import static dev.weft.analysis.charts.ChartAssertions.assertWritesPng;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScatterChartsTest {

    @TempDir
    Path dir;

    private final int[] labels = SyntheticData.labels(3000, 10);
    private final float[] scores = SyntheticData.blobs(labels, 5, 11);

    @Test
    void pcaScatterRendersWithALegend() throws Exception {
        assertWritesPng(ScatterCharts.pca(scores, 5, labels, SyntheticData.NAMES, 0, 1), dir, "pca-scatter", 900, 700);
    }

    @Test
    void pcaScatterSubsamplesWithASeed() throws Exception {
        var first = ScatterCharts.pca(scores, 5, labels, null, 500, 3).render(400, 300);
        var again = ScatterCharts.pca(scores, 5, labels, null, 500, 3).render(400, 300);
        assertThat(ChartAssertions.distinctColours(first)).isGreaterThan(2);
        for (int y = 0; y < 300; y += 7) {
            for (int x = 0; x < 400; x += 7) {
                assertThat(again.getRGB(x, y)).as("pixel %d,%d", x, y).isEqualTo(first.getRGB(x, y));
            }
        }
    }

    @Test
    void embeddingScatterRendersWithItsOwnTitle() throws Exception {
        assertWritesPng(ScatterCharts.scatter(scores, 5, labels, SyntheticData.NAMES, "t-SNE of the features",
                "t-SNE 1", "t-SNE 2", 1000, 1), dir, "tsne-scatter", 700, 600);
    }

    @Test
    void sideBySideDrawsEachChartInItsHalf() {
        Chart left = ScatterCharts.pca(scores, 5, labels, null, 500, 3);
        Chart right = ScatterCharts.scatter(scores, 5, labels, null, "Another", "x", "y", 500, 4);

        var both = Chart.sideBySide(left, right).render(801, 300);

        var leftAlone = left.render(400, 300);
        var rightAlone = right.render(401, 300);
        for (int y = 0; y < 300; y += 5) {
            for (int x = 0; x < 400; x += 5) {
                assertThat(both.getRGB(x, y)).as("left pixel %d,%d", x, y).isEqualTo(leftAlone.getRGB(x, y));
                assertThat(both.getRGB(400 + x, y)).as("right pixel %d,%d", x, y).isEqualTo(rightAlone.getRGB(x, y));
            }
        }
    }

    @Test
    void subsampleIsUniqueAndOfTheRequestedSize() {
        int[] chosen = Points.subsample(100, 30, 5);
        assertThat(chosen).hasSize(30).doesNotHaveDuplicates();
        assertThat(java.util.Arrays.stream(chosen).allMatch(i -> i >= 0 && i < 100)).isTrue();
        assertThat(Points.subsample(10, 0, 5)).hasSize(10);
    }

    @Test
    void pairPlotRendersAGridOfComponents() throws Exception {
        assertWritesPng(ScatterCharts.pairPlot(scores, 5, labels, SyntheticData.NAMES, 4, 2000, 1), dir,
                "pair-plot", 1000, 1000);
    }

    @Test
    void pairPlotOfOneComponentIsJustItsDensities() throws Exception {
        assertWritesPng(ScatterCharts.pairPlot(scores, 5, labels, null, 1, 0, 1), dir, "pair-plot-1", 300, 300);
    }

    @Test
    void rejectsLabelsThatDoNotMatchTheRows() {
        assertThatThrownBy(() -> ScatterCharts.pca(scores, 5, new int[3], null, 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3000 rows of scores but 3 labels");
    }

    @Test
    void rejectsTooFewClassNames() {
        assertThatThrownBy(() -> ScatterCharts.pca(scores, 5, labels, SyntheticData.NAMES.subList(0, 3), 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only 3 class names");
    }
}
