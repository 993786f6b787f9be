package dev.weft.examples;

import dev.weft.data.Recipe;
import dev.weft.optim.EpochMetrics;
import java.util.Locale;
import java.util.function.DoubleSupplier;

/**
 * How the study fills its time budget: the {@code weft} model's epoch count, chosen once, after its first epoch,
 * from what this run has measured so far. With
 * <pre>
 *   B  the budget (--budget), in seconds
 *   E  the seconds elapsed since the study started, at the decision (the clock of the "Done in" line)
 *   F  the seconds of the first epoch: its training and its validation pass
 *   R  the reserve for the stages after training: LATER_STAGES_FACTOR x the images they infer / the inference
 *      rate of the first epoch's validation pass (at least the epoch's training rate)
 *   M  the margin: MARGIN_SHARE x B
 * </pre>
 * the count is {@code N = 1 + floor((B - M - E - R) / F)}, clamped to [{@value #MIN_EPOCHS}, {@value #MAX_EPOCHS}].
 * Each later epoch is planned at the first one's time, which includes compiling the code the later ones reuse.
 * Unless raised to the minimum, the plan never passes the budget: {@code E + (N - 1) F + R <= B - M}.
 *
 * <p>The bounds: at least {@value #MIN_EPOCHS}, because a shorter run of the recipe warms up over less than the
 * first epoch, which would then have trained differently from the run the count describes, and {@code --epochs}
 * would not reproduce it ({@link Recipe#MIN_EPOCHS_CHOSEN_LATER}); at most {@value #MAX_EPOCHS}, three times the
 * reference study's epochs, because the recipe was chosen at 7 to 14 epochs and a large budget should not buy an
 * untried schedule length (a longer run is {@code --epochs weft=N} away).
 */
final class EpochBudget {

    /** The fewest epochs the budget chooses. */
    static final int MIN_EPOCHS = Recipe.MIN_EPOCHS_CHOSEN_LATER;
    /** The most epochs the budget chooses. */
    static final int MAX_EPOCHS = 30;
    /**
     * The later stages' time as a multiple of their inference alone: they also draw charts and write files, which
     * the inference rate does not measure.
     */
    static final double LATER_STAGES_FACTOR = 2;
    /** Share of the budget left unplanned: epochs on a shared machine vary in length. */
    static final double MARGIN_SHARE = 0.03;

    /**
     * One decision and its inputs, in seconds.
     *
     * @param epochs            the count chosen, clamped
     * @param unclamped         {@code 1 + floor((B - M - E - R) / F)} before the clamp
     * @param budgetSeconds     B
     * @param elapsedSeconds    E
     * @param firstEpochSeconds F
     * @param reserveSeconds    R
     * @param marginSeconds     M
     */
    record Decision(int epochs, int unclamped, double budgetSeconds, double elapsedSeconds, double firstEpochSeconds,
                    double reserveSeconds, double marginSeconds) {

        /** Whether the clamp changed the count. */
        boolean clamped() {
            return epochs != unclamped;
        }

        /** The seconds the plan ends at: {@code E + (N - 1) F + R}. */
        double plannedSeconds() {
            return elapsedSeconds + (epochs - 1) * firstEpochSeconds + reserveSeconds;
        }

        /** The formula with this run's figures, and the clamp if it applied. */
        String reading() {
            String formula = String.format(Locale.ROOT, "1 + floor((%.0f s budget - %.0f s margin - %.1f s elapsed "
                            + "- %.1f s for the later stages) / %.1f s per epoch) = %d", budgetSeconds, marginSeconds,
                    elapsedSeconds, reserveSeconds, firstEpochSeconds, unclamped);
            if (epochs > unclamped) {
                return formula + ", raised to the minimum " + MIN_EPOCHS + ": the budget is too short for the "
                        + "study, which will overrun it";
            }
            if (epochs < unclamped) {
                return formula + ", lowered to the maximum " + MAX_EPOCHS;
            }
            return formula + " (within " + MIN_EPOCHS + ".." + MAX_EPOCHS + ")";
        }
    }

    private final double budgetSeconds;
    private final DoubleSupplier elapsedSeconds;
    private final long imagesInferredLater;

    /**
     * A budget of {@code budgetSeconds} for a study whose clock is {@code elapsedSeconds} and whose stages after
     * training infer {@code imagesInferredLater} images in all.
     */
    EpochBudget(double budgetSeconds, DoubleSupplier elapsedSeconds, long imagesInferredLater) {
        this.budgetSeconds = budgetSeconds;
        this.elapsedSeconds = elapsedSeconds;
        this.imagesInferredLater = imagesInferredLater;
    }

    double budgetSeconds() {
        return budgetSeconds;
    }

    /** The count, from the first epoch's figures over {@code trainImages} and {@code validationImages}. */
    Decision decide(EpochMetrics first, int trainImages, int validationImages) {
        // The trainer times the epoch and its training part; the difference is the validation pass.
        double validationSeconds = first.seconds() - trainImages / first.imagesPerSecond();
        // Inference does a third of a training step's work, so it is never slower than training: a validation pass
        // that was (a first one still compiling, or one too short for the clock) counts at the training rate.
        double inferenceRate = Math.max(first.imagesPerSecond(),
                validationSeconds > 0 ? validationImages / validationSeconds : 0);
        return choose(budgetSeconds, elapsedSeconds.getAsDouble(), first.seconds(),
                reserveSeconds(imagesInferredLater, inferenceRate));
    }

    /** R: the seconds reserved for stages that infer {@code images} at {@code imagesPerSecond}. */
    static double reserveSeconds(long images, double imagesPerSecond) {
        return LATER_STAGES_FACTOR * images / imagesPerSecond;
    }

    /** The formula and its clamp (see the class comment). */
    static Decision choose(double budgetSeconds, double elapsedSeconds, double firstEpochSeconds,
                           double reserveSeconds) {
        if (!(firstEpochSeconds > 0)) {
            throw new IllegalArgumentException("the first epoch's seconds must be positive, was " + firstEpochSeconds);
        }
        double margin = MARGIN_SHARE * budgetSeconds;
        double laterEpochs = Math.floor((budgetSeconds - margin - elapsedSeconds - reserveSeconds)
                / firstEpochSeconds);
        int unclamped = (int) Math.max(-1e9, Math.min(1e9, 1 + laterEpochs));
        int epochs = Math.max(MIN_EPOCHS, Math.min(MAX_EPOCHS, unclamped));
        return new Decision(epochs, unclamped, budgetSeconds, elapsedSeconds, firstEpochSeconds, reserveSeconds,
                margin);
    }
}
