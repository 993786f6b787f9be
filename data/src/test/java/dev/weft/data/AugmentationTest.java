package dev.weft.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class AugmentationTest {
    private static final int[] IMAGE = {1, 28, 28};

    private static float[] batchWithOnePixel(int count, int y, int x) {
        float[] batch = new float[count * 784];
        for (int i = 0; i < count; i++) {
            batch[i * 784 + y * 28 + x] = 1f;
        }
        return batch;
    }

    /** A generator whose nextInt(bound) answers from a script, to pin the shift and flip. */
    private static RandomGenerator scripted(int dy, int dx, int maxShift, boolean flip) {
        return new RandomGenerator() {
            private int call;

            @Override
            public long nextLong() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int nextInt(int bound) {
                return (call++ == 0 ? dy : dx) + maxShift;
            }

            @Override
            public boolean nextBoolean() {
                return flip;
            }
        };
    }

    @Test
    void isOffByDefault() {
        float[] batch = batchWithOnePixel(3, 5, 6);
        float[] before = batch.clone();

        Augmentation.NONE.apply(batch, 3, IMAGE, new SplittableRandom(1));

        assertThat(batch).containsExactly(before);
    }

    @Test
    void translationMovesThePixelAndFillsWithZero() {
        float[] batch = batchWithOnePixel(1, 5, 6);

        Augmentation.translation(2).apply(batch, 1, IMAGE, scripted(2, -1, 2, false));

        assertThat(batch[(5 + 2) * 28 + (6 - 1)]).isEqualTo(1f);
        assertThat(sum(batch)).isEqualTo(1f);
    }

    @Test
    void contentShiftedOutOfTheFrameIsReplacedByTheFill() {
        float[] batch = new float[784];
        java.util.Arrays.fill(batch, 0.5f);

        Augmentation.translation(3).apply(batch, 1, IMAGE, scripted(0, 3, 3, false));

        for (int y = 0; y < 28; y++) {
            assertThat(batch[y * 28]).isZero();
            assertThat(batch[y * 28 + 2]).isZero();
            assertThat(batch[y * 28 + 3]).isEqualTo(0.5f);
        }
    }

    @Test
    void horizontalFlipMirrorsColumns() {
        float[] batch = batchWithOnePixel(1, 4, 0);

        Augmentation.translation(0).withHorizontalFlip(true).apply(batch, 1, IMAGE, scripted(0, 0, 0, true));

        assertThat(batch[4 * 28 + 27]).isEqualTo(1f);
        assertThat(sum(batch)).isEqualTo(1f);
    }

    @Test
    void worksOnFlatSamples() {
        float[] batch = batchWithOnePixel(1, 10, 10);

        Augmentation.translation(1).apply(batch, 1, new int[] {784}, scripted(-1, 1, 1, false));

        assertThat(batch[9 * 28 + 11]).isEqualTo(1f);
    }

    @Test
    void theSameSeedGivesTheSameBatch() {
        float[] a = batchWithOnePixel(16, 14, 14);
        float[] b = batchWithOnePixel(16, 14, 14);
        Augmentation augmentation = Augmentation.translation(2).withHorizontalFlip(true);

        augmentation.apply(a, 16, IMAGE, new SplittableRandom(3));
        augmentation.apply(b, 16, IMAGE, new SplittableRandom(3));

        assertThat(a).containsExactly(b);
        assertThat(sum(a)).isEqualTo(16f);
    }

    private static float sum(float[] values) {
        float s = 0;
        for (float v : values) {
            s += v;
        }
        return s;
    }
}
