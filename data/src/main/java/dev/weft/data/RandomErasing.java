package dev.weft.data;

import dev.weft.optim.BatchTransform;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Random erasing (Zhong, Zheng, Kang, Li and Yang, "Random Erasing Data Augmentation", AAAI 2020, arXiv 2017):
 * with probability {@code p}, a random rectangle of each training image is overwritten, so the network cannot lean
 * on any one region. For an image of {@code S = height * width} pixels the paper's Algorithm 1 draws an area
 * {@code S_e = S * U(s_l, s_h)} and an aspect ratio {@code r_e = U(r_1, 1 / r_1)}, giving
 * {@code H_e = sqrt(S_e * r_e)} rows and {@code W_e = sqrt(S_e / r_e)} columns at a uniform top-left corner, and
 * draws again until the rectangle fits the image; here at most {@value #ATTEMPTS} times (as torchvision does), after
 * which the image is left as it is. The defaults are the paper's: {@code p = 0.5}, {@code s_l = 0.02},
 * {@code s_h = 0.4}, {@code r_1 = 0.3}; on a 28x28 image that is 16 to 314 pixels.
 *
 * <p>The erased pixels become {@code 0} (Fashion-MNIST's background after scaling to [0, 1]), or with
 * {@link #withRandomValues()} each a uniform value in [0, 1), the paper's choice for natural images. All draws come
 * from the generator the training loop passes, in a fixed order per image, so a fixed seed erases the same
 * rectangles every run. Every channel of an image is erased in the same rectangle.
 *
 * <pre>{@code
 * BatchTransform erase = RandomErasing.paper();           // p 0.5, area 2-40%, aspect 0.3-3.3, erased to 0
 * }</pre>
 *
 * @param probability  {@code p}, the chance an image is erased
 * @param minArea      {@code s_l}, the smallest erased share of the image
 * @param maxArea      {@code s_h}, the largest erased share of the image
 * @param minAspect    {@code r_1}; the aspect ratio (height / width) is drawn from {@code [r_1, 1 / r_1]}
 * @param randomValues whether erased pixels become uniform values in [0, 1) instead of 0
 */
public record RandomErasing(double probability, double minArea, double maxArea, double minAspect,
                            boolean randomValues) implements BatchTransform {

    /** Draws of a rectangle before an image is left unerased. */
    public static final int ATTEMPTS = 10;

    /** Checks the settings. */
    public RandomErasing {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("probability must be in [0, 1], was " + probability);
        }
        if (!(minArea > 0 && minArea <= maxArea && maxArea <= 1)) {
            throw new IllegalArgumentException("need 0 < minArea <= maxArea <= 1, was " + minArea + " and "
                    + maxArea);
        }
        if (!(minAspect > 0 && minAspect <= 1)) {
            throw new IllegalArgumentException("minAspect must be in (0, 1], was " + minAspect);
        }
    }

    /** The paper's settings: p 0.5, area 0.02-0.4, aspect 0.3-1/0.3, erased pixels set to 0. */
    public static RandomErasing paper() {
        return new RandomErasing(0.5, 0.02, 0.4, 0.3, false);
    }

    /** The same, erasing to uniform random values in [0, 1) instead of 0. */
    public RandomErasing withRandomValues() {
        return new RandomErasing(probability, minArea, maxArea, minAspect, true);
    }

    @Override
    public void apply(float[] batch, int count, int[] sampleShape, RandomGenerator random) {
        if (sampleShape.length != 3) {
            throw new IllegalArgumentException("random erasing needs images {channels, height, width}, not sample "
                    + "shape " + Arrays.toString(sampleShape));
        }
        int channels = sampleShape[0];
        int height = sampleShape[1];
        int width = sampleShape[2];
        int plane = height * width;
        for (int i = 0; i < count; i++) {
            if (random.nextDouble() >= probability) {
                continue;
            }
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                double area = plane * (minArea + (maxArea - minArea) * random.nextDouble());
                // Uniform in [r_1, 1/r_1], as Algorithm 1 draws it.
                double aspect = minAspect + (1 / minAspect - minAspect) * random.nextDouble();
                int rows = (int) Math.round(Math.sqrt(area * aspect));
                int cols = (int) Math.round(Math.sqrt(area / aspect));
                if (rows < 1 || cols < 1 || rows > height || cols > width) {
                    continue;
                }
                int top = random.nextInt(height - rows + 1);
                int left = random.nextInt(width - cols + 1);
                for (int c = 0; c < channels; c++) {
                    int base = (i * channels + c) * plane;
                    for (int y = top; y < top + rows; y++) {
                        int row = base + y * width;
                        for (int x = left; x < left + cols; x++) {
                            batch[row + x] = randomValues ? random.nextFloat() : 0f;
                        }
                    }
                }
                break;
            }
        }
    }
}
