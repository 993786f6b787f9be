package dev.weft.layers;

import dev.weft.core.Tensor;
import dev.weft.core.simd.Kernels;

import java.util.random.RandomGenerator;

/** Rectified linear unit {@code Y = max(X, 0)}, element-wise, any shape. */
public final class ReLU extends AbstractLayer {
    // Training state: the output (its sign is the input's, which is all backward needs) and reused buffers.
    private Tensor output;
    private Tensor dInput;

    private ThreadScratch<Tensor> inference;

    @Override
    public String type() {
        return "ReLU";
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
        Kernels.get().relu(x.size(), x.data(), x.offset(), y.data(), y.offset());
        return y;
    }

    @Override
    public Tensor backward(Tensor dOutput) {
        beginBackward(dOutput);
        // dX = dY ⊙ [Y > 0]   (overwritten)
        Kernels.get().reluBackward(dOutput.size(), output.data(), 0, dOutput.data(), dOutput.offset(), dInput.data(), 0);
        return dInput;
    }
}
