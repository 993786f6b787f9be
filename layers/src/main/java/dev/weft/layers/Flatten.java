package dev.weft.layers;

import dev.weft.core.Tensor;

import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Reshapes each sample to a vector: {@code [batch, c, h, w] -> [batch, c·h·w]} in row-major (NCHW) order. Both
 * passes return views; nothing is copied.
 */
public final class Flatten extends AbstractLayer {

    @Override
    public String type() {
        return "Flatten";
    }

    /** No settings. */
    @Override
    public Optional<LayerSpec> spec() {
        return Optional.of(LayerSpec.ofInts(type()));
    }

    @Override
    protected int[] initialize(int[] in, RandomGenerator random) {
        return new int[] {product(in)};
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        int batch = beginForward(x, training);
        return x.reshape(batch, outputSampleSize());
    }

    @Override
    public Tensor backward(Tensor dOutput) {
        int batch = beginBackward(dOutput);
        // dX = dY reshaped back to [batch, inputShape...]
        return dOutput.reshape(withBatch(batch, inputShape()));
    }
}
