package dev.weft.layers;

/**
 * Result of {@link Sequential#evaluate}: mean softmax cross-entropy and the share of correct predictions.
 *
 * @param loss     mean cross-entropy over the samples
 * @param accuracy fraction of samples whose predicted class is the label, in [0, 1]
 */
public record Evaluation(double loss, double accuracy) {
    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "loss %.4f, accuracy %.2f%%", loss, 100 * accuracy);
    }
}
