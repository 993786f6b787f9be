package dev.weft.analysis.charts;

import static dev.weft.analysis.charts.ChartAssertions.assertWritesPng;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BarChartsTest {

    @TempDir
    Path dir;

    @Test
    void classDistributionRendersAtTheRequestedSize() throws Exception {
        long[] counts = {6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000};
        assertWritesPng(BarCharts.classDistribution(SyntheticData.NAMES, counts), dir, "class-distribution", 900, 500);
    }

    @Test
    void classDistributionPaintsEachBarInItsClassColour() {
        int[] counts = {50, 60, 70};
        BufferedImage image = BarCharts.classDistribution(List.of("a", "b", "c"), counts).render(600, 400);
        for (int c = 0; c < 3; c++) {
            int colour = ClassPalette.color(c).getRGB();
            assertThat(countPixels(image, colour)).as("pixels of class %d colour", c).isGreaterThan(500);
        }
    }

    @Test
    void classDistributionRejectsMismatchedNames() {
        assertThatThrownBy(() -> BarCharts.classDistribution(List.of("a"), new long[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 class names but 2 counts");
    }

    @Test
    void histogramOfValuesRenders() throws Exception {
        float[] image = SyntheticData.image(9, 28, 28);
        assertWritesPng(BarCharts.histogram("Pixel intensities of one image", "Intensity", image, 50, 0, 1),
                dir, "histogram-image", 800, 450);
    }

    @Test
    void histogramOfCountsRendersTheGlobalIntensityDistribution() throws Exception {
        long[] counts = new long[256];
        for (int level = 0; level < 256; level++) {
            counts[level] = level == 0 ? 2_000_000 : 40_000 + 100 * level;
        }
        assertWritesPng(BarCharts.histogramOfCounts("Pixel intensity distribution", "Intensity", 0, 255, counts),
                dir, "histogram-global", 800, 450);
    }

    @Test
    void histogramOfCountsOnALogScaleSkipsEmptyBins() throws Exception {
        long[] counts = new long[256];
        for (int level = 0; level < 256; level++) {
            counts[level] = level == 0 ? 23_000_000 : level % 50 == 7 ? 0 : 40_000 + 900 * level;
        }
        assertWritesPng(BarCharts.histogramOfCounts("Pixel intensity distribution", "Intensity", 0, 256, counts,
                true), dir, "histogram-global-log", 800, 450);
    }

    @Test
    void histogramBinsIncludeTheUpperEdgeInTheLastBin() {
        long[] counts = BarCharts.countBins(new float[] {0f, 0.49f, 0.5f, 1f, 1.5f, -0.1f}, 2, 0, 1);
        assertThat(counts).containsExactly(2, 2);
    }

    @Test
    void explainedVarianceRendersBarsAndCumulativeLine() throws Exception {
        double[] ratios = new double[784];
        double rest = 1;
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = rest * 0.2;
            rest -= ratios[i];
        }
        BufferedImage image = assertWritesPng(BarCharts.explainedVariance(ratios, 30), dir, "explained-variance",
                900, 500);
        assertThat(countPixels(image, ClassPalette.color(0).getRGB())).as("bar pixels").isGreaterThan(300);
        assertThat(countPixels(image, ClassPalette.color(1).getRGB())).as("line pixels").isGreaterThan(100);
    }

    @Test
    void importanceRendersNegativeAndPositiveScores() throws Exception {
        assertWritesPng(BarCharts.importance("Layer importance by ablation", "Accuracy drop",
                List.of("conv1", "conv2", "conv3"), new double[] {0.62, 0.41, -0.01}), dir, "importance", 700, 450);
    }

    static int countPixels(BufferedImage image, int argb) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xffffff) == (argb & 0xffffff)) {
                    count++;
                }
            }
        }
        return count;
    }
}
