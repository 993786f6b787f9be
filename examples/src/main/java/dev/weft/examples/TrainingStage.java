package dev.weft.examples;

import static dev.weft.examples.Prose.percent;

import dev.weft.analysis.charts.LineCharts;
import dev.weft.data.ImageSet;
import dev.weft.data.Recipe;
import dev.weft.layers.Sequential;
import dev.weft.optim.DeferredCosine;
import dev.weft.optim.EpochMetrics;
import dev.weft.optim.History;
import dev.weft.optim.Optimizer;
import dev.weft.optim.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Trains one model by its {@link Recipe} on a stratified split of the training images, saves it into the report
 * folder, and writes its part of the "Models and training" section: the summary, how its epoch count was set, and
 * the learning curves. The count is either fixed ({@link #train}) or chosen by the study's time budget after the
 * first epoch ({@link #trainWithinBudget}): the schedule is then laid out for that count and training continues
 * with the same optimizer, so the run is, to the bit, the run of that count given with {@code --epochs}.
 */
final class TrainingStage {

    private TrainingStage() {
    }

    /** A trained model, its history, the wall time of its training and the budget's decision (null if none). */
    record Fitted(Sequential model, History history, double seconds, EpochBudget.Decision decision) {
    }

    /** Trains {@code recipe} for its epoch count, set as {@code choice} says. */
    static ModelRun train(Recipe recipe, EpochChoice choice, ImageSet train, long seed, Report report,
                          PrintStream out) {
        ImageSet.Split split = recipe.split(train, seed);
        return write(recipe, split, fit(recipe, split, seed, out), choice, report);
    }

    /**
     * Trains the {@code weft} recipe for as many epochs as {@code budget} allows, chosen after the first; {@code
     * reproduce} gives the command that repeats the run for a count.
     */
    static ModelRun trainWithinBudget(Recipe recipe, EpochBudget budget, IntFunction<String> reproduce,
                                      ImageSet train, long seed, Report report, PrintStream out) {
        ImageSet.Split split = recipe.split(train, seed);
        int trainImages = split.train().size();
        int validationImages = split.validation().size();
        out.printf(Locale.ROOT, "Epoch 1 of %d to %d: the count is chosen after it, to fit the %s budget%n",
                EpochBudget.MIN_EPOCHS, EpochBudget.MAX_EPOCHS, Stages.duration(budget.budgetSeconds()));
        Fitted fitted = fitChoosingEpochs(recipe, split, seed, out,
                first -> {
                    EpochBudget.Decision decision = budget.decide(first, trainImages, validationImages);
                    out.println(recipe.name() + ": " + EpochChoice.budget(decision,
                            reproduce.apply(decision.epochs())).sentence());
                    return decision;
                });
        int count = fitted.decision().epochs();
        return write(recipe.withEpochs(count), split, fitted,
                EpochChoice.budget(fitted.decision(), reproduce.apply(count)), report);
    }

    /** Trains {@code recipe} for {@link Recipe#epochs()} epochs. */
    static Fitted fit(Recipe recipe, ImageSet.Split split, long seed, PrintStream out) {
        Sequential model = recipe.build(seed);
        Trainer trainer = trainer(recipe, model, recipe.optimizer(split.train().size()), split, seed, out);
        long t0 = System.nanoTime();
        History history = trainer.fit(split.train(), recipe.epochs(), recipe.batch());
        return new Fitted(model, history, (System.nanoTime() - t0) / 1e9, null);
    }

    /**
     * Trains the {@code weft} recipe one epoch, asks {@code choose} for the count in all, lays out the schedule for
     * it and trains the rest with the same trainer and optimizer (their step and epoch counts continue).
     */
    static Fitted fitChoosingEpochs(Recipe recipe, ImageSet.Split split, long seed, PrintStream out,
                                    Function<EpochMetrics, EpochBudget.Decision> choose) {
        Sequential model = recipe.build(seed);
        int trainImages = split.train().size();
        DeferredCosine schedule = recipe.scheduleChosenLater(trainImages);
        Trainer trainer = trainer(recipe, model, recipe.optimizer(schedule), split, seed, out);
        long t0 = System.nanoTime();
        History first = trainer.fit(split.train(), 1, recipe.batch());
        EpochBudget.Decision decision = choose.apply(first.last());
        recipe.fixEpochs(schedule, trainImages, decision.epochs());
        History rest = trainer.fit(split.train(), decision.epochs() - 1, recipe.batch());
        History history = new History();
        first.epochs().forEach(history::add);
        rest.epochs().forEach(history::add);
        return new Fitted(model, history, (System.nanoTime() - t0) / 1e9, decision);
    }

    private static Trainer trainer(Recipe recipe, Sequential model, Optimizer optimizer, ImageSet.Split split,
                                   long seed, PrintStream out) {
        Trainer trainer = recipe.trainer(model, optimizer, split.validation(), seed);
        if (out != System.out) {
            trainer.withOutput(out);
        }
        return trainer;
    }

    private static ModelRun write(Recipe recipe, ImageSet.Split split, Fitted fitted, EpochChoice choice,
                                  Report report) {
        Sequential model = fitted.model();
        History history = fitted.history();
        double seconds = fitted.seconds();
        try {
            model.save(report.file(recipe.name() + ".weft"));
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the " + recipe.name() + " model", e);
        }

        report.subheading("The " + recipe.name() + " model");
        report.paragraph(recipe.description());
        report.pre(model.summary());
        report.paragraph("Epochs: " + choice.sentence());
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
        return ModelRun.trained(recipe, choice, model, history, seconds, split.train().size(),
                split.validation().size());
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
