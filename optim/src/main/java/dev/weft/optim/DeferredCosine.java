package dev.weft.optim;

/**
 * The warm-up + cosine schedule of {@link LearningRateSchedule#cosine(float, long, long, float)} whose total
 * length is fixed once, after training has begun: for a run whose number of epochs is chosen from how fast the
 * first ones went.
 *
 * <p>Every step up to the end of the warm-up is known without the total: the warm-up {@code peak * (step + 1) / w}
 * does not depend on it, and the cosine starts at {@code peak} whatever its length ({@code progress = 0} at step
 * {@code w}). So training may run through the warm-up, then {@link #fixTotalSteps} lays out the decay, and from then
 * on every rate is, to the bit, that of {@code LearningRateSchedule.cosine(peak, warmupSteps, totalSteps, minimum)}:
 * a run that fixed its length late trains exactly as a run that knew it from the start. A step after the warm-up
 * asked for before the total is fixed is an error, never a guess.
 *
 * <pre>{@code
 * DeferredCosine schedule = new DeferredCosine(2e-3f, stepsPerEpoch, 1e-5f);
 * Trainer trainer = new Trainer(model, new AdamW(schedule, 5e-4f));
 * History first = trainer.fit(train, 1, 64);              // the warm-up: one epoch
 * int epochs = chooseFrom(first.last().seconds());
 * schedule.fixTotalSteps((long) epochs * stepsPerEpoch);
 * trainer.fit(train, epochs - 1, 64);                      // the same optimizer: its moments continue
 * }</pre>
 */
public final class DeferredCosine implements LearningRateSchedule {

    private final float peak;
    private final long warmupSteps;
    private final float minimum;
    /** Cosine over the warm-up and its first decay step, whose rates are those of any length. */
    private final LearningRateSchedule.Cosine warmup;
    private LearningRateSchedule.Cosine fixed;

    /** Warm-up over {@code warmupSteps} to {@code peak}; the decay to {@code minimum} is laid out later. */
    public DeferredCosine(float peak, long warmupSteps, float minimum) {
        this.peak = peak;
        this.warmupSteps = warmupSteps;
        this.minimum = minimum;
        this.warmup = new LearningRateSchedule.Cosine(peak, warmupSteps, warmupSteps + 1, minimum);
    }

    /**
     * Lays out the cosine decay to end at step {@code totalSteps}; allowed once.
     *
     * @throws IllegalArgumentException if {@code totalSteps <= warmupSteps}
     * @throws IllegalStateException if the total was fixed before
     */
    public void fixTotalSteps(long totalSteps) {
        if (fixed != null) {
            throw new IllegalStateException("the total was already fixed at " + fixed.totalSteps() + " steps");
        }
        fixed = new LearningRateSchedule.Cosine(peak, warmupSteps, totalSteps, minimum);
    }

    /** Whether {@link #fixTotalSteps} has been called. */
    public boolean isFixed() {
        return fixed != null;
    }

    /** The steps of the linear warm-up. */
    public long warmupSteps() {
        return warmupSteps;
    }

    /**
     * The rate of update {@code step}.
     *
     * @throws IllegalStateException for a step after the warm-up's end while the total is not fixed
     */
    @Override
    public float at(long step) {
        if (fixed != null) {
            return fixed.at(step);
        }
        if (step > warmupSteps) {
            throw new IllegalStateException("the rate of step " + step + " depends on the schedule's length, which"
                    + " is not fixed yet (fixTotalSteps): only the " + warmupSteps + " warm-up steps and the"
                    + " first step after them are known");
        }
        return warmup.at(step);
    }

    @Override
    public String toString() {
        return fixed != null ? fixed.toString()
                : "DeferredCosine[peak=" + peak + ", warmupSteps=" + warmupSteps + ", minimum=" + minimum
                        + ", totalSteps=not fixed]";
    }
}
