package dev.weft.layers;

import dev.weft.core.Parallel;
import dev.weft.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class SummaryAndDeterminismTest {

    @Test
    void referenceCnnSummaryListsShapesParametersAndTotals() {
        String summary = Models.referenceCnn(1L).summary();
        System.out.println(summary);
        assertThat(summary).contains("input 1x28x28");
        assertThat(summary).containsPattern("conv2d_1 \\(Conv2D\\)\\s+32x26x26\\s+320\n");
        assertThat(summary).containsPattern("maxpool2d_1 \\(MaxPool2D\\)\\s+32x13x13\\s+0\n");
        assertThat(summary).containsPattern("conv2d_2 \\(Conv2D\\)\\s+64x11x11\\s+18,496\n");
        assertThat(summary).containsPattern("maxpool2d_2 \\(MaxPool2D\\)\\s+64x5x5\\s+0\n");
        assertThat(summary).containsPattern("conv2d_3 \\(Conv2D\\)\\s+128x3x3\\s+73,856\n");
        assertThat(summary).containsPattern("flatten_1 \\(Flatten\\)\\s+1152\\s+0\n");
        assertThat(summary).containsPattern("dense_1 \\(Dense\\)\\s+128\\s+147,584\n");
        assertThat(summary).containsPattern("dropout_1 \\(Dropout\\)\\s+128\\s+0\n");
        assertThat(summary).containsPattern("dense_2 \\(Dense\\)\\s+10\\s+1,290\n");
        // 320 + 18,496 + 73,856 + 147,584 + 1,290 = 241,546
        assertThat(summary).contains("Total params: 241,546").contains("Trainable params: 241,546")
                .contains("Non-trainable params: 0");
    }

    @Test
    void weftCnnSummaryCountsBatchNormStatisticsAsNonTrainable() {
        Sequential model = Models.weftCnn(1L);
        String summary = model.summary();
        System.out.println(summary);
        // conv 1->32: 320; conv 32->32: 9,248; conv 32->64: 18,496; conv 64->64: 36,928; dense 1024->256: 262,400;
        // dense 256->10: 2,570; BatchNorm γ,β: 2·(32+32+64+64+256) = 896; running mean, variance: another 896.
        long trainable = 320 + 9_248 + 18_496 + 36_928 + 262_400 + 2_570 + 896;
        assertThat(model.trainableParameterCount()).isEqualTo(trainable);
        assertThat(model.nonTrainableParameterCount()).isEqualTo(896);
        assertThat(summary).containsPattern("batchnorm_1 \\(BatchNorm\\)\\s+32x26x26\\s+128\n")
                .contains("Non-trainable params: 896");
    }

    @Test
    void sameSeedGivesSameWeightsAndOutputs() {
        Tensor x = Tensor.uniform(new int[] {6, 1, 12, 12}, 0f, 1f, 9L);
        Sequential a = TinyModels.smallCnn(42L);
        Sequential b = TinyModels.smallCnn(42L);
        assertThat(a.copyWeights()).isDeepEqualTo(b.copyWeights());
        assertThat(a.forward(x, true).toArray()).containsExactly(b.forward(x, true).toArray());
        assertThat(TinyModels.smallCnn(43L).copyWeights()[0]).isNotEqualTo(a.copyWeights()[0]);
        assertThat(Models.weftCnn(42L).copyWeights()).isDeepEqualTo(Models.weftCnn(42L).copyWeights());
    }

    @Test
    void trainingStepIsBitIdenticalForOneAndTwoThreads() {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            float[][] one = trainSteps();
            Parallel.setThreads(2);
            float[][] two = trainSteps();
            assertThat(two).isDeepEqualTo(one);
        } finally {
            Parallel.setThreads(before);
        }
    }

    /** Three plain SGD steps of the reference CNN on fixed data. */
    private static float[][] trainSteps() {
        Sequential model = Models.referenceCnn(7L);
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        Tensor x = Tensor.uniform(new int[] {8, 1, 28, 28}, 0f, 1f, 1L);
        int[] labels = new int[8];
        for (int i = 0; i < 8; i++) {
            labels[i] = i % 10;
        }
        for (int step = 0; step < 3; step++) {
            model.zeroGrad();
            loss.forward(model.forward(x, true), labels);
            model.backward(loss.backward());
            for (Parameter p : model.parameters()) {
                float[] w = p.value().data();
                float[] g = p.grad().data();
                for (int i = 0; i < w.length; i++) {
                    w[i] -= 0.05f * g[i];
                }
            }
        }
        return model.copyWeights();
    }

    @Test
    void predictionsAreTheSameFromSeveralThreadsAtOnce() throws Exception {
        Sequential model = TinyModels.smallCnn(5L);
        // Move the BatchNorm statistics away from their initial values with a few training passes.
        for (int i = 0; i < 3; i++) {
            model.forward(Tensor.uniform(new int[] {8, 1, 12, 12}, 0f, 1f, i), true);
        }
        List<Tensor> inputs = new ArrayList<>();
        List<Tensor> expected = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            // Different batch sizes per thread, one above the inference chunk, to exercise the scratch caches.
            Tensor x = Tensor.uniform(new int[] {t == 0 ? Sequential.INFERENCE_CHUNK + 3 : 5 + t, 1, 12, 12},
                    0f, 1f, 100 + t);
            inputs.add(x);
            expected.add(model.predictProbabilities(x));
        }
        ExecutorService executor = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int id = t;
                results.add(executor.submit(() -> {
                    boolean same = true;
                    for (int repeat = 0; repeat < 20; repeat++) {
                        Tensor p = model.predictProbabilities(inputs.get(id));
                        same &= java.util.Arrays.equals(p.toArray(), expected.get(id).toArray());
                    }
                    return same;
                }));
            }
            for (int t = 0; t < 4; t++) {
                assertThat(results.get(t).get()).as("thread %d saw identical probabilities", t).isTrue();
            }
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void evaluateAgreesWithPredict() {
        Sequential model = Models.referenceCnn(2L);
        Tensor x = Tensor.uniform(new int[] {20, 1, 28, 28}, 0f, 1f, 3L);
        int[] predicted = model.predict(x);
        int[] labels = predicted.clone();
        labels[0] = (labels[0] + 1) % 10;
        labels[1] = (labels[1] + 1) % 10;
        Evaluation e = model.evaluate(x, labels);
        assertThat(e.accuracy()).isEqualTo(18 / 20.0);
        assertThat(e.loss()).isPositive();
    }
}
