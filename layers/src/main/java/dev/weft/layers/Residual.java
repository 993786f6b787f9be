package dev.weft.layers;

import dev.weft.core.Tensor;
import dev.weft.core.simd.Kernels;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * A residual block (He, Zhang, Ren and Sun, "Deep Residual Learning for Image Recognition", 2016):
 * {@code Y = X + F(X)}, where the body {@code F} is the "basic block" of that paper without its last ReLU,
 * <pre>
 * F = Conv2D(channels, kernel, SAME) - BatchNorm - ReLU - Conv2D(channels, kernel, SAME) - BatchNorm
 * </pre>
 * with {@code channels} the input's, so {@code F(X)} has the shape of {@code X} and the sum needs no projection.
 * Put a {@link ReLU} after the block, as the paper does after the addition.
 *
 * <p>The body is made of Weft's own layers and runs through their forward and backward passes; this class adds
 * only the skip connection. Its parameters and statistics are the body's, named after the part they belong to
 * ({@code conv1/weights}, {@code bn1/gamma}, {@code bn2/runningMean}, ...), so a model file stores them under
 * {@code residual_1/conv1/weights} and so on. No fusion happens inside the block: every part runs on its own.
 *
 * <pre>{@code
 * new Sequential(new int[] {1, 28, 28}, 42,
 *         new Conv2D(32, 3), new BatchNorm(), new ReLU(),
 *         new Residual(3), new ReLU(),                      // 32 channels in, 32 out, same height and width
 *         new MaxPool2D(2), new Flatten(), new Dense(10));
 * }</pre>
 */
public final class Residual extends AbstractLayer {
    /** The names of the body's parts, in the order they run. */
    private static final List<String> PARTS = List.of("conv1", "bn1", "relu", "conv2", "bn2");

    private final int kernel;
    private List<Layer> body;
    private List<Parameter> parameters;
    private Map<String, Tensor> statistics;

    // Training state: backward needs nothing of its own (the body keeps what it needs); reused buffers.
    private Tensor output;
    private Tensor dInput;

    private ThreadScratch<Tensor> inference;

    /** A block whose two convolutions are {@code kernel x kernel} with SAME padding. */
    public Residual(int kernel) {
        if (kernel < 1) {
            throw new IllegalArgumentException("kernel must be at least 1, was " + kernel);
        }
        this.kernel = kernel;
    }

    @Override
    public String type() {
        return "Residual";
    }

    /** Settings: kernel. */
    @Override
    public Optional<LayerSpec> spec() {
        return Optional.of(LayerSpec.ofInts(type(), kernel));
    }

    /** The layer {@link #spec()} describes. */
    static Residual fromSpec(LayerSpec spec) {
        return new Residual(spec.ints()[0]);
    }

    /** The kernel size of both convolutions. */
    public int kernel() {
        return kernel;
    }

    /** The body's parts in the order they run (after {@link #build}): conv1, bn1, relu, conv2, bn2. */
    public List<Layer> body() {
        return Collections.unmodifiableList(body);
    }

    /** The specs of the body's parts for {@code channels} channels. */
    private static List<LayerSpec> bodySpecs(int channels, int kernel) {
        LayerSpec conv = new Conv2D(channels, kernel, 1, Padding.SAME).spec().orElseThrow();
        LayerSpec norm = new BatchNorm().spec().orElseThrow();
        return List.of(conv, norm, new ReLU().spec().orElseThrow(), conv, norm);
    }

    /** What the layer {@code spec} describes holds on input {@code in}, worked out without building it. */
    static LayerTypes.Shapes shapes(LayerSpec spec, int[] in) {
        if (in.length != 3) {
            throw new IllegalArgumentException("Residual expects [channels, height, width] per sample");
        }
        List<LayerSpec> specs = bodySpecs(in[0], spec.ints()[0]);
        List<LayerTypes.TensorShape> parameters = new ArrayList<>();
        List<LayerTypes.TensorShape> statistics = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            LayerTypes.Shapes part = LayerTypes.find(specs.get(i).type()).shapes().apply(specs.get(i), in);
            for (LayerTypes.TensorShape t : part.parameters()) {
                parameters.add(new LayerTypes.TensorShape(PARTS.get(i) + "/" + t.name(), t.dimensions(),
                        t.nonNegative()));
            }
            for (LayerTypes.TensorShape t : part.statistics()) {
                statistics.add(new LayerTypes.TensorShape(PARTS.get(i) + "/" + t.name(), t.dimensions(),
                        t.nonNegative()));
            }
        }
        return new LayerTypes.Shapes(in, parameters, statistics);
    }

    @Override
    protected int[] initialize(int[] in, RandomGenerator random) {
        if (in.length != 3) {
            throw new IllegalArgumentException("Residual expects [channels, height, width] per sample");
        }
        body = new ArrayList<>();
        parameters = new ArrayList<>();
        statistics = new LinkedHashMap<>();
        for (LayerSpec spec : bodySpecs(in[0], kernel)) {
            Layer part = LayerTypes.create(spec);
            String partName = PARTS.get(body.size());
            part.build(partName, in, random);
            for (Parameter p : part.parameters()) {
                parameters.add(p.prefixed(partName));
            }
            for (Map.Entry<String, Tensor> e : part.statistics().entrySet()) {
                statistics.put(partName + "/" + e.getKey(), e.getValue());
            }
            body.add(part);
        }
        parameters = List.copyOf(parameters);
        statistics = Collections.unmodifiableMap(statistics);
        inference = new ThreadScratch<>(batch -> Tensor.zeros(withBatch(batch, in)));
        return in;
    }

    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    @Override
    public Map<String, Tensor> statistics() {
        return statistics;
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        int batch = beginForward(x, training);
        Tensor f = x;
        for (Layer part : body) {
            f = part.forward(f, training);
        }
        Tensor y;
        if (training) {
            if (output == null || output.dim(0) != batch) {
                output = Tensor.zeros(x.shape());
                dInput = Tensor.zeros(x.shape());
            }
            y = output;
        } else {
            y = inference.forBatch(batch);
        }
        // Y = X + F(X)
        Kernels.get().add(y.size(), x.data(), x.offset(), f.data(), f.offset(), y.data(), y.offset());
        return y;
    }

    @Override
    public Tensor backward(Tensor dOutput) {
        beginBackward(dOutput);
        // dX = dY + (dF/dX)ᵀ·dY: the skip passes dY through unchanged, the body back-propagates it part by part
        // (each part accumulating its parameter gradients).
        Tensor dF = dOutput;
        for (int i = body.size() - 1; i >= 0; i--) {
            dF = body.get(i).backward(dF);
        }
        Kernels.get().add(dInput.size(), dOutput.data(), dOutput.offset(), dF.data(), dF.offset(), dInput.data(),
                dInput.offset());
        return dInput;
    }
}
