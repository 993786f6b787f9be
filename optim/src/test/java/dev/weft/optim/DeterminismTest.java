package dev.weft.optim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.core.Parallel;
import dev.weft.layers.Models;
import dev.weft.layers.Sequential;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same seed gives bit-identical weights after an epoch of training the reference CNN (convolutions, pooling,
 * dropout, Adam, a random batch transform), run after run and whether the kernels use one thread or two; and so
 * does a network with BatchNorm.
 */
class DeterminismTest {

    private static Dataset images;
    private final int originalThreads = Parallel.threads();

    @BeforeAll
    static void loadImages() throws IOException {
        images = FashionMnistFiles.load("train", 256);
    }

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(originalThreads);
    }

    private static float[][] weightsAfterOneEpoch(int threads) {
        return weightsAfterOneEpoch(threads, Models.referenceCnn(11), images);
    }

    private static float[][] weightsAfterOneEpoch(int threads, Sequential model, Dataset images) {
        Parallel.setThreads(threads);
        BatchTransform jitter = (batch, count, shape, random) -> {
            // A random brightness per sample: exercises the trainer's seeded generator.
            int size = shape[0] * shape[1] * shape[2];
            for (int n = 0; n < count; n++) {
                float gain = 0.9f + 0.2f * random.nextFloat();
                for (int i = 0; i < size; i++) {
                    batch[n * size + i] *= gain;
                }
            }
        };
        new Trainer(model, new Adam()).quiet().withSeed(5).withBatchTransform(jitter).fit(images, 1, 64);
        return model.copyWeights();
    }

    @Test
    void sameSeedGivesBitIdenticalWeightsRunToRun() {
        float[][] first = weightsAfterOneEpoch(2);
        float[][] second = weightsAfterOneEpoch(2);
        assertThat(second).isDeepEqualTo(first);
    }

    @Test
    void oneAndTwoThreadsGiveBitIdenticalWeights() {
        float[][] one = weightsAfterOneEpoch(1);
        float[][] two = weightsAfterOneEpoch(2);
        assertThat(two).isDeepEqualTo(one);
        // And training changed them: the comparison is not between two untouched initialisations.
        assertThat(java.util.Arrays.deepEquals(one, Models.referenceCnn(11).copyWeights())).isFalse();
    }

    @Test
    void batchNormModelIsBitIdenticalForOneAndTwoThreads() throws IOException {
        // Models.weftCnn has BatchNorm: batch means and variances are reductions, and its running statistics
        // are part of copyWeights().
        Dataset few = FashionMnistFiles.load("train", 128);
        float[][] one = weightsAfterOneEpoch(1, Models.weftCnn(3), few);
        float[][] two = weightsAfterOneEpoch(2, Models.weftCnn(3), few);
        assertThat(two).isDeepEqualTo(one);
    }
}
