package dev.weft.optim;

import dev.weft.core.Tensor;
import dev.weft.layers.Parameter;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every Weft optimizer shares: the learning-rate schedule, optional gradient clipping by global norm, the
 * step counter and per-parameter state. A subclass only writes the update rule for one parameter,
 * {@link #update}, on plain arrays.
 */
public abstract class AbstractOptimizer implements Optimizer {

    private final LearningRateSchedule schedule;
    private double clipNorm = Double.NaN;
    private long iterations;
    private final Map<Parameter, float[][]> state = new IdentityHashMap<>();

    /** An optimizer following {@code schedule}. */
    protected AbstractOptimizer(LearningRateSchedule schedule) {
        if (schedule == null) {
            throw new IllegalArgumentException("learning-rate schedule must not be null");
        }
        this.schedule = schedule;
    }

    /**
     * Clips the gradients to global norm {@code maxNorm} before each update (see {@link GradientClipping}).
     * Returns this optimizer.
     */
    public AbstractOptimizer withClipNorm(double maxNorm) {
        if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("maxNorm must be positive and finite, was " + maxNorm);
        }
        this.clipNorm = maxNorm;
        return this;
    }

    /** The global-norm clipping threshold, or NaN when gradients are not clipped. */
    public double clipNorm() {
        return clipNorm;
    }

    /** The learning-rate schedule. */
    public LearningRateSchedule schedule() {
        return schedule;
    }

    @Override
    public final void step(List<Parameter> parameters) {
        if (!Double.isNaN(clipNorm)) {
            GradientClipping.clipByGlobalNorm(parameters, clipNorm);
        }
        float rate = schedule.at(iterations);
        long t = iterations + 1;
        for (Parameter p : parameters) {
            Tensor value = p.value();
            Tensor grad = p.grad();
            if (grad.size() != value.size()) {
                throw new IllegalStateException("parameter " + p.name() + " has " + value.size()
                        + " values but " + grad.size() + " gradients");
            }
            update(p, value.data(), value.offset(), grad.data(), grad.offset(), value.size(), rate, t);
        }
        iterations = t;
    }

    /**
     * Updates {@code n} values of one parameter in place from their gradients.
     *
     * @param parameter the parameter (the key for {@link #state})
     * @param rate      the learning rate of this step
     * @param t         the 1-based number of this step (Adam's bias correction uses it)
     */
    protected abstract void update(Parameter parameter, float[] value, int valueOffset, float[] grad, int gradOffset,
                                   int n, float rate, long t);

    /**
     * The state buffers of {@code parameter} ({@code count} arrays of {@code n} zeros on first use). Kept by
     * identity, so re-loading weights into the same parameters keeps the state.
     */
    protected final float[][] state(Parameter parameter, int count, int n) {
        float[][] buffers = state.get(parameter);
        if (buffers == null) {
            buffers = new float[count][n];
            state.put(parameter, buffers);
        } else if (buffers[0].length != n) {
            throw new IllegalStateException("parameter " + parameter.name() + " changed size from "
                    + buffers[0].length + " to " + n + " between steps");
        }
        return buffers;
    }

    @Override
    public final long iterations() {
        return iterations;
    }

    @Override
    public final float learningRate() {
        return schedule.at(iterations);
    }

    /** The schedule and clipping for {@link #toString()}. */
    protected final String commonSettings() {
        String lr = schedule instanceof LearningRateSchedule.Constant c ? "lr=" + c.rate() : "lr=" + schedule;
        return Double.isNaN(clipNorm) ? lr : lr + ", clipNorm=" + clipNorm;
    }
}
