package dev.weft.analysis.stats;

import java.util.Arrays;

/**
 * Counts of values in equal-width bins over {@code [lower, upper]}; the last bin includes {@code upper}. Values
 * outside the range are counted apart ({@link #below()}, {@link #above()}), as are NaNs ({@link #missing()}).
 *
 * <pre>{@code
 * Histogram h = Histogram.ofBytes(pixels);   // 256 bins, one per intensity 0..255
 * h.count(0);                                // how many pixels are black
 * h.density(0);                              // the share of bin 0 divided by its width
 * }</pre>
 *
 * @param lower   the lower edge of the first bin
 * @param upper   the upper edge of the last bin
 * @param counts  values per bin
 * @param below   values below {@code lower}
 * @param above   values above {@code upper}
 * @param missing NaN values
 */
public record Histogram(double lower, double upper, long[] counts, long below, long above, long missing) {

    /** Validates the range and copies {@code counts}. */
    public Histogram {
        if (!(upper > lower) || counts.length < 1) {
            throw new IllegalArgumentException("histogram needs upper > lower and at least one bin, got [" + lower
                    + ", " + upper + "] with " + counts.length + " bins");
        }
        counts = counts.clone();
    }

    /** An exact histogram of unsigned bytes: 256 bins of width 1 over {@code [-0.5, 255.5]}, bin {@code v} = value {@code v}. */
    public static Histogram ofBytes(byte[] values) {
        return ofBytes(values, 0, values.length, 1);
    }

    /** The exact histogram of unsigned bytes {@code values[from + i * stride]} for {@code i < count}. */
    static Histogram ofBytes(byte[] values, int from, int count, int stride) {
        long[] counts = new long[256];
        for (int i = 0, p = from; i < count; i++, p += stride) {
            counts[values[p] & 0xFF]++;
        }
        return new Histogram(-0.5, 255.5, counts, 0, 0, 0);
    }

    /** A histogram of {@code values} with {@code bins} equal bins over {@code [lower, upper]}. */
    public static Histogram of(float[] values, int bins, double lower, double upper) {
        return of(values, 0, values.length, 1, bins, lower, upper);
    }

    /** The histogram of {@code values[from + i * stride]} for {@code i < count}. */
    static Histogram of(float[] values, int from, int count, int stride, int bins, double lower, double upper) {
        if (bins < 1 || !(upper > lower)) {
            throw new IllegalArgumentException("histogram needs upper > lower and at least one bin, got [" + lower
                    + ", " + upper + "] with " + bins + " bins");
        }
        long[] counts = new long[bins];
        long below = 0;
        long above = 0;
        long missing = 0;
        double perUnit = bins / (upper - lower);
        for (int i = 0, p = from; i < count; i++, p += stride) {
            float v = values[p];
            if (Float.isNaN(v)) {
                missing++;
            } else if (v < lower) {
                below++;
            } else if (v > upper) {
                above++;
            } else {
                counts[Math.min(bins - 1, (int) ((v - lower) * perUnit))]++;
            }
        }
        return new Histogram(lower, upper, counts, below, above, missing);
    }

    /** Values per bin (a copy). */
    @Override
    public long[] counts() {
        return counts.clone();
    }

    /** The number of bins. */
    public int bins() {
        return counts.length;
    }

    /** Values in bin {@code i}. */
    public long count(int i) {
        return counts[i];
    }

    /** The width of every bin. */
    public double binWidth() {
        return (upper - lower) / counts.length;
    }

    /** The lower edge of bin {@code i}. */
    public double binLower(int i) {
        return lower + i * binWidth();
    }

    /** The centre of bin {@code i}. */
    public double binCenter(int i) {
        return lower + (i + 0.5) * binWidth();
    }

    /** Values inside the range (the sum of the bins). */
    public long total() {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        return total;
    }

    /** An estimate of the probability density in bin {@code i}: its share of {@link #total()} over its width. */
    public double density(int i) {
        long total = total();
        return total == 0 ? 0 : counts[i] / (total * binWidth());
    }

    /** The mean of the binned values, taking each at its bin centre (exact for {@link #ofBytes}). */
    public double mean() {
        long total = total();
        if (total == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < counts.length; i++) {
            sum += counts[i] * binCenter(i);
        }
        return sum / total;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Histogram h && lower == h.lower && upper == h.upper && below == h.below
                && above == h.above && missing == h.missing && Arrays.equals(counts, h.counts);
    }

    @Override
    public int hashCode() {
        return Double.hashCode(lower) * 31 + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "Histogram[" + lower + ", " + upper + "] " + Arrays.toString(counts)
                + (below + above + missing > 0 ? " below=" + below + " above=" + above + " missing=" + missing : "");
    }
}
