package dev.weft.optim;

import dev.weft.core.simd.Kernels;
import dev.weft.layers.Parameter;

/**
 * Stochastic gradient descent, optionally with momentum (Polyak's heavy ball) or Nesterov momentum, in the form
 * Keras uses, with velocity {@code v} (zero at the start), rate {@code lr}, momentum {@code mu} and gradient
 * {@code g}:
 * <pre>
 *   plain:     w = w - lr * g
 *   momentum:  v = mu * v - lr * g;   w = w + v
 *   Nesterov:  v = mu * v - lr * g;   w = w + mu * v - lr * g
 * </pre>
 * (Sutskever, Martens, Dahl and Hinton, "On the importance of initialization and momentum in deep learning",
 * 2013.) Keeping {@code lr} inside {@code v} means a changing learning rate only affects new gradients.
 *
 * <pre>{@code
 * Optimizer sgd = new Sgd(0.01f).withMomentum(0.9f, true);
 * }</pre>
 */
public final class Sgd extends AbstractOptimizer {

    private float momentum;
    private boolean nesterov;

    /** Plain SGD with a constant learning rate. */
    public Sgd(float learningRate) {
        this(LearningRateSchedule.constant(learningRate));
    }

    /** Plain SGD following a learning-rate schedule. */
    public Sgd(LearningRateSchedule schedule) {
        super(schedule);
    }

    /**
     * Uses momentum {@code mu} in {@code [0, 1)}, classic or Nesterov. Set it before the first step. Returns this
     * optimizer.
     */
    public Sgd withMomentum(float mu, boolean nesterov) {
        if (!(mu >= 0 && mu < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), was " + mu);
        }
        if (iterations() > 0) {
            throw new IllegalStateException("set momentum before the first step");
        }
        this.momentum = mu;
        this.nesterov = nesterov;
        return this;
    }

    @Override
    public Sgd withClipNorm(double maxNorm) {
        super.withClipNorm(maxNorm);
        return this;
    }

    /** The momentum coefficient (0 for plain SGD). */
    public float momentum() {
        return momentum;
    }

    /** Whether Nesterov momentum is used. */
    public boolean nesterov() {
        return nesterov;
    }

    @Override
    protected void update(Parameter parameter, float[] value, int valueOffset, float[] grad, int gradOffset,
                          int n, float rate, long t) {
        Kernels kernels = Kernels.get();
        if (momentum == 0f) {
            kernels.axpy(n, -rate, grad, gradOffset, value, valueOffset);
            return;
        }
        float[] velocity = state(parameter, 1, n)[0];
        // v = mu * v - lr * g
        kernels.scale(n, momentum, velocity, 0);
        kernels.axpy(n, -rate, grad, gradOffset, velocity, 0);
        if (nesterov) {
            // w = w + mu * v - lr * g: look ahead along the new velocity.
            kernels.axpy(n, momentum, velocity, 0, value, valueOffset);
            kernels.axpy(n, -rate, grad, gradOffset, value, valueOffset);
        } else {
            kernels.axpy(n, 1f, velocity, 0, value, valueOffset);
        }
    }

    @Override
    public String toString() {
        String m = momentum == 0f ? "" : ", momentum=" + momentum + (nesterov ? ", nesterov" : "");
        return "Sgd(" + commonSettings() + m + ")";
    }
}
