package dev.weft.analysis.embedding;

import java.util.Arrays;

/**
 * t-SNE's joint affinities {@code P} in the input space, sparse: {@code p_ij = (p(j|i) + p(i|j)) / Σ}, where the
 * conditionals come from {@link PerplexityCalibration} over each point's {@code ⌊3·perplexity⌋} nearest neighbours
 * and {@code Σ} (which is {@code 2·points} up to rounding) makes all entries sum to 1 (van der Maaten 2014,
 * "Accelerating t-SNE using tree-based algorithms", section 4.1). A pair is stored if either point is among the
 * other's neighbours.
 *
 * <p>Stored as compressed sparse rows: row {@code i}'s entries are {@code [rowStart(i), rowStart(i + 1))}, sorted
 * by column. {@code P} is symmetric by construction ({@code a + b == b + a} in floating point), bit for bit.
 *
 * <pre>{@code
 * Affinities P = Affinities.of(features, 1500, 256, 30);   // [1500, 256] features, perplexity 30
 * double pij = P.get(0, P.column(P.rowStart(0)));
 * }</pre>
 */
public final class Affinities {

    private final int points;
    private final int[] rowStart;
    private final int[] column;
    private final double[] value;

    private Affinities(int points, int[] rowStart, int[] column, double[] value) {
        this.points = points;
        this.rowStart = rowStart;
        this.column = column;
        this.value = value;
    }

    /**
     * The joint affinities of the rows of the row-major {@code points x features} matrix {@code data} at the given
     * perplexity: exact nearest neighbours ({@link NearestNeighbours}), calibrated conditionals, symmetrised.
     *
     * @throws IllegalArgumentException naming the value if the perplexity is below 1 or too large for the number
     *                                  of points ({@code 3·perplexity} neighbours are needed), or if the data holds
     *                                  a NaN or an infinity (naming its row and feature)
     */
    public static Affinities of(float[] data, int points, int features, double perplexity) {
        if (!(perplexity >= 1) || Double.isInfinite(perplexity)) {
            throw new IllegalArgumentException("perplexity must be a number of at least 1, was " + perplexity);
        }
        int k = (int) (3 * perplexity);
        if (k > points - 1) {
            throw new IllegalArgumentException("perplexity " + perplexity + " is too large for " + points
                    + " points: t-SNE uses each point's 3 x perplexity = " + k + " nearest neighbours, and there are"
                    + " only " + (points - 1) + " others (use a perplexity of at most " + (points - 1) / 3 + ")");
        }
        if ((long) points * features > data.length) {
            throw new IllegalArgumentException("data has " + data.length + " floats, fewer than " + points
                    + " points x " + features + " features");
        }
        for (int i = 0; i < points * features; i++) {
            if (!Float.isFinite(data[i])) {
                throw new IllegalArgumentException("t-SNE input at point " + i / features + ", feature "
                        + i % features + " is " + data[i] + ", expected a finite number");
            }
        }
        return of(PerplexityCalibration.of(NearestNeighbours.of(data, points, features, k), perplexity));
    }

    /** Symmetrises and normalises calibrated conditional affinities. */
    public static Affinities of(PerplexityCalibration calibration) {
        NearestNeighbours nn = calibration.neighbours();
        int points = nn.points();
        int k = nn.k();
        // For every point j, the points i that have j among their neighbours, in increasing i.
        int[] reverseStart = new int[points + 1];
        for (int i = 0; i < points; i++) {
            for (int m = 0; m < k; m++) {
                reverseStart[nn.index(i, m) + 1]++;
            }
        }
        for (int j = 0; j < points; j++) {
            reverseStart[j + 1] += reverseStart[j];
        }
        int[] reverseSource = new int[points * k];
        double[] reverseValue = new double[points * k];
        int[] fill = Arrays.copyOf(reverseStart, points);
        for (int i = 0; i < points; i++) {
            for (int m = 0; m < k; m++) {
                int j = nn.index(i, m);
                reverseSource[fill[j]] = i;
                reverseValue[fill[j]++] = calibration.conditional(i, m);
            }
        }
        int[][] rowColumns = new int[points][];
        double[][] rowValues = new double[points][];
        int nonZeros = 0;
        for (int i = 0; i < points; i++) {
            int reverse = reverseStart[i + 1] - reverseStart[i];
            int[] columns = new int[k + reverse];
            double[] values = new double[k + reverse];
            for (int m = 0; m < k; m++) {
                columns[m] = nn.index(i, m);
                values[m] = calibration.conditional(i, m);
            }
            for (int r = 0; r < reverse; r++) {
                columns[k + r] = reverseSource[reverseStart[i] + r];
                values[k + r] = reverseValue[reverseStart[i] + r];
            }
            int unique = mergeByColumn(columns, values);
            rowColumns[i] = Arrays.copyOf(columns, unique);
            rowValues[i] = Arrays.copyOf(values, unique);
            nonZeros += unique;
        }
        int[] rowStart = new int[points + 1];
        int[] column = new int[nonZeros];
        double[] value = new double[nonZeros];
        double sum = 0;
        for (int i = 0; i < points; i++) {
            rowStart[i + 1] = rowStart[i] + rowColumns[i].length;
            System.arraycopy(rowColumns[i], 0, column, rowStart[i], rowColumns[i].length);
            System.arraycopy(rowValues[i], 0, value, rowStart[i], rowValues[i].length);
            for (double v : rowValues[i]) {
                sum += v;
            }
        }
        for (int e = 0; e < nonZeros; e++) {
            value[e] /= sum;
        }
        return new Affinities(points, rowStart, column, value);
    }

    /**
     * Sorts the entries by column (stably) and adds the values of equal columns, in place; returns how many
     * distinct columns there are. A pair appears twice exactly when each point is among the other's neighbours.
     */
    private static int mergeByColumn(int[] columns, double[] values) {
        int n = columns.length;
        long[] keys = new long[n];
        for (int e = 0; e < n; e++) {
            keys[e] = (long) columns[e] << 32 | e;
        }
        Arrays.sort(keys);
        int[] sortedColumns = new int[n];
        double[] sortedValues = new double[n];
        int unique = 0;
        for (long key : keys) {
            int c = (int) (key >>> 32);
            double v = values[(int) key];
            if (unique > 0 && sortedColumns[unique - 1] == c) {
                sortedValues[unique - 1] += v;
            } else {
                sortedColumns[unique] = c;
                sortedValues[unique++] = v;
            }
        }
        System.arraycopy(sortedColumns, 0, columns, 0, unique);
        System.arraycopy(sortedValues, 0, values, 0, unique);
        return unique;
    }

    /** The number of points (the order of {@code P}). */
    public int points() {
        return points;
    }

    /** The number of stored entries. */
    public int nonZeros() {
        return value.length;
    }

    /** Where row {@code i}'s entries start; {@code rowStart(points())} is {@link #nonZeros()}. */
    public int rowStart(int i) {
        return rowStart[i];
    }

    /** The column of stored entry {@code e}. */
    public int column(int e) {
        return column[e];
    }

    /** The value of stored entry {@code e}. */
    public double value(int e) {
        return value[e];
    }

    /** {@code p_ij}, 0 if the pair is not stored. */
    public double get(int i, int j) {
        int e = Arrays.binarySearch(column, rowStart[i], rowStart[i + 1], j);
        return e >= 0 ? value[e] : 0;
    }
}
