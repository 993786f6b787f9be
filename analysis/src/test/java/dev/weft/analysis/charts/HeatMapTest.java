package dev.weft.analysis.charts;

import static dev.weft.analysis.charts.ChartAssertions.assertWritesPng;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeatMapTest {

    @TempDir
    Path dir;

    @Test
    void correlationMatrixOf784PixelsRenders() throws Exception {
        int n = 784;
        double[] r = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                // Correlation falling with distance on the 28x28 grid: the "repeating pattern" of the study.
                double d = Math.hypot(i / 28 - j / 28, i % 28 - j % 28);
                r[i * n + j] = i == j ? 1 : Math.exp(-d / 4) - 0.15;
            }
        }
        r[5 * n + 6] = Double.NaN;
        assertWritesPng(HeatMap.correlation(r, n), dir, "correlation", 900, 800);
    }

    @Test
    void downsampledDiagonalStaysVisible() {
        int n = 784;
        double[] identity = new double[n * n];
        for (int i = 0; i < n; i++) {
            identity[i * n + i] = 1;
        }
        BufferedImage image = HeatMap.correlation(identity, n).withTitle("").render(400, 300);
        // With box averaging, every plot pixel on the diagonal is pulled towards red; none is pure grey-white.
        int centre = ColorMap.DIVERGING.rgb(0.5);
        int warm = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                if (rgb != centre && ((rgb >> 16) & 0xff) > (rgb & 0xff) + 10) {
                    warm++;
                }
            }
        }
        assertThat(warm).as("reddish diagonal pixels").isGreaterThan(150);
    }

    @Test
    void confusionMatrixRendersCountsAndClassNames() throws Exception {
        int[][] counts = new int[10][10];
        for (int t = 0; t < 10; t++) {
            for (int p = 0; p < 10; p++) {
                counts[t][p] = t == p ? 850 + 10 * t : (t + p) % 7 == 0 ? 60 : 5;
            }
        }
        assertWritesPng(HeatMap.confusion(counts, SyntheticData.NAMES), dir, "confusion", 900, 800);
    }

    @Test
    void confusionMatrixMustBeSquareWithOneRowPerClass() {
        assertThatThrownBy(() -> HeatMap.confusion(new int[2][2], List.of("a", "b", "c")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2x2 for 3 class names");
    }

    @Test
    void importanceMapRenders() throws Exception {
        double[] map = new double[28 * 28];
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                map[y * 28 + x] = Math.max(0, 0.2 - Math.hypot(y - 14, x - 10) / 60);
            }
        }
        assertWritesPng(HeatMap.importance(map, 28, 28), dir, "importance-map", 700, 600);
    }

    @Test
    void rejectsAValueCountThatIsNotRowsTimesColumns() {
        assertThatThrownBy(() -> HeatMap.of(new double[5], 2, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 6 values, got 5");
    }

    @Test
    void rangeMustBeIncreasing() {
        assertThatThrownBy(() -> HeatMap.of(new double[4], 2, 2).withRange(1, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
