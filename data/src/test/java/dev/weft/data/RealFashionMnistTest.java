package dev.weft.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.core.Tensor;
import dev.weft.testing.TestData;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real files, found as the study finds them (skipped without them: {@link TestData}). Loaded once. */
class RealFashionMnistTest {
    private static FashionMnist data;

    @BeforeAll
    static void load() throws IOException {
        data = FashionMnist.load(TestData.fashionMnist());
    }

    @Test
    void hasSixtyThousandTrainingAndTenThousandTestImagesBalancedOverTheClasses() {
        assertThat(data.train().size()).isEqualTo(60_000);
        assertThat(data.test().size()).isEqualTo(10_000);
        assertThat(data.train().classCounts()).containsOnly(6_000);
        assertThat(data.test().classCounts()).containsOnly(1_000);
    }

    @Test
    void imagesAre28By28ScaledToTheUnitInterval() {
        Tensor batch = data.train().images(0, 100);
        assertThat(batch.shape()).containsExactly(100, 1, 28, 28);
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : batch.toArray()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertThat(min).isEqualTo(0f);
        assertThat(max).isEqualTo(1f);
    }

    @Test
    void reportCountsClassesAndFindsNoMissingValues() {
        DatasetReport report = data.train().report();
        assertThat(report.missingValues()).isZero();
        assertThat(report.minPixel()).isZero();
        assertThat(report.maxPixel()).isEqualTo(255);
        // Known mean of the Fashion-MNIST training pixels, 0.2860 on the [0, 1] scale.
        assertThat(report.meanPixel() / 255).isCloseTo(0.2860, org.assertj.core.data.Offset.offset(0.0005));
    }

    @Test
    void firstTrainingImageIsAnAnkleBoot() {
        assertThat(FashionMnist.className(data.train().label(0))).isEqualTo("Ankle boot");
    }
}
