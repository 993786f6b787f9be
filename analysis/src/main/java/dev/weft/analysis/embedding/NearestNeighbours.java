package dev.weft.analysis.embedding;

import dev.weft.core.Gemm;
import dev.weft.core.Parallel;

/**
 * The exact {@code k} nearest neighbours of every row of a {@code [points, features]} float matrix, in Euclidean
 * distance, by brute force: the input of t-SNE's sparse affinities ({@link Affinities}).
 *
 * <p>Squared distances come from the Gram matrix, {@code ‖xᵢ - xⱼ‖² = ‖xᵢ‖² + ‖xⱼ‖² - 2·xᵢ·xⱼ}, with the products
 * {@code X_block·Xᵀ} on the float GEMM kernel ({@link Gemm}) for blocks of {@value #BLOCK} rows at a time, so the
 * memory is {@code BLOCK x points} floats rather than {@code points²}. That form loses precision for close points,
 * so it only <em>chooses</em> the neighbours; their squared distances are then recomputed directly in double.
 * Ties are broken by the smaller index, so the choice is deterministic; GEMM is bit-identical whatever the thread
 * count, and each row is selected on its own, so the result does not depend on the thread count either.
 * Cost {@code O(points²·features)}: fine up to a few thousand points.
 *
 * <pre>{@code
 * NearestNeighbours knn = NearestNeighbours.of(data, 1500, 256, 90);
 * int nearest = knn.index(0, 0);                 // the nearest neighbour of point 0 (never 0 itself)
 * }</pre>
 */
public final class NearestNeighbours {

    /** Rows per GEMM block. */
    private static final int BLOCK = 256;

    private final int points;
    private final int k;
    /** Row {@code i} (offset {@code i * k}): the neighbours of point {@code i}, nearest first. */
    private final int[] indices;
    /** The squared distances to those neighbours, in double, in the same layout. */
    private final double[] squaredDistances;

    private NearestNeighbours(int points, int k, int[] indices, double[] squaredDistances) {
        this.points = points;
        this.k = k;
        this.indices = indices;
        this.squaredDistances = squaredDistances;
    }

    /**
     * The {@code k} nearest other rows of each row of the row-major {@code points x features} matrix {@code data}.
     *
     * @throws IllegalArgumentException if {@code k} is not in {@code [1, points - 1]} or the data is too short
     */
    public static NearestNeighbours of(float[] data, int points, int features, int k) {
        if (features < 1 || (long) points * features > data.length) {
            throw new IllegalArgumentException("data has " + data.length + " floats, fewer than " + points
                    + " points x " + features + " features");
        }
        if (k < 1 || k > points - 1) {
            throw new IllegalArgumentException("number of neighbours must be in [1, " + (points - 1) + "] for "
                    + points + " points, was " + k);
        }
        double[] norms = new double[points];
        for (int i = 0; i < points; i++) {
            norms[i] = dot(data, i, i, features);
        }
        int[] indices = new int[points * k];
        double[] squared = new double[points * k];
        float[] gram = new float[Math.min(BLOCK, points) * points];
        for (int first = 0; first < points; first += BLOCK) {
            int rows = Math.min(BLOCK, points - first);
            int block = first;
            Gemm.sgemm(false, true, rows, points, features, 1f, data, first * features, features,
                    data, 0, features, 0f, gram, 0, points);
            Parallel.forRange(rows, 8, (from, to) -> {
                double[] candidate = new double[k];
                for (int r = from; r < to; r++) {
                    int i = block + r;
                    select(i, gram, r * points, norms, points, k, indices, i * k, candidate);
                    for (int m = 0; m < k; m++) {
                        int j = indices[i * k + m];
                        squared[i * k + m] = squaredDistance(data, i, j, features);
                    }
                }
            });
        }
        return new NearestNeighbours(points, k, indices, squared);
    }

    /**
     * Keeps the {@code k} smallest approximate squared distances from point {@code i} in a sorted array, by
     * insertion; a candidate enters only if it beats the current {@code k}-th, so most cost one comparison.
     */
    private static void select(int i, float[] gram, int row, double[] norms, int points, int k, int[] indices,
                               int offset, double[] best) {
        int filled = 0;
        for (int j = 0; j < points; j++) {
            if (j == i) {
                continue;
            }
            double d = norms[i] + norms[j] - 2.0 * gram[row + j];
            // Strictly smaller: a later index never displaces an equal earlier one (ties go to the smaller index).
            if (filled == k && !(d < best[k - 1])) {
                continue;
            }
            int at = filled < k ? filled++ : k - 1;
            while (at > 0 && d < best[at - 1]) {
                best[at] = best[at - 1];
                indices[offset + at] = indices[offset + at - 1];
                at--;
            }
            best[at] = d;
            indices[offset + at] = j;
        }
    }

    private static double dot(float[] data, int i, int j, int features) {
        double s = 0;
        for (int f = 0; f < features; f++) {
            s += (double) data[i * features + f] * data[j * features + f];
        }
        return s;
    }

    private static double squaredDistance(float[] data, int i, int j, int features) {
        double s = 0;
        for (int f = 0; f < features; f++) {
            double d = (double) data[i * features + f] - data[j * features + f];
            s += d * d;
        }
        return s;
    }

    /** The number of points. */
    public int points() {
        return points;
    }

    /** Neighbours per point. */
    public int k() {
        return k;
    }

    /** The {@code m}-th nearest neighbour of point {@code i} ({@code m = 0} is the nearest). */
    public int index(int i, int m) {
        return indices[i * k + m];
    }

    /** The squared Euclidean distance from point {@code i} to its {@code m}-th nearest neighbour, in double. */
    public double squaredDistance(int i, int m) {
        return squaredDistances[i * k + m];
    }
}
