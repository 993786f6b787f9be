package dev.weft.core.conv;

import dev.weft.core.Parallel;
import dev.weft.core.Tensor;
import dev.weft.core.simd.Kernels;

/**
 * The forward pass of a 3x3, stride-1, unpadded convolution of one input channel (a first layer on grey images),
 * image by image with {@link Kernels#convolve3x3}: each run of output pixels is computed from the nine shifted input
 * runs under it, loaded once for every output channel, and written straight into NCHW with the bias and the ReLU.
 * The GEMM path spends most of this pass unfolding windows of 9 taps into panels for a product only 9 deep. The
 * sums are those of {@link GroupedGemm}'s forward pass, element for element.
 */
final class Direct3x3Forward {
    private final ConvGeometry g;

    Direct3x3Forward(ConvGeometry g) {
        this.g = g;
    }

    /** See {@link Convolution#forward(Tensor, Tensor, Tensor, Tensor, boolean)}; sizes checked. */
    void forward(Tensor input, Tensor weights, Tensor bias, Tensor output, boolean relu) {
        int itemSize = g.height() * g.width();
        int outputSize = g.outChannels() * g.outHeight() * g.outWidth();
        float[] b = bias == null ? null : bias.data();
        int biasOffset = bias == null ? 0 : bias.offset();
        Kernels kernels = Kernels.get();
        Parallel.forRange(g.batch(), 1, (from, to) -> {
            for (int item = from; item < to; item++) {
                kernels.convolve3x3(g.height(), g.width(), input.data(), input.offset() + item * itemSize,
                        g.outChannels(), weights.data(), weights.offset(), b, biasOffset, relu, output.data(),
                        output.offset() + item * outputSize);
            }
        });
    }
}
