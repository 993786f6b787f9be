package dev.weft.analysis.pca;

import dev.weft.core.simd.Kernels;
import dev.weft.core.Parallel;
import dev.weft.core.Tensor;

import java.util.Arrays;

/**
 * The sample covariance matrix of the columns (features) of a {@code samples x features} float matrix, with the
 * per-feature means, and the correlation and standardised-covariance matrices derived from it. This is the one
 * covariance path of Weft: {@link Pca} and the pixel-correlation statistic both use it.
 *
 * <pre>{@code
 * Covariance cov = Covariance.of(images.flat(0, 60000));   // [60000, 784] pixels in [0, 1]
 * double[] c = cov.matrix();                               // 784 x 784, row-major, divided by n - 1
 * double[] r = cov.correlation();                          // Pearson correlation
 * }</pre>
 *
 * <h2>How it is computed, and why</h2>
 * {@code C = X꜀ᵀ·X꜀ / (n - 1)} with {@code X꜀ = X - mean}. The product runs on the float SGEMM kernel
 * ({@link Kernels#sgemm}, threads over block rows of the result), but not over all samples at once: the samples are taken
 * in chunks of {@value #CHUNK} rows, each chunk's float product {@code X꜀ᵀX꜀} is added into a double accumulator,
 * and only the lower triangle of block rows is formed (the matrix is mirrored at the end, so it is exactly
 * symmetric). A float sum over 60,000 samples would carry relative errors up to ~{@code 60000·2⁻²⁴ ≈ 4e-3} in
 * the worst case; over 1,024 samples the bound is ~{@code 6e-5} and the typical error ~{@code 1e-6}, and the chunk
 * sums then add up in double. Measured on Fashion-MNIST against an all-double reference, the entries agree to
 * about {@code 1e-6} relative to the largest entry (see {@code CovarianceTest}), well inside what PCA's explained
 * variance ratios need. The means are computed in double and subtracted before the product, so there is no
 * cancellation of the {@code E[x²] - E[x]²} kind.
 *
 * <p>Results are bit-identical whatever the thread count: chunks are added in order, and the SGEMM kernel is
 * itself deterministic.
 */
public final class Covariance {

    /** Samples per float GEMM before its partial sum is added into the double accumulator. */
    static final int CHUNK = 1024;
    /** Rows per block row of the lower triangle: 784 = 7 x 112. */
    private static final int BLOCK = 112;

    private final int samples;
    private final int features;
    private final double[] mean;
    /** Row-major {@code features x features}, divided by {@code samples - 1}. */
    private final double[] matrix;

    private Covariance(int samples, int features, double[] mean, double[] matrix) {
        this.samples = samples;
        this.features = features;
        this.mean = mean;
        this.matrix = matrix;
    }

    /**
     * The covariance of the columns of {@code x}: a matrix {@code [samples, features]}, or any tensor of rank 3
     * or more whose first axis is the sample axis (e.g. images {@code [n, 1, 28, 28]}), flattened per sample.
     *
     * @throws IllegalArgumentException if {@code x} has rank 1 or fewer than two samples
     */
    public static Covariance of(Tensor x) {
        if (x.rank() < 2) {
            throw new IllegalArgumentException("covariance needs a [samples, features] tensor, got shape "
                    + Arrays.toString(x.shape()));
        }
        int samples = x.dim(0);
        return of(x.data(), x.offset(), samples, samples == 0 ? 0 : x.size() / samples);
    }

    /**
     * The covariance of the columns of the row-major {@code samples x features} matrix stored in {@code data}
     * from {@code offset} (not modified).
     *
     * @throws IllegalArgumentException if there are fewer than two samples, no features, or too little data
     */
    public static Covariance of(float[] data, int offset, int samples, int features) {
        if (samples < 2 || features < 1) {
            throw new IllegalArgumentException("covariance needs at least 2 samples and 1 feature, got "
                    + samples + " samples of " + features + " features");
        }
        if (offset < 0 || (long) offset + (long) samples * features > data.length) {
            throw new IllegalArgumentException("data too short: " + samples + " x " + features + " from offset "
                    + offset + " needs " + ((long) offset + (long) samples * features) + " floats, array has "
                    + data.length);
        }
        double[] mean = columnMeans(data, offset, samples, features);
        float[] meanF = new float[features];
        for (int j = 0; j < features; j++) {
            meanF[j] = (float) mean[j];
        }
        double[] sum = new double[features * features];
        float[] centred = new float[Math.min(CHUNK, samples) * features];
        for (int first = 0; first < samples; first += CHUNK) {
            int rows = Math.min(CHUNK, samples - first);
            int base = offset + first * features;
            Parallel.forRange(rows, 16, (from, to) -> {
                for (int r = from; r < to; r++) {
                    int src = base + r * features;
                    int dst = r * features;
                    for (int j = 0; j < features; j++) {
                        centred[dst + j] = data[src + j] - meanF[j];
                    }
                }
            });
            addLowerProduct(centred, rows, features, sum);
        }
        // Mirror the lower triangle and divide by n - 1.
        double norm = 1.0 / (samples - 1);
        for (int i = 0; i < features; i++) {
            for (int j = 0; j <= i; j++) {
                double c = sum[i * features + j] * norm;
                sum[i * features + j] = c;
                sum[j * features + i] = c;
            }
        }
        return new Covariance(samples, features, mean, sum);
    }

    /**
     * {@code sum += X꜀ᵀ·X꜀} on the lower block triangle: block row {@code I} (rows {@code [I·B, (I+1)·B)}) against
     * columns {@code [0, (I+1)·B)}, one single-threaded float GEMM each, added into the double accumulator. Block
     * rows are paired first with last ({@code I} and {@code blocks-1-I}), so every task costs about the same, and the
     * tasks are shared out between threads in one parallel loop per chunk (few joins, which matters on a busy
     * machine). Each block row is computed by the same call whatever the thread count: results are bit-identical.
     * (Square tiles would balance perfectly but are too narrow for the SGEMM kernel to run at full speed.)
     */
    private static void addLowerProduct(float[] centred, int rows, int features, double[] sum) {
        int blocks = (features + BLOCK - 1) / BLOCK;
        int pairs = (blocks + 1) / 2;
        Kernels kernels = Kernels.get();
        Parallel.forRange(pairs, 1, (from, to) -> {
            float[] product = new float[BLOCK * features];
            for (int pair = from; pair < to; pair++) {
                addBlockRow(kernels, centred, rows, features, pair, product, sum);
                if (blocks - 1 - pair != pair) {
                    addBlockRow(kernels, centred, rows, features, blocks - 1 - pair, product, sum);
                }
            }
        });
    }

    private static void addBlockRow(Kernels kernels, float[] centred, int rows, int features, int block,
                                    float[] product, double[] sum) {
        int i0 = block * BLOCK;
        int m = Math.min(BLOCK, features - i0);
        int n = i0 + m;
        kernels.sgemm(true, false, m, n, rows, 1f, centred, i0, features, centred, 0, features,
                0f, product, 0, features);
        for (int r = 0; r < m; r++) {
            int dst = (i0 + r) * features;
            int src = r * features;
            int end = i0 + r + 1;
            for (int j = 0; j < end; j++) {
                sum[dst + j] += product[src + j];
            }
        }
    }

    private static double[] columnMeans(float[] data, int offset, int samples, int features) {
        double[] mean = new double[features];
        Parallel.forRange(features, 64, (from, to) -> {
            for (int r = 0; r < samples; r++) {
                int row = offset + r * features;
                for (int j = from; j < to; j++) {
                    mean[j] += data[row + j];
                }
            }
        });
        for (int j = 0; j < features; j++) {
            mean[j] /= samples;
        }
        return mean;
    }

    /** How many samples the covariance was computed from. */
    public int samples() {
        return samples;
    }

    /** The number of features (the order of the matrix). */
    public int features() {
        return features;
    }

    /** The mean of each feature (a copy). */
    public double[] mean() {
        return mean.clone();
    }

    /** The sample variance of feature {@code j} (divided by {@code n - 1}). */
    public double variance(int j) {
        return matrix[j * features + j];
    }

    /**
     * The standard deviation of each feature as scikit-learn's {@code StandardScaler} computes it (divided by
     * {@code n}, not {@code n - 1}), with {@code 1} for a constant feature so that standardising maps it to 0.
     */
    public double[] scalerScale() {
        double[] scale = new double[features];
        double toPopulation = (samples - 1.0) / samples;
        for (int j = 0; j < features; j++) {
            double s = Math.sqrt(variance(j) * toPopulation);
            scale[j] = s > 0 ? s : 1;
        }
        return scale;
    }

    /** Whether feature {@code j} is constant over the samples (zero variance). */
    public boolean isConstant(int j) {
        return !(variance(j) > 0);
    }

    /** The covariance matrix, row-major {@code features x features}, divided by {@code n - 1} (a copy). */
    public double[] matrix() {
        return matrix.clone();
    }

    /**
     * The covariance of the standardised features {@code (x - mean) / scale} with {@link #scalerScale()}: what
     * scikit-learn's {@code PCA} sees after {@code StandardScaler}. Its diagonal is {@code n / (n - 1)} for a
     * varying feature and 0 for a constant one (which therefore adds no variance and gets no weight).
     */
    public double[] standardized() {
        double[] scale = scalerScale();
        double[] result = new double[features * features];
        for (int i = 0; i < features; i++) {
            for (int j = 0; j < features; j++) {
                result[i * features + j] = matrix[i * features + j] / (scale[i] * scale[j]);
            }
        }
        return result;
    }

    /**
     * The Pearson correlation matrix {@code C[i][j] / sqrt(C[i][i]·C[j][j])}, row-major. Correlation with a
     * constant feature is undefined; it is reported as 0, with 1 on the diagonal.
     */
    public double[] correlation() {
        double[] std = new double[features];
        for (int j = 0; j < features; j++) {
            std[j] = Math.sqrt(Math.max(0, variance(j)));
        }
        double[] result = new double[features * features];
        for (int i = 0; i < features; i++) {
            for (int j = 0; j < features; j++) {
                double denominator = std[i] * std[j];
                double r = i == j ? 1 : denominator > 0 ? matrix[i * features + j] / denominator : 0;
                result[i * features + j] = Math.max(-1, Math.min(1, r));
            }
        }
        return result;
    }
}
