package dev.weft.layers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.core.Parallel;
import dev.weft.core.Tensor;
import dev.weft.core.simd.Kernels;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * BatchNorm's backward pass reads the gradient with fused kernels ({@code sumAndDot}, {@code sumAndDotMasked},
 * {@code affineAxpyMasked}, the last two masking it where {@code X·scale + shift > 0}) where it used to write the
 * gradient masked with its output's {@code [Y > 0]} and read it three times; and vectors ({@code [batch,
 * features]}) run a row of features at a time where they used to run channel by channel in runs of one value.
 * Training {@link Models#weftCnn} gives the same weights and running statistics, bit for bit, as the same network
 * whose BatchNorms run both passes as they were, run by run ({@link SeparatePassesBatchNorm}, kept here as the
 * reference): with the ReLU fused (the masked kernels) and without (teaching mode, the unmasked ones). Both run on
 * the kernels of this JVM; the whole suite also runs scalar ({@code -Dweft.test.jvm="-Dweft.simd=false"}).
 */
class BatchNormTrainingBitsTest {
    private static final long SEED = 23L;

    @Test
    void weftCnnTrainsToTheSameBitsAsWithTheSeparatePassesWithTheReluFused() {
        assertSameBitsAsTheReference(true);
    }

    @Test
    void weftCnnTrainsToTheSameBitsAsWithTheSeparatePassesInTeachingMode() {
        assertSameBitsAsTheReference(false);
    }

    private static void assertSameBitsAsTheReference(boolean fusion) {
        Sequential model = Models.weftCnn(SEED).withFusion(fusion);
        Sequential reference = weftCnnWithSeparatePasses(SEED).withFusion(fusion);
        assertThat(reference.fusedPairs()).hasSameSizeAs(model.fusedPairs());
        assertThat(model.fusedPairs().isEmpty()).isEqualTo(!fusion);
        float[][] before = model.copyWeights();
        assertThat(reference.copyWeights()).as("the same network, initialised alike").isDeepEqualTo(before);
        float[][] trained = train(model);
        assertThat(train(reference)).isDeepEqualTo(trained);
        assertThat(Arrays.deepEquals(trained, before)).as("training moved the weights").isFalse();
    }

    /** {@link Models#weftCnn}'s layers, with {@link SeparatePassesBatchNorm} for each BatchNorm. */
    private static Sequential weftCnnWithSeparatePasses(long seed) {
        return new Sequential(Models.IMAGE_SHAPE, seed,
                new Conv2D(32, 3, 1, Padding.VALID), new SeparatePassesBatchNorm(), new ReLU(),
                new Conv2D(32, 3, 1, Padding.VALID), new SeparatePassesBatchNorm(), new ReLU(),
                new MaxPool2D(2),
                new Conv2D(64, 3, 1, Padding.VALID), new SeparatePassesBatchNorm(), new ReLU(),
                new Conv2D(64, 3, 1, Padding.VALID), new SeparatePassesBatchNorm(), new ReLU(),
                new MaxPool2D(2),
                new Flatten(),
                new Dense(256), new SeparatePassesBatchNorm(), new ReLU(), new Dropout(0.3),
                new Dense(10));
    }

    /** Three plain gradient-descent steps (learning rate 0.05) on fixed random batches of 12 images. */
    private static float[][] train(Sequential model) {
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        int[] labels = new int[12];
        for (int step = 0; step < 3; step++) {
            Tensor x = Tensor.uniform(new int[] {12, 1, 28, 28}, 0f, 1f, 200 + step);
            for (int i = 0; i < labels.length; i++) {
                labels[i] = (i * 3 + step) % 10;
            }
            model.zeroGrad();
            loss.forward(model.forward(x, true), labels);
            model.backward(loss.backward());
            for (Parameter p : model.parameters()) {
                float[] w = p.value().data();
                float[] g = p.grad().data();
                for (int i = 0; i < p.size(); i++) {
                    w[p.value().offset() + i] -= 0.05f * g[p.grad().offset() + i];
                }
            }
        }
        return model.copyWeights();
    }

    /**
     * A {@link BatchNorm} (its parameters and running statistics) whose passes are the ones before: the forward
     * pass channel by channel, in runs of {@code spatial} values ({@code sum}, {@code squaredDeviations}, then
     * {@code affine} or {@code affineRelu}), for vectors too; the backward pass before the fused kernels: with a
     * fused ReLU, {@code reluBackward} writes the masked gradient into {@code dX}, then {@code sum} and {@code dot}
     * read it, then {@code affineAxpy} turns it into {@code dX} in place, with the batch mean and
     * {@code 1/sqrt(σ² + ε)} of this layer's own forward pass.
     */
    private static final class SeparatePassesBatchNorm extends AbstractLayer implements Fusable {
        private final BatchNorm norm = new BatchNorm();
        private int channels;
        private int spatial;
        private Tensor input;
        private Tensor output;
        /** The batch mean and {@code 1/sqrt(σ² + ε)} per channel of the last training forward pass. */
        private float[] mean;
        private float[] inverseStd;
        private boolean reluFused;
        private Tensor dInput;

        @Override
        public String type() {
            return "BatchNorm";
        }

        @Override
        protected int[] initialize(int[] in, RandomGenerator random) {
            norm.build("inner", in, random);
            channels = in[0];
            spatial = in.length == 3 ? in[1] * in[2] : 1;
            mean = new float[channels];
            inverseStd = new float[channels];
            return in;
        }

        @Override
        public List<Parameter> parameters() {
            return norm.parameters();
        }

        @Override
        public Map<String, Tensor> statistics() {
            return norm.statistics();
        }

        @Override
        public boolean canFuse(Layer next) {
            return next instanceof ReLU;
        }

        @Override
        public Tensor forward(Tensor x, boolean training) {
            beginForward(x, training);
            return remember(x, norm.forward(x, training), training, false);
        }

        @Override
        public Tensor forwardFused(Tensor x, boolean training) {
            beginForward(x, training);
            return remember(x, norm.forwardFused(x, training), training, true);
        }

        /** The inner layer's training pass updated the running statistics; its output is computed again here. */
        private Tensor remember(Tensor x, Tensor y, boolean training, boolean relu) {
            if (!training) {
                return y;
            }
            input = x;
            reluFused = relu;
            if (dInput == null || dInput.dim(0) != x.dim(0)) {
                dInput = Tensor.zeros(x.shape());
                output = Tensor.zeros(x.shape());
            }
            int batch = x.dim(0);
            int count = batch * spatial;
            float[] in = x.data();
            int xOff = x.offset();
            float[] out = output.data();
            float[] g = norm.parameters().get(0).value().data();
            float[] b = norm.parameters().get(1).value().data();
            Parallel.forRange(channels, 1, (from, to) -> {
                Kernels kernels = Kernels.get();
                for (int c = from; c < to; c++) {
                    double sum = 0;
                    for (int n = 0; n < batch; n++) {
                        sum += kernels.sum(spatial, in, xOff + (n * channels + c) * spatial);
                    }
                    float m = (float) (sum / count);
                    double squares = 0;
                    for (int n = 0; n < batch; n++) {
                        squares += kernels.squaredDeviations(spatial, in, xOff + (n * channels + c) * spatial, m);
                    }
                    float invStd = (float) (1.0 / Math.sqrt(squares / count + norm.epsilon()));
                    mean[c] = m;
                    inverseStd[c] = invStd;
                    float scale = g[c] * invStd;
                    float shift = b[c] - m * scale;
                    for (int n = 0; n < batch; n++) {
                        int base = (n * channels + c) * spatial;
                        if (relu) {
                            kernels.affineRelu(spatial, in, xOff + base, scale, shift, out, base);
                        } else {
                            kernels.affine(spatial, in, xOff + base, scale, shift, out, base);
                        }
                    }
                }
            });
            return output;
        }

        @Override
        public Tensor backward(Tensor dOutput) {
            int batch = beginBackward(dOutput);
            float[] dY = dOutput.data();
            int dyOff = dOutput.offset();
            float[] in = input.data();
            int xOff = input.offset();
            float[] dX = dInput.data();
            float[] g = norm.parameters().get(0).value().data();
            float[] dGamma = norm.parameters().get(0).grad().data();
            float[] dBeta = norm.parameters().get(1).grad().data();
            int count = batch * spatial;
            float[] out = output.data();
            boolean relu = reluFused;
            float[] grad = relu ? dX : dY;
            int gradOff = relu ? 0 : dyOff;
            Parallel.forRange(channels, 1, (from, to) -> {
                Kernels kernels = Kernels.get();
                for (int c = from; c < to; c++) {
                    float m = mean[c];
                    float invStd = inverseStd[c];
                    double sumDy = 0;
                    double sumDyX = 0;
                    for (int n = 0; n < batch; n++) {
                        int base = (n * channels + c) * spatial;
                        if (relu) {
                            kernels.reluBackward(spatial, out, base, dY, dyOff + base, dX, base);
                        }
                        sumDy += kernels.sum(spatial, grad, gradOff + base);
                        sumDyX += kernels.dot(spatial, grad, gradOff + base, in, xOff + base);
                    }
                    double sumDyXHat = (sumDyX - m * sumDy) * invStd;
                    dBeta[c] += (float) sumDy;
                    dGamma[c] += (float) sumDyXHat;
                    float scale = g[c] * invStd;
                    double perCentered = -scale * invStd * (sumDyXHat / count);
                    float constant = (float) (-scale * (sumDy / count) - perCentered * m);
                    for (int n = 0; n < batch; n++) {
                        int base = (n * channels + c) * spatial;
                        kernels.affineAxpy(spatial, grad, gradOff + base, scale, constant, (float) perCentered,
                                in, xOff + base, dX, base);
                    }
                }
            });
            return dInput;
        }
    }
}
