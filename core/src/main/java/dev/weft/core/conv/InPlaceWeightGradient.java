package dev.weft.core.conv;

import dev.weft.core.Tensor;
import dev.weft.core.simd.Kernels;

/**
 * The weight gradient of a stride-1, unpadded convolution, one image at a time, with the input read where it lies
 * ({@link Kernels#weightRows}): {@code dW[o, (c, i, j)] = sum_{y,x} input[c, y + i, x + j] * dY[o, y, x]}. Tap
 * {@code t = (c, i, j)}'s values for one output row are a run of the input: for output pixel {@code p} the value is
 * at {@code tapOffsets[t] + pixelOffsets[p]} (the offsets of {@link InPlaceForward}'s wide grid). {@code dY} is
 * first turned position-major, {@code [pixels, paddedChannels]}, and the result, {@code [K, paddedChannels]}, back
 * into {@code [outChannels, K]}.
 */
final class InPlaceWeightGradient implements GroupedBackward.WeightGradient {
    /**
     * A thread's buffers: the row starts of an item's {@code dY} ({@code pixels} of them), that gradient by position
     * {@code [pixels, paddedChannels]}, and the item's weight gradient by tap {@code [K, paddedChannels]}.
     */
    private record Scratch(int[] rows, float[] byPosition, float[] byTap) {
    }

    private final ConvGeometry g;
    /** {@code inChannels * kernelHeight * kernelWidth}: the taps. */
    private final int k;
    /** {@code outHeight * outWidth}: output pixels per item. */
    private final int pixels;
    /** Output channels padded to the kernels' panel width: the columns of a position's and a tap's row. */
    private final int paddedChannels;
    /** Tap {@code (c, i, j)}'s offset in an item, {@code (c * height + i) * width + j}. */
    private final int[] tapOffsets;
    /** Output pixel {@code p = (y, x)}'s offset in the input, {@code y * width + x}. */
    private final int[] pixelOffsets;
    /** {@code o * pixels}: where output channel {@code o} starts in an item's dY. */
    private final int[] outputPlanes;
    /** {@code t * paddedChannels}: where tap {@code t}'s row starts in the weight gradient by tap. */
    private final int[] tapColumns;
    /** {@code 0, 1, ..., outChannels - 1}: where each channel starts in a tap's row. */
    private final int[] channelStarts;
    private final ThreadLocal<Scratch> scratch;

    InPlaceWeightGradient(ConvGeometry g) {
        this.g = g;
        this.k = g.inChannels() * g.kernelHeight() * g.kernelWidth();
        this.pixels = g.outHeight() * g.outWidth();
        this.paddedChannels = ConvSupport.paddedToPanels(g.outChannels());
        this.tapOffsets = InPlaceForward.tapOffsets(g);
        this.pixelOffsets = InPlaceForward.pixelOffsets(g);
        this.outputPlanes = ConvSupport.multiples(g.outChannels(), pixels);
        this.tapColumns = ConvSupport.multiples(k, paddedChannels);
        this.channelStarts = ConvSupport.multiples(g.outChannels(), 1);
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(new int[pixels],
                new float[pixels * paddedChannels], new float[k * paddedChannels]));
    }

    /** The weight gradient of the one item {@code first} (the plan's groups are single images). */
    @Override
    public void weightGradient(Kernels kernels, Tensor input, int first, int items, float[] dY, int dYOffset,
                               float[] partial, int at) {
        Scratch s = scratch.get();
        int[] rows = s.rows();
        for (int p = 0; p < pixels; p++) {
            rows[p] = dYOffset + p;
        }
        kernels.gather(pixels, g.outChannels(), dY, rows, outputPlanes, 0, s.byPosition(), 0, paddedChannels);
        int itemSize = g.inChannels() * g.height() * g.width();
        kernels.weightRows(pixelOffsets, input.data(), input.offset() + first * itemSize, tapOffsets,
                s.byPosition(), paddedChannels, s.byTap(), 0);
        kernels.gather(g.outChannels(), k, s.byTap(), channelStarts, tapColumns, 0, partial, at, k);
    }
}
