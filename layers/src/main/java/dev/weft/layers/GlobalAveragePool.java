package dev.weft.layers;

import dev.weft.core.Tensor;

import java.util.Optional;
import java.util.random.RandomGenerator;

/** Averages each channel over its whole image: {@code [batch, c, h, w] -> [batch, c]}, {@code Y[n,c] = mean X[n,c,:,:]}. */
public final class GlobalAveragePool extends AbstractLayer {
    private int channels;
    private int area;

    private Tensor output;
    private Tensor dInput;
    private ThreadScratch<Tensor> inference;

    @Override
    public String type() {
        return "GlobalAveragePool";
    }

    /** No settings. */
    @Override
    public Optional<LayerSpec> spec() {
        return Optional.of(LayerSpec.ofInts(type()));
    }

    /** The output shape for input {@code in}, worked out without building the layer: one value per channel. */
    static LayerTypes.Shapes shapes(LayerSpec spec, int[] in) {
        if (in.length != 3) {
            throw new IllegalArgumentException("GlobalAveragePool expects [channels, height, width] per sample");
        }
        return LayerTypes.Shapes.of(new int[] {in[0]});
    }

    @Override
    protected int[] initialize(int[] in, RandomGenerator random) {
        if (in.length != 3) {
            throw new IllegalArgumentException("GlobalAveragePool expects [channels, height, width] per sample");
        }
        channels = in[0];
        area = in[1] * in[2];
        inference = new ThreadScratch<>(batch -> Tensor.zeros(batch, channels));
        return new int[] {channels};
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        int batch = beginForward(x, training);
        Tensor y;
        if (training) {
            if (output == null || output.dim(0) != batch) {
                output = Tensor.zeros(batch, channels);
                dInput = Tensor.zeros(x.shape());
            }
            y = output;
        } else {
            y = inference.forBatch(batch);
        }
        float[] in = x.data();
        float[] out = y.data();
        for (int p = 0; p < batch * channels; p++) {
            int base = x.offset() + p * area;
            float s = 0f;
            for (int k = 0; k < area; k++) {
                s += in[base + k];
            }
            out[p] = s / area;
        }
        return y;
    }

    @Override
    public Tensor backward(Tensor dOutput) {
        int batch = beginBackward(dOutput);
        // dX[n,c,h,w] = dY[n,c] / (height·width)   (overwritten)
        float[] dY = dOutput.data();
        float[] dX = dInput.data();
        for (int p = 0; p < batch * channels; p++) {
            java.util.Arrays.fill(dX, p * area, (p + 1) * area, dY[dOutput.offset() + p] / area);
        }
        return dInput;
    }
}
