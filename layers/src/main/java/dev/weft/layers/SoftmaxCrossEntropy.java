package dev.weft.layers;

import dev.weft.core.Tensor;
import dev.weft.core.simd.Kernels;

/**
 * Softmax followed by cross-entropy, fused so that it is numerically stable and its gradient is simple:
 * {@code p = softmax(z)} computed as {@code exp(z - max z) / Σ exp(z - max z)}, loss
 * {@code L = mean_n (log Σ_k exp(z[n,k] - m) - (z[n,y_n] - m))}, and {@code dL/dz = (p - onehot(y)) / batch}.
 *
 * <pre>{@code
 * SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
 * float l = loss.forward(model.forward(x, true), labels);
 * model.backward(loss.backward());
 * }</pre>
 * An instance keeps the probabilities and labels of its last forward for backward, so use one per training loop.
 */
public final class SoftmaxCrossEntropy {
    // Training state: softmax probabilities and labels of the last forward, and the reused gradient buffer.
    private Tensor probabilities;
    private int[] labels;
    private Tensor dLogits;

    /** Mean cross-entropy of {@code logits [batch, classes]} against {@code labels} (length batch). */
    public float forward(Tensor logits, int[] labels) {
        int batch = checkShapes(logits, labels);
        int classes = logits.dim(1);
        if (probabilities == null || !probabilities.hasShape(batch, classes)) {
            probabilities = Tensor.zeros(batch, classes);
            dLogits = Tensor.zeros(batch, classes);
            this.labels = new int[batch];
        }
        System.arraycopy(labels, 0, this.labels, 0, batch);
        double total = 0;
        for (int n = 0; n < batch; n++) {
            total += softmaxRow(logits, n, probabilities.data(), n * classes, labels[n]);
        }
        return (float) (total / batch);
    }

    /** {@code dL/dlogits = (p - onehot(labels)) / batch} for the last forward (a buffer reused between calls). */
    public Tensor backward() {
        if (probabilities == null) {
            throw new IllegalStateException("SoftmaxCrossEntropy.backward() needs a forward(logits, labels) before it");
        }
        // dz[n,k] = (p[n,k] - [k == y_n]) / batch   (overwritten)
        int batch = probabilities.dim(0);
        int classes = probabilities.dim(1);
        float[] p = probabilities.data();
        float[] dz = dLogits.data();
        float invBatch = 1f / batch;
        for (int n = 0; n < batch; n++) {
            for (int k = 0; k < classes; k++) {
                int i = n * classes + k;
                dz[i] = (p[i] - (k == labels[n] ? 1f : 0f)) * invBatch;
            }
        }
        return dLogits;
    }

    /**
     * Sum (not mean) of the per-sample cross-entropies of {@code logits} against {@code labels}, without keeping
     * anything: safe from several threads. {@code correct[0]} (if not null) is increased by the number of rows
     * whose first largest logit is the label.
     */
    public static double lossSum(Tensor logits, int[] labels, int[] correct) {
        int batch = checkShapes(logits, labels);
        int classes = logits.dim(1);
        float[] scratch = new float[classes];
        double total = 0;
        Kernels kernels = Kernels.get();
        for (int n = 0; n < batch; n++) {
            total += softmaxRow(logits, n, scratch, 0, labels[n]);
            if (correct != null && kernels.argmax(classes, logits.data(), logits.offset() + n * classes) == labels[n]) {
                correct[0]++;
            }
        }
        return total;
    }

    /** Row-wise softmax of {@code logits [batch, classes]} into a new tensor. */
    public static Tensor softmax(Tensor logits) {
        if (logits.rank() != 2) {
            throw new IllegalArgumentException("softmax expects logits [batch, classes], got "
                    + java.util.Arrays.toString(logits.shape()));
        }
        Tensor p = Tensor.zeros(logits.shape());
        for (int n = 0; n < logits.dim(0); n++) {
            softmaxRow(logits, n, p.data(), n * logits.dim(1), -1);
        }
        return p;
    }

    /** Writes softmax of row {@code n} into {@code out[outOff..]}; returns -log p[label] (0 if label < 0). */
    private static double softmaxRow(Tensor logits, int n, float[] out, int outOff, int label) {
        Kernels kernels = Kernels.get();
        int classes = logits.dim(1);
        float[] z = logits.data();
        int zOff = logits.offset() + n * classes;
        float max = kernels.max(classes, z, zOff);
        float sum = kernels.expShifted(classes, z, zOff, max, out, outOff);
        kernels.scale(classes, 1f / sum, out, outOff);
        return label < 0 ? 0 : Math.log(sum) - (z[zOff + label] - max);
    }

    private static int checkShapes(Tensor logits, int[] labels) {
        if (logits.rank() != 2) {
            throw new IllegalArgumentException("SoftmaxCrossEntropy expects logits [batch, classes], got "
                    + java.util.Arrays.toString(logits.shape()));
        }
        int batch = logits.dim(0);
        int classes = logits.dim(1);
        if (labels.length < batch) {
            throw new IllegalArgumentException("SoftmaxCrossEntropy: " + batch + " rows of logits but only "
                    + labels.length + " labels");
        }
        for (int n = 0; n < batch; n++) {
            if (labels[n] < 0 || labels[n] >= classes) {
                throw new IllegalArgumentException("SoftmaxCrossEntropy: label " + labels[n] + " of row " + n
                        + " is outside [0, " + classes + ")");
            }
        }
        return batch;
    }
}
