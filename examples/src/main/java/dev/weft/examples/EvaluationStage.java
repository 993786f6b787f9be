package dev.weft.examples;

import static dev.weft.examples.Prose.fmt;
import static dev.weft.examples.Prose.percent;
import static dev.weft.examples.Prose.percent2;

import dev.weft.analysis.charts.HeatMap;
import dev.weft.analysis.charts.ImageGrid;
import dev.weft.data.FashionMnist;
import dev.weft.data.ImageSet;
import dev.weft.core.Tensor;
import dev.weft.core.simd.Kernels;
import java.awt.Color;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Scores every trained model on the test set and writes two sections: "Metrics against the reference study" (the
 * metrics table, each model's classification report, confusion matrix and most-confused pairs) and "Predictions"
 * (the best model on the first test images).
 */
final class EvaluationStage {

    /** The reference study's published test-set figures (Keras notebook): accuracy, precision, recall, F1. */
    static final double[] REFERENCE = {0.9103, 0.9098, 0.9103, 0.9089};

    private static final List<String> NAMES = FashionMnist.CLASS_NAMES;

    private final Report report;
    private final ImageSet test;
    private final int[] truth;

    EvaluationStage(Report report, ImageSet test) {
        this.report = report;
        this.test = test;
        this.truth = test.labels();
    }

    /**
     * Predicts the test set with every model and writes the sections; returns the runs with their predictions.
     *
     * @param comparable false if {@code --limit} or {@code --epochs} made the figures incomparable with the reference
     */
    List<ModelRun> run(List<ModelRun> trained, boolean comparable, PrintStream out) {
        List<ModelRun> runs = new ArrayList<>();
        Tensor x = test.images(0, test.size());
        for (ModelRun run : trained) {
            ModelRun scored = predict(run, x);
            runs.add(scored);
            out.printf(Locale.ROOT, "   %s: test accuracy %s, weighted F1 %s%n", run.name(),
                    percent(scored.scores().accuracy()), percent(scored.scores().f1Weighted()));
        }

        report.section("metrics", "Metrics against the reference study");
        metricsTable(runs, comparable);
        for (ModelRun run : runs) {
            report.subheading("Classification report of " + run.name());
            report.pre(run.scores().toText());
            confusion(run);
            mostConfused(run);
        }

        report.section("predictions", "Predictions");
        predictions(bestRun(runs));
        return runs;
    }

    private ModelRun predict(ModelRun run, Tensor x) {
        float[] p = run.model().predictProbabilities(x).toArray();
        int[] predicted = new int[truth.length];
        for (int n = 0; n < truth.length; n++) {
            predicted[n] = Kernels.get().argmax(NAMES.size(), p, n * NAMES.size());
        }
        return run.evaluated(predicted, p, Scores.of(truth, predicted, NAMES));
    }

    private void metricsTable(List<ModelRun> runs, boolean comparable) {
        List<String> header = new ArrayList<>(List.of("Test-set metric", "Reference study (Keras)"));
        runs.forEach(r -> header.add(r.name()));
        String[] metricNames = {"Accuracy", "Precision (weighted)", "Recall (weighted)", "F1 (weighted)",
            "Precision (macro)", "Recall (macro)", "F1 (macro)"};
        List<List<String>> rows = new ArrayList<>();
        for (int m = 0; m < metricNames.length; m++) {
            List<String> row = new ArrayList<>();
            row.add(metricNames[m]);
            row.add(m < REFERENCE.length ? percent2(REFERENCE[m]) : "—");
            for (ModelRun run : runs) {
                Scores s = run.scores();
                double[] values = {s.accuracy(), s.precisionWeighted(), s.recallWeighted(), s.f1Weighted(),
                    s.precisionMacro(), s.recallMacro(), s.f1Macro()};
                row.add(percent2(values[m]));
            }
            rows.add(row);
        }
        List<String> epochsRow = new ArrayList<>(List.of("Epochs", "10"));
        List<String> timeRow = new ArrayList<>(List.of("Training time", "—"));
        for (ModelRun run : runs) {
            epochsRow.add(Integer.toString(run.history().size()));
            timeRow.add(Stages.duration(run.trainSeconds()) + String.format(Locale.ROOT, " (%,d images/s)",
                    Math.round(run.imagesPerSecond())));
        }
        rows.add(epochsRow);
        rows.add(timeRow);
        report.table(header, rows);
        StringBuilder reading = new StringBuilder("On the " + fmt(test.size()) + " test images");
        for (ModelRun run : runs) {
            double delta = run.scores().accuracy() - REFERENCE[0];
            reading.append(String.format(Locale.ROOT, ", %s reaches %s accuracy (%s%.2f points against the "
                    + "reference study's 91.03%%)", run.name(), percent2(run.scores().accuracy()),
                    delta >= 0 ? "+" : "", 100 * delta));
        }
        report.paragraph(reading + ". Precision, recall and F1 are support-weighted averages over the ten classes, "
                + "as scikit-learn's classification_report prints them; the macro averages weight every class "
                + "equally (identical here up to rounding, since the test classes are balanced)."
                + (comparable ? "" : " This run used --limit or --epochs, so its figures are not comparable with "
                        + "the reference study's."));
    }

    private void confusion(ModelRun run) {
        Scores s = run.scores();
        Scores.Confusion top = s.mostConfused(1).isEmpty() ? null : s.mostConfused(1).get(0);
        int worst = 0;
        for (int c = 1; c < NAMES.size(); c++) {
            worst = s.f1(c) < s.f1(worst) ? c : worst;
        }
        report.figure(HeatMap.confusion(s.confusion(), NAMES).withTitle("Confusion matrix of " + run.name()),
                run.name() + "_confusion.png", 900, 800, "Confusion matrix of " + run.name()
                        + " (rows: true class, columns: predicted)",
                top == null ? "No test image was misclassified."
                        : String.format(Locale.ROOT, "%s is most often confused with %s: %d of %d. The hardest "
                                + "class is %s (F1 %s).", NAMES.get(top.truth()), NAMES.get(top.predicted()),
                        top.count(), top.support(), NAMES.get(worst), percent(s.f1(worst))));
    }

    /** The most-confused pairs of one model with example images. */
    private void mostConfused(ModelRun run) {
        List<Scores.Confusion> pairs = run.scores().mostConfused(3);
        if (pairs.isEmpty()) {
            return;
        }
        int perPair = 6;
        List<float[]> images = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        List<Color> colours = new ArrayList<>();
        StringBuilder reading = new StringBuilder();
        for (Scores.Confusion pair : pairs) {
            int found = 0;
            for (int i = 0; i < truth.length && found < perPair; i++) {
                if (truth[i] == pair.truth() && run.predicted()[i] == pair.predicted()) {
                    images.add(test.images(i, i + 1).toArray());
                    float confidence = run.probabilities()[i * NAMES.size() + pair.predicted()];
                    captions.add(NAMES.get(pair.truth()) + " as\n" + NAMES.get(pair.predicted())
                            + String.format(Locale.ROOT, " %.0f%%", 100 * confidence));
                    colours.add(new Color(0xd62728));
                    found++;
                }
            }
            reading.append(reading.length() == 0 ? "" : "; ").append(String.format(Locale.ROOT, "%s taken for %s "
                    + "%d times", NAMES.get(pair.truth()), NAMES.get(pair.predicted()), pair.count()));
        }
        report.figure(ImageGrid.of(images.toArray(new float[0][]), 28, 28).withCaptions(captions)
                        .withCaptionColors(colours).withColumns(perPair)
                        .withTitle("Most-confused pairs of " + run.name()),
                run.name() + "_most_confused.png", 900, 200 + 170 * pairs.size(),
                "The most-confused pairs of " + run.name() + ", with test images it got wrong (caption: true "
                        + "class as predicted class, and the predicted probability)",
                reading + ".");
    }

    private void predictions(ModelRun best) {
        int shown = Math.min(30, test.size());
        float[][] images = new float[shown][];
        int[] shownTruth = Arrays.copyOf(truth, shown);
        int[] shownPredicted = Arrays.copyOf(best.predicted(), shown);
        int right = 0;
        for (int i = 0; i < shown; i++) {
            images[i] = test.images(i, i + 1).toArray();
            right += shownTruth[i] == shownPredicted[i] ? 1 : 0;
        }
        report.figure(ImageGrid.predictions(images, 28, 28, shownTruth, shownPredicted, NAMES).withColumns(10)
                        .withTitle("Predictions of " + best.name() + " on the first " + shown + " test images"),
                "predictions.png", 1100, 520, "Predicted labels on the first " + shown + " test images ("
                        + best.name() + " model; green right, red wrong)",
                right + " of " + shown + " are right; over the whole test set " + best.name() + " gets "
                        + percent2(best.scores().accuracy()) + ".");
    }

    /** The most accurate run; the first of equals. */
    private static ModelRun bestRun(List<ModelRun> runs) {
        ModelRun best = runs.get(0);
        for (ModelRun run : runs) {
            best = run.scores().accuracy() > best.scores().accuracy() ? run : best;
        }
        return best;
    }
}
