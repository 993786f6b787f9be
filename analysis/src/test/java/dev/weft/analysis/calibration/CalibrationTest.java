package dev.weft.analysis.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CalibrationTest {

    @Test
    void eceMatchesTheBinnedDefinitionWorkedByHand() {
        // Two classes, four bins of width 0.25. Confidences (the larger probability) and correctness:
        //   0.9 right, 0.8 wrong  -> bin (0.75, 1]: conf 0.85, acc 0.5, |0.5 - 0.85| = 0.35, weight 2/5
        //   0.6 right, 0.7 right, 0.55 wrong -> bin (0.5, 0.75]: conf 0.6167, acc 2/3, |0.6667 - 0.6167| = 0.05,
        //   weight 3/5
        // ECE = 2/5 · 0.35 + 3/5 · 0.05 = 0.14 + 0.03 = 0.17
        float[] p = {0.9f, 0.1f, 0.2f, 0.8f, 0.6f, 0.4f, 0.3f, 0.7f, 0.55f, 0.45f};
        int[] labels = {0, 0, 0, 1, 1};
        Calibration c = Calibration.of(p, 2, labels, 4);
        assertThat(c.ece()).isCloseTo(0.17, within(1e-6));
        assertThat(c.bins()).hasSize(4);
        assertThat(c.bins().get(3).count()).isEqualTo(2);
        assertThat(c.bins().get(3).accuracy()).isCloseTo(0.5, within(1e-12));
        assertThat(c.bins().get(3).confidence()).isCloseTo(0.85, within(1e-6));
        assertThat(c.bins().get(2).count()).isEqualTo(3);
        assertThat(c.bins().get(0).count()).isZero();
        assertThat(c.bins().get(0).accuracy()).isNaN();
        assertThat(c.samples()).isEqualTo(5);
        assertThat(c.accuracies()).containsExactly(Double.NaN, Double.NaN, 2.0 / 3, 0.5);
    }

    @Test
    void aConfidenceOnABinEdgeBelongsToTheLowerBin() {
        // (b/M, (b+1)/M]: 0.5 with two bins lies in the first bin.
        Calibration c = Calibration.of(new float[] {0.5f, 0.5f}, 2, new int[] {0}, 2);
        assertThat(c.bins().get(0).count()).isEqualTo(1);
        assertThat(c.bins().get(1).count()).isZero();
    }

    @Test
    void aModelRightAsOftenAsItIsSureHasNoCalibrationError() {
        // Ten samples at confidence 0.8, eight of them right.
        float[] p = new float[20];
        int[] labels = new int[10];
        for (int i = 0; i < 10; i++) {
            p[2 * i] = 0.8f;
            p[2 * i + 1] = 0.2f;
            labels[i] = i < 8 ? 0 : 1;
        }
        assertThat(Calibration.of(p, 2, labels).ece()).isCloseTo(0, within(1e-6));
    }

    @Test
    void refusesProbabilitiesThatDoNotMatchTheLabels() {
        assertThatThrownBy(() -> Calibration.of(new float[5], 2, new int[] {0, 1, 0}, 15))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5 probabilities");
        assertThatThrownBy(() -> Calibration.of(new float[4], 2, new int[] {0, 2}, 15))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("label 2 of sample 1");
    }

    /**
     * Logits {@code z} of a calibrated model and labels drawn from {@code softmax(z)}: the labels follow the
     * stated probabilities by construction. Returns the logits multiplied by {@code sharpen}.
     */
    static float[] calibratedLogits(int n, int classes, double sharpen, int[] labels, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] z = new float[n * classes];
        for (int i = 0; i < n; i++) {
            double[] p = new double[classes];
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                z[i * classes + c] = (float) (1.5 * random.nextGaussian());
                p[c] = Math.exp(z[i * classes + c]);
                sum += p[c];
            }
            double u = random.nextDouble() * sum;
            int label = 0;
            while (label < classes - 1 && (u -= p[label]) > 0) {
                label++;
            }
            labels[i] = label;
            for (int c = 0; c < classes; c++) {
                z[i * classes + c] *= (float) sharpen;
            }
        }
        return z;
    }

    @Test
    void temperatureScalingLowersTheNllOfOverConfidentLogits() {
        // Logits three times too sharp: the fitted temperature undoes it (within 0.3 on 4,000 samples), and the
        // NLL and the ECE both fall.
        int n = 4000;
        int classes = 10;
        int[] labels = new int[n];
        float[] logits = calibratedLogits(n, classes, 3, labels, 11L);
        TemperatureScaling scaling = TemperatureScaling.fit(logits, classes, labels);
        assertThat(scaling.temperature()).isCloseTo(3, within(0.3));
        assertThat(TemperatureScaling.nll(logits, classes, labels, scaling.temperature()))
                .isLessThan(TemperatureScaling.nll(logits, classes, labels, 1) - 0.1);
        double before = Calibration.of(TemperatureScaling.of(1).probabilities(logits, classes), classes, labels).ece();
        double after = Calibration.of(scaling.probabilities(logits, classes), classes, labels).ece();
        assertThat(after).isLessThan(before / 2);
    }

    @Test
    void theFittedTemperatureIsTheNllMinimum() {
        int[] labels = new int[2000];
        float[] logits = calibratedLogits(2000, 5, 0.5, labels, 12L);
        double t = TemperatureScaling.fit(logits, 5, labels).temperature();
        double at = TemperatureScaling.nll(logits, 5, labels, t);
        // Under-confident logits: T < 1 sharpens them. Moving T by 1% either way raises the NLL.
        assertThat(t).isLessThan(1);
        assertThat(TemperatureScaling.nll(logits, 5, labels, t * 1.01)).isGreaterThan(at);
        assertThat(TemperatureScaling.nll(logits, 5, labels, t / 1.01)).isGreaterThan(at);
    }

    @Test
    void logProbabilitiesStandInForLogits() {
        int[] labels = new int[50];
        float[] logits = calibratedLogits(50, 4, 2, labels, 13L);
        float[] probabilities = TemperatureScaling.of(1).probabilities(logits, 4);
        float[] fromLogits = TemperatureScaling.of(1.7).probabilities(logits, 4);
        float[] fromProbabilities = TemperatureScaling.of(1.7)
                .probabilities(TemperatureScaling.logits(probabilities), 4);
        for (int i = 0; i < fromLogits.length; i++) {
            assertThat(fromProbabilities[i]).as("probability %d", i).isCloseTo(fromLogits[i], within(1e-5f));
        }
    }

    @Test
    void fittingIsDeterministic() {
        int[] labels = new int[500];
        float[] logits = calibratedLogits(500, 3, 2, labels, 14L);
        assertThat(TemperatureScaling.fit(logits, 3, labels).temperature())
                .isEqualTo(TemperatureScaling.fit(logits, 3, labels).temperature());
    }

    @Test
    void refusesANonFiniteLogit() {
        assertThatThrownBy(() -> TemperatureScaling.fit(new float[] {0f, Float.NaN}, 2, new int[] {0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("logit 1 is NaN");
    }
}
