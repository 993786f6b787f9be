package dev.weft.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.core.Tensor;
import dev.weft.layers.BatchNorm;
import dev.weft.layers.Dense;
import dev.weft.layers.ReLU;
import dev.weft.layers.Sequential;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TrainerTest {

    /**
     * Three Gaussian blobs in 4 dimensions, centred at 2 * e_k for class k (k = 0, 1, 2), standard deviation 0.3:
     * separable, so a small network reaches near-perfect accuracy within a few epochs.
     */
    static Dataset blobs(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n * 4];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
            for (int j = 0; j < 4; j++) {
                x[i * 4 + j] = (float) ((j == y[i] ? 2 : 0) + 0.3 * random.nextGaussian());
            }
        }
        return Dataset.of(Tensor.of(x, n, 4), y, 3);
    }

    static Sequential smallModel(long seed) {
        return new Sequential(new int[] {4}, seed, new Dense(16), new ReLU(), new Dense(3));
    }

    /** A dataset that records which samples are read, in order. */
    static final class Recording implements Dataset {
        final Dataset inner;
        final List<Integer> reads = new ArrayList<>();

        Recording(Dataset inner) {
            this.inner = inner;
        }

        @Override
        public int size() {
            return inner.size();
        }

        @Override
        public int[] sampleShape() {
            return inner.sampleShape();
        }

        @Override
        public int numClasses() {
            return inner.numClasses();
        }

        @Override
        public int label(int index) {
            return inner.label(index);
        }

        @Override
        public void copySample(int index, float[] destination, int offset) {
            reads.add(index);
            inner.copySample(index, destination, offset);
        }
    }

    @Test
    void learnsASeparableProblemAndRecordsEveryEpoch() {
        Sequential model = smallModel(1);
        History history = new Trainer(model, new Adam(0.01f)).quiet()
                .withValidation(blobs(90, 2))
                .fit(blobs(300, 1), 5, 16);
        assertThat(history.size()).isEqualTo(5);
        assertThat(history.epochs()).extracting(EpochMetrics::epoch).containsExactly(1, 2, 3, 4, 5);
        assertThat(history.trainLoss()[4]).isLessThan(history.trainLoss()[0]);
        assertThat(history.last().validationAccuracy()).isGreaterThan(0.95);
        assertThat(history.hasValidation()).isTrue();
        assertThat(Arrays.stream(history.imagesPerSecond()).min().orElseThrow()).isPositive();
        assertThat(history.stoppedEarly()).isFalse();
        assertThat(history.toCsv()).startsWith("epoch,train_loss,train_accuracy,val_loss,val_accuracy")
                .hasLineCount(6);
    }

    @Test
    void everyEpochVisitsEverySampleOnceInANewSeededOrder() {
        Recording data = new Recording(blobs(40, 3));
        new Trainer(smallModel(1), new Sgd(0.01f)).quiet().withSeed(7).fit(data, 2, 8);
        List<Integer> first = data.reads.subList(0, 40);
        List<Integer> second = data.reads.subList(40, 80);
        assertThat(first).containsExactlyInAnyOrderElementsOf(range(40));
        assertThat(second).containsExactlyInAnyOrderElementsOf(range(40));
        assertThat(first).isNotEqualTo(second).isNotEqualTo(range(40));

        Recording again = new Recording(blobs(40, 3));
        new Trainer(smallModel(1), new Sgd(0.01f)).quiet().withSeed(7).fit(again, 2, 8);
        assertThat(again.reads).isEqualTo(data.reads);

        Recording otherSeed = new Recording(blobs(40, 3));
        new Trainer(smallModel(1), new Sgd(0.01f)).quiet().withSeed(8).fit(otherSeed, 1, 8);
        assertThat(otherSeed.reads).isNotEqualTo(first);
    }

    @Test
    void lastBatchOfAnEpochMayBeSmaller() {
        // 10 samples, batch 4: batches of 4, 4, 2 -> three optimizer steps.
        Adam adam = new Adam();
        new Trainer(smallModel(1), adam).quiet().fit(blobs(10, 1), 1, 4);
        assertThat(adam.iterations()).isEqualTo(3);
    }

    @Test
    void validationSplitHoldsOutTheLastSamplesFromTraining() {
        Recording data = new Recording(blobs(50, 4));
        History history = new Trainer(smallModel(1), new Adam()).quiet().withValidationSplit(0.2).fit(data, 1, 8);
        // Validation gathers samples 40..49 once, in order; training then reads 0..39 only.
        assertThat(data.reads.subList(0, 10)).containsExactlyElementsOf(range(40, 50));
        assertThat(data.reads.subList(10, 50)).containsExactlyInAnyOrderElementsOf(range(40));
        assertThat(history.last().hasValidation()).isTrue();
    }

    @Test
    void batchTransformSeesEveryTrainingBatchWithTheSeededGenerator() {
        List<Integer> counts = new ArrayList<>();
        List<Long> draws = new ArrayList<>();
        BatchTransform recorder = (batch, count, shape, random) -> {
            counts.add(count);
            draws.add(random.nextLong());
            assertThat(shape).containsExactly(4);
        };
        new Trainer(smallModel(1), new Adam()).quiet().withSeed(3).withBatchTransform(recorder)
                .withValidation(blobs(9, 9)).fit(blobs(20, 1), 2, 8);
        assertThat(counts).containsExactly(8, 8, 4, 8, 8, 4);

        List<Long> firstRun = List.copyOf(draws);
        draws.clear();
        new Trainer(smallModel(1), new Adam()).quiet().withSeed(3).withBatchTransform(recorder).fit(blobs(20, 1), 2, 8);
        assertThat(draws).isEqualTo(firstRun);
    }

    @Test
    void transformedBatchesAreWhatTheModelTrainsOn() {
        // A transform that replaces every input by NaN must make the loss non-finite in the first batch (a linear
        // model, so that no ReLU can map the NaNs to 0).
        BatchTransform poison = (batch, count, shape, random) -> Arrays.fill(batch, 0, count * 4, Float.NaN);
        Sequential linear = new Sequential(new int[] {4}, 1, new Dense(3));
        assertThatThrownBy(() -> new Trainer(linear, new Adam()).quiet().withBatchTransform(poison)
                .fit(blobs(20, 1), 1, 8))
                .isInstanceOf(NonFiniteLossException.class);
    }

    @Test
    void nonFiniteLossNamesEpochAndBatch() {
        // Poison the third batch of the second epoch (batches per epoch: 3).
        int[] calls = {0};
        BatchTransform poisonLater = (batch, count, shape, random) -> {
            if (++calls[0] == 6) {
                batch[0] = Float.POSITIVE_INFINITY;
            }
        };
        Sequential model = smallModel(1);
        assertThatThrownBy(() -> new Trainer(model, new Adam()).quiet().withBatchTransform(poisonLater)
                .fit(blobs(20, 1), 3, 8))
                .isInstanceOfSatisfying(NonFiniteLossException.class, e -> {
                    assertThat(e.epoch()).isEqualTo(2);
                    assertThat(e.batch()).isEqualTo(3);
                    assertThat(e.batches()).isEqualTo(3);
                    assertThat(Float.isFinite(e.loss())).isFalse();
                })
                .hasMessageContaining("epoch 2, batch 3 of 3");
    }

    @Test
    void aNonFiniteLossLeavesWeightsAndRunningStatisticsAsBeforeTheStep() {
        // No ReLU between the NaN and the loss: BatchNorm spreads one NaN input over the whole batch (its mean).
        Sequential model = new Sequential(new int[] {4}, 1, new Dense(8), new BatchNorm(), new Dense(3));
        float[][][] beforeFailingStep = {null};
        int[] calls = {0};
        // The fifth batch, after four steps have moved the weights and statistics away from their initial values.
        BatchTransform poisonFifth = (batch, count, shape, random) -> {
            if (++calls[0] == 5) {
                beforeFailingStep[0] = model.copyWeights();
                batch[1] = Float.NaN;
            }
        };
        assertThatThrownBy(() -> new Trainer(model, new Adam()).quiet().withBatchTransform(poisonFifth)
                .fit(blobs(40, 1), 2, 8))
                .isInstanceOfSatisfying(NonFiniteLossException.class, e -> assertThat(e.batch()).isEqualTo(5));
        float[][] after = model.copyWeights();
        assertThat(after).hasNumberOfRows(beforeFailingStep[0].length);
        for (int i = 0; i < after.length; i++) {
            assertThat(bits(after[i])).as("tensor %d (parameters, then running mean and variance)", i)
                    .containsExactly(bits(beforeFailingStep[0][i]));
        }
        assertThat(bits(after[after.length - 1])).as("the running variance has moved from its initial 1")
                .isNotEqualTo(bits(new float[] {1, 1, 1, 1, 1, 1, 1, 1}));
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }

    @Test
    void earlyStoppingEndsFitAndIsRecorded() {
        // The learning rate is 0: the loss never improves (beyond rounding, hence minDelta), so patience 2 stops
        // after epoch 3 (best at 1, no improvement at 2 and 3).
        EarlyStopping stopping = new EarlyStopping(Monitor.TRAIN_LOSS, 2, 1e-6);
        History history = new Trainer(smallModel(1), new Sgd(0f)).quiet().withCallbacks(stopping)
                .fit(blobs(20, 1), 10, 20);
        assertThat(history.size()).isEqualTo(3);
        assertThat(history.stoppedEarly()).isTrue();
        assertThat(stopping.stoppedEpoch()).isEqualTo(3);
        assertThat(stopping.bestEpoch()).isEqualTo(1);
    }

    @Test
    void keepBestLeavesTheModelWithTheBestEpochsWeights() {
        Sequential model = smallModel(1);
        float[][][] perEpoch = new float[4][][];
        Callback snapshot = new Callback() {
            @Override
            public boolean onEpochEnd(Sequential m, EpochMetrics metrics) {
                perEpoch[metrics.epoch() - 1] = m.copyWeights();
                return false;
            }
        };
        KeepBest best = new KeepBest(Monitor.VALIDATION_LOSS);
        // A learning rate large enough to overshoot makes the best epoch not necessarily the last.
        History history = new Trainer(model, new Sgd(0.5f)).quiet().withValidation(blobs(30, 5))
                .withCallbacks(snapshot, best).fit(blobs(60, 1), 4, 4);
        int bestEpoch = history.best(Monitor.VALIDATION_LOSS).epoch();
        assertThat(best.bestEpoch()).isEqualTo(bestEpoch);
        assertThat(best.bestValue()).isEqualTo(history.best(Monitor.VALIDATION_LOSS).validationLoss());
        assertThat(model.copyWeights()).isDeepEqualTo(perEpoch[bestEpoch - 1]);
    }

    @Test
    void monitoringValidationWithoutValidationDataIsAClearError() {
        assertThatThrownBy(() -> new Trainer(smallModel(1), new Adam()).quiet()
                .withCallbacks(new EarlyStopping(Monitor.VALIDATION_LOSS, 2)).fit(blobs(20, 1), 2, 8))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no validation data");
    }

    @Test
    void rejectsDataThatDoesNotFitTheModel() {
        Dataset wrongShape = Dataset.of(Tensor.zeros(10, 5), new int[10], 3);
        assertThatThrownBy(() -> new Trainer(smallModel(1), new Adam()).quiet().fit(wrongShape, 1, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[5]").hasMessageContaining("[4]");
        Dataset wrongClasses = Dataset.of(Tensor.zeros(10, 4), new int[10], 5);
        assertThatThrownBy(() -> new Trainer(smallModel(1), new Adam()).quiet().fit(wrongClasses, 1, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5 classes");
    }

    @Test
    void printsOneLinePerEpochWhenNotOnATerminal() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        new Trainer(smallModel(1), new Adam()).withOutput(out).withValidation(blobs(9, 2)).fit(blobs(20, 1), 2, 8);
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("\r").hasLineCount(2);
        assertThat(text.lines().toList().get(0)).startsWith("Epoch 1/2 [====================] 3/3  loss ")
                .contains("val_loss").contains("img/s");
    }

    @Test
    void quietPrintsNothing() {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            new Trainer(smallModel(1), new Adam()).quiet().fit(blobs(20, 1), 2, 8);
        } finally {
            System.setOut(original);
        }
        assertThat(bytes.size()).isZero();
    }

    @Test
    void validationFiguresAreTheModelsOwnEvaluationOfTheValidationSet() {
        Sequential model = smallModel(1);
        Dataset validation = blobs(600, 1);   // more than two inference chunks of 256
        Tensor all = Tensor.zeros(600, 4);
        int[] labels = new int[600];
        for (int i = 0; i < 600; i++) {
            validation.copySample(i, all.data(), i * 4);
            labels[i] = validation.label(i);
        }
        History history = new Trainer(model, new Sgd(0.01f)).quiet().withValidation(validation)
                .fit(blobs(40, 2), 1, 8);
        var expected = model.evaluate(all, labels);
        assertThat(history.validationLoss()[0]).isEqualTo(expected.loss());
        assertThat(history.validationAccuracy()[0]).isEqualTo(expected.accuracy());
    }

    private static List<Integer> range(int to) {
        return range(0, to);
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> list = new ArrayList<>();
        for (int i = from; i < to; i++) {
            list.add(i);
        }
        return list;
    }
}
