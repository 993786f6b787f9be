package dev.weft.examples;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A model's test-set metrics, with the definitions of scikit-learn's {@code classification_report}: per-class
 * precision, recall, F1 and support; their unweighted (macro) mean and their support-weighted mean; a class never
 * predicted has precision 0.
 *
 * @param classNames one name per class
 * @param confusion  {@code confusion[true][predicted]} counts
 */
record Scores(List<String> classNames, int[][] confusion) {

    /** A confused pair: {@code count} images of class {@code truth} predicted as {@code predicted}. */
    record Confusion(int truth, int predicted, int count, int support) {
    }

    static Scores of(int[] truth, int[] predicted, List<String> classNames) {
        int k = classNames.size();
        int[][] confusion = new int[k][k];
        for (int i = 0; i < truth.length; i++) {
            confusion[truth[i]][predicted[i]]++;
        }
        return new Scores(classNames, confusion);
    }

    int classes() {
        return confusion.length;
    }

    int support(int c) {
        int n = 0;
        for (int p = 0; p < classes(); p++) {
            n += confusion[c][p];
        }
        return n;
    }

    int predictedCount(int c) {
        int n = 0;
        for (int t = 0; t < classes(); t++) {
            n += confusion[t][c];
        }
        return n;
    }

    int total() {
        int n = 0;
        for (int c = 0; c < classes(); c++) {
            n += support(c);
        }
        return n;
    }

    double accuracy() {
        int right = 0;
        for (int c = 0; c < classes(); c++) {
            right += confusion[c][c];
        }
        return total() == 0 ? 0 : (double) right / total();
    }

    double precision(int c) {
        int p = predictedCount(c);
        return p == 0 ? 0 : (double) confusion[c][c] / p;
    }

    double recall(int c) {
        int s = support(c);
        return s == 0 ? 0 : (double) confusion[c][c] / s;
    }

    double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    private double macro(java.util.function.IntToDoubleFunction metric) {
        double sum = 0;
        for (int c = 0; c < classes(); c++) {
            sum += metric.applyAsDouble(c);
        }
        return sum / classes();
    }

    private double weighted(java.util.function.IntToDoubleFunction metric) {
        double sum = 0;
        for (int c = 0; c < classes(); c++) {
            sum += metric.applyAsDouble(c) * support(c);
        }
        return total() == 0 ? 0 : sum / total();
    }

    double precisionMacro() {
        return macro(this::precision);
    }

    double recallMacro() {
        return macro(this::recall);
    }

    double f1Macro() {
        return macro(this::f1);
    }

    double precisionWeighted() {
        return weighted(this::precision);
    }

    double recallWeighted() {
        return weighted(this::recall);
    }

    double f1Weighted() {
        return weighted(this::f1);
    }

    /** The {@code n} largest off-diagonal cells, largest first. */
    List<Confusion> mostConfused(int n) {
        List<Confusion> all = new ArrayList<>();
        for (int t = 0; t < classes(); t++) {
            for (int p = 0; p < classes(); p++) {
                if (t != p && confusion[t][p] > 0) {
                    all.add(new Confusion(t, p, confusion[t][p], support(t)));
                }
            }
        }
        all.sort(Comparator.comparingInt(Confusion::count).reversed()
                .thenComparingInt(Confusion::truth).thenComparingInt(Confusion::predicted));
        return all.subList(0, Math.min(n, all.size()));
    }

    /** The report as scikit-learn prints it. */
    String toText() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%14s %10s %10s %10s %10s%n%n", "", "precision", "recall", "f1-score",
                "support"));
        for (int c = 0; c < classes(); c++) {
            out.append(String.format(Locale.ROOT, "%14s %10.4f %10.4f %10.4f %10d%n", classNames.get(c), precision(c),
                    recall(c), f1(c), support(c)));
        }
        out.append('\n');
        out.append(String.format(Locale.ROOT, "%14s %10s %10s %10.4f %10d%n", "accuracy", "", "", accuracy(), total()));
        out.append(String.format(Locale.ROOT, "%14s %10.4f %10.4f %10.4f %10d%n", "macro avg", precisionMacro(),
                recallMacro(), f1Macro(), total()));
        out.append(String.format(Locale.ROOT, "%14s %10.4f %10.4f %10.4f %10d%n", "weighted avg", precisionWeighted(),
                recallWeighted(), f1Weighted(), total()));
        return out.toString();
    }
}
