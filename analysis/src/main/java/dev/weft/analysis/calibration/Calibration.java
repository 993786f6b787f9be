package dev.weft.analysis.calibration;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether a classifier's confidence means what it says: the reliability diagram's bins and the expected calibration
 * error (Naeini, Cooper and Hauskrecht, 2015; Guo, Pleiss, Sun and Weinberger, "On Calibration of Modern Neural
 * Networks", 2017). Each sample's confidence is its largest class probability and its prediction that class; the
 * samples are put in {@code M} equal-width bins by confidence, bin {@code b} holding the confidences in
 * {@code (b/M, (b+1)/M]}, and
 * <pre>
 * ECE = Σ_b (n_b / n) · |acc_b - conf_b|
 * </pre>
 * with {@code acc_b} the share of correct predictions in the bin and {@code conf_b} its mean confidence (empty bins
 * count nothing). A perfectly calibrated model has ECE 0; sums run in double.
 *
 * <pre>{@code
 * Calibration c = Calibration.of(probabilities, 10, labels, Calibration.DEFAULT_BINS);
 * double ece = c.ece();
 * ReliabilityDiagram.of("Reliability", List.of("reference"), new double[][] {c.accuracies()})
 *         .write(Path.of("reliability.png"), 700, 600);
 * }</pre>
 */
public final class Calibration {

    /** The usual number of bins (Guo et al.). */
    public static final int DEFAULT_BINS = 15;

    /**
     * One confidence bin.
     *
     * @param lower      lower edge (excluded, except 0)
     * @param upper      upper edge (included)
     * @param count      samples whose confidence falls in the bin
     * @param confidence their mean confidence (NaN when empty)
     * @param accuracy   the share of them predicted correctly (NaN when empty)
     */
    public record Bin(double lower, double upper, int count, double confidence, double accuracy) {
    }

    private final List<Bin> bins;
    private final int samples;
    private final double ece;

    private Calibration(List<Bin> bins, int samples, double ece) {
        this.bins = bins;
        this.samples = samples;
        this.ece = ece;
    }

    /**
     * Bins the predictions given by {@code probabilities} ({@code [n, classes]} row-major, each row summing to 1)
     * against the true {@code labels}.
     *
     * @throws IllegalArgumentException if the sizes disagree, a label is out of range or {@code bins < 1}
     */
    public static Calibration of(float[] probabilities, int classes, int[] labels, int bins) {
        int n = labels.length;
        if (bins < 1 || classes < 1 || probabilities.length != (long) n * classes || n == 0) {
            throw new IllegalArgumentException("calibration needs bins >= 1 and [n, classes] probabilities for n > 0 "
                    + "labels: got " + bins + " bins, " + probabilities.length + " probabilities, " + classes
                    + " classes, " + n + " labels");
        }
        int[] count = new int[bins];
        double[] confidence = new double[bins];
        int[] correct = new int[bins];
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label " + labels[i] + " of sample " + i + " is outside 0.."
                        + (classes - 1));
            }
            int predicted = 0;
            for (int c = 1; c < classes; c++) {
                if (probabilities[i * classes + c] > probabilities[i * classes + predicted]) {
                    predicted = c;
                }
            }
            double p = probabilities[i * classes + predicted];
            // (b/M, (b+1)/M] holds p: b = ceil(p·M) - 1, clamped for p = 0 and for rounding above 1.
            int b = Math.min(bins - 1, Math.max(0, (int) Math.ceil(p * bins) - 1));
            count[b]++;
            confidence[b] += p;
            correct[b] += predicted == labels[i] ? 1 : 0;
        }
        List<Bin> list = new ArrayList<>();
        double ece = 0;
        for (int b = 0; b < bins; b++) {
            double conf = count[b] == 0 ? Double.NaN : confidence[b] / count[b];
            double acc = count[b] == 0 ? Double.NaN : (double) correct[b] / count[b];
            if (count[b] > 0) {
                ece += (double) count[b] / n * Math.abs(acc - conf);
            }
            list.add(new Bin((double) b / bins, (double) (b + 1) / bins, count[b], conf, acc));
        }
        return new Calibration(List.copyOf(list), n, ece);
    }

    /** {@link #of(float[], int, int[], int)} with {@link #DEFAULT_BINS} bins. */
    public static Calibration of(float[] probabilities, int classes, int[] labels) {
        return of(probabilities, classes, labels, DEFAULT_BINS);
    }

    /** The expected calibration error, in [0, 1]. */
    public double ece() {
        return ece;
    }

    /** The bins, from the lowest confidence up (empty ones included). */
    public List<Bin> bins() {
        return bins;
    }

    /** The accuracy of each bin, lowest confidence first (NaN when empty): a reliability diagram's bars. */
    public double[] accuracies() {
        return bins.stream().mapToDouble(Bin::accuracy).toArray();
    }

    /** Number of samples binned. */
    public int samples() {
        return samples;
    }
}
