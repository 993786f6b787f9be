package dev.weft.core.conv;

import dev.weft.core.Tensor;
import dev.weft.core.simd.Kernels;

/**
 * The weight gradient of a kernel with few taps (the first layer's 3x3 taps of one channel: 9) as dot products:
 * {@code dW_group[o, t] = dY[o, :] · cols[t, :]}, with the group's {@link Unfolded} input {@code cols [K, items * P]}
 * unfolded once into scratch. A GEMM of so few rows would run on 32-column panels that are mostly zero padding.
 */
final class DotWeightGradient implements GroupedBackward.WeightGradient {
    /** A thread's unfolded input of one group, {@code cols [K, items * P]}. */
    private record Scratch(float[] cols) {
    }

    private final ConvGeometry g;
    /** {@code inChannels * kernelHeight * kernelWidth}: rows of {@code cols}. */
    private final int k;
    /** {@code outHeight * outWidth}: output pixels per item. */
    private final int pixels;
    private final boolean padded;
    private final ThreadLocal<Scratch> scratch;

    DotWeightGradient(ConvGeometry g, int group) {
        this.g = g;
        this.k = g.inChannels() * g.kernelHeight() * g.kernelWidth();
        this.pixels = g.outHeight() * g.outWidth();
        this.padded = ConvSupport.overhangs(g);
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(new float[k * group * pixels]));
    }

    @Override
    public void weightGradient(Kernels kernels, Tensor input, int first, int items, float[] dY, int dYOffset,
                               float[] partial, int at) {
        int columns = items * pixels;
        float[] cols = scratch.get().cols();
        new Unfolded(g, padded, input, first, false).pack(0, 0, k, columns, columns, cols);
        for (int o = 0; o < g.outChannels(); o++) {
            // dW[o, t] = dY[o, :] · cols[t, :] for every t, dY's row read once for several taps.
            kernels.dots(columns, dY, dYOffset + o * columns, cols, 0, columns, k, partial, at + o * k);
        }
    }
}
