package dev.weft.analysis.charts;

import static dev.weft.analysis.charts.ChartAssertions.assertWritesPng;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.jfree.data.statistics.BoxAndWhiskerItem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DistributionChartsTest {

    @TempDir
    Path dir;

    @Test
    void componentsByClassRendersBoxesPerClass() throws Exception {
        int[] labels = SyntheticData.labels(2000, 10);
        float[] scores = SyntheticData.blobs(labels, 5, 5);
        assertWritesPng(DistributionCharts.componentsByClass(scores, 5, labels, SyntheticData.NAMES, 4), dir,
                "components-by-class", 1100, 550);
    }

    @Test
    void boxUsesTukeyWhiskers() {
        // 1..9 and an outlier at 100: Q1 = 3.25, Q3 = 7.75, IQR = 4.5, upper fence 14.5.
        BoxAndWhiskerItem box = DistributionCharts.box(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 100});
        assertThat(box.getQ1().doubleValue()).isEqualTo(3.25);
        assertThat(box.getMedian().doubleValue()).isEqualTo(5.5);
        assertThat(box.getQ3().doubleValue()).isEqualTo(7.75);
        assertThat(box.getMinRegularValue().doubleValue()).isEqualTo(1);
        assertThat(box.getMaxRegularValue().doubleValue()).isEqualTo(9);
    }
}
