package dev.weft.analysis.stats;

import java.util.Arrays;

/**
 * How many samples each class has.
 *
 * <pre>{@code
 * ClassDistribution classes = ClassDistribution.of(labels, 10);
 * classes.count(3);            // samples of class 3
 * classes.imbalanceRatio();    // largest / smallest count: 1.0 for Fashion-MNIST
 * }</pre>
 *
 * @param counts samples per class, indexed by label
 */
public record ClassDistribution(int[] counts) {

    /** Copies {@code counts}. */
    public ClassDistribution {
        counts = counts.clone();
    }

    /**
     * Counts the labels.
     *
     * @throws IllegalArgumentException if a label is outside {@code [0, numClasses)} (naming its position)
     */
    public static ClassDistribution of(int[] labels, int numClasses) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be at least 1, was " + numClasses);
        }
        int[] counts = new int[numClasses];
        for (int i = 0; i < labels.length; i++) {
            int label = labels[i];
            if (label < 0 || label >= numClasses) {
                throw new IllegalArgumentException("labels[" + i + "] = " + label + " is not a class index in [0, "
                        + numClasses + ")");
            }
            counts[label]++;
        }
        return new ClassDistribution(counts);
    }

    /** Samples per class (a copy). */
    @Override
    public int[] counts() {
        return counts.clone();
    }

    /** The number of classes. */
    public int classes() {
        return counts.length;
    }

    /** Samples of class {@code c}. */
    public int count(int c) {
        return counts[c];
    }

    /** All samples. */
    public int total() {
        int total = 0;
        for (int c : counts) {
            total += c;
        }
        return total;
    }

    /** The share of class {@code c} among all samples (0 when there are none). */
    public double share(int c) {
        int total = total();
        return total == 0 ? 0 : (double) counts[c] / total;
    }

    /** Largest count over smallest count ({@code +∞} if a class has no samples, 1 for a balanced set). */
    public double imbalanceRatio() {
        int min = Arrays.stream(counts).min().orElse(0);
        int max = Arrays.stream(counts).max().orElse(0);
        return min == 0 ? (max == 0 ? 1 : Double.POSITIVE_INFINITY) : (double) max / min;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ClassDistribution d && Arrays.equals(counts, d.counts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "ClassDistribution" + Arrays.toString(counts);
    }
}
