package dev.weft.examples;

/**
 * Small helpers around the analysis module's {@code ImageStatistics} for the EDA stage: folding 256 exact bins into
 * fewer, and distances between images.
 */
final class Eda {

    private Eda() {
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
