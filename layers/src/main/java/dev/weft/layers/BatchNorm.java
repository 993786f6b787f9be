package dev.weft.layers;

import dev.weft.core.Parallel;
import dev.weft.core.Tensor;
import dev.weft.core.simd.Kernels;

import java.util.Arrays;
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
    /**
     * Per-feature sums of the vector passes ({@link #forwardFeatures}, {@link #backwardFeatures}): of values, Σ X
     * then Σ dY, and of products, Σ (X - μ)² then Σ dY·X.
     */
    private double[] featureSums;
    private double[] featureProducts;

    private ThreadScratch<Tensor> inference;

    /** Elements per parallel chunk for vectors: below this, waking another thread costs more than it saves. */
    private static final int FEATURE_GRAIN_ELEMENTS = 1 << 13;

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
        featureSums = new double[channels];
        featureProducts = new double[channels];
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
        if (spatial == 1) {
            forwardFeatures(batch, in, xOff, relu);
            return output;
        }
        float[] out = output.data();
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
                keepStatistics(c, m, squares / count);
                for (int n = 0; n < batch; n++) {
                    int base = (n * channels + c) * spatial;
                    normalize(kernels, relu, spatial, in, xOff + base, forwardScale[c], forwardShift[c], out, base);
                }
            }
        });
        return output;
    }

    /**
     * Channel {@code c}'s batch mean {@code m} and variance {@code var}: keeps μ, 1/sqrt(σ² + ε) and the forward
     * map {@code Y = γ·(X - μ)·invStd + β = X·scale + shift}, and updates the running statistics.
     */
    private void keepStatistics(int c, float m, double var) {
        float invStd = (float) (1.0 / Math.sqrt(var + epsilon));
        batchMean[c] = m;
        inverseStd[c] = invStd;
        float scale = gamma.value().data()[c] * invStd;
        forwardScale[c] = scale;
        forwardShift[c] = beta.value().data()[c] - m * scale;
        float[] mean = runningMean.data();
        float[] variance = runningVariance.data();
        mean[c] = momentum * mean[c] + (1 - momentum) * m;
        variance[c] = momentum * variance[c] + (1 - momentum) * (float) var;
    }

    /**
     * The training forward pass for vectors ({@code [batch, features]}): a sample is a row, so the statistics run
     * down the columns, a row of features at a time, and the fused ReLU runs on each row after it. Each feature
     * takes its terms in the order of the image path's runs of one (sample 0 first, float terms added in double),
     * so the bits are the same. The loops have no branches: a ReLU test per element mispredicts.
     */
    private void forwardFeatures(int batch, float[] in, int xOff, boolean relu) {
        float[] out = output.data();
        double[] sums = featureSums;
        double[] squares = featureProducts;
        float[] means = batchMean;
        float[] scale = forwardScale;
        float[] shift = forwardShift;
        Parallel.forRange(channels, FEATURE_GRAIN_ELEMENTS / batch, (from, to) -> {
            Arrays.fill(sums, from, to, 0);
            Arrays.fill(squares, from, to, 0);
            for (int n = 0; n < batch; n++) {
                int row = xOff + n * channels;
                for (int c = from; c < to; c++) {
                    sums[c] += in[row + c];
                }
            }
            for (int c = from; c < to; c++) {
                means[c] = (float) (sums[c] / batch);
            }
            for (int n = 0; n < batch; n++) {
                int row = xOff + n * channels;
                for (int c = from; c < to; c++) {
                    float d = in[row + c] - means[c];
                    squares[c] += d * d;
                }
            }
            for (int c = from; c < to; c++) {
                keepStatistics(c, means[c], squares[c] / batch);
            }
            Kernels kernels = Kernels.get();
            for (int n = 0; n < batch; n++) {
                int row = n * channels;
                for (int c = from; c < to; c++) {
                    out[row + c] = in[xOff + row + c] * scale[c] + shift[c];
                }
                if (relu) {
                    kernels.relu(to - from, out, row + from, out, row + from);
                }
            }
        });
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
        if (spatial == 1) {
            backwardFeatures(batch, dY, dyOff, in, xOff);
            return dInput;
        }
        float[] dX = dInput.data();
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
                float[] map = inputGradientMap(c, sumDy, sumDyX, count);
                float scale = map[0];
                float constant = map[1];
                float perCentered = map[2];
                for (int n = 0; n < batch; n++) {
                    int base = (n * channels + c) * spatial;
                    if (relu) {
                        kernels.affineAxpyMasked(spatial, dY, dyOff + base, scale, constant, perCentered,
                                in, xOff + base, forwardScale[c], forwardShift[c], dX, base);
                    } else {
                        kernels.affineAxpy(spatial, dY, dyOff + base, scale, constant, perCentered,
                                in, xOff + base, dX, base);
                    }
                }
            }
        });
        return dInput;
    }

    /**
     * From channel {@code c}'s {@code Σ dY} and {@code Σ dY·X} over its {@code count} elements: adds to dβ and dγ,
     * and returns the map {@code dX = dY·scale + constant + perCentered·X} as {scale, constant, perCentered}.
     */
    private float[] inputGradientMap(int c, double sumDy, double sumDyX, int count) {
        float m = batchMean[c];
        float invStd = inverseStd[c];
        // Σ dY·(X - μ) = Σ dY·X - μ·Σ dY: one pass over X instead of a centred copy of it.
        double sumDyXHat = (sumDyX - m * sumDy) * invStd;
        beta.grad().data()[c] += (float) sumDy;
        gamma.grad().data()[c] += (float) sumDyXHat;
        float scale = gamma.value().data()[c] * invStd;
        // dX = scale·dY + (X - μ)·perCentered - scale·Σ dY/M = scale·dY + constant + perCentered·X
        double perCentered = -scale * invStd * (sumDyXHat / count);
        float constant = (float) (-scale * (sumDy / count) - perCentered * m);
        return new float[] {scale, constant, (float) perCentered};
    }

    /**
     * The backward pass for vectors ({@code [batch, features]}), a row of features at a time, with the image
     * path's terms in its order (see {@link #forwardFeatures}). With a fused ReLU the masked gradient is written
     * first, from the output {@code Y} ({@code Y > 0} exactly where the recomputed {@code X·scale + shift > 0}).
     */
    private void backwardFeatures(int batch, float[] dY, int dyOff, float[] in, int xOff) {
        float[] dX = dInput.data();
        float[] y = output.data();
        boolean relu = reluFused;
        double[] sumDy = featureSums;
        double[] sumDyX = featureProducts;
        Parallel.forRange(channels, FEATURE_GRAIN_ELEMENTS / batch, (from, to) -> {
            // With a fused ReLU, dX holds the masked gradient until the last loop overwrites it element by element.
            float[] g = relu ? dX : dY;
            int gOff = relu ? 0 : dyOff;
            if (relu) {
                Kernels kernels = Kernels.get();
                for (int n = 0; n < batch; n++) {
                    int row = n * channels + from;
                    kernels.reluBackward(to - from, y, row, dY, dyOff + row, dX, row);
                }
            }
            Arrays.fill(sumDy, from, to, 0);
            Arrays.fill(sumDyX, from, to, 0);
            for (int n = 0; n < batch; n++) {
                int row = n * channels;
                for (int c = from; c < to; c++) {
                    float gc = g[gOff + row + c];
                    sumDy[c] += gc;
                    sumDyX[c] += gc * in[xOff + row + c];
                }
            }
            float[] scale = new float[to - from];
            float[] constant = new float[to - from];
            float[] perCentered = new float[to - from];
            for (int c = from; c < to; c++) {
                float[] map = inputGradientMap(c, sumDy[c], sumDyX[c], batch);
                scale[c - from] = map[0];
                constant[c - from] = map[1];
                perCentered[c - from] = map[2];
            }
            for (int n = 0; n < batch; n++) {
                int row = n * channels;
                for (int c = from; c < to; c++) {
                    dX[row + c] = (g[gOff + row + c] * scale[c - from] + constant[c - from])
                            + perCentered[c - from] * in[xOff + row + c];
                }
            }
        });
    }
}
