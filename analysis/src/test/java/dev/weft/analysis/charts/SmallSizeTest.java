package dev.weft.analysis.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** No chart throws when asked for a tiny picture: layouts degrade, they do not fail. */
class SmallSizeTest {

    @Test
    void everyChartRendersAtTheSmallestAndAnOddSize() {
        int[] labels = SyntheticData.labels(200, 10);
        float[] scores = SyntheticData.blobs(labels, 4, 3);
        double[] ratios = {0.5, 0.3, 0.2};
        int[][] confusion = new int[10][10];
        Map<String, Chart> charts = Map.ofEntries(
                Map.entry("classes", BarCharts.classDistribution(SyntheticData.NAMES, new int[10])),
                Map.entry("histogram", BarCharts.histogram("h", "x", new float[] {0.1f, 0.5f}, 10, 0, 1)),
                Map.entry("log histogram", BarCharts.histogramOfCounts("h", "x", 0, 1, new long[] {0, 5, 100}, true)),
                Map.entry("variance", BarCharts.explainedVariance(ratios, 3)),
                Map.entry("importance", BarCharts.importance("t", "v", List.of("a", "b"), new double[] {0, 0})),
                Map.entry("curves", LineCharts.trainingCurves("Loss", new double[] {1}, new double[] {2})),
                Map.entry("history", LineCharts.history(new double[] {1}, null, new double[] {1}, null)),
                Map.entry("densities", LineCharts.densities("d", "x", List.of("a"), new double[][] {{1}})),
                Map.entry("pca", ScatterCharts.pca(scores, 4, labels, null, 0, 1)),
                Map.entry("pairs", ScatterCharts.pairPlot(scores, 4, labels, SyntheticData.NAMES, 4, 0, 1)),
                Map.entry("boxes", DistributionCharts.componentsByClass(scores, 4, labels, null, 2)),
                Map.entry("confusion", HeatMap.confusion(confusion, SyntheticData.NAMES)),
                Map.entry("map", HeatMap.importance(new double[6], 2, 3)),
                Map.entry("grid", ImageGrid.of(new float[][] {SyntheticData.image(1, 28, 28)}, 28, 28)
                        .withCaptions(List.of("a\nb")).withTitle("t")));
        charts.forEach((name, chart) -> {
            for (int[] size : new int[][] {{PngFiles.MIN_SIZE, PngFiles.MIN_SIZE}, {301, 97}}) {
                BufferedImage image = chart.render(size[0], size[1]);
                assertThat(image.getWidth()).as("%s width", name).isEqualTo(size[0]);
                assertThat(image.getHeight()).as("%s height", name).isEqualTo(size[1]);
            }
        });
    }
}
