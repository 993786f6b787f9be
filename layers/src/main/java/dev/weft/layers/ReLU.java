package dev.weft.layers;

import dev.weft.core.Parallel;
import dev.weft.core.Tensor;
import dev.weft.core.simd.Kernels;

import java.util.Optional;
import java.util.random.RandomGenerator;

/** Rectified linear unit {@code Y = max(X, 0)}, element-wise, any shape. */
public final class ReLU extends AbstractLayer {
    // Training state: the output (its sign is the input's, which is all backward needs) and reused buffers.
    private Tensor output;
    private Tensor dInput;

    private ThreadScratch<Tensor> inference;
    /** Elements below which a parallel split is not worth it. */
    private static final int GRAIN = 1 << 15;

    @Override
    public String type() {
        return "ReLU";
    }

    /** No settings. */
    @Override
    public Optional<LayerSpec> spec() {
        return Optional.of(LayerSpec.ofInts(type()));
    }

    @Override
    protected int[] initialize(int[] in, RandomGenerator random) {
        inference = new ThreadScratch<>(batch -> Tensor.zeros(withBatch(batch, in)));
        return in;
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        int batch = beginForward(x, training);
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
        // Element-wise, so splitting the batch over threads changes no result.
        int sample = inputSampleSize();
        Parallel.forRange(batch, GRAIN / sample + 1, (from, to) -> Kernels.get().relu((to - from) * sample,
                x.data(), x.offset() + from * sample, y.data(), y.offset() + from * sample));
        return y;
    }

    @Override
    public Tensor backward(Tensor dOutput) {
        int batch = beginBackward(dOutput);
        // dX = dY ⊙ [Y > 0]   (overwritten)
        int sample = inputSampleSize();
        Parallel.forRange(batch, GRAIN / sample + 1, (from, to) -> Kernels.get().reluBackward((to - from) * sample,
                output.data(), from * sample, dOutput.data(), dOutput.offset() + from * sample,
                dInput.data(), from * sample));
        return dInput;
    }
}
