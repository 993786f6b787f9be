package dev.weft.examples;

import static dev.weft.examples.Prose.percent2;

import dev.weft.data.ImageSet;
import dev.weft.data.Recipe;
import dev.weft.layers.Sequential;
import dev.weft.analysis.pca.Covariance;
import dev.weft.analysis.pca.Pca;
import dev.weft.core.Parallel;
import dev.weft.core.simd.Kernels;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Fashion-MNIST study: every step of the reference study (data checks, EDA, PCA on standardised pixels, the
 * reference CNN, its metrics, predictions, activations and layer importance), plus Weft's own better model, the
 * confusion matrix, the most-confused pairs and a permutation-importance map, written as one HTML report.
 *
 * <p>{@link #run()} is the pipeline: one stage per section of the report, in the report's order, each in its own
 * class. Each stage announces itself on the console and is timed ({@link Stages}); the report is built in a
 * temporary folder and moved into place at the end; a run that fails before deletes it (see {@link Report}).
 */
final class Study {

    private final StudyOptions options;
    private final PrintStream out;

    Study(StudyOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** Runs every stage and publishes the report; returns its folder. */
    Path run() {
        if (options.threads() >= 0) {
            Parallel.setThreads(options.threads() == 0 ? Parallel.allCores() : options.threads());
        }
        DataOption.checkPresent(options.data());
        try (Report report = Report.create(options.out(), "Fashion-MNIST, studied with Weft")) {
            Stages stages = new Stages(out, 9 + options.models().size());
            out.printf(Locale.ROOT, "Weft study: %s, %d thread%s, kernels %s; report into %s%n",
                    EnvironmentSection.jdk(), Parallel.threads(), Parallel.threads() == 1 ? "" : "s",
                    Kernels.get().name(), Printable.of(report.target()));
            long seed = options.seed();
            DataStage.Data data = stages.run("Loading and checking the data",
                    () -> DataStage.load(options, report, out));
            ImageSet train = data.train();
            ImageSet test = data.test();
            Covariance covariance = stages.run("Exploratory data analysis",
                    () -> new EdaStage(report, train, seed).run());
            Pca pca = stages.run("PCA on standardised pixels",
                    () -> PcaStage.run(report, out, train, covariance, seed));

            report.section("models", "Models and training");
            Map<String, Long> inferredLater = imagesInferredAfterTraining(test);
            List<ModelRun> trained = new ArrayList<>();
            for (String name : options.models()) {
                // Each model's later inference is priced at its own rate, measured for the models trained so far.
                Map<String, Double> rates = new LinkedHashMap<>();
                trained.forEach(run -> rates.put(run.name(), run.inferenceImagesPerSecond()));
                EpochBudget budget = new EpochBudget(options.budgetSeconds(), stages::elapsedSeconds, inferredLater,
                        rates);
                trained.add(train(name, budget, train, stages, report));
            }
            boolean comparable = options.limit() <= 0 && options.epochsOf("reference") == 0;
            List<ModelRun> runs = stages.run("Evaluating on the test set",
                    () -> new EvaluationStage(report, test).run(trained, comparable, out));
            stages.run("Looking inside: activations", () -> ActivationsStage.run(report, test, runs));
            stages.run("Importance of layers and regions",
                    () -> new ImportanceStage(report, test, options.limit() > 0, seed).run(runs));
            Map<String, ExplainStage.Calibrated> calibration = stages.run("Why the model decides",
                    () -> new ExplainStage(report, test, train, seed).run(runs));
            EmbeddingStage.Result embedding = stages.run("What the network learned to separate",
                    () -> EmbeddingStage.run(report, out, test, runs, pca, seed));
            stages.run("Writing the report",
                    () -> ResultFiles.writeClassificationReports(report, runs, test.size()));

            EnvironmentSection.write(report, options, stages);
            ResultFiles.writeMetrics(report, stages.elapsedSeconds(), options.budgetSeconds(), pca, runs, calibration,
                    embedding);
            Path where = report.publish();
            summary(where, stages, runs);
            return where;
        }
    }

    /**
     * Trains model {@code name}: for the epochs {@code --epochs} gives it, else the {@code weft} model for as many as
     * {@code budget} allows and the {@code reference} model for its recipe's.
     */
    private ModelRun train(String name, EpochBudget budget, ImageSet train, Stages stages, Report report) {
        long seed = options.seed();
        int given = options.epochsOf(name);
        if (given == 0 && name.equals("weft")) {
            return stages.run("Training weft (epochs chosen after the first, to fit the "
                            + Stages.duration(budget.budgetSeconds()) + " budget)",
                    // The recipe's count is a placeholder: the budget's choice replaces it after the first epoch.
                    () -> TrainingStage.trainWithinBudget(Recipe.weft(EpochBudget.MIN_EPOCHS), budget,
                            count -> options.reproducing(name, count), train, seed, report, out));
        }
        Recipe recipe = Recipe.of(name, given > 0 ? given : Recipe.REFERENCE_EPOCHS);
        String reproduce = options.reproducing(name, recipe.epochs());
        EpochChoice choice = given > 0 ? EpochChoice.given(given, reproduce)
                : EpochChoice.recipe(recipe.epochs(), reproduce);
        return stages.run("Training " + name + " (" + recipe.epochs() + " epoch" + (recipe.epochs() == 1 ? "" : "s")
                + ")", () -> TrainingStage.train(recipe, choice, train, seed, report, out));
    }

    /**
     * The images the stages after training infer with each model, by name in the order trained: the budget reserves
     * time for them. A stage added after training that infers images adds its count here.
     */
    private Map<String, Long> imagesInferredAfterTraining(ImageSet test) {
        boolean quick = options.limit() > 0;
        Map<String, Long> images = new LinkedHashMap<>();
        for (String name : options.models()) {
            Sequential model = Recipe.of(name, 1).build(options.seed());
            long inferred = test.size()                                     // evaluation
                    + 1                                                     // activations of one image
                    + ImportanceStage.imagesInferred(model, test, quick)    // ablation and permutations
                    + ExplainStage.imagesInferred(test.numClasses());       // calibration and Grad-CAM
            images.put(name, inferred);
        }
        // The embedding reads the features of one model for a sample of the test images; its t-SNE is not
        // inference, and is left to the reserve's factor and the budget's margin.
        images.merge(EmbeddingStage.embeddedModel(options.models()), Math.min(test.size(), (long) EmbeddingStage.PER_CLASS * test.numClasses()), Long::sum);
        return images;
    }

    private void summary(Path where, Stages stages, List<ModelRun> runs) {
        double seconds = stages.elapsedSeconds();
        double budget = options.budgetSeconds();
        out.printf(Locale.ROOT, "%nDone in %s, %.0f%% of the %s budget%s. Report: %s%n", Stages.duration(seconds),
                100 * seconds / budget, Stages.duration(budget),
                seconds > budget ? String.format(Locale.ROOT, " (over by %s)", Stages.duration(seconds - budget))
                        : "", where.resolve("index.html"));
        for (ModelRun run : runs) {
            Scores s = run.scores();
            out.printf(Locale.ROOT, "  %-9s test accuracy %s, precision %s, recall %s, F1 %s (reference study: "
                            + "91.03%%, 90.98%%, 91.03%%, 90.89%%)%n", run.name(), percent2(s.accuracy()),
                    percent2(s.precisionWeighted()), percent2(s.recallWeighted()), percent2(s.f1Weighted()));
        }
    }
}
