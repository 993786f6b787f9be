package dev.weft.core.conv;

import dev.weft.core.Parallel;
import dev.weft.core.Tensor;
import dev.weft.core.simd.Kernels;

/**
 * The forward pass of a stride-1, unpadded convolution with few taps (a first layer's 3x3 taps of one channel),
 * one image at a time, straight into NCHW ({@link Kernels#convolveFewTaps}): the kernel's vectors run along an output
 * row, each tap's run of input values is loaded once for eight output channels, and nothing is unfolded, gathered
 * or transposed. A GEMM of so shallow a product spends as much on its tiles' set-up and on gathering as on the
 * multiply-adds. The sums are {@link GroupedGemm}'s, element for element.
 */
final class DirectForward {
    private final ConvGeometry g;
    /** Tap {@code (c, i, j)}'s offset in an item, {@code (c * height + i) * width + j}. */
    private final int[] tapOffsets;

    DirectForward(ConvGeometry g) {
        this.g = g;
        this.tapOffsets = InPlaceForward.tapOffsets(g);
    }

    /** See {@link Convolution#forward(Tensor, Tensor, Tensor, Tensor, boolean)}; sizes checked. */
    void forward(Tensor input, Tensor weights, Tensor bias, Tensor output, boolean relu) {
        int itemSize = g.inChannels() * g.height() * g.width();
        int outSize = g.outChannels() * g.outHeight() * g.outWidth();
        Parallel.forRange(g.batch(), 1, (from, to) -> {
            Kernels kernels = Kernels.get();
            float[] out = output.data();
            for (int item = from; item < to; item++) {
                int base = output.offset() + item * outSize;
                kernels.convolveFewTaps(g.outChannels(), g.outHeight(), g.outWidth(), g.width(), input.data(),
                        input.offset() + item * itemSize, tapOffsets, weights.data(), weights.offset(), out, base);
                ConvSupport.addBiasAndRelu(kernels, g, out, base, bias, relu);
            }
        });
    }
}
