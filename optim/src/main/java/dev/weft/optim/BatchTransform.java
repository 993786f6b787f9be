package dev.weft.optim;

import java.util.random.RandomGenerator;

/**
 * A change applied to each training mini-batch after it is gathered (for example data augmentation). The
 * training loop passes its own seeded generator, so a fixed seed gives the same transformed batches every run.
 */
@FunctionalInterface
public interface BatchTransform {

    /**
     * Transforms, in place, the first {@code count} samples of {@code batch} (each of {@code sampleShape}), stored
     * one after another from offset 0.
     */
    void apply(float[] batch, int count, int[] sampleShape, RandomGenerator random);
}
