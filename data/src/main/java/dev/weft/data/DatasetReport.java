package dev.weft.data;

import java.util.List;
import java.util.Locale;

/**
 * What the data-cleaning step found in one {@link ImageSet}: size, images per class, missing values (always 0 —
 * the readers reject a file with a missing value rather than skip or impute it), and the raw pixel value range,
 * mean and standard deviation (on the 0-255 scale).
 *
 * @param name          the set, e.g. "train"
 * @param size          number of images
 * @param rows          image height
 * @param cols          image width
 * @param classCounts   images per label
 * @param missingValues missing values found
 * @param minPixel      smallest raw pixel value
 * @param maxPixel      largest raw pixel value
 * @param meanPixel     mean raw pixel value
 * @param stdPixel      standard deviation of the raw pixel values
 */
public record DatasetReport(String name, int size, int rows, int cols, int[] classCounts, long missingValues,
                            int minPixel, int maxPixel, double meanPixel, double stdPixel) {

    /** Copies the counts. */
    public DatasetReport {
        classCounts = classCounts.clone();
    }

    /** Computes the report in one pass over the bytes (a histogram of the 256 values). */
    public static DatasetReport of(ImageSet set) {
        long[] histogram = new long[256];
        for (byte b : set.rawPixels()) {
            histogram[b & 0xFF]++;
        }
        long count = 0;
        double sum = 0;
        int min = -1;
        int max = -1;
        for (int v = 0; v < 256; v++) {
            if (histogram[v] > 0) {
                min = min < 0 ? v : min;
                max = v;
            }
            count += histogram[v];
            sum += (double) histogram[v] * v;
        }
        double mean = count == 0 ? 0 : sum / count;
        double squares = 0;
        for (int v = 0; v < 256; v++) {
            squares += histogram[v] * (v - mean) * (v - mean);
        }
        double std = count == 0 ? 0 : Math.sqrt(squares / count);
        return new DatasetReport(set.name(), set.size(), set.rows(), set.cols(), set.classCounts(), 0,
                Math.max(min, 0), Math.max(max, 0), mean, std);
    }

    @Override
    public int[] classCounts() {
        return classCounts.clone();
    }

    /** A small plain-text table; class names are used as row labels when there is one per class. */
    public String toText(List<String> classNames) {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "%s: %,d images of %dx%d, missing values: %d, pixel range %d-%d,"
                + " mean %.2f, std %.2f%n", name, size, rows, cols, missingValues, minPixel, maxPixel, meanPixel,
                stdPixel));
        for (int c = 0; c < classCounts.length; c++) {
            String label = classNames != null && classNames.size() == classCounts.length ? classNames.get(c) : "";
            text.append(String.format(Locale.ROOT, "  %d %-12s %,7d%n", c, label, classCounts[c]));
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return toText(null);
    }
}
