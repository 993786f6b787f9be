package dev.weft.optim;

/**
 * The one-cycle learning-rate policy (Smith and Topin, "Super-Convergence: Very Fast Training of Neural Networks
 * Using Large Learning Rates", 2018), in the form PyTorch's {@code OneCycleLR} and fastai use: the rate rises from
 * {@code peak / divFactor} to {@code peak} over the first {@code warmupShare} of the steps, then anneals to
 * {@code peak / divFactor / finalDivFactor}, both phases along a half cosine. With {@code u = round(warmupShare * T)}
 * steps up and {@code T = totalSteps}:
 * <ul>
 *   <li>{@code step < u}: {@code cos(initial, peak, step / u)};
 *   <li>{@code u <= step < T}: {@code cos(peak, final, (step - u) / (T - 1 - u))};
 *   <li>{@code step >= T}: {@code final};
 * </ul>
 * where {@code cos(a, b, t) = b + (a - b) * (1 + cos(pi * t)) / 2} goes from {@code a} at {@code t = 0} to
 * {@code b} at {@code t = 1}. The paper also cycles the momentum against the rate; this schedule is the rate only
 * (Adam's first-moment decay stays fixed).
 *
 * @param peak          the highest rate, reached at step {@code u}
 * @param totalSteps    {@code T}, the updates of the whole run
 * @param warmupShare   the share of the steps spent rising, in (0, 1); 0.3 in the paper's recipe
 * @param divFactor     the first rate is {@code peak / divFactor}; 25 in PyTorch
 * @param finalDivFactor the last rate is the first divided by this; 1e4 in PyTorch
 */
public record OneCycle(float peak, long totalSteps, double warmupShare, float divFactor, float finalDivFactor)
        implements LearningRateSchedule {

    /** Checks the settings. */
    public OneCycle {
        if (!(peak > 0) || !Float.isFinite(peak)) {
            throw new IllegalArgumentException("peak learning rate must be positive and finite, was " + peak);
        }
        if (totalSteps < 2) {
            throw new IllegalArgumentException("a one-cycle schedule needs at least 2 steps, was " + totalSteps);
        }
        if (!(warmupShare > 0 && warmupShare < 1)) {
            throw new IllegalArgumentException("warmupShare must be between 0 and 1, was " + warmupShare);
        }
        if (!(divFactor >= 1) || !(finalDivFactor >= 1) || !Float.isFinite(divFactor)
                || !Float.isFinite(finalDivFactor)) {
            throw new IllegalArgumentException("divFactor and finalDivFactor must be finite and at least 1, were "
                    + divFactor + " and " + finalDivFactor);
        }
    }

    /** The rate of the first step, {@code peak / divFactor}. */
    public float initial() {
        return peak / divFactor;
    }

    /** The rate of the last step, {@code initial() / finalDivFactor}. */
    public float last() {
        return initial() / finalDivFactor;
    }

    /** Steps spent rising: {@code round(warmupShare * totalSteps)}, at least 1 and leaving at least 1 to anneal. */
    public long warmupSteps() {
        return Math.max(1, Math.min(totalSteps - 1, Math.round(warmupShare * totalSteps)));
    }

    @Override
    public float at(long step) {
        long up = warmupSteps();
        if (step < up) {
            return halfCosine(initial(), peak, (double) step / up);
        }
        if (step >= totalSteps) {
            return last();
        }
        long down = totalSteps - 1 - up;
        return halfCosine(peak, last(), down == 0 ? 1 : (double) (step - up) / down);
    }

    /** From {@code from} at {@code t = 0} to {@code to} at {@code t = 1} along a half cosine. */
    private static float halfCosine(float from, float to, double t) {
        return (float) (to + ((double) from - to) * 0.5 * (1 + Math.cos(Math.PI * t)));
    }
}
