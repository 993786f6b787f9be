package dev.weft.analysis.charts;

import static dev.weft.analysis.charts.ChartAssertions.assertWritesPng;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageGridTest {

    @TempDir
    Path dir;

    private static float[][] images(int n) {
        float[][] images = new float[n][];
        for (int i = 0; i < n; i++) {
            images[i] = SyntheticData.image(i % 10, 28, 28);
        }
        return images;
    }

    @Test
    void samplesWithCaptionsRender() throws Exception {
        assertWritesPng(ImageGrid.of(images(10), 28, 28).withTitle("Mean image per class")
                .withCaptions(SyntheticData.NAMES), dir, "mean-images", 1000, 450);
    }

    @Test
    void byteImagesAreReadAsUnsigned() {
        byte[][] bytes = {new byte[4 * 6]};
        java.util.Arrays.fill(bytes[0], (byte) 255);
        BufferedImage image = ImageGrid.of(bytes, 4, 6).withColorMap(ColorMap.GREY_INVERTED).render(100, 80);
        // 255 as unsigned is the top of the range: black in the inverted grey map.
        assertThat(image.getRGB(50, 40) & 0xffffff).isEqualTo(0x000000);
    }

    @Test
    void predictionsColourCaptionsGreenAndRed() throws Exception {
        int n = 12;
        int[] truth = new int[n];
        int[] predicted = new int[n];
        for (int i = 0; i < n; i++) {
            truth[i] = i % 10;
            predicted[i] = i % 4 == 3 ? (i + 3) % 10 : i % 10;
        }
        BufferedImage image = assertWritesPng(ImageGrid.predictions(images(n), 28, 28, truth, predicted,
                SyntheticData.NAMES), dir, "predictions", 1000, 700);
        assertThat(BarChartsTest.countPixels(image, ClassPalette.CORRECT.getRGB())).isPositive();
        assertThat(BarChartsTest.countPixels(image, ClassPalette.WRONG.getRGB())).isPositive();
    }

    @Test
    void featureMapsAreNormalisedPerMap() throws Exception {
        int channels = 32;
        int size = 13;
        float[] maps = new float[channels * size * size];
        for (int c = 0; c < channels; c++) {
            for (int p = 0; p < size * size; p++) {
                // Each map has its own scale (c + 1) and pattern; per-map normalisation makes all visible.
                maps[c * size * size + p] = (float) ((c + 1) * Math.max(0, Math.sin(p * 0.1 * (c % 5 + 1))));
            }
        }
        assertWritesPng(ImageGrid.featureMaps(maps, channels, size, size), dir, "feature-maps", 1000, 600);
    }

    @Test
    void nonSquareImagesAndFixedColumnsRender() throws Exception {
        float[][] wide = new float[5][10 * 30];
        for (int i = 0; i < 5; i++) {
            for (int p = 0; p < wide[i].length; p++) {
                wide[i][p] = (p % 30) / 29f * (i + 1) / 5f;
            }
        }
        List<String> captions = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            captions.add("image " + i + "\nsecond line");
        }
        assertWritesPng(ImageGrid.of(wide, 10, 30).withColumns(2).withCaptions(captions), dir, "wide", 500, 500);
    }

    @Test
    void rejectsAnImageOfTheWrongSize() {
        assertThatThrownBy(() -> ImageGrid.of(new float[][] {new float[783]}, 28, 28))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("image 0 has 783 values");
    }

    @Test
    void rejectsABatchTooShortForTheCount() {
        assertThatThrownBy(() -> ImageGrid.ofBatch(new float[784], 0, 2, 28, 28))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("do not fit");
    }
}
