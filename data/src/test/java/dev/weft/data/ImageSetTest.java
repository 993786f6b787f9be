package dev.weft.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.weft.core.Tensor;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ImageSetTest {
    private final ImageSet set = Fixtures.images("train", 200, 5);

    @Test
    void imagesAreNchwScaledToTheUnitInterval() {
        Tensor images = set.images(10, 14);

        assertThat(images.shape()).containsExactly(4, 1, 28, 28);
        assertThat(images.get(2, 0, 3, 4)).isEqualTo(set.pixel(12, 3, 4) / 255f);
    }

    @Test
    void flatVectorsHoldTheSameValuesRowByRow() {
        Tensor flat = set.flat(0, 3);

        assertThat(flat.shape()).containsExactly(3, 784);
        assertThat(flat.toArray()).containsExactly(set.images(0, 3).toArray());
    }

    @Test
    void sampleShapeSwitchesBetweenImageAndFlat() {
        assertThat(set.sampleShape()).containsExactly(1, 28, 28);
        assertThat(set.withFlatSamples().sampleShape()).containsExactly(784);
        assertThat(set.withFlatSamples().withImageSamples().sampleShape()).containsExactly(1, 28, 28);
        assertThat(set.withFlatSamples().sampleSize()).isEqualTo(784);
    }

    @Test
    void batchGathersSamplesAndLabelsThroughTheDatasetInterface() {
        int[] labels = new int[2];
        Tensor batch = set.withFlatSamples().batch(new int[] {7, 3, 9}, 1, 2, labels);

        assertThat(batch.shape()).containsExactly(2, 784);
        assertThat(labels).containsExactly(3, 9);
        assertThat(batch.slice(0, 1).toArray()).containsExactly(set.flat(3, 4).toArray());
    }

    @Test
    void firstAndSubsetCopyTheChosenImagesInOrder() {
        ImageSet some = set.subset(new int[] {5, 2, 5});

        assertThat(set.first(4).size()).isEqualTo(4);
        assertThat(some.labels()).containsExactly(5, 2, 5);
        assertThat(some.pixels(1)).isEqualTo(set.pixels(2));
        assertThat(some.pixels(2)).isEqualTo(some.pixels(0));
    }

    @Test
    void labelsAndPixelsAreCopies() {
        set.labels()[0] = 9;
        set.pixels(0)[0] = 1;

        assertThat(set.label(0)).isZero();
    }

    @Test
    void allPixelsAreEveryImageInOrder() {
        ImageSet some = set.subset(new int[] {7, 3});

        byte[] all = some.pixels();

        assertThat(all).hasSize(2 * 784);
        assertThat(Arrays.copyOfRange(all, 0, 784)).isEqualTo(set.pixels(7));
        assertThat(Arrays.copyOfRange(all, 784, 2 * 784)).isEqualTo(set.pixels(3));
    }

    @Test
    void allPixelsAreACopy() {
        int before = set.pixel(0, 0, 0);

        set.pixels()[0] = (byte) (before + 1);

        assertThat(set.pixel(0, 0, 0)).isEqualTo(before);
    }

    @Test
    void oneHotHasASingleOneInTheLabelColumn() {
        Tensor oneHot = set.oneHot(0, 12);

        assertThat(oneHot.shape()).containsExactly(12, 10);
        for (int i = 0; i < 12; i++) {
            for (int c = 0; c < 10; c++) {
                assertThat(oneHot.get(i, c)).isEqualTo(c == set.label(i) ? 1f : 0f);
            }
        }
    }

    @Test
    void stratifiedSplitKeepsClassProportionsAndIsDisjoint() {
        ImageSet.Split split = set.stratifiedSplit(0.25, 42L);

        assertThat(split.validation().classCounts()).containsOnly(5);
        assertThat(split.train().classCounts()).containsOnly(15);
        Set<String> trainImages = new HashSet<>();
        for (int i = 0; i < split.train().size(); i++) {
            trainImages.add(Arrays.toString(split.train().pixels(i)));
        }
        for (int i = 0; i < split.validation().size(); i++) {
            assertThat(trainImages).doesNotContain(Arrays.toString(split.validation().pixels(i)));
        }
    }

    @Test
    void stratifiedSplitIsReproducibleFromItsSeed() {
        ImageSet a = set.stratifiedSplit(0.2, 7L).validation();
        ImageSet b = set.stratifiedSplit(0.2, 7L).validation();
        ImageSet c = set.stratifiedSplit(0.2, 8L).validation();

        assertThat(a.flat(0, a.size()).toArray()).containsExactly(b.flat(0, b.size()).toArray());
        assertThat(a.flat(0, a.size()).toArray()).isNotEqualTo(c.flat(0, c.size()).toArray());
    }

    @Test
    void globalStandardizationFittedOnTrainingGivesZeroMeanUnitStd() {
        Standardization statistics = Standardization.fit(set, false);
        float[] values = set.withStandardization(statistics).flat(0, set.size()).toArray();

        double mean = Arrays.stream(toDouble(values)).average().orElseThrow();
        double variance = Arrays.stream(toDouble(values)).map(v -> (v - mean) * (v - mean)).average().orElseThrow();
        assertThat(mean).isCloseTo(0, within(1e-4));
        assertThat(Math.sqrt(variance)).isCloseTo(1, within(1e-4));
    }

    @Test
    void perPixelStandardizationCentresEveryPixel() {
        ImageSet standardized = set.withStandardization(Standardization.fit(set, true));
        Tensor all = standardized.flat(0, set.size());

        for (int p : new int[] {0, 391, 783}) {
            double sum = 0;
            for (int i = 0; i < set.size(); i++) {
                sum += all.get(i, p);
            }
            assertThat(sum / set.size()).as("mean of pixel %d", p).isCloseTo(0, within(1e-4));
        }
    }

    @Test
    void standardizationFromTrainingIsAppliedUnchangedToOtherSets() {
        Standardization fromTrain = Standardization.fit(set, false);
        ImageSet test = Fixtures.images("test", 10, 99).withStandardization(fromTrain);
        float[] mean = fromTrain.mean();
        float[] std = fromTrain.std();

        assertThat(test.images(0, 1).get(0, 0, 0, 0))
                .isCloseTo((test.pixel(0, 0, 0) / 255f - mean[0]) / std[0], within(1e-6f));
    }

    @Test
    void reportCountsClassesAndValueRange() {
        DatasetReport report = set.report();

        assertThat(report.classCounts()).containsOnly(20);
        assertThat(report.missingValues()).isZero();
        assertThat(report.minPixel()).isZero();
        assertThat(report.maxPixel()).isEqualTo(255);
        assertThat(report.toText(FashionMnist.CLASS_NAMES)).contains("Ankle boot").contains("200 images");
    }

    @Test
    void rejectsPixelsAndLabelsThatDisagree() {
        assertThatThrownBy(() -> ImageSet.of("x", 28, 28, 10, new byte[784], new int[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 labels need 1568 pixels");
        assertThatThrownBy(() -> ImageSet.of("x", 28, 28, 10, new byte[784], new int[] {10}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("label 10 of image 0");
    }

    private static double[] toDouble(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
