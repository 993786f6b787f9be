package dev.weft.layers;

import dev.weft.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.function.LongFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

/**
 * At inference a Conv2D or Dense followed by a BatchNorm runs as one layer with the BatchNorm folded into its weights
 * and bias ({@link FoldedBatchNorm}). The fold scales each weight instead of each sum, so the logits agree with the
 * layers run one by one ({@code withFusion(false)}) to rounding: within {@value #RELATIVE} of the largest logit
 * magnitude of the batch. Every case gives the BatchNorms running statistics, γ and β far from their initial values,
 * so that a fold that left any of them out would fail.
 */
class BatchNormFoldingTest {
    /** Tolerance on each logit, relative to the largest logit magnitude of the batch. */
    private static final double RELATIVE = 1e-4;

    @Test
    void theWeftCnnFoldsEveryBatchNormIntoTheLayerBeforeIt() {
        Sequential model = Models.weftCnn(1L);
        assertThat(model.foldedBatchNorms()).extracting(Object::toString).containsExactly(
                "conv2d_1 + batchnorm_1", "conv2d_2 + batchnorm_2", "conv2d_3 + batchnorm_3",
                "conv2d_4 + batchnorm_4", "dense_1 + batchnorm_5");
        assertThat(model.summary()).contains("Folded at inference: conv2d_1 + batchnorm_1, conv2d_2 + batchnorm_2, "
                + "conv2d_3 + batchnorm_3, conv2d_4 + batchnorm_4, dense_1 + batchnorm_5 (withFusion(false)");
    }

    @Test
    void aModelWithoutBatchNormAndTeachingModeFoldNothing() {
        assertThat(Models.referenceCnn(1L).foldedBatchNorms()).isEmpty();
        assertThat(Models.referenceCnn(1L).summary()).doesNotContain("Folded");
        Sequential teaching = Models.weftCnn(1L).withFusion(false);
        assertThat(teaching.foldedBatchNorms()).isEmpty();
        assertThat(teaching.summary()).doesNotContain("Folded");
        assertThat(teaching.withFusion(true).foldedBatchNorms()).hasSize(5);
    }

    @Test
    void foldedLogitsAgreeWithTheLayersRunOneByOne() {
        agree(Models::weftCnn, 7);
        agree(TinyModels::smallCnn, 9);
    }

    @Test
    void foldsWithoutAReluAfterTheBatchNormAndWithStrideAndPadding() {
        agree(seed -> new Sequential(new int[] {2, 9, 9}, seed,
                new Conv2D(5, 3, 2, Padding.SAME), new BatchNorm(), new MaxPool2D(2),
                new Flatten(), new Dense(7), new BatchNorm(), new Dense(3)), 5);
    }

    @Test
    void theFoldFollowsTheParametersAfterSetWeightsAndTraining() {
        Sequential model = TinyModels.smallCnn(3L);
        Tensor x = Tensor.uniform(AbstractLayer.withBatch(6, TinyModels.INPUT), -1f, 1f, 4L);
        float[] before = model.forward(x, false).toArray();
        scramble(model, 5L);
        assertThat(model.forward(x, false).toArray()).as("after new BatchNorm statistics").isNotEqualTo(before);
        assertClose(model, x);
        float[][] weights = model.copyWeights();
        weights[0][0] += 0.5f;   // a weight of the first convolution
        model.setWeights(weights);
        assertClose(model, x);
        model.forward(x, true);   // updates the running statistics
        assertClose(model, x);
    }

    @Test
    void aTrainedModelPredictsTheSameClassesFoldedOrNot() {
        // A small CNN trained by plain SGD to tell which quadrant of a noisy image is bright: clear margins.
        Sequential model = TinyModels.smallCnn(8L);
        int batch = 32;
        SplittableRandom random = new SplittableRandom(9L);
        for (int step = 0; step < 40; step++) {
            int[] labels = new int[batch];
            Tensor x = quadrants(labels, random);
            SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
            model.zeroGrad();
            loss.forward(model.forward(x, true), labels);
            model.backward(loss.backward());
            for (Parameter p : model.parameters()) {
                float[] value = p.value().data();
                float[] grad = p.grad().data();
                for (int i = 0; i < value.length; i++) {
                    value[i] -= 0.05f * grad[i];
                }
            }
        }
        int[] labels = new int[64];
        Tensor test = quadrants(labels, random);
        int[] folded = model.predict(test);
        assertThat(model.evaluate(test, labels).accuracy()).as("the model has learnt the task").isGreaterThan(0.9);
        assertThat(model.withFusion(false).predict(test)).containsExactly(folded);
    }

    /** Images whose quadrant {@code label} (of 4; label 4 means none) is bright, plus noise. */
    private static Tensor quadrants(int[] labels, SplittableRandom random) {
        int side = TinyModels.INPUT[1];
        Tensor x = Tensor.zeros(AbstractLayer.withBatch(labels.length, TinyModels.INPUT));
        float[] data = x.data();
        for (int n = 0; n < labels.length; n++) {
            labels[n] = random.nextInt(5);
            for (int y = 0; y < side; y++) {
                for (int c = 0; c < side; c++) {
                    int quadrant = (y < side / 2 ? 0 : 2) + (c < side / 2 ? 0 : 1);
                    float bright = quadrant == labels[n] ? 1f : 0f;
                    data[(n * side + y) * side + c] = bright + (float) random.nextDouble(-0.3, 0.3);
                }
            }
        }
        return x;
    }

    private static void agree(LongFunction<Sequential> build, int batch) {
        Sequential model = build.apply(21L);
        assertThat(model.foldedBatchNorms()).isNotEmpty();
        scramble(model, 22L);
        assertClose(model, Tensor.uniform(AbstractLayer.withBatch(batch, model.inputShape()), -1f, 1f, 23L));
    }

    /** Folded logits against {@code withFusion(false)}'s, within {@link #RELATIVE} of the largest magnitude. */
    private static void assertClose(Sequential model, Tensor x) {
        float[] folded = model.forward(x, false).toArray();
        float[] plain = model.withFusion(false).forward(x, false).toArray();
        model.withFusion(true);
        double largest = 0;
        for (float v : plain) {
            largest = Math.max(largest, Math.abs(v));
        }
        assertThat(largest).isGreaterThan(0);
        for (int i = 0; i < plain.length; i++) {
            assertThat((double) folded[i]).as("logit %d (largest magnitude %s)", i, largest)
                    .isCloseTo(plain[i], offset(RELATIVE * largest));
        }
    }

    /** Running mean in [-0.5, 0.5], variance in [0.3, 3], γ in [0.5, 1.5], β in [-0.5, 0.5] for every BatchNorm. */
    private static void scramble(Sequential model, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (Layer layer : model.layers()) {
            if (layer instanceof BatchNorm bn) {
                fill(bn.runningMean().data(), -0.5, 0.5, random);
                fill(bn.runningVariance().data(), 0.3, 3, random);
                fill(bn.gamma().value().data(), 0.5, 1.5, random);
                fill(bn.beta().value().data(), -0.5, 0.5, random);
            }
        }
    }

    private static void fill(float[] values, double low, double high, SplittableRandom random) {
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextDouble(low, high);
        }
    }
}
