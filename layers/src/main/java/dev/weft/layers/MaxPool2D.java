package dev.weft.layers;

import dev.weft.core.Pooling;
import dev.weft.core.Tensor;

import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Max pooling over {@code pool x pool} windows moved by {@code stride} (default: {@code pool}, non-overlapping),
 * no padding: {@code Y[n,c,y,x] = max_{i,j < pool} X[n,c, y·stride+i, x·stride+j]}. The forward pass keeps the
 * index of each window's winner ({@code maxIndices}); ties go to the first element in row-major order.
 */
public final class MaxPool2D extends AbstractLayer {
    private final int pool;
    private final int stride;

    // Training state: where each window's maximum came from, and reused buffers.
    private int[] maxIndices;
    private Tensor output;
    private Tensor dInput;

    private ThreadScratch<Tensor> inference;

    /** Non-overlapping {@code pool x pool} windows. */
    public MaxPool2D(int pool) {
        this(pool, pool);
    }

    /** {@code pool x pool} windows moved by {@code stride}. */
    public MaxPool2D(int pool, int stride) {
        if (pool < 1 || stride < 1) {
            throw new IllegalArgumentException("MaxPool2D needs pool and stride >= 1, got " + pool + ", " + stride);
        }
        this.pool = pool;
        this.stride = stride;
    }

    @Override
    public String type() {
        return "MaxPool2D";
    }

    /** Settings: pool, stride. */
    @Override
    public Optional<LayerSpec> spec() {
        return Optional.of(LayerSpec.ofInts(type(), pool, stride));
    }

    /** The layer {@link #spec()} describes. */
    static MaxPool2D fromSpec(LayerSpec spec) {
        int[] s = spec.ints();
        return new MaxPool2D(s[0], s[1]);
    }

    /** What the layer {@code spec} describes holds on input {@code in}, worked out without building it. */
    static LayerTypes.Shapes shapes(LayerSpec spec, int[] in) {
        int[] s = spec.ints();
        if (in.length != 3) {
            throw new IllegalArgumentException("MaxPool2D expects [channels, height, width] per sample");
        }
        return LayerTypes.Shapes.of(new int[] {in[0], Pooling.outputSize(in[1], s[0], s[1]),
                Pooling.outputSize(in[2], s[0], s[1])});
    }

    /** Window height and width. */
    public int pool() {
        return pool;
    }

    /** Step between neighbouring windows. */
    public int stride() {
        return stride;
    }

    @Override
    protected int[] initialize(int[] in, RandomGenerator random) {
        if (in.length != 3) {
            throw new IllegalArgumentException("MaxPool2D expects [channels, height, width] per sample");
        }
        int[] out = {in[0], Pooling.outputSize(in[1], pool, stride), Pooling.outputSize(in[2], pool, stride)};
        inference = new ThreadScratch<>(batch -> Tensor.zeros(withBatch(batch, out)));
        return out;
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        int batch = beginForward(x, training);
        if (!training) {
            Tensor y = inference.forBatch(batch);
            Pooling.maxForward(x, pool, stride, y, null);
            return y;
        }
        if (output == null || output.dim(0) != batch) {
            output = Tensor.zeros(withBatch(batch, outputShape()));
            maxIndices = new int[output.size()];
            dInput = Tensor.zeros(withBatch(batch, inputShape()));
        }
        Pooling.maxForward(x, pool, stride, output, maxIndices);
        return output;
    }

    @Override
    public Tensor backward(Tensor dOutput) {
        int batch = beginBackward(dOutput);
        // dX[k] = Σ_{windows whose maximum is at k} dY[window];  zero elsewhere   (overwritten)
        Pooling.maxBackward(dOutput, maxIndices, dInput);
        return dInput;
    }
}
