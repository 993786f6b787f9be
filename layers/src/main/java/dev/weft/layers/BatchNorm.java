package dev.weft.layers;

import dev.weft.core.Parallel;
import dev.weft.core.Tensor;
import dev.weft.core.simd.Kernels;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Batch normalisation (Ioffe and Szegedy, 2015) per channel for images ({@code [batch, c, h, w]}, statistics over
 * batch, height and width) or per feature for vectors ({@code [batch, f]}, statistics over the batch):
 * {@code Y = γ · (X - μ) / sqrt(σ² + ε) + β}.
 *
 * <p>Training uses the batch's mean and (biased) variance and updates the running statistics as Keras does:
 * {@code running = momentum · running + (1 - momentum) · batchStatistic}, momentum 0.99, ε = 1e-3. Inference uses
 * the running statistics and changes nothing. γ starts at 1, β at 0, the running mean at 0 and variance at 1.
 */
public final class BatchNorm extends AbstractLayer {
    private final float momentum;
    private final float epsilon;

    private int channels;
    /** Elements per channel per sample: height·width for images, 1 for vectors. */
    private int spatial;
    private Parameter gamma;
    private Parameter beta;
    private Tensor runningMean;
    private Tensor runningVariance;

    // Training state: x̂ = (X - μ)/sqrt(σ² + ε), 1/sqrt(σ² + ε) per channel, and reused buffers.
    private Tensor normalized;
    private float[] inverseStd;
    /** Whether the last training forward applied a fused ReLU (then the output is the ReLU's). */
    private boolean reluFused;
    private Tensor output;
    private Tensor dInput;

    private ThreadScratch<Tensor> inference;

    /** Keras defaults: momentum 0.99, epsilon 1e-3. */
    public BatchNorm() {
        this(0.99f, 1e-3f);
    }

    /** Custom running-statistics momentum in [0, 1) and epsilon > 0. */
    public BatchNorm(float momentum, float epsilon) {
        if (!(momentum >= 0 && momentum < 1) || !(epsilon > 0)) {
            throw new IllegalArgumentException("BatchNorm needs momentum in [0, 1) and epsilon > 0, got "
                    + momentum + ", " + epsilon);
        }
        this.momentum = momentum;
        this.epsilon = epsilon;
    }

    @Override
    public String type() {
        return "BatchNorm";
    }

    /** Weight of the old running statistics in each update (0.99 by default). */
    public float momentum() {
        return momentum;
    }

    /** Added to the variance before the square root (1e-3 by default). */
    public float epsilon() {
        return epsilon;
    }

    /** Running mean per channel (used at inference). */
    public Tensor runningMean() {
        return runningMean;
    }

    /** Running variance per channel (used at inference). */
    public Tensor runningVariance() {
        return runningVariance;
    }

    @Override
    protected int[] initialize(int[] in, RandomGenerator random) {
        if (in.length != 1 && in.length != 3) {
            throw new IllegalArgumentException("BatchNorm expects [features] or [channels, height, width] per sample");
        }
        channels = in[0];
        spatial = in.length == 3 ? in[1] * in[2] : 1;
        gamma = new Parameter("gamma", Tensor.filled(1f, channels), false);
        beta = new Parameter("beta", Tensor.zeros(channels), false);
        runningMean = Tensor.zeros(channels);
        runningVariance = Tensor.filled(1f, channels);
        inverseStd = new float[channels];
        inference = new ThreadScratch<>(batch -> Tensor.zeros(withBatch(batch, in)));
        return in;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(gamma, beta);
    }

    @Override
    public Map<String, Tensor> statistics() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("runningMean", runningMean);
        m.put("runningVariance", runningVariance);
        return m;
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        return forward(x, training, false);
    }

    /**
     * The forward pass followed by a ReLU, {@code max(Y, 0)}, in the same pass over the output: what
     * {@link Sequential} runs for a BatchNorm directly followed by a {@link ReLU} (whose own pass it then skips).
     * After a training forward with the ReLU, {@link #backward} takes the gradient of the ReLU's output.
     */
    Tensor forwardWithRelu(Tensor x, boolean training) {
        return forward(x, training, true);
    }

    private Tensor forward(Tensor x, boolean training, boolean relu) {
        int batch = beginForward(x, training);
        float[] in = x.data();
        int xOff = x.offset();
        float[] g = gamma.value().data();
        float[] b = beta.value().data();
        if (!training) {
            Tensor y = inference.forBatch(batch);
            float[] out = y.data();
            float[] mean = runningMean.data();
            float[] variance = runningVariance.data();
            Parallel.forRange(channels, 1, (from, to) -> {
                for (int c = from; c < to; c++) {
                    float scale = (float) (g[c] / Math.sqrt(variance[c] + epsilon));
                    float shift = b[c] - mean[c] * scale;
                    for (int n = 0; n < batch; n++) {
                        int base = (n * channels + c) * spatial;
                        for (int s = 0; s < spatial; s++) {
                            out[base + s] = in[xOff + base + s] * scale + shift;
                        }
                        if (relu) {
                            // The ReLU kernel (a blend): a float ternary would be a branch on the sign.
                            Kernels.get().relu(spatial, out, base, out, base);
                        }
                    }
                }
            });
            return y;
        }
        if (output == null || output.dim(0) != batch) {
            output = Tensor.zeros(x.shape());
            normalized = Tensor.zeros(x.shape());
            dInput = Tensor.zeros(x.shape());
        }
        reluFused = relu;
        float[] out = output.data();
        float[] xHat = normalized.data();
        float[] mean = runningMean.data();
        float[] variance = runningVariance.data();
        int count = batch * spatial;
        // Each channel is independent, so splitting channels over threads keeps results bit-identical. Sums run
        // over contiguous runs of `spatial` elements with the SIMD kernels, and the runs add up in double.
        // The variance is the mean of (x - μ)², computed after subtracting μ (no E[x²] - μ² cancellation).
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
                    int base = (n * channels + c) * spatial;
                    for (int s = 0; s < spatial; s++) {
                        xHat[base + s] = in[xOff + base + s] - m;
                    }
                    squares += kernels.dot(spatial, xHat, base, xHat, base);
                }
                double var = squares / count;
                float invStd = (float) (1.0 / Math.sqrt(var + epsilon));
                inverseStd[c] = invStd;
                float gc = g[c];
                float bc = b[c];
                for (int n = 0; n < batch; n++) {
                    int base = (n * channels + c) * spatial;
                    for (int s = 0; s < spatial; s++) {
                        float h = xHat[base + s] * invStd;
                        xHat[base + s] = h;
                        out[base + s] = gc * h + bc;
                    }
                    if (relu) {
                        kernels.relu(spatial, out, base, out, base);
                    }
                }
                mean[c] = momentum * mean[c] + (1 - momentum) * m;
                variance[c] = momentum * variance[c] + (1 - momentum) * (float) var;
            }
        });
        return output;
    }

    @Override
    public Tensor backward(Tensor dOutput) {
        int batch = beginBackward(dOutput);
        // With M = batch·spatial elements per channel and x̂ the normalised input:
        // dβ[c] += Σ dY          dγ[c] += Σ dY·x̂
        // dX     = γ[c]/sqrt(σ²+ε) · (dY - Σ dY / M - x̂ · Σ(dY·x̂) / M)   (overwritten)
        float[] dY = dOutput.data();
        int dyOff = dOutput.offset();
        float[] xHat = normalized.data();
        float[] dX = dInput.data();
        float[] g = gamma.value().data();
        float[] dGamma = gamma.grad().data();
        float[] dBeta = beta.grad().data();
        int count = batch * spatial;
        // With a fused ReLU, dOutput is the gradient of max(Y, 0): each run of dY is first masked with [Y > 0].
        float[] out = output.data();
        boolean relu = reluFused;
        Parallel.forRange(channels, 1, (from, to) -> {
            Kernels kernels = Kernels.get();
            float[] masked = relu ? new float[spatial] : null;
            for (int c = from; c < to; c++) {
                double sumDy = 0;
                double sumDyXHat = 0;
                for (int n = 0; n < batch; n++) {
                    int base = (n * channels + c) * spatial;
                    float[] dy = relu ? masked(kernels, out, base, dY, dyOff + base, masked) : dY;
                    int at = relu ? 0 : dyOff + base;
                    sumDy += kernels.sum(spatial, dy, at);
                    sumDyXHat += kernels.dot(spatial, dy, at, xHat, base);
                }
                dBeta[c] += (float) sumDy;
                dGamma[c] += (float) sumDyXHat;
                float meanDy = (float) (sumDy / count);
                float meanDyXHat = (float) (sumDyXHat / count);
                float scale = g[c] * inverseStd[c];
                for (int n = 0; n < batch; n++) {
                    int base = (n * channels + c) * spatial;
                    float[] dy = relu ? masked(kernels, out, base, dY, dyOff + base, masked) : dY;
                    int at = relu ? 0 : dyOff + base;
                    for (int s = 0; s < spatial; s++) {
                        dX[base + s] = scale * (dy[at + s] - meanDy - xHat[base + s] * meanDyXHat);
                    }
                }
            }
        });
        return dInput;
    }

    /** {@code masked[s] = dY[dyOffset + s]} where the output is positive, else 0: the fused ReLU's backward. */
    private float[] masked(Kernels kernels, float[] out, int base, float[] dY, int dyOffset, float[] masked) {
        kernels.reluBackward(spatial, out, base, dY, dyOffset, masked, 0);
        return masked;
    }
}
