package dev.weft.optim;

import dev.weft.layers.Parameter;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter, "Decoupled Weight Decay Regularization", 2019).
 * Instead of adding {@code lambda * w} to the gradient (which Adam's per-coordinate scaling would distort),
 * the weights shrink directly, then the usual {@link Adam} step follows:
 * <pre>
 *   w = w - lr * lambda * w                       (with w before this step)
 *   w = w - alpha * m / (sqrt(v) + epsilon)       (Adam, see there)
 * </pre>
 * As in Keras and PyTorch the decay is multiplied by the scheduled learning rate. It applies only to parameters
 * whose {@link Parameter#decays()} is true: weights decay, biases and BatchNorm's scale and shift do not.
 *
 * <pre>{@code
 * Optimizer adamW = new AdamW(1e-3f, 1e-4f);
 * }</pre>
 */
public final class AdamW extends Adam {

    private final float weightDecay;

    /** AdamW with a constant learning rate, weight decay {@code lambda} and Adam's default betas and epsilon. */
    public AdamW(float learningRate, float weightDecay) {
        this(LearningRateSchedule.constant(learningRate), weightDecay);
    }

    /** AdamW following a learning-rate schedule. */
    public AdamW(LearningRateSchedule schedule, float weightDecay) {
        this(schedule, weightDecay, 0.9f, 0.999f, 1e-7f);
    }

    /** AdamW with every setting given. */
    public AdamW(LearningRateSchedule schedule, float weightDecay, float beta1, float beta2, float epsilon) {
        super(schedule, beta1, beta2, epsilon);
        if (!(weightDecay >= 0) || !Float.isFinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be finite and non-negative, was " + weightDecay);
        }
        this.weightDecay = weightDecay;
    }

    @Override
    public AdamW withClipNorm(double maxNorm) {
        super.withClipNorm(maxNorm);
        return this;
    }

    /** The decoupled weight-decay coefficient {@code lambda}. */
    public float weightDecay() {
        return weightDecay;
    }

    @Override
    protected float decayRate(Parameter parameter, float rate) {
        return parameter.decays() ? rate * weightDecay : 0f;
    }

    @Override
    protected String extraSettings() {
        return ", weightDecay=" + weightDecay;
    }
}
