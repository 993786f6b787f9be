package dev.weft.analysis.metrics;

import dev.weft.analysis.metrics.ClassificationReport.Confusion;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ClassificationReportTest {

    private static final List<String> NAMES = List.of("cat", "dog", "bird", "fish");
    private static final double EXACT = 1e-12;

    /*
     * Hand-made case. truth / predicted:
     *   cat  (0): 0 0 0 1      -> 3 right, 1 as dog
     *   dog  (1): 1 1 0        -> 2 right, 1 as cat
     *   bird (2): 2 1          -> 1 right, 1 as dog
     *   fish (3): absent from the truth, never predicted
     * Confusion (rows truth): cat [3 1 0 0], dog [1 2 0 0], bird [0 1 1 0], fish [0 0 0 0].
     */
    private static final int[] TRUTH = {0, 0, 0, 0, 1, 1, 1, 2, 2};
    private static final int[] PREDICTED = {0, 0, 0, 1, 1, 1, 0, 2, 1};

    private static ClassificationReport report() {
        return ClassificationReport.of(TRUTH, PREDICTED, NAMES);
    }

    @Test
    void accuracyIsTheShareOfCorrectPredictions() {
        assertThat(report().accuracy()).isCloseTo(6.0 / 9, within(EXACT));
    }

    @Test
    void confusionMatrixHasTruthInRows() {
        assertThat(report().confusionMatrix()).isDeepEqualTo(new int[][] {
                {3, 1, 0, 0}, {1, 2, 0, 0}, {0, 1, 1, 0}, {0, 0, 0, 0}});
    }

    @Test
    void perClassScoresFollowTheDefinitions() {
        ClassificationReport report = report();

        // cat: tp 3, predicted 4, support 4
        assertThat(report.precision(0)).isCloseTo(3.0 / 4, within(EXACT));
        assertThat(report.recall(0)).isCloseTo(3.0 / 4, within(EXACT));
        assertThat(report.f1(0)).isCloseTo(3.0 / 4, within(EXACT));
        // dog: tp 2, predicted 4, support 3 -> f1 = 2*2 / (4 + 2 + 1)
        assertThat(report.precision(1)).isCloseTo(2.0 / 4, within(EXACT));
        assertThat(report.recall(1)).isCloseTo(2.0 / 3, within(EXACT));
        assertThat(report.f1(1)).isCloseTo(4.0 / 7, within(EXACT));
        // bird: tp 1, predicted 1, support 2
        assertThat(report.precision(2)).isCloseTo(1, within(EXACT));
        assertThat(report.recall(2)).isCloseTo(0.5, within(EXACT));
        assertThat(report.f1(2)).isCloseTo(2.0 / 3, within(EXACT));
        assertThat(report.support(0)).isEqualTo(4);
        assertThat(report.support(1)).isEqualTo(3);
        assertThat(report.support(2)).isEqualTo(2);
    }

    @Test
    void classAbsentFromTruthIsListedWithZeroScoresAndSupport() {
        ClassificationReport report = report();

        assertThat(report.scores(3)).isEqualTo(new ClassificationReport.Scores(0, 0, 0, 0));
        assertThat(report.toText()).contains("fish");
        assertThat(report.toCsv()).contains("fish,0.0,0.0,0.0,0");
    }

    @Test
    void neverPredictedClassHasPrecisionZeroButCountsInRecall() {
        // "dog" appears in the truth but is never predicted.
        ClassificationReport report = ClassificationReport.of(new int[] {0, 1, 1}, new int[] {0, 0, 0},
                List.of("cat", "dog"));

        assertThat(report.precision(1)).isZero();
        assertThat(report.recall(1)).isZero();
        assertThat(report.f1(1)).isZero();
        assertThat(report.support(1)).isEqualTo(2);
        assertThat(report.precision(0)).isCloseTo(1.0 / 3, within(EXACT));
        assertThat(report.recall(0)).isCloseTo(1, within(EXACT));
    }

    @Test
    void macroAverageIncludesEveryListedClass() {
        ClassificationReport.Scores macro = report().macroAverage();

        // (3/4 + 2/4 + 1 + 0) / 4, (3/4 + 2/3 + 1/2 + 0) / 4, (3/4 + 4/7 + 2/3 + 0) / 4
        assertThat(macro.precision()).isCloseTo((0.75 + 0.5 + 1) / 4, within(EXACT));
        assertThat(macro.recall()).isCloseTo((0.75 + 2.0 / 3 + 0.5) / 4, within(EXACT));
        assertThat(macro.f1()).isCloseTo((0.75 + 4.0 / 7 + 2.0 / 3) / 4, within(EXACT));
        assertThat(macro.support()).isEqualTo(9);
    }

    @Test
    void weightedAverageWeightsBySupport() {
        ClassificationReport.Scores weighted = report().weightedAverage();

        assertThat(weighted.precision()).isCloseTo((4 * 0.75 + 3 * 0.5 + 2 * 1.0) / 9, within(EXACT));
        // Weighted recall equals accuracy.
        assertThat(weighted.recall()).isCloseTo(6.0 / 9, within(EXACT));
        assertThat(weighted.f1()).isCloseTo((4 * 0.75 + 3 * 4.0 / 7 + 2 * 2.0 / 3) / 9, within(EXACT));
    }

    @Test
    void mostConfusedListsLargestOffDiagonalCellsFirst() {
        ClassificationReport report = ClassificationReport.of(
                new int[] {0, 0, 0, 1, 1, 2, 2, 2, 2},
                new int[] {1, 1, 2, 0, 1, 0, 0, 0, 2}, List.of("a", "b", "c"));

        List<Confusion> top = report.mostConfused(3);

        assertThat(top).extracting(Confusion::toString).containsExactly("c -> a: 3", "a -> b: 2", "a -> c: 1");
        assertThat(report.mostConfused(100)).hasSize(4);
        assertThat(report.mostConfused(0)).isEmpty();
    }

    @Test
    void textLooksLikeScikitLearn() {
        String text = report().toText();

        String[] lines = text.split("\\R");
        assertThat(lines[0]).isEqualTo("              precision     recall   f1-score    support");
        assertThat(lines[2]).isEqualTo("         cat       0.75       0.75       0.75          4");
        assertThat(text).contains("    accuracy                             0.67          9");
        assertThat(text).contains("   macro avg       0.56       0.48       0.50          9");
        assertThat(text).contains("weighted avg       0.72       0.67       0.67          9");
    }

    @Test
    void csvHasHeaderClassRowsAndAverages() {
        String[] lines = report().toCsv().split("\n");

        assertThat(lines).hasSize(1 + 4 + 3);
        assertThat(lines[0]).isEqualTo("class,precision,recall,f1-score,support");
        assertThat(lines[1]).isEqualTo("cat,0.75,0.75,0.75,4");
        assertThat(lines[5]).startsWith("accuracy,,,0.666");
        assertThat(lines[7]).startsWith("weighted avg,");
    }

    @Test
    void csvQuotesNamesWithCommas() {
        ClassificationReport report = ClassificationReport.of(new int[] {0}, new int[] {0}, List.of("shirt, long"));

        assertThat(report.toCsv()).contains("\"shirt, long\",1.0,1.0,1.0,1");
    }

    @Test
    void rejectsLabelOutOfRangeNamingThePosition() {
        assertThatThrownBy(() -> ClassificationReport.of(new int[] {0, 4}, new int[] {0, 0}, NAMES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("truth[1] = 4 is not a class index in [0, 4)");
    }

    @Test
    void rejectsArraysOfDifferentLength() {
        assertThatThrownBy(() -> ClassificationReport.of(new int[] {0, 1}, new int[] {0}, NAMES))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("truth has 2 labels but predicted has 1");
    }
}
