package dev.weft.examples;

import static dev.weft.examples.Prose.percent;

import dev.weft.analysis.charts.LineCharts;
import dev.weft.data.ImageSet;
import dev.weft.layers.Sequential;
import dev.weft.optim.History;
import dev.weft.optim.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * Trains one model by its {@link Recipe} on a stratified split of the training images, saves it into the report
 * folder, and writes its part of the "Models and training" section: the summary and the learning curves.
 */
final class TrainingStage {

    /** Share of the training images held out (stratified) to validate each epoch. */
    static final double VALIDATION_SHARE = 0.1;

    private TrainingStage() {
    }

    static ModelRun train(Recipe recipe, ImageSet train, long seed, Report report, PrintStream out) {
        ImageSet.Split split = train.stratifiedSplit(VALIDATION_SHARE, seed);
        Sequential model = recipe.build(seed);
        Trainer trainer = new Trainer(model, recipe.optimizer(split.train().size()))
                .withSeed(seed)
                .withValidation(split.validation())
                .withBatchTransform(recipe.augmentation());
        if (out != System.out) {
            trainer.withOutput(out);
        }
        long t0 = System.nanoTime();
        History history = trainer.fit(split.train(), recipe.epochs(), recipe.batch());
        double seconds = (System.nanoTime() - t0) / 1e9;
        try {
            model.save(report.file(recipe.name() + ".weft"));
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the " + recipe.name() + " model", e);
        }

        report.subheading("The " + recipe.name() + " model");
        report.paragraph(recipe.description());
        report.pre(model.summary());
        double[] validation = history.validationAccuracy();
        int best = Extremes.argmax(validation);
        double[] trainAccuracy = history.trainAccuracy();
        report.figure(LineCharts.history(trainAccuracy, validation, history.trainLoss(), history.validationLoss()),
                recipe.name() + "_training.png", 1100, 450,
                "Training and validation accuracy and loss of " + recipe.name(),
                String.format(Locale.ROOT, "Validation accuracy peaked at %s in epoch %d of %d; after the last "
                                + "epoch training accuracy was %s and validation %s (%s). %d images/s, %s in all.",
                        percent(validation[best]), best + 1, validation.length,
                        percent(trainAccuracy[trainAccuracy.length - 1]), percent(validation[validation.length - 1]),
                        gap(trainAccuracy[trainAccuracy.length - 1], validation[validation.length - 1]),
                        Math.round((double) split.train().size() * history.size() / seconds),
                        Stages.duration(seconds)));
        report.html("<ul>");
        report.link(recipe.name() + ".weft", "the trained " + recipe.name() + " model (./weft predict --model "
                + recipe.name() + ".weft image.png)");
        report.html("</ul>");
        return ModelRun.trained(recipe, model, history, seconds, split.train().size());
    }

    /** Reads the last epoch's gap between training and validation accuracy. */
    private static String gap(double train, double validation) {
        double points = 100 * (train - validation);
        return Math.abs(points) < 1 ? "no sign of over-fitting"
                : points > 0 ? String.format(Locale.ROOT, "a gap of %.1f points", points)
                : String.format(Locale.ROOT, "validation %.1f points above training, as dropout and augmentation "
                        + "handicap the training figures, which are also averaged over the epoch", -points);
    }
}
