package dev.weft.layers;

import dev.weft.core.Parallel;
import dev.weft.core.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.function.LongFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Inference cuts a large batch into one slice per thread, each running the whole network ({@link InferenceRunner}).
 * Every layer computes an item from that item alone, in an order independent of its batch neighbours, so the
 * logits are the same bits whether the batch is split or not and whatever the thread count. Each case compares
 * against one unsplit pass on one thread ({@code forwardWhole} with {@code Parallel.setThreads(1)}).
 */
class InferenceSplitTest {
    private final int threadsBefore = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threadsBefore);
    }

    @Test
    void aBatchIsSplitOnlyWithAtLeastFourItemsPerThread() {
        assertThat(InferenceRunner.slices(256, 1)).isEqualTo(1);
        assertThat(InferenceRunner.slices(7, 2)).isEqualTo(1);
        assertThat(InferenceRunner.slices(8, 2)).isEqualTo(2);
        assertThat(InferenceRunner.slices(11, 3)).isEqualTo(1);
        assertThat(InferenceRunner.slices(257, 3)).isEqualTo(3);
    }

    @Test
    void slicesCoverTheBatchInOrderAndDifferByAtMostOneItem() {
        for (int[] c : new int[][] {{257, 2}, {257, 3}, {256, 3}, {16, 4}, {10_000, 7}}) {
            int batch = c[0];
            int slices = c[1];
            assertThat(InferenceRunner.sliceStart(batch, slices, 0)).isZero();
            assertThat(InferenceRunner.sliceStart(batch, slices, slices)).isEqualTo(batch);
            for (int s = 0; s < slices; s++) {
                int size = InferenceRunner.sliceStart(batch, slices, s + 1)
                        - InferenceRunner.sliceStart(batch, slices, s);
                assertThat(size).as("slice %d of %d items in %d", s, batch, slices)
                        .isBetween(batch / slices, (batch + slices - 1) / slices);
            }
        }
    }

    @Test
    void theReferenceCnnGivesTheSameLogitsSplitOrNotOnAnyThreadCount() {
        sameBits(Models::referenceCnn, Models.IMAGE_SHAPE, 1, 3, 257);
    }

    @Test
    void theWeftCnnGivesTheSameLogitsSplitOrNotOnAnyThreadCount() {
        sameBits(Models::weftCnn, Models.IMAGE_SHAPE, 1, 3, 257);
    }

    @Test
    void anItemGetsTheSameLogitsAloneAsInsideASplitBatch() {
        // Alone, a convolution may run another strategy than for the batch (in place for one image, the grouped
        // GEMM for many): the sums must still not depend on the items around it.
        for (LongFunction<Sequential> build : List.<LongFunction<Sequential>>of(Models::referenceCnn,
                Models::weftCnn)) {
            Sequential model = trained(build);
            int batch = 9;
            Tensor x = Tensor.uniform(shape(batch, Models.IMAGE_SHAPE), -1f, 1f, 31L);
            Parallel.setThreads(2);
            float[] together = model.forward(x, false).toArray();
            int classes = model.numClasses();
            for (int n = 0; n < batch; n++) {
                float[] alone = model.forward(x.slice(n, n + 1), false).toArray();
                assertThat(alone).as("item %d alone against a batch of %d", n, batch)
                        .containsExactly(Arrays.copyOfRange(together, n * classes, (n + 1) * classes));
            }
        }
    }

    @Test
    void tinyModelsWithEveryLayerTypeGiveTheSameLogitsSplitOrNot() {
        sameBits(TinyModels::smallCnn, TinyModels.INPUT, 1, 3, 13, 257);
        sameBits(TinyModels::gapCnn, TinyModels.INPUT, 1, 3, 13, 257);
    }

    @Test
    void teachingModeSplitsTheSameWay() {
        sameBits(seed -> TinyModels.smallCnn(seed).withFusion(false), TinyModels.INPUT, 13, 257);
    }

    @Test
    void predictionsSplitOverThreadsMatchOneThread() {
        Sequential model = trained(Models::weftCnn);
        Tensor x = Tensor.uniform(shape(300, Models.IMAGE_SHAPE), 0f, 1f, 5L);
        Parallel.setThreads(1);
        int[] one = model.predict(x);
        float[] probabilitiesOne = model.predictProbabilities(x).toArray();
        Parallel.setThreads(3);
        assertThat(model.predict(x)).containsExactly(one);
        assertThat(model.predictProbabilities(x).toArray()).containsExactly(probabilitiesOne);
    }

    @Test
    void aSplitBatchIsGatheredIntoOneOutputTensorReusedFromCallToCall() {
        Parallel.setThreads(2);
        Sequential model = TinyModels.smallCnn(3L);
        Tensor x = Tensor.uniform(shape(20, TinyModels.INPUT), -1f, 1f, 6L);
        Tensor first = model.forward(x, false);
        assertThat(model.forward(x, false)).isSameAs(first)
                .isNotSameAs(model.inferenceRunner().forwardWhole(x));   // the last layer's own buffer
    }

    /**
     * For each batch size: the logits of one unsplit pass on one thread, then of {@code forward(x, false)} on one,
     * two and three threads (split when the batch is large enough) and of an unsplit pass on two threads.
     */
    private static void sameBits(LongFunction<Sequential> build, int[] sample, int... batches) {
        Sequential model = trained(build);
        for (int batch : batches) {
            Tensor x = Tensor.uniform(shape(batch, sample), -1f, 1f, 100L + batch);
            Parallel.setThreads(1);
            float[] expected = model.inferenceRunner().forwardWhole(x).toArray();
            for (int threads = 1; threads <= 3; threads++) {
                Parallel.setThreads(threads);
                assertThat(model.forward(x, false).toArray())
                        .as("batch %d on %d threads (%d slices)", batch, threads,
                                InferenceRunner.slices(batch, threads))
                        .containsExactly(expected);
            }
            Parallel.setThreads(2);
            assertThat(model.inferenceRunner().forwardWhole(x).toArray())
                    .as("batch %d unsplit on 2 threads", batch).containsExactly(expected);
        }
    }

    /** A model after one training step, so that BatchNorm's running statistics are not their initial values. */
    private static Sequential trained(LongFunction<Sequential> build) {
        Sequential model = build.apply(11L);
        int[] sample = model.inputShape();
        Tensor x = Tensor.uniform(shape(4, sample), 0f, 1f, 12L);
        for (int step = 0; step < 3; step++) {
            model.forward(x, true);
        }
        return model;
    }

    private static int[] shape(int batch, int[] sample) {
        return AbstractLayer.withBatch(batch, sample);
    }
}
