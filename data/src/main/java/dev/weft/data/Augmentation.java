package dev.weft.data;

import dev.weft.optim.BatchTransform;
import java.util.random.RandomGenerator;

/**
 * Data augmentation for training batches of grey images: a random translation by up to {@code maxShift} pixels in
 * each direction (uncovered pixels become 0, the background of Fashion-MNIST after scaling to [0, 1]) and, with
 * probability 1/2, a horizontal flip (clothes are left-right symmetric enough; vertical flips would not be).
 *
 * <p>Off by default ({@link #NONE}). Seeded through the generator the training loop passes to
 * {@link #apply}, so a fixed training seed gives the same augmented batches. Cheap: one copy of each image
 * through a reused 28x28 scratch buffer, no allocation per batch in steady state. Accepts sample shapes
 * {@code {channels, height, width}} and flat square images {@code {height*width}}.
 *
 * <pre>{@code
 * BatchTransform augment = Augmentation.translation(2).withHorizontalFlip(true);
 * // trainer.fit(..., augment) — applied to training batches only, never to validation or test data
 * }</pre>
 *
 * <p>Note: with standardised inputs the fill value 0 is the mean pixel rather than black; use
 * {@link #withFill(float)} with the standardised value of a black pixel, {@code -mean/std}, to keep it black.
 */
public final class Augmentation implements BatchTransform {
    /** No augmentation. */
    public static final Augmentation NONE = new Augmentation(0, false, 0f);

    private final int maxShift;
    private final boolean horizontalFlip;
    private final float fill;
    /** Scratch for one image plane; per thread, since a transform may be shared by parallel loaders. */
    private final ThreadLocal<float[]> scratch = ThreadLocal.withInitial(() -> new float[0]);

    private Augmentation(int maxShift, boolean horizontalFlip, float fill) {
        if (maxShift < 0) {
            throw new IllegalArgumentException("maxShift must be >= 0, was " + maxShift);
        }
        this.maxShift = maxShift;
        this.horizontalFlip = horizontalFlip;
        this.fill = fill;
    }

    /** Random translation by up to {@code maxShift} pixels along each axis, no flip. */
    public static Augmentation translation(int maxShift) {
        return new Augmentation(maxShift, false, 0f);
    }

    /** The same with a new maximum shift (0 switches translation off). */
    public Augmentation withTranslation(int newMaxShift) {
        return new Augmentation(newMaxShift, horizontalFlip, fill);
    }

    /** The same, plus (or minus) a random horizontal flip with probability 1/2. */
    public Augmentation withHorizontalFlip(boolean flip) {
        return new Augmentation(maxShift, flip, fill);
    }

    /** The same, filling uncovered pixels with {@code value} instead of 0. */
    public Augmentation withFill(float value) {
        return new Augmentation(maxShift, horizontalFlip, value);
    }

    /** Maximum shift in pixels. */
    public int maxShift() {
        return maxShift;
    }

    /** True if images are flipped at random. */
    public boolean horizontalFlip() {
        return horizontalFlip;
    }

    @Override
    public void apply(float[] batch, int count, int[] sampleShape, RandomGenerator random) {
        if (maxShift == 0 && !horizontalFlip) {
            return;
        }
        int channels;
        int height;
        int width;
        if (sampleShape.length == 3) {
            channels = sampleShape[0];
            height = sampleShape[1];
            width = sampleShape[2];
        } else if (sampleShape.length == 1 && isSquare(sampleShape[0])) {
            channels = 1;
            height = (int) Math.round(Math.sqrt(sampleShape[0]));
            width = height;
        } else {
            throw new IllegalArgumentException("augmentation needs images {channels, height, width} or flat square"
                    + " images, not sample shape " + java.util.Arrays.toString(sampleShape));
        }
        int plane = height * width;
        float[] source = scratch.get();
        if (source.length < plane) {
            source = new float[plane];
            scratch.set(source);
        }
        for (int i = 0; i < count; i++) {
            // Draw in a fixed order per sample so results depend only on the generator's seed.
            int dy = maxShift == 0 ? 0 : random.nextInt(2 * maxShift + 1) - maxShift;
            int dx = maxShift == 0 ? 0 : random.nextInt(2 * maxShift + 1) - maxShift;
            boolean flip = horizontalFlip && random.nextBoolean();
            if (dx == 0 && dy == 0 && !flip) {
                continue;
            }
            for (int c = 0; c < channels; c++) {
                int base = (i * channels + c) * plane;
                System.arraycopy(batch, base, source, 0, plane);
                // out(y, x) = in(y - dy, x' - dx) with x' = W-1-x if flipped, else x; outside -> fill.
                for (int y = 0; y < height; y++) {
                    int sy = y - dy;
                    int row = base + y * width;
                    if (sy < 0 || sy >= height) {
                        java.util.Arrays.fill(batch, row, row + width, fill);
                        continue;
                    }
                    for (int x = 0; x < width; x++) {
                        int sx = (flip ? width - 1 - x : x) - dx;
                        batch[row + x] = sx >= 0 && sx < width ? source[sy * width + sx] : fill;
                    }
                }
            }
        }
    }

    private static boolean isSquare(int n) {
        int r = (int) Math.round(Math.sqrt(n));
        return r * r == n;
    }

    @Override
    public String toString() {
        return maxShift == 0 && !horizontalFlip ? "Augmentation[none]"
                : "Augmentation[shift <= " + maxShift + " px" + (horizontalFlip ? ", horizontal flip" : "") + "]";
    }
}
