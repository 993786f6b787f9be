package dev.weft.analysis.charts;

import static dev.weft.analysis.charts.ChartAssertions.assertWritesPng;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExplanationChartsTest {

    @TempDir
    Path dir;

    @Test
    void aHeatOverlayTintsOnlyWhereTheHeatIs() {
        float[] grey = new float[8 * 8];
        java.util.Arrays.fill(grey, 0.5f);
        float[] heat = new float[8 * 8];
        heat[0] = 1f;   // top-left pixel only
        BufferedImage image = ImageGrid.of(new float[][] {grey}, 8, 8).withHeatOverlays(new float[][] {heat})
                .render(80, 80);
        // The picture is 80x80 with one image of 8x8 blocks: a tinted corner block and grey elsewhere.
        int corner = -1;
        int centre = image.getRGB(40, 40) & 0xffffff;
        for (int y = 0; y < 80 && corner < 0; y++) {
            for (int x = 0; x < 80; x++) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                if (((rgb >> 16) & 0xff) > ((rgb) & 0xff) + 40) {
                    corner = rgb;
                    break;
                }
            }
        }
        assertThat(corner).as("a reddish pixel").isNotNegative();
        assertThat(centre).as("untouched grey").isEqualTo(ColorMap.GREY.rgb(0.5));
    }

    @Test
    void overlaysWithCaptionsRender() throws Exception {
        float[][] images = new float[4][];
        float[][] heat = new float[4][];
        for (int i = 0; i < 4; i++) {
            images[i] = SyntheticData.image(i, 28, 28);
            heat[i] = new float[28 * 28];
            for (int p = 0; p < heat[i].length; p++) {
                heat[i][p] = (float) Math.exp(-((p / 28 - 7 * i) * (p / 28 - 7 * i) + (p % 28 - 14) * (p % 28 - 14))
                        / 30.0);
            }
        }
        heat[3] = null;
        assertWritesPng(ImageGrid.of(images, 28, 28).withHeatOverlays(heat).withTitle("Grad-CAM")
                .withCaptions(List.of("a", "b", "c", "bare")), dir, "overlays", 800, 300);
    }

    @Test
    void rejectsAHeatMapOfTheWrongSize() {
        assertThatThrownBy(() -> ImageGrid.of(new float[][] {new float[4]}, 2, 2)
                .withHeatOverlays(new float[][] {new float[5]}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("heat map 0 has 5 values");
    }

    @Test
    void aReliabilityDiagramRendersTwoSeriesAndSkipsEmptyBins() throws Exception {
        double[] before = new double[15];
        double[] after = new double[15];
        for (int b = 0; b < 15; b++) {
            double confidence = (b + 0.5) / 15;
            before[b] = b < 3 ? Double.NaN : confidence * 0.85;
            after[b] = b < 3 ? Double.NaN : confidence * 0.98;
        }
        assertWritesPng(ReliabilityDiagram.of("Reliability", List.of("before, ECE 4.1%", "after, ECE 0.9%"),
                new double[][] {before, after}), dir, "reliability", 700, 600);
    }

    @Test
    void aReliabilityDiagramRefusesSeriesOfDifferentLengths() {
        assertThatThrownBy(() -> ReliabilityDiagram.of("r", List.of("a", "b"), new double[][] {new double[3],
                new double[4]})).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same number");
    }
}
