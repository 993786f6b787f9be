package dev.weft.analysis.charts;

import java.util.List;
import java.util.SplittableRandom;

/** Tiny generated fixtures for chart tests. */
final class SyntheticData {

    static final List<String> NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
            "Shirt", "Sneaker", "Bag", "Ankle boot");

    private SyntheticData() {
    }

    /** Labels 0..classes-1 in turn. */
    static int[] labels(int n, int classes) {
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % classes;
        }
        return labels;
    }

    /** {@code n x columns} scores: Gaussian blobs whose centre depends on the class. */
    static float[] blobs(int[] labels, int columns, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] scores = new float[labels.length * columns];
        for (int i = 0; i < labels.length; i++) {
            for (int c = 0; c < columns; c++) {
                double centre = 6 * Math.cos(labels[i] * 0.63 + c * 1.3) / (c + 1);
                scores[i * columns + c] = (float) (centre + gaussian(random) / (c + 1));
            }
        }
        return scores;
    }

    /** A 28x28 "image" of class {@code label}: a bright ring whose radius depends on the class. */
    static float[] image(int label, int height, int width) {
        float[] pixels = new float[height * width];
        double radius = 3 + label;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double d = Math.hypot(y - height / 2.0, x - width / 2.0);
                pixels[y * width + x] = (float) Math.max(0, 1 - Math.abs(d - radius) / 2.5);
            }
        }
        return pixels;
    }

    static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
