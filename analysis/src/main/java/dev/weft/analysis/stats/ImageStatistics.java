package dev.weft.analysis.stats;

import dev.weft.analysis.pca.Covariance;

/**
 * Exploratory statistics of a set of equally sized grey images, given as plain arrays so that any loader can feed
 * them: {@code byte[]} images hold unsigned intensities 0..255 (the IDX layout: image after image, row-major),
 * {@code float[]} images hold intensities in {@code [0, 1]} (e.g. {@code Tensor.data()} of {@code [n, 784]}).
 * Every method takes {@code pixelsPerImage} (784 for 28 x 28) and checks that the array holds whole images.
 *
 * <pre>{@code
 * byte[] pixels = train.pixels();                                              // an ImageSet's raw bytes
 * int[] labels = train.labels();
 * Histogram all = ImageStatistics.intensityHistogram(pixels);                  // 256 bins over every pixel
 * Histogram[] centre = ImageStatistics.pixelHistogramsByClass(pixels, 784, labels, 10, 14 * 28 + 14);
 * float[][] means = ImageStatistics.meanImages(pixels, 784, labels, 10);        // one [0,1] image per class
 * double[] r = ImageStatistics.correlationMatrix(pixels, 784);                  // 784 x 784, row-major
 * }</pre>
 */
public final class ImageStatistics {

    private ImageStatistics() {
    }

    /** The exact histogram of every intensity of every image (256 bins, one per value). */
    public static Histogram intensityHistogram(byte[] images) {
        return Histogram.ofBytes(images);
    }

    /** The histogram of every intensity of every image, {@code bins} bins over {@code [0, 1]}. */
    public static Histogram intensityHistogram(float[] images, int bins) {
        return Histogram.of(images, bins, 0, 1);
    }

    /** The exact histogram (256 bins) of image {@code index}. */
    public static Histogram imageHistogram(byte[] images, int pixelsPerImage, int index) {
        int count = imageCount(images.length, pixelsPerImage);
        java.util.Objects.checkIndex(index, count);
        return Histogram.ofBytes(images, index * pixelsPerImage, pixelsPerImage, 1);
    }

    /** The exact histogram (256 bins) of one pixel position over all images: its intensity distribution. */
    public static Histogram pixelHistogram(byte[] images, int pixelsPerImage, int pixel) {
        int count = imageCount(images.length, pixelsPerImage);
        java.util.Objects.checkIndex(pixel, pixelsPerImage);
        return Histogram.ofBytes(images, pixel, count, pixelsPerImage);
    }

    /** The histogram of one pixel position over all images, {@code bins} bins over {@code [0, 1]}. */
    public static Histogram pixelHistogram(float[] images, int pixelsPerImage, int pixel, int bins) {
        int count = imageCount(images.length, pixelsPerImage);
        java.util.Objects.checkIndex(pixel, pixelsPerImage);
        return Histogram.of(images, pixel, count, pixelsPerImage, bins, 0, 1);
    }

    /** The histograms of several chosen pixel positions, in the order given. */
    public static Histogram[] pixelHistograms(byte[] images, int pixelsPerImage, int... pixels) {
        Histogram[] result = new Histogram[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            result[i] = pixelHistogram(images, pixelsPerImage, pixels[i]);
        }
        return result;
    }

    /**
     * The intensity distribution of one pixel position within each class: element {@code c} is the exact
     * histogram over the images of class {@code c} (empty for a class without images).
     */
    public static Histogram[] pixelHistogramsByClass(byte[] images, int pixelsPerImage, int[] labels,
                                                     int numClasses, int pixel) {
        int count = imageCount(images.length, pixelsPerImage);
        checkLabels(labels, count, numClasses);
        java.util.Objects.checkIndex(pixel, pixelsPerImage);
        long[][] counts = new long[numClasses][256];
        for (int i = 0; i < count; i++) {
            counts[labels[i]][images[i * pixelsPerImage + pixel] & 0xFF]++;
        }
        Histogram[] result = new Histogram[numClasses];
        for (int c = 0; c < numClasses; c++) {
            result[c] = new Histogram(-0.5, 255.5, counts[c], 0, 0, 0);
        }
        return result;
    }

    /** The values of one pixel position over all images, scaled to {@code [0, 1]} (for density estimates). */
    public static float[] pixelValues(byte[] images, int pixelsPerImage, int pixel) {
        int count = imageCount(images.length, pixelsPerImage);
        java.util.Objects.checkIndex(pixel, pixelsPerImage);
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (images[i * pixelsPerImage + pixel] & 0xFF) / 255f;
        }
        return values;
    }

    /**
     * The mean image of each class, intensities in {@code [0, 1]}: {@code result[c][p]}. A class without images
     * gets an all-zero image.
     */
    public static float[][] meanImages(byte[] images, int pixelsPerImage, int[] labels, int numClasses) {
        int count = imageCount(images.length, pixelsPerImage);
        checkLabels(labels, count, numClasses);
        long[][] sums = new long[numClasses][pixelsPerImage];
        int[] perClass = new int[numClasses];
        for (int i = 0; i < count; i++) {
            long[] sum = sums[labels[i]];
            perClass[labels[i]]++;
            int base = i * pixelsPerImage;
            for (int p = 0; p < pixelsPerImage; p++) {
                sum[p] += images[base + p] & 0xFF;
            }
        }
        float[][] means = new float[numClasses][pixelsPerImage];
        for (int c = 0; c < numClasses; c++) {
            if (perClass[c] > 0) {
                for (int p = 0; p < pixelsPerImage; p++) {
                    means[c][p] = (float) (sums[c][p] / (255.0 * perClass[c]));
                }
            }
        }
        return means;
    }

    /** The mean image of each class of float images (same units as the input). */
    public static float[][] meanImages(float[] images, int pixelsPerImage, int[] labels, int numClasses) {
        int count = imageCount(images.length, pixelsPerImage);
        checkLabels(labels, count, numClasses);
        double[][] sums = new double[numClasses][pixelsPerImage];
        int[] perClass = new int[numClasses];
        for (int i = 0; i < count; i++) {
            double[] sum = sums[labels[i]];
            perClass[labels[i]]++;
            int base = i * pixelsPerImage;
            for (int p = 0; p < pixelsPerImage; p++) {
                sum[p] += images[base + p];
            }
        }
        float[][] means = new float[numClasses][pixelsPerImage];
        for (int c = 0; c < numClasses; c++) {
            if (perClass[c] > 0) {
                for (int p = 0; p < pixelsPerImage; p++) {
                    means[c][p] = (float) (sums[c][p] / perClass[c]);
                }
            }
        }
        return means;
    }

    /**
     * The {@code pixelsPerImage x pixelsPerImage} Pearson correlation matrix of the pixels, row-major, computed by
     * {@link Covariance} (the same GEMM path as PCA). A pixel that is constant over all images has correlation 0
     * with every other pixel and 1 with itself.
     */
    public static double[] correlationMatrix(byte[] images, int pixelsPerImage) {
        int count = imageCount(images.length, pixelsPerImage);
        float[] values = new float[images.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = (images[i] & 0xFF) / 255f;
        }
        return Covariance.of(values, 0, count, pixelsPerImage).correlation();
    }

    /** The pixel correlation matrix of float images (see {@link #correlationMatrix(byte[], int)}). */
    public static double[] correlationMatrix(float[] images, int pixelsPerImage) {
        int count = imageCount(images.length, pixelsPerImage);
        return Covariance.of(images, 0, count, pixelsPerImage).correlation();
    }

    static int imageCount(int length, int pixelsPerImage) {
        if (pixelsPerImage < 1 || length % pixelsPerImage != 0) {
            throw new IllegalArgumentException("array of " + length + " pixels does not hold whole images of "
                    + pixelsPerImage + " pixels");
        }
        return length / pixelsPerImage;
    }

    static void checkLabels(int[] labels, int images, int numClasses) {
        if (labels.length != images) {
            throw new IllegalArgumentException(images + " images but " + labels.length + " labels");
        }
        ClassDistribution.of(labels, numClasses);
    }
}
