package dev.weft.data;

/**
 * Statistics for standardising scaled pixels, {@code z = (x/255 - mean) / std}: either one mean and standard
 * deviation for all pixels ({@link #fit} with {@code perPixel = false}, the usual choice for CNNs) or one per pixel
 * position. Always fit them on the training split and apply the same object to validation and test data, so no
 * information from held-out images leaks into training.
 *
 * <pre>{@code
 * Standardization s = Standardization.fit(train, false);   // Fashion-MNIST: mean ~0.286, std ~0.353
 * ImageSet trainZ = train.withStandardization(s), testZ = test.withStandardization(s);
 * }</pre>
 *
 * @param mean one value (global) or one per pixel, on the [0, 1] scale
 * @param std  as {@code mean}; per-pixel values below 1e-6 (pixels constant in training) are replaced by 1
 */
public record Standardization(float[] mean, float[] std) {

    /** Validates the arrays. */
    public Standardization {
        if (mean.length != std.length || mean.length == 0) {
            throw new IllegalArgumentException("mean and std must have the same, positive length: " + mean.length
                    + " and " + std.length);
        }
        mean = mean.clone();
        std = std.clone();
        for (int i = 0; i < std.length; i++) {
            if (!(std[i] > 0) || !Float.isFinite(mean[i])) {
                throw new IllegalArgumentException("std must be positive and mean finite at " + i + ": mean "
                        + mean[i] + ", std " + std[i]);
            }
        }
    }

    /** Statistics from {@code train} (scaled to [0, 1]), computed in double. */
    public static Standardization fit(ImageSet train, boolean perPixel) {
        int n = train.pixelsPerImage();
        byte[] pixels = train.rawPixels();
        int images = train.size();
        if (images == 0) {
            throw new IllegalArgumentException("cannot fit standardisation on an empty set");
        }
        if (!perPixel) {
            long[] histogram = new long[256];
            for (byte b : pixels) {
                histogram[b & 0xFF]++;
            }
            double count = (double) images * n;
            double sum = 0;
            for (int v = 0; v < 256; v++) {
                sum += histogram[v] * (v / 255.0);
            }
            double mean = sum / count;
            double squares = 0;
            for (int v = 0; v < 256; v++) {
                double d = v / 255.0 - mean;
                squares += histogram[v] * d * d;
            }
            double std = Math.sqrt(squares / count);
            return new Standardization(new float[] {(float) mean}, new float[] {std > 1e-6 ? (float) std : 1f});
        }
        double[] sum = new double[n];
        double[] sumSquares = new double[n];
        for (int i = 0; i < images; i++) {
            int base = i * n;
            for (int p = 0; p < n; p++) {
                double x = (pixels[base + p] & 0xFF) / 255.0;
                sum[p] += x;
                sumSquares[p] += x * x;
            }
        }
        float[] mean = new float[n];
        float[] std = new float[n];
        for (int p = 0; p < n; p++) {
            double m = sum[p] / images;
            double variance = Math.max(0, sumSquares[p] / images - m * m);
            double s = Math.sqrt(variance);
            mean[p] = (float) m;
            std[p] = s > 1e-6 ? (float) s : 1f;
        }
        return new Standardization(mean, std);
    }

    /** True if there is one mean and std per pixel position. */
    public boolean perPixel() {
        return mean.length > 1;
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    /** Applies it in place to values already scaled to [0, 1] (a tensor's data, sample after sample). */
    public void apply(float[] values, int offset, int length) {
        int n = mean.length;
        for (int i = 0; i < length; i++) {
            int p = n == 1 ? 0 : i % n;
            values[offset + i] = (values[offset + i] - mean[p]) / std[p];
        }
    }

    float[] inverseStd() {
        float[] inverse = new float[std.length];
        for (int i = 0; i < std.length; i++) {
            inverse[i] = 1f / std[i];
        }
        return inverse;
    }

    /** byte value -> standardised float, for the global case. */
    float[] lookup() {
        float[] table = new float[256];
        for (int v = 0; v < 256; v++) {
            table[v] = (v / 255f - mean[0]) / std[0];
        }
        return table;
    }
}
