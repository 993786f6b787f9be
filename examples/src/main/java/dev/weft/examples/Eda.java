package dev.weft.examples;

import dev.weft.analysis.data.ImageSet;

/**
 * Small helpers around the analysis module's {@code ImageStatistics} for the EDA stage: the raw bytes of a whole
 * image set, folding 256 exact bins into fewer, and distances between images.
 */
final class Eda {

    private Eda() {
    }

    /** The raw pixels (0-255, row-major) of every image, one image after another. */
    static byte[] bytes(ImageSet set) {
        int n = set.rows() * set.cols();
        byte[] all = new byte[set.size() * n];
        for (int i = 0; i < set.size(); i++) {
            System.arraycopy(set.pixels(i), 0, all, i * n, n);
        }
        return all;
    }

    /** Exact counts of the 256 intensities folded into {@code bins} equal bins over [0, 1]. */
    static long[] bin(long[] counts256, int bins) {
        long[] out = new long[bins];
        for (int v = 0; v < 256; v++) {
            out[Math.min(bins - 1, v * bins / 256)] += counts256[v];
        }
        return out;
    }

    /** The values as doubles. */
    static double[] toDouble(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
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
