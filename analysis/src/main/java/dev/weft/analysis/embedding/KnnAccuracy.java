package dev.weft.analysis.embedding;

import dev.weft.core.Parallel;

/**
 * Leave-one-out {@code k}-nearest-neighbour accuracy of labelled points: the share of points whose label is the
 * majority label among their {@code k} nearest other points (Euclidean). It reads how well an embedding keeps the
 * classes apart: near 1 when every class forms its own group, near the largest class's share when the classes
 * are mixed.
 *
 * <p>Ties in distance go to the smaller index; a tie in the vote goes to the tied label whose nearest member is
 * closest. Brute force, {@code O(points²·dimensions)}, in parallel over points (the result does not depend on the
 * thread count).
 *
 * <pre>{@code
 * double accuracy = KnnAccuracy.of(y, 2, labels, 5);   // a 2-D embedding, 5 neighbours
 * }</pre>
 */
public final class KnnAccuracy {

    private KnnAccuracy() {
    }

    /**
     * The leave-one-out accuracy of the {@code k}-NN vote over the row-major {@code [labels.length, dimensions]}
     * points.
     *
     * @throws IllegalArgumentException if the sizes do not match, a label is negative, or {@code k} is not in
     *                                  {@code [1, points - 1]}
     */
    public static double of(double[] points, int dimensions, int[] labels, int k) {
        int n = labels.length;
        if (dimensions < 1 || points.length != (long) n * dimensions) {
            throw new IllegalArgumentException(labels.length + " labels need " + (long) n * dimensions
                    + " coordinates in " + dimensions + " dimensions, got " + points.length);
        }
        if (k < 1 || k > n - 1) {
            throw new IllegalArgumentException("k must be in [1, " + (n - 1) + "] for " + n + " points, was " + k);
        }
        int classes = 0;
        for (int label : labels) {
            if (label < 0) {
                throw new IllegalArgumentException("labels must not be negative, found " + label);
            }
            classes = Math.max(classes, label + 1);
        }
        int labelCount = classes;
        boolean[] correct = new boolean[n];
        Parallel.forRange(n, 16, (from, to) -> {
            int[] nearest = new int[k];
            double[] distance = new double[k];
            int[] votes = new int[labelCount];
            for (int i = from; i < to; i++) {
                neighbours(points, dimensions, n, i, nearest, distance);
                java.util.Arrays.fill(votes, 0);
                int best = labels[nearest[0]];
                for (int m = 0; m < k; m++) {
                    votes[labels[nearest[m]]]++;
                }
                // Neighbours are nearest first, so the first label reaching the top count is the closest of the tied.
                for (int m = 0; m < k; m++) {
                    int label = labels[nearest[m]];
                    if (votes[label] > votes[best]) {
                        best = label;
                    }
                }
                correct[i] = best == labels[i];
            }
        });
        int hits = 0;
        for (boolean c : correct) {
            hits += c ? 1 : 0;
        }
        return (double) hits / n;
    }

    /** The {@code k} nearest other points of point {@code i}, nearest first, by insertion. */
    private static void neighbours(double[] points, int dimensions, int n, int i, int[] nearest, double[] distance) {
        int k = nearest.length;
        int filled = 0;
        for (int j = 0; j < n; j++) {
            if (j == i) {
                continue;
            }
            double d = 0;
            for (int c = 0; c < dimensions; c++) {
                double diff = points[i * dimensions + c] - points[j * dimensions + c];
                d += diff * diff;
            }
            if (filled == k && !(d < distance[k - 1])) {
                continue;
            }
            int at = filled < k ? filled++ : k - 1;
            while (at > 0 && d < distance[at - 1]) {
                distance[at] = distance[at - 1];
                nearest[at] = nearest[at - 1];
                at--;
            }
            distance[at] = d;
            nearest[at] = j;
        }
    }
}
