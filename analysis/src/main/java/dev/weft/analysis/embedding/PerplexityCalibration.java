package dev.weft.analysis.embedding;

import dev.weft.core.Parallel;

/**
 * t-SNE's conditional affinities {@code p(j|i)} over each point's nearest neighbours, each point's Gaussian
 * precision {@code beta_i = 1 / (2·sigma_i²)} found by binary search so that the distribution has the perplexity
 * asked for (van der Maaten and Hinton 2008, "Visualizing Data using t-SNE", section 2; restricted to the
 * {@code 3·perplexity} nearest neighbours as in van der Maaten 2014, "Accelerating t-SNE using tree-based
 * algorithms", section 4.1).
 *
 * <p>For point {@code i} with squared distances {@code D_ij} to its neighbours,
 * {@code p(j|i) = exp(-beta_i·D_ij) / Σ_m exp(-beta_i·D_im)}, with Shannon entropy
 * {@code H_i = log Σ_m exp(-beta_i·D_im) + beta_i·Σ_j p(j|i)·D_ij} (in nats) and perplexity {@code exp(H_i)}.
 * {@code H_i} falls as {@code beta_i} grows, so a bisection on {@code beta_i} (doubling or halving until the
 * target is bracketed) finds {@code H_i = log(perplexity)}; it stops when {@code |H_i - log(perplexity)|} is
 * below {@value #TOLERANCE} nats (the perplexity then within about {@code 1e-5} relative) or after
 * {@value #MAX_ITERATIONS} steps, as the reference implementation does. The smallest distance is subtracted
 * before the exponential (the ratios do not change) so that far-apart data cannot underflow every term to 0.
 *
 * <p>Each point is calibrated on its own, in parallel over points: the result does not depend on the thread count.
 */
public final class PerplexityCalibration {

    /** Stop when the entropy is this close to {@code log(perplexity)}, in nats. */
    public static final double TOLERANCE = 1e-5;
    /** The most bisection steps per point. */
    public static final int MAX_ITERATIONS = 200;

    private final NearestNeighbours neighbours;
    /** {@code p(j|i)} for the {@code m}-th neighbour {@code j} of {@code i}, at offset {@code i * k + m}. */
    private final double[] conditional;
    private final double[] beta;
    private final double[] perplexity;

    private PerplexityCalibration(NearestNeighbours neighbours, double[] conditional, double[] beta,
                                  double[] perplexity) {
        this.neighbours = neighbours;
        this.conditional = conditional;
        this.beta = beta;
        this.perplexity = perplexity;
    }

    /**
     * Calibrates every point's {@code beta} to {@code targetPerplexity} over its neighbours.
     *
     * @throws IllegalArgumentException if the perplexity is not a finite number above 0 or not below the number
     *                                  of neighbours (a distribution over {@code k} points has perplexity at
     *                                  most {@code k})
     */
    public static PerplexityCalibration of(NearestNeighbours neighbours, double targetPerplexity) {
        int k = neighbours.k();
        if (!(targetPerplexity > 0 && targetPerplexity < k) || Double.isInfinite(targetPerplexity)) {
            throw new IllegalArgumentException("perplexity must be above 0 and below the " + k
                    + " neighbours per point, was " + targetPerplexity);
        }
        int points = neighbours.points();
        double[] conditional = new double[points * k];
        double[] beta = new double[points];
        double[] perplexity = new double[points];
        double logTarget = Math.log(targetPerplexity);
        Parallel.forRange(points, 16, (from, to) -> {
            double[] distances = new double[k];
            for (int i = from; i < to; i++) {
                double nearest = Double.POSITIVE_INFINITY;
                for (int m = 0; m < k; m++) {
                    distances[m] = neighbours.squaredDistance(i, m);
                    nearest = Math.min(nearest, distances[m]);
                }
                for (int m = 0; m < k; m++) {
                    distances[m] -= nearest;
                }
                Fit fit = calibrate(distances, logTarget, conditional, i * k);
                beta[i] = fit.beta();
                perplexity[i] = Math.exp(fit.entropy());
            }
        });
        return new PerplexityCalibration(neighbours, conditional, beta, perplexity);
    }

    /**
     * The bisection for one point: writes {@code p(j|i)} at {@code offset} and returns {@code beta} and {@code H}.
     * {@code D} are the squared distances minus the smallest, so every exponential is at most 1 and the nearest is 1.
     */
    private static Fit calibrate(double[] D, double logTarget, double[] p, int offset) {
        int k = D.length;
        double beta = 1;
        double betaMin = Double.NEGATIVE_INFINITY;
        double betaMax = Double.POSITIVE_INFINITY;
        double H = 0;
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            double sum = 0;
            double weighted = 0;
            for (int m = 0; m < k; m++) {
                double e = Math.exp(-beta * D[m]);
                p[offset + m] = e;
                sum += e;
                weighted += e * D[m];
            }
            H = Math.log(sum) + beta * weighted / sum;
            for (int m = 0; m < k; m++) {
                p[offset + m] /= sum;
            }
            double difference = H - logTarget;
            if (Math.abs(difference) < TOLERANCE) {
                break;
            }
            if (difference > 0) {
                // Too flat: a larger precision (narrower Gaussian).
                betaMin = beta;
                beta = betaMax == Double.POSITIVE_INFINITY ? beta * 2 : (beta + betaMax) / 2;
            } else {
                betaMax = beta;
                beta = betaMin == Double.NEGATIVE_INFINITY ? beta / 2 : (beta + betaMin) / 2;
            }
        }
        return new Fit(beta, H);
    }

    /** One point's precision and the entropy (nats) it gives. */
    private record Fit(double beta, double entropy) {
    }

    /** The neighbours the affinities are over. */
    public NearestNeighbours neighbours() {
        return neighbours;
    }

    /** {@code p(j|i)} where {@code j} is the {@code m}-th nearest neighbour of {@code i}. */
    public double conditional(int i, int m) {
        return conditional[i * neighbours.k() + m];
    }

    /** The precision {@code beta_i = 1 / (2·sigma_i²)} found for point {@code i}. */
    public double beta(int i) {
        return beta[i];
    }

    /** The perplexity {@code exp(H_i)} that point {@code i}'s distribution reached. */
    public double perplexity(int i) {
        return perplexity[i];
    }
}
