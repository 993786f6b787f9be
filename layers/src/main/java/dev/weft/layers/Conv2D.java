package dev.weft.layers;

import dev.weft.core.conv.ConvGeometry;
import dev.weft.core.conv.Convolution;
import dev.weft.core.conv.ConvolutionPlan;
import dev.weft.core.Tensor;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * 2-D convolution over NCHW images with a square kernel, a stride, VALID or SAME zero padding and a bias:
 * {@code Y[n,o,y,x] = b[o] + Σ_{c,i,j} W[o,c,i,j] · X[n,c, y·stride+i-padTop, x·stride+j-padLeft]}.
 *
 * <p>Weights are {@code [outChannels, inChannels, kernel, kernel]} (as PyTorch), initialised He-normal
 * ({@code std = sqrt(2 / (inChannels·kernel²))}) unless {@link #withInitializer} says otherwise; the bias starts
 * at zero. The arithmetic is done by {@link Convolution} from {@code core}: one instance for training (per batch
 * size) and one per thread for inference. {@link dev.weft.core.conv.ConvolutionPlan} picks the fast strategy that
 * runs for a given shape; {@link #plan(int)} tells which one runs for this layer. {@link dev.weft.core.conv.ReferenceConvolution} computes the same three sums (the forward
 * pass above and the two gradients in {@link #backward}) as plain loops straight from their definitions; it runs
 * instead of the fast strategies when the JVM is started with {@code -Dweft.convolution=reference}.
 *
 * <p>A Conv2D directly followed by a {@link ReLU} absorbs it ({@link Fusable}) unless fusion is turned off with
 * {@link Sequential#withFusion}.
 *
 * <pre>{@code
 * new Conv2D(32, 3)                          // 3x3, stride 1, valid padding
 * new Conv2D(64, 3, 1, Padding.SAME)         // keeps height and width
 * conv.plan(64)                              // once built: e.g. "forward IN_PLACE, weight gradient IN_PLACE, ..."
 * }</pre>
 */
public final class Conv2D extends AbstractLayer implements Fusable {
    private final int outChannels;
    private final int kernel;
    private final int stride;
    private final Padding padding;
    private Initializer initializer = Initializer.HE_NORMAL;

    private ConvGeometry geometry;
    private Parameter weights;
    private Parameter bias;

    // Training state: what backward needs (the input, and whether the last forward applied a fused ReLU, whose
    // output is then the output), and buffers reused while the batch size stays the same.
    private Tensor input;
    private boolean reluFused;
    private Tensor output;
    private Tensor dInput;
    private Convolution convolution;

    private ThreadScratch<Inference> inference;

    private record Inference(Convolution convolution, Tensor output) {
    }

    /** A {@code kernel x kernel} convolution with stride 1 and VALID padding. */
    public Conv2D(int outChannels, int kernel) {
        this(outChannels, kernel, 1, Padding.VALID);
    }

    /** A {@code kernel x kernel} convolution with the given stride and padding. */
    public Conv2D(int outChannels, int kernel, int stride, Padding padding) {
        if (outChannels < 1 || kernel < 1 || stride < 1 || padding == null) {
            throw new IllegalArgumentException("Conv2D needs outChannels, kernel and stride >= 1 and a padding, got "
                    + outChannels + ", " + kernel + ", " + stride + ", " + padding);
        }
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    /** Draws the initial weights with {@code initializer} (He-normal by default); before the model is built. */
    public Conv2D withInitializer(Initializer initializer) {
        if (weights != null) {
            throw new IllegalStateException("Conv2D: the initializer must be chosen before the model is built");
        }
        this.initializer = Objects.requireNonNull(initializer, "initializer");
        return this;
    }

    @Override
    public String type() {
        return "Conv2D";
    }

    /** Settings: outChannels, kernel, stride, padding (0 = VALID, 1 = SAME). */
    @Override
    public Optional<LayerSpec> spec() {
        return Optional.of(LayerSpec.ofInts(type(), outChannels, kernel, stride, padding.ordinal()));
    }

    /** The layer {@link #spec()} describes. */
    static Conv2D fromSpec(LayerSpec spec) {
        int[] s = spec.ints();
        if (s[3] < 0 || s[3] >= Padding.values().length) {
            throw new IllegalArgumentException("Conv2D padding: expected 0 (VALID) or 1 (SAME) but found " + s[3]);
        }
        return new Conv2D(s[0], s[1], s[2], Padding.values()[s[3]]);
    }

    /** What the layer {@code spec} describes holds on input {@code in}, worked out without building it. */
    static LayerTypes.Shapes shapes(LayerSpec spec, int[] in) {
        int[] s = spec.ints();
        int outChannels = s[0];
        int kernel = s[1];
        if (in.length != 3) {
            throw new IllegalArgumentException("Conv2D expects [channels, height, width] per sample");
        }
        boolean valid = s[3] == Padding.VALID.ordinal();
        int[] out = {outChannels, outputSize(in[1], kernel, s[2], valid), outputSize(in[2], kernel, s[2], valid)};
        return new LayerTypes.Shapes(out, List.of(
                LayerTypes.TensorShape.of("weights", outChannels, in[0], kernel, kernel),
                LayerTypes.TensorShape.of("bias", outChannels)), List.of());
    }

    /** VALID: {@code (size - kernel) / stride + 1}; SAME: {@code ceil(size / stride)}, as {@link Padding} says. */
    private static int outputSize(int size, int kernel, int stride, boolean valid) {
        if (!valid) {
            return (size - 1) / stride + 1;
        }
        if (kernel > size) {
            throw new IllegalArgumentException("kernel " + kernel + " is larger than the input size " + size);
        }
        return (size - kernel) / stride + 1;
    }

    /** Number of output channels (filters). */
    public int outChannels() {
        return outChannels;
    }

    /** Kernel height and width. */
    public int kernel() {
        return kernel;
    }

    /** Step between neighbouring windows, in pixels. */
    public int stride() {
        return stride;
    }

    /** VALID (no padding) or SAME (output size ceil(input / stride)). */
    public Padding padding() {
        return padding;
    }

    /**
     * The algorithms that run this layer's passes for a batch of {@code batch} images (after the model is built):
     * the fast strategies {@link ConvolutionPlan#choose} picks for its shape, or the reference convolution with
     * {@code -Dweft.convolution=reference}.
     */
    public ConvolutionPlan plan(int batch) {
        if (geometry == null) {
            throw new IllegalStateException(name() + " (Conv2D): the plan depends on the input shape; build the model first");
        }
        return ConvolutionPlan.configured(geometry.withBatch(batch));
    }

    /** The weights {@code [outChannels, inChannels, kernel, kernel]}. */
    public Parameter weights() {
        return weights;
    }

    /** The bias {@code [outChannels]}. */
    public Parameter bias() {
        return bias;
    }

    @Override
    protected int[] initialize(int[] in, RandomGenerator random) {
        if (in.length != 3) {
            throw new IllegalArgumentException("Conv2D expects [channels, height, width] per sample");
        }
        geometry = padding.geometry(1, in[0], in[1], in[2], outChannels, kernel, stride);
        Tensor w = Tensor.zeros(outChannels, in[0], kernel, kernel);
        initializer.fill(w.data(), in[0] * kernel * kernel, outChannels * kernel * kernel, random);
        weights = new Parameter("weights", w, true);
        bias = new Parameter("bias", Tensor.zeros(outChannels), false);
        ConvGeometry g = geometry;
        inference = new ThreadScratch<>(batch -> new Inference(new Convolution(g.withBatch(batch)),
                Tensor.zeros(batch, outChannels, g.outHeight(), g.outWidth())));
        return new int[] {outChannels, geometry.outHeight(), geometry.outWidth()};
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weights, bias);
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        return forward(x, training, false);
    }

    /** A Conv2D absorbs a {@link ReLU} right after it. */
    @Override
    public boolean canFuse(Layer next) {
        return next instanceof ReLU;
    }

    /**
     * The forward pass followed by a ReLU, {@code max(Y, 0)}, done in the same pass over the output. After a
     * training call, {@link #backward} takes the gradient of the ReLU's output.
     */
    @Override
    public Tensor forwardFused(Tensor x, boolean training) {
        return forward(x, training, true);
    }

    private Tensor forward(Tensor x, boolean training, boolean relu) {
        int batch = beginForward(x, training);
        if (!training) {
            return infer(x, weights.value(), bias.value(), relu);
        }
        if (output == null || output.dim(0) != batch) {
            convolution = new Convolution(geometry.withBatch(batch));
            output = Tensor.zeros(batch, outChannels, geometry.outHeight(), geometry.outWidth());
            dInput = Tensor.zeros(AbstractLayer.withBatch(batch, inputShape()));
        }
        input = x;
        reluFused = relu;
        convolution.forward(x, weights.value(), bias.value(), output, relu);
        return output;
    }

    /**
     * The inference pass with the given weights and bias in place of the layer's own (a {@link BatchNorm} folded
     * in: {@link FoldedBatchNorm}), into this thread's scratch; the input is checked as {@link #forward} does.
     */
    Tensor infer(Tensor x, Tensor withWeights, Tensor withBias, boolean relu) {
        int batch = beginForward(x, false);
        Inference scratch = inference.forBatch(batch);
        scratch.convolution().forward(x, withWeights, withBias, scratch.output(), relu);
        return scratch.output();
    }

    @Override
    public Tensor backward(Tensor dOutput) {
        beginBackward(dOutput);
        // dX[n,c,p,q] = Σ_{o,i,j} dY[n,o,y,x] · W[o,c,i,j] over the (y,x) whose window covers (p,q)   (overwritten)
        // dW[o,c,i,j] += Σ_{n,y,x} dY[n,o,y,x] · X[n,c, y·s+i-padTop, x·s+j-padLeft]
        // db[o]       += Σ_{n,y,x} dY[n,o,y,x]
        // With a fused ReLU, dOutput is the gradient of max(Y, 0): dY = dOutput ⊙ [Y > 0] comes first.
        Tensor dX = inputGradientNeeded ? dInput : null;
        convolution.backward(input, weights.value(), reluFused ? output : null, dOutput, dX, weights.grad(),
                bias.grad());
        return dX;
    }
}
