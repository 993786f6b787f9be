package dev.weft.analysis.calibration;

/**
 * Temperature scaling (Guo, Pleiss, Sun and Weinberger, "On Calibration of Modern Neural Networks", 2017): one
 * number {@code T > 0} divides every logit before the softmax, {@code p = softmax(z / T)}, chosen to minimise the
 * negative log-likelihood on held-out (validation) data,
 * <pre>
 * NLL(T) = (1/n) Σ_i [ log Σ_j exp(z_ij / T) - z_i,y_i / T ].
 * </pre>
 * {@code T > 1} softens an over-confident model; the predicted class never changes, so accuracy is unchanged.
 *
 * <p><b>Method.</b> NLL is convex in {@code 1/T} (a log-sum-exp of linear functions minus a linear one), hence
 * unimodal in {@code u = log T}; a golden-section search (Kiefer, 1953) over {@code u ∈ [log 0.05, log 20]} shrinks
 * the bracket by 0.618 per step to a width of 1e-6 in {@code u}, at most {@link #MAX_ITERATIONS} steps. A minimum at
 * an end of the bracket is returned as that end. Sums run in double.
 *
 * <p>Probabilities stand in for logits: {@code log p_j = z_j - log Σ exp z} differs from {@code z} by a constant
 * per sample, which the softmax ignores, so {@code softmax(log p / T) = softmax(z / T)}.
 *
 * <pre>{@code
 * TemperatureScaling scaling = TemperatureScaling.fit(validationLogits, 10, validationLabels);
 * float[] calibrated = scaling.probabilities(testLogits, 10);
 * }</pre>
 */
public final class TemperatureScaling {

    /** Smallest temperature searched. */
    public static final double MIN_TEMPERATURE = 0.05;
    /** Largest temperature searched. */
    public static final double MAX_TEMPERATURE = 20;
    /** Cap on golden-section steps (about 45 reach the tolerance). */
    public static final int MAX_ITERATIONS = 100;
    private static final double TOLERANCE = 1e-6;
    private static final double INVERSE_PHI = (Math.sqrt(5) - 1) / 2;

    private final double temperature;

    private TemperatureScaling(double temperature) {
        this.temperature = temperature;
    }

    /** A fixed temperature (e.g. one fitted earlier). */
    public static TemperatureScaling of(double temperature) {
        if (!(temperature > 0 && temperature < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("a temperature must be positive and finite, got " + temperature);
        }
        return new TemperatureScaling(temperature);
    }

    /**
     * The temperature minimising the NLL of {@code logits} ({@code [n, classes]} row-major) against {@code labels}.
     *
     * @throws IllegalArgumentException if the sizes disagree, a label is out of range or a logit is not finite
     */
    public static TemperatureScaling fit(float[] logits, int classes, int[] labels) {
        check(logits, classes, labels);
        double a = Math.log(MIN_TEMPERATURE);
        double b = Math.log(MAX_TEMPERATURE);
        double c = b - INVERSE_PHI * (b - a);
        double d = a + INVERSE_PHI * (b - a);
        double fc = nll(logits, classes, labels, Math.exp(c));
        double fd = nll(logits, classes, labels, Math.exp(d));
        for (int iteration = 0; iteration < MAX_ITERATIONS && b - a > TOLERANCE; iteration++) {
            if (fc <= fd) {
                b = d;
                d = c;
                fd = fc;
                c = b - INVERSE_PHI * (b - a);
                fc = nll(logits, classes, labels, Math.exp(c));
            } else {
                a = c;
                c = d;
                fc = fd;
                d = a + INVERSE_PHI * (b - a);
                fd = nll(logits, classes, labels, Math.exp(d));
            }
        }
        return new TemperatureScaling(Math.exp((a + b) / 2));
    }

    /** The temperature {@code T}. */
    public double temperature() {
        return temperature;
    }

    /** {@code softmax(z / T)} for each row of {@code logits [n, classes]}, computed in double, as floats. */
    public float[] probabilities(float[] logits, int classes) {
        int n = logits.length / classes;
        float[] p = new float[logits.length];
        for (int i = 0; i < n; i++) {
            double logSum = logSumExp(logits, i, classes, temperature);
            for (int j = 0; j < classes; j++) {
                p[i * classes + j] = (float) Math.exp(logits[i * classes + j] / temperature - logSum);
            }
        }
        return p;
    }

    /** The mean negative log-likelihood of {@code labels} under {@code softmax(logits / temperature)}. */
    public static double nll(float[] logits, int classes, int[] labels, double temperature) {
        int n = labels.length;
        double total = 0;
        for (int i = 0; i < n; i++) {
            total += logSumExp(logits, i, classes, temperature) - logits[i * classes + labels[i]] / temperature;
        }
        return total / n;
    }

    /**
     * {@code log Σ_j exp(z_j / T)} of row {@code row}, with the largest {@code z/T} taken out first so that exp
     * cannot overflow.
     */
    private static double logSumExp(float[] logits, int row, int classes, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < classes; j++) {
            max = Math.max(max, logits[row * classes + j] / temperature);
        }
        double sum = 0;
        for (int j = 0; j < classes; j++) {
            sum += Math.exp(logits[row * classes + j] / temperature - max);
        }
        return max + Math.log(sum);
    }

    /**
     * Log-probabilities of {@code probabilities [n, classes]}, to use as logits (see the class comment); a
     * probability that underflowed to 0 gives {@code log} of the smallest positive float instead of -∞.
     */
    public static float[] logits(float[] probabilities) {
        float[] z = new float[probabilities.length];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) Math.log(Math.max(probabilities[i], Float.MIN_VALUE));
        }
        return z;
    }

    private static void check(float[] logits, int classes, int[] labels) {
        if (classes < 1 || labels.length == 0 || logits.length != (long) labels.length * classes) {
            throw new IllegalArgumentException("temperature scaling needs [n, classes] logits for n > 0 labels: got "
                    + logits.length + " logits, " + classes + " classes, " + labels.length + " labels");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label " + labels[i] + " of sample " + i + " is outside 0.."
                        + (classes - 1));
            }
        }
        for (int i = 0; i < logits.length; i++) {
            if (!Float.isFinite(logits[i])) {
                throw new IllegalArgumentException("logit " + i + " is " + logits[i] + "; expected a finite value");
            }
        }
    }
}
