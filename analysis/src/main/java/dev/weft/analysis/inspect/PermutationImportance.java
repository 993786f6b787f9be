package dev.weft.analysis.inspect;

import dev.weft.core.Tensor;
import dev.weft.layers.Sequential;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Permutation importance of image regions (Breiman 2001; Fisher, Rudin and Dominici 2019), with a pixel patch
 * as the feature: the image is cut into {@code patch x patch} squares; for each square, its pixels (all
 * channels, kept together) are shuffled across the test set, i.e. image {@code i} receives the square of image
 * {@code π(i)} for a seeded random permutation {@code π}, and the drop in test accuracy is the square's
 * importance. Averaged over {@code repeats} permutations. Squares at the right and bottom edges are smaller
 * when the image size is not a multiple of the patch size.
 *
 * <p>Cost: {@code (height/patch) · (width/patch) · repeats} evaluations of the whole test set (49 for 28x28
 * with 4x4 patches), so pass a subset of the test set if that is too slow. The model is not modified.
 *
 * <pre>{@code
 * PermutationImportance imp = PermutationImportance.of(model, testX, testLabels, 4, 1, 42L);
 * HeatMap.importance(imp.map(), imp.height(), imp.width()).write(Path.of("importance.png"), 700, 600);
 * }</pre>
 */
public final class PermutationImportance {

    private final int height;
    private final int width;
    private final int patch;
    private final double baselineAccuracy;
    private final double[] drops;

    private PermutationImportance(int height, int width, int patch, double baselineAccuracy, double[] drops) {
        this.height = height;
        this.width = width;
        this.patch = patch;
        this.baselineAccuracy = baselineAccuracy;
        this.drops = drops;
    }

    /**
     * Measures the importance of every {@code patch x patch} region.
     *
     * @param testX      images {@code [n, channels, height, width]}
     * @param testLabels one label per image
     * @param patch      side of the square regions, 1 to min(height, width)
     * @param repeats    permutations per region (averaged), at least 1
     * @param seed       seed of the permutations: the same seed gives the same map
     */
    public static PermutationImportance of(Sequential model, Tensor testX, int[] testLabels, int patch,
            int repeats, long seed) {
        if (testX.rank() != 4) {
            throw new IllegalArgumentException("permutation importance needs images [n, channels, height, width], "
                    + "got " + Arrays.toString(testX.shape()));
        }
        int n = testX.dim(0);
        int channels = testX.dim(1);
        int height = testX.dim(2);
        int width = testX.dim(3);
        if (testLabels.length != n) {
            throw new IllegalArgumentException(n + " images but " + testLabels.length + " labels");
        }
        if (patch < 1 || patch > Math.min(height, width)) {
            throw new IllegalArgumentException("patch size " + patch + " must be 1.." + Math.min(height, width));
        }
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be at least 1, got " + repeats);
        }
        double baseline = model.evaluate(testX, testLabels).accuracy();
        Tensor work = testX.copy();
        float[] original = testX.toArray();
        float[] shuffled = work.data();
        int imageSize = channels * height * width;
        SplittableRandom random = new SplittableRandom(seed);
        int[] order = new int[n];
        double[] drops = new double[height * width];
        for (int top = 0; top < height; top += patch) {
            for (int left = 0; left < width; left += patch) {
                int bottom = Math.min(height, top + patch);
                int right = Math.min(width, left + patch);
                double drop = 0;
                for (int r = 0; r < repeats; r++) {
                    permutation(order, random);
                    for (int i = 0; i < n; i++) {
                        copyRegion(original, order[i] * imageSize, shuffled, i * imageSize,
                                channels, height, width, top, bottom, left, right);
                    }
                    drop += baseline - model.evaluate(work, testLabels).accuracy();
                }
                for (int i = 0; i < n; i++) {
                    copyRegion(original, i * imageSize, shuffled, i * imageSize,
                            channels, height, width, top, bottom, left, right);
                }
                drop /= repeats;
                for (int y = top; y < bottom; y++) {
                    Arrays.fill(drops, y * width + left, y * width + right, drop);
                }
            }
        }
        return new PermutationImportance(height, width, patch, baseline, drops);
    }

    /** Fisher-Yates shuffle of 0..n-1 into {@code order}. */
    private static void permutation(int[] order, SplittableRandom random) {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    private static void copyRegion(float[] from, int fromImage, float[] to, int toImage, int channels,
            int height, int width, int top, int bottom, int left, int right) {
        for (int c = 0; c < channels; c++) {
            for (int y = top; y < bottom; y++) {
                int offset = (c * height + y) * width + left;
                System.arraycopy(from, fromImage + offset, to, toImage + offset, right - left);
            }
        }
    }

    /** Image height in pixels. */
    public int height() {
        return height;
    }

    /** Image width in pixels. */
    public int width() {
        return width;
    }

    /** Side of the permuted squares. */
    public int patch() {
        return patch;
    }

    /** Accuracy of the model on the unpermuted test set. */
    public double baselineAccuracy() {
        return baselineAccuracy;
    }

    /**
     * The importance map, row-major {@code [height, width]}: each pixel holds the mean accuracy drop of the
     * square containing it (a copy; draw it with {@code HeatMap.importance(map(), height(), width())}).
     */
    public double[] map() {
        return drops.clone();
    }

    /** The accuracy drop of the square containing pixel ({@code row}, {@code column}). */
    public double at(int row, int column) {
        if (row < 0 || row >= height || column < 0 || column >= width) {
            throw new IndexOutOfBoundsException("pixel (" + row + ", " + column + ") is outside " + height + "x" + width);
        }
        return drops[row * width + column];
    }
}
