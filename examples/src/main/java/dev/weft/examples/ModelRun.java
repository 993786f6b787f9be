package dev.weft.examples;

import dev.weft.layers.Sequential;
import dev.weft.optim.History;

/**
 * One trained model and what the study measured on it. Training fills in the model and its history; the
 * evaluation adds the test-set predictions, their probabilities and the scores ({@link #evaluated}), which are
 * null until then.
 */
record ModelRun(Recipe recipe, Sequential model, History history, double trainSeconds, int trainImages,
                int[] predicted, float[] probabilities, Scores scores) {

    /** A model just trained, not yet evaluated. */
    static ModelRun trained(Recipe recipe, Sequential model, History history, double trainSeconds, int trainImages) {
        return new ModelRun(recipe, model, history, trainSeconds, trainImages, null, null, null);
    }

    /** The same run with its test-set predictions. */
    ModelRun evaluated(int[] predicted, float[] probabilities, Scores scores) {
        return new ModelRun(recipe, model, history, trainSeconds, trainImages, predicted, probabilities, scores);
    }

    String name() {
        return recipe.name();
    }

    double imagesPerSecond() {
        return (double) trainImages * history.size() / trainSeconds;
    }
}
