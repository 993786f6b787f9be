package dev.weft.analysis.metrics;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Accuracy, per-class precision, recall, F1 and support, their macro and support-weighted averages, and the
 * confusion matrix of a classifier's predictions, with the definitions of scikit-learn's
 * {@code classification_report(..., labels=range(k), zero_division=0)}.
 *
 * <pre>{@code
 * ClassificationReport report = ClassificationReport.of(testLabels, model.predict(testImages), FashionMnist.CLASS_NAMES);
 * System.out.println(report.toText());
 * report.mostConfused(5).forEach(System.out::println);   // e.g. Shirt -> T-shirt/top: 112
 * }</pre>
 *
 * <h2>Definitions</h2>
 * For class {@code c}, with {@code tp} correct predictions of {@code c}, {@code fp} other classes predicted as
 * {@code c} and {@code fn} samples of {@code c} predicted as something else:
 * <ul>
 *   <li>{@code precision = tp / (tp + fp)}, and 0 for a class that is never predicted;</li>
 *   <li>{@code recall = tp / (tp + fn)}, and 0 for a class absent from the truth (its support is 0; it is still
 *       listed);</li>
 *   <li>{@code f1 = 2·tp / (2·tp + fp + fn)} (the harmonic mean of precision and recall), and 0 when
 *       {@code tp + fp + fn = 0};</li>
 *   <li>{@code support = tp + fn}, the number of samples whose true class is {@code c};</li>
 *   <li>the <b>macro</b> average is the plain mean over all classes (absent ones included); the <b>weighted</b>
 *       average weights each class by its support;</li>
 *   <li>the confusion matrix has the true class in rows and the predicted class in columns.</li>
 * </ul>
 */
public final class ClassificationReport {

    /** Precision, recall, F1 and support of one class or of an average. */
    public record Scores(double precision, double recall, double f1, int support) {
    }

    /** An off-diagonal cell of the confusion matrix: {@code count} samples of {@code truth} predicted as {@code predicted}. */
    public record Confusion(int truth, int predicted, String truthName, String predictedName, int count) {
        @Override
        public String toString() {
            return truthName + " -> " + predictedName + ": " + count;
        }
    }

    private final List<String> classNames;
    private final int[][] confusion;
    private final int samples;
    private final int correct;
    private final Scores[] perClass;
    private final Scores macro;
    private final Scores weighted;

    private ClassificationReport(List<String> classNames, int[][] confusion, int samples) {
        this.classNames = List.copyOf(classNames);
        this.confusion = confusion;
        this.samples = samples;
        int k = classNames.size();
        int diagonal = 0;
        perClass = new Scores[k];
        double[] sums = new double[3];
        double[] weightedSums = new double[3];
        for (int c = 0; c < k; c++) {
            int tp = confusion[c][c];
            int predictedAsC = 0;
            int support = 0;
            for (int other = 0; other < k; other++) {
                predictedAsC += confusion[other][c];
                support += confusion[c][other];
            }
            int fp = predictedAsC - tp;
            int fn = support - tp;
            diagonal += tp;
            double precision = predictedAsC == 0 ? 0 : (double) tp / predictedAsC;
            double recall = support == 0 ? 0 : (double) tp / support;
            double f1 = tp + fp + fn == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
            perClass[c] = new Scores(precision, recall, f1, support);
            sums[0] += precision;
            sums[1] += recall;
            sums[2] += f1;
            weightedSums[0] += precision * support;
            weightedSums[1] += recall * support;
            weightedSums[2] += f1 * support;
        }
        correct = diagonal;
        macro = new Scores(sums[0] / k, sums[1] / k, sums[2] / k, samples);
        weighted = samples == 0 ? new Scores(0, 0, 0, 0)
                : new Scores(weightedSums[0] / samples, weightedSums[1] / samples, weightedSums[2] / samples, samples);
    }

    /**
     * Builds the report of {@code predicted} against {@code truth}; labels are indices into {@code classNames}.
     *
     * @throws IllegalArgumentException if the arrays differ in length, there are no classes, or a label is outside
     *                                  {@code [0, classNames.size())} (the message names the array and position)
     */
    public static ClassificationReport of(int[] truth, int[] predicted, List<String> classNames) {
        if (truth.length != predicted.length) {
            throw new IllegalArgumentException("truth has " + truth.length + " labels but predicted has "
                    + predicted.length);
        }
        int k = classNames.size();
        if (k == 0) {
            throw new IllegalArgumentException("at least one class name is needed");
        }
        int[][] confusion = new int[k][k];
        for (int i = 0; i < truth.length; i++) {
            checkLabel("truth", i, truth[i], k);
            checkLabel("predicted", i, predicted[i], k);
            confusion[truth[i]][predicted[i]]++;
        }
        return new ClassificationReport(classNames, confusion, truth.length);
    }

    private static void checkLabel(String what, int index, int label, int classes) {
        if (label < 0 || label >= classes) {
            throw new IllegalArgumentException(what + "[" + index + "] = " + label + " is not a class index in [0, "
                    + classes + ")");
        }
    }

    /** The class names, in label order. */
    public List<String> classNames() {
        return classNames;
    }

    /** The number of samples. */
    public int samples() {
        return samples;
    }

    /** The share of correct predictions (0 for no samples). */
    public double accuracy() {
        return samples == 0 ? 0 : (double) correct / samples;
    }

    /** The scores of class {@code c}. */
    public Scores scores(int c) {
        return perClass[c];
    }

    /** Precision of class {@code c} (0 if never predicted). */
    public double precision(int c) {
        return perClass[c].precision();
    }

    /** Recall of class {@code c} (0 if absent from the truth). */
    public double recall(int c) {
        return perClass[c].recall();
    }

    /** F1 score of class {@code c}. */
    public double f1(int c) {
        return perClass[c].f1();
    }

    /** Number of samples whose true class is {@code c}. */
    public int support(int c) {
        return perClass[c].support();
    }

    /** Unweighted means over all classes; support is the number of samples. */
    public Scores macroAverage() {
        return macro;
    }

    /** Means weighted by support; support is the number of samples. */
    public Scores weightedAverage() {
        return weighted;
    }

    /** The confusion matrix, {@code [truth][predicted]} (a copy). */
    public int[][] confusionMatrix() {
        int[][] copy = new int[confusion.length][];
        for (int i = 0; i < confusion.length; i++) {
            copy[i] = confusion[i].clone();
        }
        return copy;
    }

    /**
     * The {@code n} largest off-diagonal cells of the confusion matrix, largest first (ties by true class, then
     * predicted class); cells with count 0 are left out, so fewer than {@code n} may be returned.
     */
    public List<Confusion> mostConfused(int n) {
        List<Confusion> cells = new ArrayList<>();
        for (int t = 0; t < confusion.length; t++) {
            for (int p = 0; p < confusion.length; p++) {
                if (t != p && confusion[t][p] > 0) {
                    cells.add(new Confusion(t, p, classNames.get(t), classNames.get(p), confusion[t][p]));
                }
            }
        }
        cells.sort(Comparator.comparingInt(Confusion::count).reversed()
                .thenComparingInt(Confusion::truth).thenComparingInt(Confusion::predicted));
        return List.copyOf(cells.subList(0, Math.min(Math.max(n, 0), cells.size())));
    }

    /** The report as scikit-learn prints it, with two decimals. */
    public String toText() {
        return toText(2);
    }

    /** The report as scikit-learn prints it, with {@code digits} decimals. */
    public String toText(int digits) {
        String averageName = "weighted avg";
        int nameWidth = averageName.length();
        for (String name : classNames) {
            nameWidth = Math.max(nameWidth, name.length());
        }
        int width = Math.max(10, digits + 2);
        String numberFormat = "%" + width + "." + digits + "f";
        StringBuilder text = new StringBuilder();
        text.append(" ".repeat(nameWidth))
                .append(String.format(Locale.ROOT, " %" + width + "s %" + width + "s %" + width + "s %" + width + "s%n",
                        "precision", "recall", "f1-score", "support"))
                .append(System.lineSeparator());
        for (int c = 0; c < classNames.size(); c++) {
            appendRow(text, classNames.get(c), perClass[c], nameWidth, width, numberFormat);
        }
        text.append(System.lineSeparator());
        text.append(String.format(Locale.ROOT, "%" + nameWidth + "s %" + width + "s %" + width + "s " + numberFormat
                + " %" + width + "d%n", "accuracy", "", "", accuracy(), samples));
        appendRow(text, "macro avg", macro, nameWidth, width, numberFormat);
        appendRow(text, averageName, weighted, nameWidth, width, numberFormat);
        return text.toString();
    }

    private static void appendRow(StringBuilder text, String name, Scores s, int nameWidth, int width, String number) {
        text.append(String.format(Locale.ROOT, "%" + nameWidth + "s " + number + " " + number + " " + number
                + " %" + width + "d%n", name, s.precision(), s.recall(), s.f1(), s.support()));
    }

    /**
     * The report as CSV: header {@code class,precision,recall,f1-score,support}, one row per class, then
     * {@code accuracy} (in the f1-score column), {@code macro avg} and {@code weighted avg}; full precision.
     */
    public String toCsv() {
        StringBuilder out = new StringBuilder();
        try (CSVPrinter csv = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get())) {
            csv.printRecord("class", "precision", "recall", "f1-score", "support");
            for (int c = 0; c < classNames.size(); c++) {
                printScores(csv, classNames.get(c), perClass[c]);
            }
            csv.printRecord("accuracy", "", "", accuracy(), samples);
            printScores(csv, "macro avg", macro);
            printScores(csv, "weighted avg", weighted);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void printScores(CSVPrinter csv, String name, Scores s) throws IOException {
        csv.printRecord(name, s.precision(), s.recall(), s.f1(), s.support());
    }

    @Override
    public String toString() {
        return toText();
    }
}
