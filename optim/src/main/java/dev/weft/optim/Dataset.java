package dev.weft.optim;

import dev.weft.core.Tensor;

/**
 * A labelled set of samples that the training loop draws mini-batches from. Samples are produced on demand,
 * so a dataset may keep its images compactly (as bytes) and turn them into floats one batch at a time.
 */
public interface Dataset {

    /** Number of samples. */
    int size();

    /** Shape of one sample, e.g. {@code {1, 28, 28}} for a grey image or {@code {784}} for a flat vector. */
    int[] sampleShape();

    /** Number of classes; labels are in {@code [0, numClasses)}. */
    int numClasses();

    /** The label of sample {@code index}. */
    int label(int index);

    /** Writes sample {@code index} as floats into {@code destination}, starting at {@code offset}. */
    void copySample(int index, float[] destination, int offset);

    /** Number of floats in one sample. */
    default int sampleSize() {
        int n = 1;
        for (int d : sampleShape()) {
            n *= d;
        }
        return n;
    }

    /**
     * Gathers the samples {@code indices[from..from+count)} into a batch tensor {@code [count, sampleShape...]}
     * and their labels into {@code labels[0..count)}.
     */
    default Tensor batch(int[] indices, int from, int count, int[] labels) {
        int[] shape = sampleShape();
        int[] batchShape = new int[shape.length + 1];
        batchShape[0] = count;
        System.arraycopy(shape, 0, batchShape, 1, shape.length);
        Tensor batch = Tensor.zeros(batchShape);
        int sampleSize = sampleSize();
        for (int i = 0; i < count; i++) {
            copySample(indices[from + i], batch.data(), i * sampleSize);
            labels[i] = label(indices[from + i]);
        }
        return batch;
    }

    /** A dataset over an in-memory tensor whose first axis indexes samples. */
    static Dataset of(Tensor samples, int[] labels, int numClasses) {
        if (samples.dim(0) != labels.length) {
            throw new IllegalArgumentException(samples.dim(0) + " samples but " + labels.length + " labels");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException("label " + labels[i] + " of sample " + i + " is outside [0, "
                        + numClasses + ")");
            }
        }
        int[] full = samples.shape();
        int[] sampleShape = java.util.Arrays.copyOfRange(full, 1, full.length);
        int sampleSize = samples.size() / samples.dim(0);
        int[] labelsCopy = labels.clone();
        return new Dataset() {
            @Override
            public int size() {
                return labelsCopy.length;
            }

            @Override
            public int[] sampleShape() {
                return sampleShape.clone();
            }

            @Override
            public int numClasses() {
                return numClasses;
            }

            @Override
            public int label(int index) {
                return labelsCopy[index];
            }

            @Override
            public void copySample(int index, float[] destination, int offset) {
                System.arraycopy(samples.data(), samples.offset() + index * sampleSize, destination, offset, sampleSize);
            }
        };
    }
}
