package dev.weft.optim;

/**
 * The learning rate as a function of the optimizer step (0 for the first update, counted over the whole run,
 * not per epoch). Optimizers evaluate it before every update.
 *
 * <pre>{@code
 * int stepsPerEpoch = Trainer.stepsPerEpoch(train.size(), 64);
 * var schedule = LearningRateSchedule.cosine(1e-3f, stepsPerEpoch, 10 * stepsPerEpoch);
 * Optimizer adam = new Adam(schedule);
 * }</pre>
 */
@FunctionalInterface
public interface LearningRateSchedule {

    /** The learning rate for the update with index {@code step} ({@code step >= 0}). */
    float at(long step);

    /** The same rate for every step. */
    static LearningRateSchedule constant(float rate) {
        return new Constant(rate);
    }

    /**
     * Step decay: {@code initial * factor^floor(step / every)}, e.g. halve every 1000 steps with
     * {@code step(0.1f, 1000, 0.5f)}.
     */
    static LearningRateSchedule step(float initial, long every, float factor) {
        return new StepDecay(initial, every, factor);
    }

    /** Cosine decay to zero with a linear warm-up; see {@link #cosine(float, long, long, float)}. */
    static LearningRateSchedule cosine(float peak, long warmupSteps, long totalSteps) {
        return new Cosine(peak, warmupSteps, totalSteps, 0f);
    }

    /**
     * Linear warm-up then cosine decay (Loshchilov and Hutter, "SGDR", 2017, without restarts; Goyal et al. 2017
     * for the warm-up). With {@code w = warmupSteps} and {@code T = totalSteps}:
     * <ul>
     *   <li>{@code step < w}: {@code peak * (step + 1) / w} (the first update already moves, the w-th uses peak);
     *   <li>{@code w <= step < T}: {@code minimum + (peak - minimum) * (1 + cos(pi * (step - w) / (T - w))) / 2};
     *   <li>{@code step >= T}: {@code minimum}.
     * </ul>
     */
    static LearningRateSchedule cosine(float peak, long warmupSteps, long totalSteps, float minimum) {
        return new Cosine(peak, warmupSteps, totalSteps, minimum);
    }

    /**
     * The one-cycle policy with the settings of Smith and Topin's recipe as PyTorch's {@code OneCycleLR} defaults
     * them: 30% of the steps rising from {@code peak / 25} to {@code peak}, the rest annealing to
     * {@code peak / 25 / 1e4}; see {@link OneCycle}.
     */
    static LearningRateSchedule oneCycle(float peak, long totalSteps) {
        return new OneCycle(peak, totalSteps, 0.3, 25f, 1e4f);
    }

    /** See {@link #constant(float)}. */
    record Constant(float rate) implements LearningRateSchedule {
        public Constant {
            requireRate("rate", rate);
        }

        @Override
        public float at(long step) {
            return rate;
        }
    }

    /** See {@link #step(float, long, float)}. */
    record StepDecay(float initial, long every, float factor) implements LearningRateSchedule {
        public StepDecay {
            requireRate("initial", initial);
            if (every < 1) {
                throw new IllegalArgumentException("every must be at least 1 step, was " + every);
            }
            if (!(factor > 0) || !Float.isFinite(factor)) {
                throw new IllegalArgumentException("factor must be positive and finite, was " + factor);
            }
        }

        @Override
        public float at(long step) {
            return (float) (initial * Math.pow(factor, Math.floorDiv(step, every)));
        }
    }

    /** See {@link #cosine(float, long, long, float)}. */
    record Cosine(float peak, long warmupSteps, long totalSteps, float minimum) implements LearningRateSchedule {
        public Cosine {
            requireRate("peak", peak);
            requireRate("minimum", minimum);
            if (warmupSteps < 0 || totalSteps <= warmupSteps) {
                throw new IllegalArgumentException("need 0 <= warmupSteps < totalSteps, was warmupSteps="
                        + warmupSteps + ", totalSteps=" + totalSteps);
            }
            if (minimum > peak) {
                throw new IllegalArgumentException("minimum " + minimum + " is above peak " + peak);
            }
        }

        @Override
        public float at(long step) {
            if (step < warmupSteps) {
                return (float) ((double) peak * (step + 1) / warmupSteps);
            }
            if (step >= totalSteps) {
                return minimum;
            }
            double progress = (double) (step - warmupSteps) / (totalSteps - warmupSteps);
            return (float) (minimum + (peak - (double) minimum) * 0.5 * (1 + Math.cos(Math.PI * progress)));
        }
    }

    private static void requireRate(String what, float rate) {
        if (!(rate >= 0) || !Float.isFinite(rate)) {
            throw new IllegalArgumentException(what + " learning rate must be finite and non-negative, was " + rate);
        }
    }
}
