package dev.weft.layers;

import dev.weft.core.Parallel;
import dev.weft.core.Tensor;
import dev.weft.core.simd.Kernels;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Batch normalisation (Ioffe and Szegedy, 2015) per channel for images ({@code [batch, c, h, w]}, statistics over
 * batch, height and width) or per feature for vectors ({@code [batch, f]}, statistics over the batch):
 * {@code Y = γ · (X - μ) / sqrt(σ² + ε) + β}.
 *
 * <p>Training uses the batch's mean and (biased) variance and updates the running statistics as Keras does:
 * {@code running = momentum · running + (1 - momentum) · batchStatistic}, momentum 0.99, ε = 1e-3. Inference uses
 * the running statistics and changes nothing. γ starts at 1, β at 0, the running mean at 0 and variance at 1.
 *
 * <p>A BatchNorm directly followed by a {@link ReLU} absorbs it ({@link Fusable}) unless fusion is turned off with
 * {@link Sequential#withFusion}.
 */
public final class BatchNorm extends AbstractLayer implements Fusable {
    private final float momentum;
    private final float epsilon;

    private int channels;
    /** Elements per channel per sample: height·width for images, 1 for vectors. */
    private int spatial;
    private Parameter gamma;
    private Parameter beta;
    private Tensor runningMean;
    private Tensor runningVariance;

    // Training state: the input X, the batch mean μ and 1/sqrt(σ² + ε) per channel (x̂ = (X - μ)/sqrt(σ² + ε) is
    // recomputed in backward rather than stored: one array fewer to write and read back), and reused buffers.
    private Tensor input;
    private float[] batchMean;
    private float[] inverseStd;
    /** The forward map Y = X·scale + shift per channel: backward recomputes the fused ReLU's mask [Y > 0] from X. */
    private float[] forwardScale;
    private float[] forwardShift;
    /** Whether the last training forward applied a fused ReLU (then the output is the ReLU's). */
    private boolean reluFused;
    private Tensor output;
    private Tensor dInput;

    private ThreadScratch<Tensor> inference;

    /** Keras defaults: momentum 0.99, epsilon 1e-3. */
    public BatchNorm() {
        this(0.99f, 1e-3f);
    }

    /** Custom running-statistics momentum in [0, 1) and a finite epsilon > 0. */
    public BatchNorm(float momentum, float epsilon) {
        if (!(momentum >= 0 && momentum < 1) || !(epsilon > 0 && epsilon < Float.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("BatchNorm needs momentum in [0, 1) and a finite epsilon > 0, got "
                    + momentum + ", " + epsilon);
        }
        this.momentum = momentum;
        this.epsilon = epsilon;
    }

    @Override
    public String type() {
        return "BatchNorm";
    }

    /** Settings: momentum, epsilon. */
    @Override
    public Optional<LayerSpec> spec() {
        return Optional.of(LayerSpec.ofFloats(type(), momentum, epsilon));
    }

    /** The layer {@link #spec()} describes. */
    static BatchNorm fromSpec(LayerSpec spec) {
        float[] s = spec.floats();
        return new BatchNorm(s[0], s[1]);
    }

    /** What the layer {@code spec} describes holds on input {@code in}, worked out without building it. */
    static LayerTypes.Shapes shapes(LayerSpec spec, int[] in) {
        if (in.length != 1 && in.length != 3) {
            throw new IllegalArgumentException("BatchNorm expects [features] or [channels, height, width] per sample");
        }
        int channels = in[0];
        return new LayerTypes.Shapes(in, List.of(
                LayerTypes.TensorShape.of("gamma", channels),
                LayerTypes.TensorShape.of("beta", channels)), List.of(
                LayerTypes.TensorShape.of("runningMean", channels),
                new LayerTypes.TensorShape("runningVariance", new int[] {channels}, true)));
    }

    /** Weight of the old running statistics in each update (0.99 by default). */
    public float momentum() {
        return momentum;
    }

    /** Added to the variance before the square root (1e-3 by default). */
    public float epsilon() {
        return epsilon;
    }

    /** The scale γ per channel. */
    public Parameter gamma() {
        return gamma;
    }

    /** The shift β per channel. */
    public Parameter beta() {
        return beta;
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
        batchMean = new float[channels];
        inverseStd = new float[channels];
        forwardScale = new float[channels];
        forwardShift = new float[channels];
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

    /** A BatchNorm absorbs a {@link ReLU} right after it. */
    @Override
    public boolean canFuse(Layer next) {
        return next instanceof ReLU;
    }

    /**
     * The forward pass followed by a ReLU, {@code max(Y, 0)}, in the same pass over the output. After a training
     * call, {@link #backward} takes the gradient of the ReLU's output.
     */
    @Override
    public Tensor forwardFused(Tensor x, boolean training) {
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
                Kernels kernels = Kernels.get();
                for (int c = from; c < to; c++) {
                    float scale = (float) (g[c] / Math.sqrt(variance[c] + epsilon));
                    float shift = b[c] - mean[c] * scale;
                    for (int n = 0; n < batch; n++) {
                        int base = (n * channels + c) * spatial;
                        normalize(kernels, relu, spatial, in, xOff + base, scale, shift, out, base);
                    }
                }
            });
            return y;
        }
        if (output == null || output.dim(0) != batch) {
            output = Tensor.zeros(x.shape());
            dInput = Tensor.zeros(x.shape());
        }
        input = x;
        reluFused = relu;
        float[] out = output.data();
        float[] mean = runningMean.data();
        float[] variance = runningVariance.data();
        int count = batch * spatial;
        // Each channel is independent, so splitting channels over threads keeps results bit-identical. Sums run
        // over contiguous runs of `spatial` elements with the SIMD kernels, and the runs add up in double.
        // The variance is the mean of (x - μ)², computed after subtracting μ (no E[x²] - μ² cancellation). A
        // channel's values (batch·spatial floats) are read three times; the second and third reads hit the cache.
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
                double var = squares / count;
                float invStd = (float) (1.0 / Math.sqrt(var + epsilon));
                batchMean[c] = m;
                inverseStd[c] = invStd;
                // Y = γ·(X - μ)·invStd + β = X·scale + shift
                float scale = g[c] * invStd;
                float shift = b[c] - m * scale;
                forwardScale[c] = scale;
                forwardShift[c] = shift;
                for (int n = 0; n < batch; n++) {
                    int base = (n * channels + c) * spatial;
                    normalize(kernels, relu, spatial, in, xOff + base, scale, shift, out, base);
                }
                mean[c] = momentum * mean[c] + (1 - momentum) * m;
                variance[c] = momentum * variance[c] + (1 - momentum) * (float) var;
            }
        });
        return output;
    }

    /** One run of {@code n} values: {@code Y = X·scale + shift}, then the fused ReLU when {@code relu}. */
    private static void normalize(Kernels kernels, boolean relu, int n, float[] in, int inOffset, float scale,
                                  float shift, float[] out, int outOffset) {
        if (relu) {
            kernels.affineRelu(n, in, inOffset, scale, shift, out, outOffset);
        } else {
            kernels.affine(n, in, inOffset, scale, shift, out, outOffset);
        }
    }

    @Override
    public Tensor backward(Tensor dOutput) {
        int batch = beginBackward(dOutput);
        // With M = batch·spatial elements per channel and x̂ = (X - μ)/sqrt(σ² + ε) the normalised input:
        // dβ[c] += Σ dY          dγ[c] += Σ dY·x̂
        // dX     = γ[c]/sqrt(σ²+ε) · (dY - Σ dY / M - x̂ · Σ(dY·x̂) / M)   (overwritten)
        float[] dY = dOutput.data();
        int dyOff = dOutput.offset();
        float[] in = input.data();
        int xOff = input.offset();
        float[] dX = dInput.data();
        float[] g = gamma.value().data();
        float[] dGamma = gamma.grad().data();
        float[] dBeta = beta.grad().data();
        int count = batch * spatial;
        // With a fused ReLU, dOutput is the gradient of max(Y, 0): both passes mask dY with [Y > 0] as they read
        // it, Y > 0 being X·forwardScale + forwardShift > 0 recomputed from X as the forward pass computed it (the
        // same multiply and add, the same bits), so the masked gradient is never written and Y never read. Each
        // run of dY and X is read twice: once for Σ dY and Σ dY·X together, once for dX.
        boolean relu = reluFused;
        Parallel.forRange(channels, 1, (from, to) -> {
            Kernels kernels = Kernels.get();
            float[] sums = new float[2];
            for (int c = from; c < to; c++) {
                float m = batchMean[c];
                float invStd = inverseStd[c];
                double sumDy = 0;
                double sumDyX = 0;
                for (int n = 0; n < batch; n++) {
                    int base = (n * channels + c) * spatial;
                    if (relu) {
                        kernels.sumAndDotMasked(spatial, dY, dyOff + base, in, xOff + base, forwardScale[c],
                                forwardShift[c], sums);
                    } else {
                        kernels.sumAndDot(spatial, dY, dyOff + base, in, xOff + base, sums);
                    }
                    sumDy += sums[0];
                    sumDyX += sums[1];
                }
                // Σ dY·(X - μ) = Σ dY·X - μ·Σ dY: one pass over X instead of a centred copy of it.
                double sumDyXHat = (sumDyX - m * sumDy) * invStd;
                dBeta[c] += (float) sumDy;
                dGamma[c] += (float) sumDyXHat;
                float scale = g[c] * invStd;
                // dX = scale·dY + (X - μ)·perCentered - scale·Σ dY/M = scale·dY + constant + perCentered·X
                double perCentered = -scale * invStd * (sumDyXHat / count);
                float constant = (float) (-scale * (sumDy / count) - perCentered * m);
                for (int n = 0; n < batch; n++) {
                    int base = (n * channels + c) * spatial;
                    if (relu) {
                        kernels.affineAxpyMasked(spatial, dY, dyOff + base, scale, constant, (float) perCentered,
                                in, xOff + base, forwardScale[c], forwardShift[c], dX, base);
                    } else {
                        kernels.affineAxpy(spatial, dY, dyOff + base, scale, constant, (float) perCentered,
                                in, xOff + base, dX, base);
                    }
                }
            }
        });
        return dInput;
    }
}
