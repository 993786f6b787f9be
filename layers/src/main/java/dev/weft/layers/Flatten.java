package dev.weft.layers;

import dev.weft.core.Tensor;

import java.util.Arrays;
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

    /** The output shape for input {@code in}, worked out without building the layer: one vector per sample. */
    static LayerTypes.Shapes shapes(LayerSpec spec, int[] in) {
        long size = 1;
        for (int d : in) {
            size *= d;
            if (size > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("a sample of " + Arrays.toString(in)
                        + " has more than " + Integer.MAX_VALUE + " elements");
            }
        }
        return LayerTypes.Shapes.of(new int[] {(int) size});
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
