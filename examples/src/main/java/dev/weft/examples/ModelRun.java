package dev.weft.examples;

import dev.weft.data.Recipe;
import dev.weft.layers.Sequential;
import dev.weft.optim.History;

/**
 * One trained model and what the study measured on it. Training fills in the model and its history; the
 * evaluation adds the test-set predictions, their probabilities and the scores ({@link #evaluated}), which are
 * null until then. {@code epochs} says how its epoch count was set; {@code trainImages} and {@code
 * validationImages} are the sizes of the split it was trained and validated on each epoch.
 */
record ModelRun(Recipe recipe, EpochChoice epochs, Sequential model, History history, double trainSeconds,
                int trainImages, int validationImages, int[] predicted, float[] probabilities, Scores scores) {

    /** A model just trained, not yet evaluated. */
    static ModelRun trained(Recipe recipe, EpochChoice epochs, Sequential model, History history, double trainSeconds,
                            int trainImages, int validationImages) {
        return new ModelRun(recipe, epochs, model, history, trainSeconds, trainImages, validationImages, null, null,
                null);
    }

    /** The same run with its test-set predictions. */
    ModelRun evaluated(int[] predicted, float[] probabilities, Scores scores) {
        return new ModelRun(recipe, epochs, model, history, trainSeconds, trainImages, validationImages, predicted,
                probabilities, scores);
    }

    String name() {
        return recipe.name();
    }

    double imagesPerSecond() {
        return (double) trainImages * history.size() / trainSeconds;
    }

    /** The inference rate of its validation passes, in images per second ({@link EpochBudget#inferenceRate}). */
    double inferenceImagesPerSecond() {
        return EpochBudget.inferenceRate(history.epochs(), trainImages, validationImages);
    }
}
