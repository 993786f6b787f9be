package dev.weft.analysis.stats;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ImageStatisticsTest {

    /*
     * Four 2x2 images (4 pixels each), labels 0, 1, 0, 2 of 3 classes:
     *   image 0: 0   10  255 7
     *   image 1: 0   20  255 9
     *   image 2: 0   30  100 7
     *   image 3: 0   40  0   9
     * Pixel 0 is constant.
     */
    private static final byte[] IMAGES = bytes(
            0, 10, 255, 7,
            0, 20, 255, 9,
            0, 30, 100, 7,
            0, 40, 0, 9);
    private static final int[] LABELS = {0, 1, 0, 2};

    @Test
    void classDistributionCountsEachLabel() {
        ClassDistribution d = ClassDistribution.of(LABELS, 4);

        assertThat(d.counts()).containsExactly(2, 1, 1, 0);
        assertThat(d.total()).isEqualTo(4);
        assertThat(d.share(0)).isEqualTo(0.5);
        assertThat(d.imbalanceRatio()).isInfinite();
        assertThat(ClassDistribution.of(new int[] {0, 1, 1, 0}, 2).imbalanceRatio()).isEqualTo(1.0);
    }

    @Test
    void classDistributionRejectsLabelOutOfRange() {
        assertThatThrownBy(() -> ClassDistribution.of(new int[] {0, 3}, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("labels[1] = 3 is not a class index in [0, 3)");
    }

    @Test
    void intensityHistogramCountsEveryPixelExactly() {
        Histogram h = ImageStatistics.intensityHistogram(IMAGES);

        assertThat(h.bins()).isEqualTo(256);
        assertThat(h.total()).isEqualTo(16);
        assertThat(h.count(0)).isEqualTo(5);
        assertThat(h.count(255)).isEqualTo(2);
        assertThat(h.count(7)).isEqualTo(2);
        assertThat(h.binCenter(255)).isEqualTo(255.0);
        assertThat(h.mean()).isCloseTo((10 + 255 + 7 + 20 + 255 + 9 + 30 + 100 + 7 + 40 + 9) / 16.0, within(1e-12));
    }

    @Test
    void floatHistogramBinsOverTheUnitIntervalAndCountsOutliersApart() {
        float[] values = {0f, 0.1f, 0.5f, 0.99f, 1f, -0.2f, 1.5f, Float.NaN};

        Histogram h = ImageStatistics.intensityHistogram(values, 4);

        assertThat(h.counts()).containsExactly(2, 0, 1, 2);
        assertThat(h.below()).isEqualTo(1);
        assertThat(h.above()).isEqualTo(1);
        assertThat(h.missing()).isEqualTo(1);
        assertThat(h.density(0)).isCloseTo(2 / (5 * 0.25), within(1e-12));
    }

    @Test
    void imageHistogramCoversOneImage() {
        Histogram h = ImageStatistics.imageHistogram(IMAGES, 4, 2);

        assertThat(h.total()).isEqualTo(4);
        assertThat(h.count(0)).isEqualTo(1);
        assertThat(h.count(30)).isEqualTo(1);
        assertThat(h.count(100)).isEqualTo(1);
        assertThat(h.count(7)).isEqualTo(1);
    }

    @Test
    void pixelHistogramCoversOnePositionOverAllImages() {
        Histogram[] h = ImageStatistics.pixelHistograms(IMAGES, 4, 2, 3);

        assertThat(h[0].count(255)).isEqualTo(2);
        assertThat(h[0].count(100)).isEqualTo(1);
        assertThat(h[0].count(0)).isEqualTo(1);
        assertThat(h[1].count(7)).isEqualTo(2);
        assertThat(h[1].count(9)).isEqualTo(2);
        assertThat(ImageStatistics.pixelValues(IMAGES, 4, 1)).containsExactly(
                10 / 255f, 20 / 255f, 30 / 255f, 40 / 255f);
    }

    @Test
    void pixelHistogramsByClassSplitTheImages() {
        Histogram[] h = ImageStatistics.pixelHistogramsByClass(IMAGES, 4, LABELS, 3, 2);

        assertThat(h[0].total()).isEqualTo(2);
        assertThat(h[0].count(255)).isEqualTo(1);
        assertThat(h[0].count(100)).isEqualTo(1);
        assertThat(h[1].count(255)).isEqualTo(1);
        assertThat(h[2].count(0)).isEqualTo(1);
    }

    @Test
    void meanImagesAverageEachClassInUnitRange() {
        float[][] means = ImageStatistics.meanImages(IMAGES, 4, LABELS, 4);

        assertThat(means[0]).containsExactly(new float[] {0, 20 / 255f, 355 / 510f, 7 / 255f}, within(1e-6f));
        assertThat(means[2]).containsExactly(new float[] {0, 40 / 255f, 0, 9 / 255f}, within(1e-6f));
        assertThat(means[3]).as("class without images").containsExactly(0, 0, 0, 0);
    }

    @Test
    void floatMeanImagesKeepTheInputUnits() {
        float[] images = {1, 2, 3, 4, 5, 6};

        float[][] means = ImageStatistics.meanImages(images, 2, new int[] {0, 0, 1}, 2);

        assertThat(means[0]).containsExactly(2, 3);
        assertThat(means[1]).containsExactly(5, 6);
    }

    @Test
    void correlationMatrixFollowsTheCovariancePath() {
        double[] r = ImageStatistics.correlationMatrix(IMAGES, 4);

        assertThat(r).hasSize(16);
        // Pixel 0 is constant: correlation 0 with the others, 1 with itself.
        assertThat(r[0]).isEqualTo(1.0);
        assertThat(r[1]).isZero();
        // Pixels 1 (10, 20, 30, 40) and 2 (255, 255, 100, 0) are negatively correlated.
        assertThat(r[1 * 4 + 2]).isNegative();
        assertThat(r[1 * 4 + 2]).isEqualTo(r[2 * 4 + 1]);
        for (int i = 1; i < 4; i++) {
            assertThat(r[i * 4 + i]).isEqualTo(1.0);
        }
        // Pearson r of (10, 20, 30, 40) and (7, 9, 7, 9): cov = 10/3 * ... computed directly.
        assertThat(r[1 * 4 + 3]).isCloseTo(pearson(new double[] {10, 20, 30, 40}, new double[] {7, 9, 7, 9}), within(1e-6));
    }

    @Test
    void summaryDescribesTheSet() {
        DatasetSummary s = DatasetSummary.of(IMAGES, 4, LABELS, 3);

        assertThat(s.images()).isEqualTo(4);
        assertThat(s.classes().counts()).containsExactly(2, 1, 1);
        assertThat(s.missingValues()).isZero();
        assertThat(s.min()).isEqualTo(0.0);
        assertThat(s.max()).isEqualTo(255.0);
        assertThat(s.constantPixels()).isEqualTo(1);
        assertThat(s.mean()).isCloseTo(742 / 16.0, within(1e-9));
        assertThat(s.toText()).contains("images:          4 of 4 pixels").contains("intensity range: 0 to 255");
    }

    @Test
    void floatSummaryCountsMissingValues() {
        float[] images = {0f, 0.5f, Float.NaN, 1f};

        DatasetSummary s = DatasetSummary.of(images, 2, new int[] {0, 1}, 2);

        assertThat(s.missingValues()).isEqualTo(1);
        assertThat(s.min()).isEqualTo(0.0);
        assertThat(s.max()).isEqualTo(1.0);
        assertThat(s.mean()).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void rejectsArraysThatDoNotHoldWholeImages() {
        assertThatThrownBy(() -> ImageStatistics.meanImages(new byte[7], 4, new int[] {0, 0}, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("array of 7 pixels does not hold whole images of 4 pixels");
        assertThatThrownBy(() -> ImageStatistics.meanImages(new byte[8], 4, new int[] {0}, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("2 images but 1 labels");
    }

    private static double pearson(double[] x, double[] y) {
        double mx = 0;
        double my = 0;
        for (int i = 0; i < x.length; i++) {
            mx += x[i] / x.length;
            my += y[i] / y.length;
        }
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
