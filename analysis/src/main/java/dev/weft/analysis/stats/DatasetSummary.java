package dev.weft.analysis.stats;

import java.util.Locale;

/**
 * A one-glance description of a labelled image set: counts, classes, missing values, intensity range, mean and
 * standard deviation, and constant pixels. Intensities are in the units of the input (0..255 for bytes).
 *
 * <pre>{@code
 * System.out.println(DatasetSummary.of(pixels, 784, labels, 10).toText());
 * }</pre>
 *
 * @param images         the number of images
 * @param pixelsPerImage pixels per image
 * @param classes        the class distribution
 * @param missingValues  NaN intensities (always 0 for bytes, which cannot be missing)
 * @param min            the smallest intensity
 * @param max            the largest intensity
 * @param mean           the mean intensity over all pixels of all images
 * @param std            the (population) standard deviation of all intensities
 * @param constantPixels pixel positions with the same value in every image
 */
public record DatasetSummary(int images, int pixelsPerImage, ClassDistribution classes, long missingValues,
                             double min, double max, double mean, double std, int constantPixels) {

    /** Summarises byte images (intensities 0..255). */
    public static DatasetSummary of(byte[] images, int pixelsPerImage, int[] labels, int numClasses) {
        int count = ImageStatistics.imageCount(images.length, pixelsPerImage);
        ImageStatistics.checkLabels(labels, count, numClasses);
        Histogram histogram = Histogram.ofBytes(images);
        int min = 255;
        int max = 0;
        double sum = 0;
        double squares = 0;
        for (int v = 0; v < 256; v++) {
            long c = histogram.count(v);
            if (c > 0) {
                min = Math.min(min, v);
                max = Math.max(max, v);
                sum += (double) c * v;
                squares += (double) c * v * v;
            }
        }
        long n = images.length;
        double mean = n == 0 ? Double.NaN : sum / n;
        double variance = n == 0 ? Double.NaN : Math.max(0, squares / n - mean * mean);
        int constant = 0;
        for (int p = 0; p < pixelsPerImage && count > 0; p++) {
            byte first = images[p];
            boolean same = true;
            for (int i = 1; i < count && same; i++) {
                same = images[i * pixelsPerImage + p] == first;
            }
            constant += same ? 1 : 0;
        }
        return new DatasetSummary(count, pixelsPerImage, ClassDistribution.of(labels, numClasses), 0,
                n == 0 ? Double.NaN : min, n == 0 ? Double.NaN : max, mean, Math.sqrt(variance), constant);
    }

    /** Summarises float images; NaNs are counted as missing and left out of the other figures. */
    public static DatasetSummary of(float[] images, int pixelsPerImage, int[] labels, int numClasses) {
        int count = ImageStatistics.imageCount(images.length, pixelsPerImage);
        ImageStatistics.checkLabels(labels, count, numClasses);
        long missing = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (float v : images) {
            if (Float.isNaN(v)) {
                missing++;
            } else {
                min = Math.min(min, v);
                max = Math.max(max, v);
                sum += v;
            }
        }
        long n = images.length - missing;
        double mean = n == 0 ? Double.NaN : sum / n;
        double squares = 0;
        for (float v : images) {
            if (!Float.isNaN(v)) {
                squares += (v - mean) * (v - mean);
            }
        }
        int constant = 0;
        for (int p = 0; p < pixelsPerImage && count > 0; p++) {
            float first = images[p];
            boolean same = true;
            for (int i = 1; i < count && same; i++) {
                same = Float.compare(images[i * pixelsPerImage + p], first) == 0;
            }
            constant += same ? 1 : 0;
        }
        return new DatasetSummary(count, pixelsPerImage, ClassDistribution.of(labels, numClasses), missing,
                n == 0 ? Double.NaN : min, n == 0 ? Double.NaN : max, mean,
                n == 0 ? Double.NaN : Math.sqrt(squares / n), constant);
    }

    /** A few aligned lines for a report. */
    public String toText() {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "images:          %d of %d pixels%n", images, pixelsPerImage));
        text.append(String.format(Locale.ROOT, "classes:         %d, %d to %d images each%n", classes.classes(),
                java.util.Arrays.stream(classes.counts()).min().orElse(0),
                java.util.Arrays.stream(classes.counts()).max().orElse(0)));
        text.append(String.format(Locale.ROOT, "missing values:  %d%n", missingValues));
        text.append(String.format(Locale.ROOT, "intensity range: %s to %s%n", number(min), number(max)));
        text.append(String.format(Locale.ROOT, "mean, std:       %.4f, %.4f%n", mean, std));
        text.append(String.format(Locale.ROOT, "constant pixels: %d%n", constantPixels));
        return text.toString();
    }

    private static String number(double v) {
        return v == Math.rint(v) && !Double.isInfinite(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.4f", v);
    }
}
