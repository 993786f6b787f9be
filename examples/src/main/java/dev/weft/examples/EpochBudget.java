package dev.weft.examples;

import static dev.weft.examples.Prose.fmt;

import dev.weft.data.Recipe;
import dev.weft.optim.EpochMetrics;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * How the study fills its time budget: the {@code weft} model's epoch count, chosen once, after its first epoch,
 * from what this run has measured so far. With
 * <pre>
 *   B  the budget (--budget), in seconds
 *   E  the seconds elapsed since the study started, at the decision (the clock of the "Done in" line)
 *   F  the seconds of the first epoch: its training and its validation pass
 *   R  the reserve for the stages after training: LATER_STAGES_FACTOR x the sum over the models of the images
 *      each infers / that model's inference rate ({@link #inferenceRate}): a model trained before the decision at
 *      the rate of its validation passes, the model being decided at that of its first epoch's
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
     * One model's part of the reserve: {@code LATER_STAGES_FACTOR x images / imagesPerSecond}.
     *
     * @param model           the model's name
     * @param images          the images the stages after training infer with it
     * @param imagesPerSecond the rate they are priced at
     */
    record LaterInference(String model, long images, double imagesPerSecond) {

        double reserveSeconds() {
            return LATER_STAGES_FACTOR * images / imagesPerSecond;
        }
    }

    /**
     * One decision and its inputs, in seconds.
     *
     * @param epochs            the count chosen, clamped
     * @param unclamped         {@code 1 + floor((B - M - E - R) / F)} before the clamp
     * @param budgetSeconds     B
     * @param elapsedSeconds    E
     * @param firstEpochSeconds F
     * @param reserve           R, model by model
     * @param marginSeconds     M
     */
    record Decision(int epochs, int unclamped, double budgetSeconds, double elapsedSeconds, double firstEpochSeconds,
                    List<LaterInference> reserve, double marginSeconds) {

        Decision {
            reserve = List.copyOf(reserve);
        }

        /** R: the sum of the models' parts. */
        double reserveSeconds() {
            return totalSeconds(reserve);
        }

        /** Whether the clamp changed the count. */
        boolean clamped() {
            return epochs != unclamped;
        }

        /** The seconds the plan ends at: {@code E + (N - 1) F + R}. */
        double plannedSeconds() {
            return elapsedSeconds + (epochs - 1) * firstEpochSeconds + reserveSeconds();
        }

        /** The formula with this run's figures, the clamp if it applied, and how R was priced. */
        String reading() {
            String formula = String.format(Locale.ROOT, "1 + floor((%.0f s budget - %.0f s margin - %.1f s elapsed "
                            + "- %.1f s for the later stages) / %.1f s per epoch) = %d", budgetSeconds, marginSeconds,
                    elapsedSeconds, reserveSeconds(), firstEpochSeconds, unclamped);
            String clamp;
            if (epochs > unclamped) {
                clamp = ", raised to the minimum " + MIN_EPOCHS + ": the budget is too short for the study, which "
                        + "will overrun it";
            } else if (epochs < unclamped) {
                clamp = ", lowered to the maximum " + MAX_EPOCHS;
            } else {
                clamp = " (within " + MIN_EPOCHS + ".." + MAX_EPOCHS + ")";
            }
            return formula + clamp + "; the later stages' time is " + reserveReading();
        }

        /** How R was priced, e.g. "2 x the time to infer 53,061 images with reference at 9,800 images/s and ...". */
        private String reserveReading() {
            List<String> parts = new ArrayList<>();
            for (LaterInference part : reserve) {
                parts.add(String.format(Locale.ROOT, "%s images with %s at %s images/s", fmt(part.images()),
                        part.model(), fmt(Math.round(part.imagesPerSecond()))));
            }
            return String.format(Locale.ROOT, "%.0f x the time to infer ", LATER_STAGES_FACTOR)
                    + (parts.isEmpty() ? "nothing" : String.join(" and ", parts));
        }
    }

    private final double budgetSeconds;
    private final DoubleSupplier elapsedSeconds;
    private final Map<String, Long> imagesInferredLater;
    private final Map<String, Double> inferenceRates;

    /**
     * A budget of {@code budgetSeconds} for a study whose clock is {@code elapsedSeconds} and whose stages after
     * training infer {@code imagesInferredLater} images with each model (by name, in the order trained). {@code
     * inferenceRates} holds the measured rate ({@link #inferenceRate}) of each model trained before the decision;
     * any other model, the one being decided among them, is priced at the rate of the deciding model's first epoch.
     */
    EpochBudget(double budgetSeconds, DoubleSupplier elapsedSeconds, Map<String, Long> imagesInferredLater,
                Map<String, Double> inferenceRates) {
        this.budgetSeconds = budgetSeconds;
        this.elapsedSeconds = elapsedSeconds;
        this.imagesInferredLater = Collections.unmodifiableMap(new LinkedHashMap<>(imagesInferredLater));
        this.inferenceRates = Map.copyOf(inferenceRates);
    }

    double budgetSeconds() {
        return budgetSeconds;
    }

    /** The count, from the first epoch's figures over {@code trainImages} and {@code validationImages}. */
    Decision decide(EpochMetrics first, int trainImages, int validationImages) {
        double firstRate = inferenceRate(List.of(first), trainImages, validationImages);
        List<LaterInference> reserve = new ArrayList<>();
        imagesInferredLater.forEach((model, images) ->
                reserve.add(new LaterInference(model, images, inferenceRates.getOrDefault(model, firstRate))));
        return choose(budgetSeconds, elapsedSeconds.getAsDouble(), first.seconds(), reserve);
    }

    /**
     * The inference rate, in images per second, of the validation passes of {@code epochs}, each over {@code
     * validationImages} after training on {@code trainImages}: the timed passes' images over their seconds, and at
     * least the training rate.
     */
    static double inferenceRate(List<EpochMetrics> epochs, int trainImages, int validationImages) {
        if (epochs.isEmpty()) {
            throw new IllegalArgumentException("no epoch to measure the inference rate on");
        }
        double trainSeconds = 0;
        double validationSeconds = 0;
        long validated = 0;
        for (EpochMetrics epoch : epochs) {
            // The trainer times the epoch and its training part; the difference is the validation pass.
            double training = trainImages / epoch.imagesPerSecond();
            trainSeconds += training;
            if (epoch.seconds() > training) {
                validationSeconds += epoch.seconds() - training;
                validated += validationImages;
            }
        }
        double trainRate = (double) trainImages * epochs.size() / trainSeconds;
        // Inference does a third of a training step's work, so it is never slower than training: passes slower
        // than that (a first one still compiling) or too short for the clock count at the training rate.
        return Math.max(trainRate, validated > 0 ? validated / validationSeconds : 0);
    }

    /** The formula and its clamp (see the class comment), with R the sum of {@code reserve}. */
    static Decision choose(double budgetSeconds, double elapsedSeconds, double firstEpochSeconds,
                           List<LaterInference> reserve) {
        if (!(firstEpochSeconds > 0)) {
            throw new IllegalArgumentException("the first epoch's seconds must be positive, was " + firstEpochSeconds);
        }
        double margin = MARGIN_SHARE * budgetSeconds;
        double laterEpochs = Math.floor((budgetSeconds - margin - elapsedSeconds - totalSeconds(reserve))
                / firstEpochSeconds);
        int unclamped = (int) Math.max(-1e9, Math.min(1e9, 1 + laterEpochs));
        int epochs = Math.max(MIN_EPOCHS, Math.min(MAX_EPOCHS, unclamped));
        return new Decision(epochs, unclamped, budgetSeconds, elapsedSeconds, firstEpochSeconds, reserve, margin);
    }

    private static double totalSeconds(List<LaterInference> reserve) {
        return reserve.stream().mapToDouble(LaterInference::reserveSeconds).sum();
    }
}
