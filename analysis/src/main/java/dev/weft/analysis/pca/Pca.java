package dev.weft.analysis.pca;

import dev.weft.analysis.linalg.SymmetricEigen;
import dev.weft.core.Gemm;
import dev.weft.core.Parallel;
import dev.weft.core.Tensor;

import java.util.Arrays;

/**
 * Principal component analysis by eigendecomposition of the covariance matrix, optionally of standardised
 * features (correlation PCA).
 *
 * <pre>{@code
 * Pca pca = Pca.fit(train.flat(0, 60000), true);          // standardised pixels
 * double pc1 = pca.explainedVarianceRatio()[0];            // ~0.22 on Fashion-MNIST
 * int k = pca.componentsFor(0.90);                         // components needed for 90% of the variance
 * Tensor scores = pca.project(test.flat(0, 10000), 2);     // [10000, 2] for a scatter plot
 * }</pre>
 *
 * <h2>Definitions</h2>
 * <ul>
 *   <li>The covariance is the sample covariance (divided by {@code n - 1}) computed by {@link Covariance}.</li>
 *   <li>With {@code standardize}, every feature is transformed as scikit-learn's {@code StandardScaler} does,
 *       {@code (x - mean) / std} with the population standard deviation; a <b>constant feature</b> (zero variance,
 *       e.g. a pixel that is 0 in every image) has its scale set to 1, so it becomes 0 everywhere, contributes no
 *       variance, and gets weight 0 in every component with a non-zero eigenvalue.</li>
 *   <li>Components are the unit eigenvectors of that matrix, by decreasing eigenvalue ({@link SymmetricEigen}).
 *       <b>Sign convention</b>: each component's entry of largest magnitude is positive (the first on ties), so
 *       results are reproducible across runs and thread counts.</li>
 *   <li>{@code explainedVariance()[i]} is eigenvalue {@code i} (rounding noise below 0 is clipped to 0);
 *       the ratio divides by the total variance, the trace of the matrix (as scikit-learn's {@code PCA}).</li>
 *   <li>{@link #project(Tensor, int)} maps samples to {@code ((x - mean) / scale)·Wₖᵀ}, the scores on the first
 *       {@code k} components.</li>
 * </ul>
 */
public final class Pca {

    private final int samples;
    private final int features;
    private final boolean standardized;
    private final double[] mean;
    private final double[] scale;
    private final double[] explainedVariance;
    private final double totalVariance;
    /** Row {@code i} (offset {@code i * features}) is component {@code i}. */
    private final double[] components;

    private Pca(int samples, int features, boolean standardized, double[] mean, double[] scale,
                double[] explainedVariance, double totalVariance, double[] components) {
        this.samples = samples;
        this.features = features;
        this.standardized = standardized;
        this.mean = mean;
        this.scale = scale;
        this.explainedVariance = explainedVariance;
        this.totalVariance = totalVariance;
        this.components = components;
    }

    /**
     * Fits a PCA to the samples of {@code x}: {@code [samples, features]}, or images {@code [n, c, h, w]}
     * flattened per sample.
     *
     * @param standardize {@code true} for PCA of standardised features (the correlation matrix), {@code false}
     *                    for PCA of the raw covariance
     */
    public static Pca fit(Tensor x, boolean standardize) {
        return fit(Covariance.of(x), standardize);
    }

    /** Fits a PCA to the row-major {@code samples x features} matrix in {@code data} (from offset 0). */
    public static Pca fit(float[] data, int samples, int features, boolean standardize) {
        return fit(Covariance.of(data, 0, samples, features), standardize);
    }

    /** Fits a PCA from an already computed covariance (e.g. to fit both variants from one pass over the data). */
    public static Pca fit(Covariance covariance, boolean standardize) {
        int features = covariance.features();
        double[] scale;
        double[] matrix;
        if (standardize) {
            scale = covariance.scalerScale();
            matrix = covariance.standardized();
        } else {
            scale = new double[features];
            Arrays.fill(scale, 1);
            matrix = covariance.matrix();
        }
        double trace = 0;
        for (int i = 0; i < features; i++) {
            trace += matrix[i * features + i];
        }
        SymmetricEigen eig = SymmetricEigen.decompose(matrix, features);
        double[] variance = eig.values();
        for (int i = 0; i < features; i++) {
            variance[i] = Math.max(0, variance[i]);
        }
        return new Pca(covariance.samples(), features, standardize, covariance.mean(), scale, variance, trace,
                eig.vectorRows());
    }

    /** How many samples the PCA was fitted on. */
    public int samples() {
        return samples;
    }

    /** The number of features (and of components). */
    public int features() {
        return features;
    }

    /** Whether features were standardised before the decomposition. */
    public boolean standardized() {
        return standardized;
    }

    /** The per-feature means subtracted before projecting (a copy). */
    public double[] mean() {
        return mean.clone();
    }

    /** The per-feature divisors applied after centring: standard deviations (1 for constant features), or all 1. */
    public double[] scale() {
        return scale.clone();
    }

    /** The variance along each component, largest first: the eigenvalues, clipped at 0 (a copy). */
    public double[] explainedVariance() {
        return explainedVariance.clone();
    }

    /** The total variance (trace of the decomposed matrix), the denominator of the ratios. */
    public double totalVariance() {
        return totalVariance;
    }

    /** The share of the total variance along each component, largest first (0 if the total is 0). */
    public double[] explainedVarianceRatio() {
        double[] ratio = new double[features];
        if (totalVariance > 0) {
            for (int i = 0; i < features; i++) {
                ratio[i] = explainedVariance[i] / totalVariance;
            }
        }
        return ratio;
    }

    /** {@code cumulative[i]}: the share of variance of the first {@code i + 1} components together. */
    public double[] cumulativeExplainedVarianceRatio() {
        double[] ratio = explainedVarianceRatio();
        double sum = 0;
        for (int i = 0; i < features; i++) {
            sum += ratio[i];
            ratio[i] = sum;
        }
        return ratio;
    }

    /**
     * The smallest number of components whose cumulative share of variance reaches {@code share}.
     *
     * @param share in {@code (0, 1]}
     */
    public int componentsFor(double share) {
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("share of variance must be in (0, 1], was " + share);
        }
        double[] cumulative = cumulativeExplainedVarianceRatio();
        for (int i = 0; i < features; i++) {
            // A little slack for rounding: asking for 100% must not fail because the sum is 0.9999999999999998.
            if (cumulative[i] >= share - 1e-12) {
                return i + 1;
            }
        }
        return features;
    }

    /** Component {@code i} (unit length, largest-magnitude entry positive; a copy). */
    public double[] component(int i) {
        java.util.Objects.checkIndex(i, features);
        return Arrays.copyOfRange(components, i * features, (i + 1) * features);
    }

    /** The first {@code k} components as the rows of a float tensor {@code [k, features]}. */
    public Tensor components(int k) {
        checkK(k);
        float[] data = new float[k * features];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) components[i];
        }
        return Tensor.of(data, k, features);
    }

    /**
     * Scores of the samples of {@code x} on the first {@code k} components: {@code [samples, k]}, where {@code x}
     * is {@code [samples, features]} or images flattened per sample. Uses the float GEMM kernel.
     */
    public Tensor project(Tensor x, int k) {
        checkK(k);
        if (x.rank() < 1 || x.size() % features != 0 || (x.rank() >= 2 && x.size() / x.dim(0) != features)) {
            throw new IllegalArgumentException("project expects samples of " + features + " features, got shape "
                    + Arrays.toString(x.shape()));
        }
        int n = x.size() / features;
        float[] src = x.data();
        int offset = x.offset();
        float[] standardizedX = new float[n * features];
        float[] meanF = new float[features];
        float[] invScale = new float[features];
        for (int j = 0; j < features; j++) {
            meanF[j] = (float) mean[j];
            invScale[j] = (float) (1 / scale[j]);
        }
        Parallel.forRange(n, 64, (from, to) -> {
            for (int r = from; r < to; r++) {
                for (int j = 0; j < features; j++) {
                    standardizedX[r * features + j] = (src[offset + r * features + j] - meanF[j]) * invScale[j];
                }
            }
        });
        Tensor w = components(k);
        Tensor scores = Tensor.zeros(n, k);
        Gemm.sgemm(false, true, n, k, features, 1f, standardizedX, 0, features, w.data(), 0, features,
                0f, scores.data(), 0, k);
        return scores;
    }

    /** Scores of one sample (length {@code features}) on the first {@code k} components, in double. */
    public double[] project(float[] sample, int k) {
        checkK(k);
        if (sample.length != features) {
            throw new IllegalArgumentException("sample has " + sample.length + " features, expected " + features);
        }
        double[] scores = new double[k];
        for (int i = 0; i < k; i++) {
            double s = 0;
            for (int j = 0; j < features; j++) {
                s += components[i * features + j] * ((sample[j] - mean[j]) / scale[j]);
            }
            scores[i] = s;
        }
        return scores;
    }

    private void checkK(int k) {
        if (k < 1 || k > features) {
            throw new IllegalArgumentException("number of components must be in [1, " + features + "], was " + k);
        }
    }
}
