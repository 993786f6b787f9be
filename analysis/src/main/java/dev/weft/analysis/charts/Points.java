package dev.weft.analysis.charts;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Helpers for point data given as a row-major {@code [n, columns]} float array plus labels. */
final class Points {

    private Points() {
    }

    static int rows(float[] scores, int columns, int[] labels, int needColumns) {
        if (columns < needColumns) {
            throw new IllegalArgumentException("need at least " + needColumns + " columns of scores, got "
                    + columns);
        }
        if (scores.length % columns != 0) {
            throw new IllegalArgumentException("scores length " + scores.length + " is not a multiple of "
                    + columns + " columns");
        }
        int n = scores.length / columns;
        if (labels.length != n) {
            throw new IllegalArgumentException(n + " rows of scores but " + labels.length + " labels");
        }
        if (n == 0) {
            throw new IllegalArgumentException("no points to draw");
        }
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException("label " + i + " is negative: " + labels[i]);
            }
        }
        return n;
    }

    static int classes(int[] labels) {
        return Arrays.stream(labels).max().orElse(-1) + 1;
    }

    /**
     * Indices of a uniform random subsample of at most {@code maxPoints} of {@code n} rows (all rows when
     * {@code maxPoints <= 0} or {@code >= n}), in random order so no class is always drawn on top.
     * Partial Fisher-Yates shuffle with a seeded {@link SplittableRandom}: the same seed gives the same points.
     */
    static int[] subsample(int n, int maxPoints, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int m = maxPoints <= 0 || maxPoints >= n ? n : maxPoints;
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < m; i++) {
            int j = i + random.nextInt(n - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return Arrays.copyOf(order, m);
    }

    /** Tick positions at a "nice" step (1, 2 or 5 times a power of ten) giving about {@code count} ticks. */
    static double[] niceTicks(double min, double max, int count) {
        if (!(max > min)) {
            return new double[] {min};
        }
        double raw = (max - min) / Math.max(1, count);
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = power * (raw / power < 1.5 ? 1 : raw / power < 3.5 ? 2 : raw / power < 7.5 ? 5 : 10);
        double first = Math.ceil(min / step) * step;
        int ticks = (int) Math.floor((max - first) / step + 1e-9) + 1;
        double[] out = new double[Math.max(ticks, 0)];
        for (int t = 0; t < out.length; t++) {
            out[t] = first + t * step;
            if (Math.abs(out[t]) < step * 1e-9) {
                out[t] = 0;
            }
        }
        return out;
    }

    /** A short label for a tick value. */
    static String tickLabel(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e7) {
            return Long.toString((long) value);
        }
        String s = String.format(java.util.Locale.ROOT, "%.3g", value);
        if (s.contains(".") && !s.contains("e")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s;
    }
}
