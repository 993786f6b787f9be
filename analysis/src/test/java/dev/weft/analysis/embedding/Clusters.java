package dev.weft.analysis.embedding;

import java.util.Random;

/** Tiny generated data for the embedding tests. */
final class Clusters {

    private Clusters() {
    }

    /** Standard-normal points, {@code [points, features]} row-major. */
    static float[] gaussian(int points, int features, long seed) {
        Random random = new Random(seed);
        float[] data = new float[points * features];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        return data;
    }

    /** Labels {@code 0, 1, ..., classes - 1, 0, 1, ...}: the classes interleaved. */
    static int[] labels(int points, int classes) {
        int[] labels = new int[points];
        for (int i = 0; i < points; i++) {
            labels[i] = i % classes;
        }
        return labels;
    }

    /**
     * One isotropic unit Gaussian per label around a centre drawn with standard deviation {@code spread} per
     * feature: with {@code spread = 10} in 20-D the centres are about 63 apart and each cluster's radius about 4.5.
     */
    static float[] blobs(int[] labels, int features, double spread, long seed) {
        Random random = new Random(seed);
        int classes = 0;
        for (int label : labels) {
            classes = Math.max(classes, label + 1);
        }
        double[] centres = new double[classes * features];
        for (int i = 0; i < centres.length; i++) {
            centres[i] = spread * random.nextGaussian();
        }
        float[] data = new float[labels.length * features];
        for (int i = 0; i < labels.length; i++) {
            for (int f = 0; f < features; f++) {
                data[i * features + f] = (float) (centres[labels[i] * features + f] + random.nextGaussian());
            }
        }
        return data;
    }
}
