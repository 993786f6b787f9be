package dev.weft.examples;

import dev.weft.analysis.data.ImageSet;

/**
 * The few exploratory statistics the study reads straight from the raw bytes of an {@link ImageSet}: intensity
 * histograms, one pixel's values over all images, and the mean image of each class.
 */
final class Eda {

    private Eda() {
    }

    /** Counts of each raw intensity 0..255 over all pixels of all images. */
    static long[] intensityCounts(ImageSet set) {
        long[] counts = new long[256];
        for (int i = 0; i < set.size(); i++) {
            for (byte b : set.pixels(i)) {
                counts[b & 0xFF]++;
            }
        }
        return counts;
    }

    /** Counts of each raw intensity 0..255 in one image. */
    static long[] intensityCounts(byte[] image) {
        long[] counts = new long[256];
        for (byte b : image) {
            counts[b & 0xFF]++;
        }
        return counts;
    }

    /** Counts folded into {@code bins} equal bins over [0, 1]. */
    static long[] bin(long[] counts256, int bins) {
        long[] out = new long[bins];
        for (int v = 0; v < 256; v++) {
            out[Math.min(bins - 1, v * bins / 256)] += counts256[v];
        }
        return out;
    }

    /** The value in [0, 1] of pixel {@code pixel} (row-major index) in every image. */
    static double[] pixelValues(ImageSet set, int pixel) {
        double[] values = new double[set.size()];
        for (int i = 0; i < set.size(); i++) {
            values[i] = set.pixel(i, pixel / set.cols(), pixel % set.cols()) / 255.0;
        }
        return values;
    }

    /** The mean image of each class, values in [0, 1]: {@code [class][pixel]}. */
    static float[][] classMeans(ImageSet set) {
        int pixels = set.rows() * set.cols();
        double[][] sums = new double[set.numClasses()][pixels];
        int[] counts = new int[set.numClasses()];
        for (int i = 0; i < set.size(); i++) {
            int label = set.label(i);
            counts[label]++;
            byte[] image = set.pixels(i);
            double[] sum = sums[label];
            for (int p = 0; p < pixels; p++) {
                sum[p] += image[p] & 0xFF;
            }
        }
        float[][] means = new float[set.numClasses()][pixels];
        for (int c = 0; c < means.length; c++) {
            for (int p = 0; p < pixels; p++) {
                means[c][p] = counts[c] == 0 ? 0f : (float) (sums[c][p] / counts[c] / 255.0);
            }
        }
        return means;
    }

    /** Euclidean distance between two images. */
    static double distance(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            sum += d * d;
        }
        return Math.sqrt(sum);
    }

    /** Mean of an array. */
    static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return values.length == 0 ? 0 : sum / values.length;
    }
}
