package dev.weft.analysis.explain;

import dev.weft.core.Tensor;
import dev.weft.core.simd.Kernels;
import dev.weft.layers.AbstractLayer;
import dev.weft.layers.BatchNorm;
import java.util.random.RandomGenerator;

/**
 * A {@link BatchNorm} as it computes at inference, with a backward pass: per channel {@code c},
 * {@code Y = X·scale[c] + shift[c]} with {@code scale = γ / sqrt(runningVariance + ε)} and
 * {@code shift = β - runningMean·scale} (torchvision's {@code FrozenBatchNorm2d}). A training-mode BatchNorm would
 * normalise with the batch's own statistics and update the running ones; an explanation needs the gradient of the
 * function the trained model computes, which is this affine map. No trainable parameters.
 */
final class FrozenBatchNorm extends AbstractLayer {
    private final float[] scale;
    private final float[] shift;
    /** Elements per channel per sample: height·width for images, 1 for vectors. */
    private int spatial;
    private Tensor output;
    private Tensor dInput;

    /** The inference map of a trained {@code batchNorm}, with the same float arithmetic as its inference pass. */
    FrozenBatchNorm(BatchNorm batchNorm) {
        float[] gamma = batchNorm.parameters().get(0).value().toArray();
        float[] beta = batchNorm.parameters().get(1).value().toArray();
        float[] mean = batchNorm.runningMean().toArray();
        float[] variance = batchNorm.runningVariance().toArray();
        scale = new float[gamma.length];
        shift = new float[gamma.length];
        for (int c = 0; c < gamma.length; c++) {
            scale[c] = (float) (gamma[c] / Math.sqrt(variance[c] + batchNorm.epsilon()));
            shift[c] = beta[c] - mean[c] * scale[c];
        }
    }

    @Override
    public String type() {
        return "FrozenBatchNorm";
    }

    @Override
    protected int[] initialize(int[] in, RandomGenerator random) {
        if ((in.length != 1 && in.length != 3) || in[0] != scale.length) {
            throw new IllegalArgumentException("expected [" + scale.length + "] or [" + scale.length
                    + ", height, width] per sample");
        }
        spatial = in.length == 3 ? in[1] * in[2] : 1;
        return in;
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        int batch = beginForward(x, training);
        Tensor y = training ? buffers(x) : Tensor.zeros(x.shape());
        apply(batch, x.data(), x.offset(), scale, shift, y.data());
        return y;
    }

    @Override
    public Tensor backward(Tensor dOutput) {
        int batch = beginBackward(dOutput);
        // dX = dY · scale[c]   (overwritten)
        apply(batch, dOutput.data(), dOutput.offset(), scale, new float[scale.length], dInput.data());
        return dInput;
    }

    private Tensor buffers(Tensor x) {
        if (output == null || output.dim(0) != x.dim(0)) {
            output = Tensor.zeros(x.shape());
            dInput = Tensor.zeros(x.shape());
        }
        return output;
    }

    /** {@code out = in·a[c] + b[c]} over each run of {@code spatial} values of channel {@code c}. */
    private void apply(int batch, float[] in, int inOffset, float[] a, float[] b, float[] out) {
        Kernels kernels = Kernels.get();
        int channels = scale.length;
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < channels; c++) {
                int base = (n * channels + c) * spatial;
                kernels.affine(spatial, in, inOffset + base, a[c], b[c], out, base);
            }
        }
    }
}
