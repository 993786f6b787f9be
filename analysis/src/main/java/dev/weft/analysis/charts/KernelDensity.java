package dev.weft.analysis.charts;

import java.util.Arrays;

/**
 * Gaussian kernel density estimate, used for the density curves and the pair plot's diagonal.
 *
 * <p>{@code f(x) = 1/(n h) * Σ_i φ((x - x_i) / h)} with the standard normal density {@code φ} and the
 * bandwidth {@code h} from Scott's rule, {@code h = σ · n^(-1/5)} (D. W. Scott, <i>Multivariate Density
 * Estimation</i>, 1992; the default of scipy's {@code gaussian_kde} and so of seaborn's {@code kdeplot}, which
 * drew the reference study's curves). Silverman's robust variant {@code 0.9 · min(σ, IQR/1.34) · n^(-1/5)}
 * was tried and rejected: pixel intensities are mostly 0 with a bright minority, so the IQR is tiny and the
 * bright mode came out ragged.
 *
 * <p>Large samples are first binned onto a fine grid of {@value #BINS} points (simple binning, each sample's
 * weight to its nearest grid point), which changes the estimate by far less than a line width on a chart
 * and makes the cost independent of the sample size.
 */
public final class KernelDensity {

    private static final int BINS = 2048;
    private static final int EXACT_LIMIT = 4096;
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2 * Math.PI);

    private KernelDensity() {
    }

    /**
     * Scott's rule-of-thumb bandwidth {@code σ · n^(-1/5)} (σ with the n - 1 denominator); never zero (a
     * constant sample gets 1e-3 times its magnitude, or 1e-3).
     *
     * @throws IllegalArgumentException for an empty sample
     */
    public static double scottBandwidth(double[] samples) {
        requireNonEmpty(samples);
        int n = samples.length;
        double mean = 0;
        for (double v : samples) {
            mean += v;
        }
        mean /= n;
        double ss = 0;
        for (double v : samples) {
            ss += (v - mean) * (v - mean);
        }
        double sigma = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
        double h = sigma * Math.pow(n, -0.2);
        return h > 0 ? h : 1e-3 * Math.max(1, Math.abs(mean));
    }

    /** The estimated density at each point of {@code at}, with the given bandwidth. */
    public static double[] evaluate(double[] samples, double bandwidth, double[] at) {
        requireNonEmpty(samples);
        if (!(bandwidth > 0)) {
            throw new IllegalArgumentException("bandwidth must be positive, got " + bandwidth);
        }
        double[] centres = samples;
        double[] weights = null;
        if (samples.length > EXACT_LIMIT) {
            double min = Arrays.stream(samples).min().orElseThrow();
            double max = Arrays.stream(samples).max().orElseThrow();
            if (max > min) {
                centres = new double[BINS];
                weights = new double[BINS];
                double step = (max - min) / (BINS - 1);
                for (int b = 0; b < BINS; b++) {
                    centres[b] = min + b * step;
                }
                for (double v : samples) {
                    weights[(int) Math.round((v - min) / step)] += 1;
                }
            } else {
                centres = new double[] {min};
                weights = new double[] {samples.length};
            }
        }
        double norm = INV_SQRT_2PI / (samples.length * bandwidth);
        double[] density = new double[at.length];
        for (int p = 0; p < at.length; p++) {
            double sum = 0;
            for (int i = 0; i < centres.length; i++) {
                double w = weights == null ? 1 : weights[i];
                if (w == 0) {
                    continue;
                }
                double z = (at[p] - centres[i]) / bandwidth;
                if (z > -8 && z < 8) {
                    sum += w * Math.exp(-0.5 * z * z);
                }
            }
            density[p] = sum * norm;
        }
        return density;
    }

    /**
     * A density curve ready to draw: {@code points} equally spaced x values from {@code min - 3h} to
     * {@code max + 3h} (h = Scott's bandwidth) and the density at each.
     *
     * @return {@code {x, density}}
     */
    public static double[][] curve(double[] samples, int points) {
        if (points < 2) {
            throw new IllegalArgumentException("a curve needs at least 2 points, got " + points);
        }
        double h = scottBandwidth(samples);
        double min = Arrays.stream(samples).min().orElseThrow() - 3 * h;
        double max = Arrays.stream(samples).max().orElseThrow() + 3 * h;
        double[] x = new double[points];
        for (int p = 0; p < points; p++) {
            x[p] = min + (max - min) * p / (points - 1);
        }
        return new double[][] {x, evaluate(samples, h, x)};
    }

    /** Linear-interpolation quantile of sorted data (numpy's default "linear" method). */
    static double quantile(double[] sorted, double q) {
        double position = q * (sorted.length - 1);
        int lo = (int) Math.floor(position);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (position - lo) * (sorted[hi] - sorted[lo]);
    }

    private static void requireNonEmpty(double[] samples) {
        if (samples == null || samples.length == 0) {
            throw new IllegalArgumentException("a density needs at least one sample");
        }
    }
}
