package dev.weft.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomErasingTest {
    private static final int[] IMAGE = {1, 28, 28};
    private static final int PLANE = 784;

    /** Images of all ones, so an erased pixel (set to 0) is easy to see. */
    private static float[] ones(int count) {
        float[] batch = new float[count * PLANE];
        Arrays.fill(batch, 1f);
        return batch;
    }

    private static int erasedPixels(float[] batch, int image) {
        int n = 0;
        for (int p = 0; p < PLANE; p++) {
            n += batch[image * PLANE + p] != 1f ? 1 : 0;
        }
        return n;
    }

    @Test
    void withProbabilityZeroLeavesEveryImageAlone() {
        float[] batch = ones(50);

        new RandomErasing(0, 0.02, 0.4, 0.3, false).apply(batch, 50, IMAGE, new SplittableRandom(1));

        assertThat(batch).containsOnly(1f);
    }

    @Test
    void erasesOneAxisAlignedRectangleWithinTheAreaRange() {
        RandomErasing always = new RandomErasing(1, 0.02, 0.4, 0.3, false);
        float[] batch = ones(200);

        always.apply(batch, 200, IMAGE, new SplittableRandom(7));

        for (int i = 0; i < 200; i++) {
            int top = 28;
            int bottom = -1;
            int left = 28;
            int right = -1;
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    if (batch[i * PLANE + y * 28 + x] == 0f) {
                        top = Math.min(top, y);
                        bottom = Math.max(bottom, y);
                        left = Math.min(left, x);
                        right = Math.max(right, x);
                    }
                }
            }
            int erased = erasedPixels(batch, i);
            if (erased == 0) {
                continue;   // no draw fitted in ATTEMPTS tries: allowed, and checked to be rare below
            }
            // Every pixel of the bounding box is erased: a filled rectangle. Its area is S_e = 784 * U(0.02, 0.4)
            // up to rounding each side to whole pixels (at most half a pixel each way).
            assertThat(erased).as("image %d", i).isEqualTo((bottom - top + 1) * (right - left + 1));
            assertThat(erased).as("image %d", i).isBetween(9, 360);
        }
    }

    @Test
    void erasesAboutTheGivenShareOfImages() {
        float[] batch = ones(2000);

        RandomErasing.paper().apply(batch, 2000, IMAGE, new SplittableRandom(3));

        long erased = java.util.stream.IntStream.range(0, 2000).filter(i -> erasedPixels(batch, i) > 0).count();
        // Binomial(2000, 0.5) minus the rare images no draw fits: 0.44-0.56 is more than 5 standard deviations.
        assertThat(erased / 2000.0).isBetween(0.44, 0.56);
    }

    @Test
    void sameSeedErasesTheSameRectangles() {
        float[] first = ones(20);
        float[] second = ones(20);

        RandomErasing.paper().apply(first, 20, IMAGE, new SplittableRandom(11));
        RandomErasing.paper().apply(second, 20, IMAGE, new SplittableRandom(11));

        assertThat(first).containsExactly(second);
        assertThat(first).contains(0f);
    }

    @Test
    void randomValuesAreInTheUnitInterval() {
        float[] batch = new float[20 * PLANE];
        Arrays.fill(batch, 2f);

        new RandomErasing(1, 0.02, 0.4, 0.3, false).withRandomValues().apply(batch, 20, IMAGE,
                new SplittableRandom(5));

        long changed = 0;
        for (float v : batch) {
            if (v != 2f) {
                assertThat(v).isBetween(0f, 1f);
                changed++;
            }
        }
        assertThat(changed).isPositive();
    }

    @Test
    void touchesOnlyTheFirstCountImages() {
        float[] batch = ones(4);

        new RandomErasing(1, 0.02, 0.4, 0.3, false).apply(batch, 2, IMAGE, new SplittableRandom(2));

        assertThat(erasedPixels(batch, 2) + erasedPixels(batch, 3)).isZero();
    }

    @Test
    void refusesFlatSamplesAndBadSettings() {
        assertThatThrownBy(() -> RandomErasing.paper().apply(new float[784], 1, new int[] {784},
                new SplittableRandom(1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("{channels, height, width}");
        assertThatThrownBy(() -> new RandomErasing(1.5, 0.02, 0.4, 0.3, false))
                .hasMessageContaining("probability");
        assertThatThrownBy(() -> new RandomErasing(0.5, 0.5, 0.4, 0.3, false))
                .hasMessageContaining("minArea");
    }
}
