package dev.weft.optim;

import dev.weft.core.Parallel;
import dev.weft.core.simd.Kernels;
import dev.weft.layers.Parameter;

/**
 * Adam (Kingma and Ba, "Adam: A Method for Stochastic Optimization", 2015), with Keras's defaults
 * ({@code lr = 1e-3, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7}) and Keras's placement of epsilon.
 *
 * <p>For step {@code t = 1, 2, ...}, gradient {@code g}, first and second moments {@code m}, {@code v} (zero at
 * the start):
 * <pre>
 *   m = beta1 * m + (1 - beta1) * g
 *   v = beta2 * v + (1 - beta2) * g^2
 *   alpha = lr * sqrt(1 - beta2^t) / (1 - beta1^t)          (bias correction, folded into the step size)
 *   w = w - alpha * m / (sqrt(v) + epsilon)
 * </pre>
 * This is the "efficient" form of Algorithm 1 in the paper (section 2, last paragraph), as in Keras and
 * TensorFlow: it equals {@code w - lr * mHat / (sqrt(vHat) + epsilon / sqrt(1 - beta2^t))} with
 * {@code mHat = m / (1 - beta1^t)}, {@code vHat = v / (1 - beta2^t)}. PyTorch adds epsilon to {@code sqrt(vHat)}
 * instead; the two differ only when {@code sqrt(v)} is near epsilon.
 *
 * <pre>{@code
 * Optimizer adam = new Adam();                                  // Keras defaults
 * Optimizer tuned = new Adam(3e-4f).withClipNorm(1.0);
 * }</pre>
 */
public class Adam extends AbstractOptimizer {
    /** Parameters below this many elements are updated on the calling thread (waking the pool costs more). */
    private static final int PARALLEL_GRAIN = 1 << 15;

    /** Keras's default learning rate. */
    public static final float DEFAULT_LEARNING_RATE = 1e-3f;

    private final float beta1;
    private final float beta2;
    private final float epsilon;

    /** Adam with Keras's defaults: lr 1e-3, beta1 0.9, beta2 0.999, epsilon 1e-7. */
    public Adam() {
        this(DEFAULT_LEARNING_RATE);
    }

    /** Adam with a constant learning rate and the default betas and epsilon. */
    public Adam(float learningRate) {
        this(LearningRateSchedule.constant(learningRate));
    }

    /** Adam following a learning-rate schedule, with the default betas and epsilon. */
    public Adam(LearningRateSchedule schedule) {
        this(schedule, 0.9f, 0.999f, 1e-7f);
    }

    /** Adam with every setting given. */
    public Adam(LearningRateSchedule schedule, float beta1, float beta2, float epsilon) {
        super(schedule);
        requireBeta("beta1", beta1);
        requireBeta("beta2", beta2);
        if (!(epsilon > 0) || !Float.isFinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be positive and finite, was " + epsilon);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    private static void requireBeta(String name, float beta) {
        if (!(beta >= 0 && beta < 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), was " + beta);
        }
    }

    @Override
    public Adam withClipNorm(double maxNorm) {
        super.withClipNorm(maxNorm);
        return this;
    }

    /** Decay rate of the first-moment (mean) estimate. */
    public float beta1() {
        return beta1;
    }

    /** Decay rate of the second-moment (uncentred variance) estimate. */
    public float beta2() {
        return beta2;
    }

    /** The constant added to {@code sqrt(v)} to avoid division by zero. */
    public float epsilon() {
        return epsilon;
    }

    /**
     * The fraction {@code lr * lambda} by which {@code parameter} shrinks before the Adam step: 0 here, see
     * {@link AdamW}.
     */
    protected float decayRate(Parameter parameter, float rate) {
        return 0f;
    }

    @Override
    protected final void update(Parameter parameter, float[] value, int valueOffset, float[] grad, int gradOffset,
                                int n, float rate, long t) {
        float[][] moments = state(parameter, 2, n);
        float[] m = moments[0];
        float[] v = moments[1];
        float alpha = (float) (rate * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t)));
        float keep = 1f - decayRate(parameter, rate);    // AdamW: w = w - lr * lambda * w, with the weights before this step
        // m = m + (1 - beta1) (g - m);  v = v + (1 - beta2) (g² - v);  w = keep w - alpha m / (sqrt(v) + epsilon)
        // Element-wise, so splitting a large parameter over threads changes no result.
        Parallel.forRange(n, PARALLEL_GRAIN, (from, to) -> Kernels.get().adamStep(to - from, value,
                valueOffset + from, grad, gradOffset + from, m, v, from, 1f - beta1, 1f - beta2, alpha, epsilon,
                keep));
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + commonSettings() + ", beta1=" + beta1 + ", beta2=" + beta2
                + ", eps=" + epsilon + extraSettings() + ")";
    }

    /** Further settings for {@link #toString()}, each starting with ", ". */
    protected String extraSettings() {
        return "";
    }
}
