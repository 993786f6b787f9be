package dev.weft.examples;

import dev.weft.analysis.metrics.ClassificationReport;
import java.util.List;

/**
 * A model's test-set metrics as the study reports them: a thin view of the analysis module's
 * {@link ClassificationReport} (scikit-learn's definitions: a class never predicted has precision 0; weighted
 * averages are weighted by support).
 *
 * @param report the classification report of the test predictions
 */
record Scores(ClassificationReport report) {

    /** A confused pair: {@code count} of the {@code support} images of class {@code truth} predicted as {@code predicted}. */
    record Confusion(int truth, int predicted, int count, int support) {
    }

    static Scores of(int[] truth, int[] predicted, List<String> classNames) {
        return new Scores(ClassificationReport.of(truth, predicted, classNames));
    }

    int[][] confusion() {
        return report.confusionMatrix();
    }

    double accuracy() {
        return report.accuracy();
    }

    double precision(int c) {
        return report.precision(c);
    }

    double recall(int c) {
        return report.recall(c);
    }

    double f1(int c) {
        return report.f1(c);
    }

    int support(int c) {
        return report.support(c);
    }

    double precisionMacro() {
        return report.macroAverage().precision();
    }

    double recallMacro() {
        return report.macroAverage().recall();
    }

    double f1Macro() {
        return report.macroAverage().f1();
    }

    double precisionWeighted() {
        return report.weightedAverage().precision();
    }

    double recallWeighted() {
        return report.weightedAverage().recall();
    }

    double f1Weighted() {
        return report.weightedAverage().f1();
    }

    /** The {@code n} largest off-diagonal cells, largest first. */
    List<Confusion> mostConfused(int n) {
        return report.mostConfused(n).stream()
                .map(c -> new Confusion(c.truth(), c.predicted(), c.count(), report.support(c.truth()))).toList();
    }

    /** The report as scikit-learn prints it, with four decimals. */
    String toText() {
        return report.toText(4);
    }
}
