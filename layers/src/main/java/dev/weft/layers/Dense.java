package dev.weft.layers;

import dev.weft.core.Gemm;
import dev.weft.core.Tensor;
import dev.weft.core.simd.Kernels;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Fully connected layer {@code Y = X·Wᵀ + b} with {@code X [batch, inFeatures]}, weights
 * {@code W [outFeatures, inFeatures]} (as PyTorch and llm.c store them) and bias {@code b [outFeatures]}.
 * Weights start He-normal ({@code std = sqrt(2 / inFeatures)}) unless {@link #withInitializer} says otherwise, the
 * bias at zero. Images must be flattened first ({@link Flatten}).
 */
public final class Dense extends AbstractLayer {
    private final int outFeatures;
    private Initializer initializer = Initializer.HE_NORMAL;
    private int inFeatures;
    private Parameter weights;
    private Parameter bias;

    // Training state: the input (for dW) and reused buffers.
    private Tensor input;
    private Tensor output;
    private Tensor dInput;

    private ThreadScratch<Tensor> inference;

    /** A dense layer with {@code outFeatures} outputs. */
    public Dense(int outFeatures) {
        if (outFeatures < 1) {
            throw new IllegalArgumentException("Dense needs outFeatures >= 1, got " + outFeatures);
        }
        this.outFeatures = outFeatures;
    }

    /** Draws the initial weights with {@code initializer} (He-normal by default); before the model is built. */
    public Dense withInitializer(Initializer initializer) {
        if (weights != null) {
            throw new IllegalStateException("Dense: the initializer must be chosen before the model is built");
        }
        this.initializer = Objects.requireNonNull(initializer, "initializer");
        return this;
    }

    @Override
    public String type() {
        return "Dense";
    }

    /** Settings: outFeatures. */
    @Override
    public Optional<LayerSpec> spec() {
        return Optional.of(LayerSpec.ofInts(type(), outFeatures));
    }

    /** The layer {@link #spec()} describes. */
    static Dense fromSpec(LayerSpec spec) {
        return new Dense(spec.ints()[0]);
    }

    /** What the layer {@code spec} describes holds on input {@code in}, worked out without building it. */
    static LayerTypes.Shapes shapes(LayerSpec spec, int[] in) {
        int outFeatures = spec.ints()[0];
        if (in.length != 1) {
            throw new IllegalArgumentException("Dense expects a vector per sample; add a Flatten before it");
        }
        return new LayerTypes.Shapes(new int[] {outFeatures}, List.of(
                LayerTypes.TensorShape.of("weights", outFeatures, in[0]),
                LayerTypes.TensorShape.of("bias", outFeatures)), List.of());
    }

    /** Number of outputs per sample. */
    public int outFeatures() {
        return outFeatures;
    }

    /** The weights {@code [outFeatures, inFeatures]}. */
    public Parameter weights() {
        return weights;
    }

    /** The bias {@code [outFeatures]}. */
    public Parameter bias() {
        return bias;
    }

    @Override
    protected int[] initialize(int[] in, RandomGenerator random) {
        if (in.length != 1) {
            throw new IllegalArgumentException("Dense expects a vector per sample; add a Flatten before it");
        }
        inFeatures = in[0];
        Tensor w = Tensor.zeros(outFeatures, inFeatures);
        initializer.fill(w.data(), inFeatures, outFeatures, random);
        weights = new Parameter("weights", w, true);
        bias = new Parameter("bias", Tensor.zeros(outFeatures), false);
        inference = new ThreadScratch<>(batch -> Tensor.zeros(batch, outFeatures));
        return new int[] {outFeatures};
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weights, bias);
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        int batch = beginForward(x, training);
        if (!training) {
            return infer(x, weights.value(), bias.value(), false);
        }
        if (output == null || output.dim(0) != batch) {
            output = Tensor.zeros(batch, outFeatures);
            dInput = Tensor.zeros(batch, inFeatures);
        }
        input = x;
        multiply(x, weights.value(), bias.value(), output);
        return output;
    }

    /**
     * The inference pass with the given weights and bias in place of the layer's own (a {@link BatchNorm} folded
     * in: {@link FoldedBatchNorm}), then {@code max(Y, 0)} when {@code relu}, into this thread's scratch; the
     * input is checked as {@link #forward} does.
     */
    Tensor infer(Tensor x, Tensor withWeights, Tensor withBias, boolean relu) {
        int batch = beginForward(x, false);
        Tensor y = inference.forBatch(batch);
        multiply(x, withWeights, withBias, y);
        if (relu) {
            Kernels.get().relu(y.size(), y.data(), y.offset(), y.data(), y.offset());
        }
        return y;
    }

    /** {@code y = x·wᵀ + b}. */
    private void multiply(Tensor x, Tensor w, Tensor b, Tensor y) {
        int batch = x.dim(0);
        // Y = b (broadcast over rows), then Y += X·Wᵀ.
        float[] out = y.data();
        for (int n = 0; n < batch; n++) {
            System.arraycopy(b.data(), b.offset(), out, y.offset() + n * outFeatures, outFeatures);
        }
        Gemm.sgemm(false, true, batch, outFeatures, inFeatures, 1f, x.data(), x.offset(), inFeatures,
                w.data(), w.offset(), inFeatures, 1f, out, y.offset(), outFeatures);
    }

    @Override
    public Tensor backward(Tensor dOutput) {
        int batch = beginBackward(dOutput);
        // dX  = dY·W          [batch, in]  (overwritten)
        // dW += dYᵀ·X         [out, in]
        // db += Σ_batch dY    [out]
        float[] dY = dOutput.data();
        int dyOff = dOutput.offset();
        if (inputGradientNeeded) {
            Gemm.sgemm(false, false, batch, inFeatures, outFeatures, 1f, dY, dyOff, outFeatures,
                    weights.value().data(), 0, inFeatures, 0f, dInput.data(), 0, inFeatures);
        }
        Gemm.sgemm(true, false, outFeatures, inFeatures, batch, 1f, dY, dyOff, outFeatures,
                input.data(), input.offset(), inFeatures, 1f, weights.grad().data(), 0, inFeatures);
        float[] db = bias.grad().data();
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < outFeatures; o++) {
                db[o] += dY[dyOff + n * outFeatures + o];
            }
        }
        return inputGradientNeeded ? dInput : null;
    }
}
