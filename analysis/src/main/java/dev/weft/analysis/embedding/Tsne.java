package dev.weft.analysis.embedding;

import dev.weft.core.Tensor;

import java.util.Arrays;
import java.util.Random;

/**
 * t-distributed stochastic neighbour embedding into 2-D, with the Barnes-Hut approximation (van der Maaten and
 * Hinton 2008, "Visualizing Data using t-SNE"; van der Maaten 2014, "Accelerating t-SNE using tree-based
 * algorithms"), optimised as the paper's reference implementation ({@code bhtsne}) does.
 *
 * <pre>{@code
 * double[] y = new Tsne(30).withSeed(42).embed(features, 1500, 256);   // [1500, 2], row-major
 * double accuracy = KnnAccuracy.of(y, 2, labels, 5);
 * }</pre>
 *
 * <h2>The method</h2>
 * <ol>
 *   <li>Input affinities {@code P}: exact nearest neighbours ({@code ⌊3·perplexity⌋} per point), a Gaussian per
 *       point calibrated to the perplexity, symmetrised and normalised ({@link Affinities}).</li>
 *   <li>Start: {@code y} drawn from a Gaussian of standard deviation {@value #INITIAL_SD} ({@link Random} with the
 *       seed; not PCA), as {@code bhtsne} does.</li>
 *   <li>Gradient descent on {@code KL(P ‖ Q)} ({@link TsneGradient#barnesHut}, criterion {@code theta}, default
 *       {@value #DEFAULT_THETA}): {@code P} is multiplied by {@value #EXAGGERATION} for the first
 *       {@value #EXAGGERATION_ITERATIONS} iterations (early exaggeration), the momentum is
 *       {@value #INITIAL_MOMENTUM} then {@value #FINAL_MOMENTUM} from that iteration on, and each coordinate has an
 *       adaptive gain (Jacobs 1988: {@code +0.2} when the gradient's sign differs from the last step's, {@code ×0.8}
 *       when it does not, at least {@value #MIN_GAIN}). The update is
 *       {@code step = momentum·step - learningRate·gain·(∂C/∂y) / 4}; {@code y += step}; then {@code y} is centred.
 *       The {@code / 4} is {@code bhtsne}'s convention (its gradient omits the constant 4), so that the learning
 *       rates quoted for it apply unchanged: by default {@code max(200, points / 12)} (Belkina et al. 2019).</li>
 * </ol>
 *
 * <h2>Determinism</h2>
 * The same input, settings and seed give the same embedding bit for bit, whatever the number of threads: each
 * parallel loop runs over points and every sum runs in a fixed order ({@link TsneGradient}).
 */
public final class Tsne {

    /** The default Barnes-Hut criterion, the paper's. */
    public static final double DEFAULT_THETA = 0.5;
    /** The default number of gradient-descent iterations. */
    public static final int DEFAULT_ITERATIONS = 1000;
    /** The factor on {@code P} during early exaggeration. */
    public static final double EXAGGERATION = 12;
    /** Iterations with exaggerated {@code P} and the initial momentum. */
    public static final int EXAGGERATION_ITERATIONS = 250;
    static final double INITIAL_MOMENTUM = 0.5;
    static final double FINAL_MOMENTUM = 0.8;
    static final double MIN_GAIN = 0.01;
    static final double INITIAL_SD = 1e-4;

    private final double perplexity;
    private final double theta;
    private final int iterations;
    /** NaN for the default, {@code max(200, points / 12)}. */
    private final double learningRate;
    private final long seed;

    /**
     * t-SNE at the given perplexity (the effective number of neighbours; 5 to 50 is usual, 30 a common choice) with
     * the defaults: theta {@value #DEFAULT_THETA}, {@value #DEFAULT_ITERATIONS} iterations, learning rate
     * {@code max(200, points / 12)}, seed 42.
     *
     * @throws IllegalArgumentException if the perplexity is below 1 or not finite
     */
    public Tsne(double perplexity) {
        this(perplexity, DEFAULT_THETA, DEFAULT_ITERATIONS, Double.NaN, 42);
    }

    private Tsne(double perplexity, double theta, int iterations, double learningRate, long seed) {
        if (!(perplexity >= 1) || Double.isInfinite(perplexity)) {
            throw new IllegalArgumentException("perplexity must be a number of at least 1, was " + perplexity);
        }
        this.perplexity = perplexity;
        this.theta = theta;
        this.iterations = iterations;
        this.learningRate = learningRate;
        this.seed = seed;
    }

    /** The same t-SNE with Barnes-Hut criterion {@code theta} (0 sums every pair exactly, {@code O(points²)}). */
    public Tsne withTheta(double theta) {
        if (!(theta >= 0) || Double.isInfinite(theta)) {
            throw new IllegalArgumentException("theta must be a finite number of at least 0, was " + theta);
        }
        return new Tsne(perplexity, theta, iterations, learningRate, seed);
    }

    /** The same t-SNE with {@code iterations} gradient-descent steps in all (early exaggeration included). */
    public Tsne withIterations(int iterations) {
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be at least 1, was " + iterations);
        }
        return new Tsne(perplexity, theta, iterations, learningRate, seed);
    }

    /** The same t-SNE with a fixed learning rate (in {@code bhtsne}'s convention, see the class comment). */
    public Tsne withLearningRate(double learningRate) {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be a finite number above 0, was " + learningRate);
        }
        return new Tsne(perplexity, theta, iterations, learningRate, seed);
    }

    /** The same t-SNE with the seed of the initial positions. */
    public Tsne withSeed(long seed) {
        return new Tsne(perplexity, theta, iterations, learningRate, seed);
    }

    /** The perplexity. */
    public double perplexity() {
        return perplexity;
    }

    /** The learning rate used for {@code points} points. */
    public double learningRate(int points) {
        return Double.isNaN(learningRate) ? Math.max(200, points / EXAGGERATION) : learningRate;
    }

    /**
     * Embeds the rows of the row-major {@code points x features} matrix {@code data}; returns {@code [points, 2]}
     * row-major.
     *
     * @throws IllegalArgumentException naming the value if the perplexity is too large for the number of points or
     *                                  the data holds a NaN or an infinity (see {@link Affinities#of})
     */
    public double[] embed(float[] data, int points, int features) {
        return embed(Affinities.of(data, points, features, perplexity));
    }

    /** Embeds the rows of {@code x}: {@code [points, features]}, or any rank with the points on the first axis. */
    public double[] embed(Tensor x) {
        if (x.rank() < 2) {
            throw new IllegalArgumentException("t-SNE needs [points, features], got shape "
                    + Arrays.toString(x.shape()));
        }
        int points = x.dim(0);
        return embed(x.toArray(), points, x.size() / points);
    }

    /** Embeds the points whose affinities are {@code P}; returns {@code [points, 2]} row-major. */
    public double[] embed(Affinities P) {
        int points = P.points();
        double eta = learningRate(points);
        double[] y = new double[2 * points];
        Random random = new Random(seed);
        for (int i = 0; i < y.length; i++) {
            y[i] = INITIAL_SD * random.nextGaussian();
        }
        double[] gradient = new double[2 * points];
        double[] step = new double[2 * points];
        double[] gains = new double[2 * points];
        Arrays.fill(gains, 1);
        for (int iteration = 0; iteration < iterations; iteration++) {
            boolean early = iteration < EXAGGERATION_ITERATIONS;
            TsneGradient.barnesHut(P, y, early ? EXAGGERATION : 1, theta, gradient);
            double momentum = early ? INITIAL_MOMENTUM : FINAL_MOMENTUM;
            // O(points) and cheaper than handing it to threads; the gradient is the parallel part.
            for (int d = 0; d < y.length; d++) {
                // Opposite signs: the step still goes downhill, so it may grow; the same sign: it overshot.
                gains[d] = Math.signum(gradient[d]) != Math.signum(step[d])
                        ? gains[d] + 0.2 : Math.max(MIN_GAIN, gains[d] * 0.8);
                step[d] = momentum * step[d] - eta * gains[d] * gradient[d] / 4;
                y[d] += step[d];
            }
            centre(y, points);
        }
        return y;
    }

    /** Subtracts the mean point, summed in index order (t-SNE's cost does not change under translation). */
    private static void centre(double[] y, int points) {
        double mx = 0;
        double my = 0;
        for (int i = 0; i < points; i++) {
            mx += y[2 * i];
            my += y[2 * i + 1];
        }
        mx /= points;
        my /= points;
        for (int i = 0; i < points; i++) {
            y[2 * i] -= mx;
            y[2 * i + 1] -= my;
        }
    }
}
