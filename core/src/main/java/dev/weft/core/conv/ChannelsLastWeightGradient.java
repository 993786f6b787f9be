package dev.weft.core.conv;

import dev.weft.core.Tensor;
import dev.weft.core.simd.Kernels;
import java.util.Arrays;

/**
 * The weight gradient as {@link GroupedGemm}'s product {@code dW_group = dY · colsᵀ}, with the group's input first
 * turned channels-last, {@code [items, paddedHeight, paddedWidth, inChannels]} inside a zero border, and the taps
 * taken in the order {@code (i, j, c)}. A row of {@code colsᵀ} (one window) is then {@code kernelHeight} runs of
 * {@code kernelWidth * inChannels} consecutive values, so most of the GEMM's panel rows are plain vector copies,
 * where in NCHW a window's taps are runs of {@code kernelWidth} and every panel row is a gather. The product
 * {@code [outChannels, K]} comes out in {@code (i, j, c)} order and is put back into {@code (c, i, j)}. Each
 * element of the product sums over the same windows in the same order as the NCHW product, so the bits are the
 * same.
 */
final class ChannelsLastWeightGradient implements GroupedBackward.WeightGradient {
    /**
     * A thread's buffers: the group's input channels-last in its zero border (the border is never written), the
     * start of each window of a packed block, the rows of the transposition, and the product in tap order
     * {@code (i, j, c)}.
     */
    private record Scratch(float[] channelsLast, int[] windows, int[] positions, float[] byTap) {
    }

    private final ConvGeometry g;
    /** {@code inChannels * kernelHeight * kernelWidth}: the taps. */
    private final int k;
    /** {@code outHeight * outWidth}: output pixels per item. */
    private final int pixels;
    /** Rows and columns of the bordered image: the whole input and every window fit. */
    private final int paddedHeight;
    private final int paddedWidth;
    /** Tap {@code (i, j, c)}'s offset from its window's start, {@code (i * paddedWidth + j) * inChannels + c}. */
    private final int[] tapOffsets;
    /** {@code c * height * width}: where input channel {@code c} starts in an NCHW item. */
    private final int[] channelPlanes;
    /** Where tap {@code (c, i, j)} lies in a row of the product: {@code (i * kernelWidth + j) * inChannels + c}. */
    private final int[] byTapIndex;
    /** {@code o * K}: where output channel {@code o}'s row starts in the product. */
    private final int[] productRows;
    private final ThreadLocal<Scratch> scratch;

    ChannelsLastWeightGradient(ConvGeometry g, int group) {
        this.g = g;
        int channels = g.inChannels();
        this.k = channels * g.kernelHeight() * g.kernelWidth();
        this.pixels = g.outHeight() * g.outWidth();
        this.paddedHeight = Math.max(g.height() + g.padTop(), (g.outHeight() - 1) * g.stride() + g.kernelHeight());
        this.paddedWidth = Math.max(g.width() + g.padLeft(), (g.outWidth() - 1) * g.stride() + g.kernelWidth());
        this.tapOffsets = new int[k];
        this.byTapIndex = new int[k];
        for (int i = 0, t = 0; i < g.kernelHeight(); i++) {
            for (int j = 0; j < g.kernelWidth(); j++) {
                for (int c = 0; c < channels; c++, t++) {
                    tapOffsets[t] = (i * paddedWidth + j) * channels + c;
                    byTapIndex[(c * g.kernelHeight() + i) * g.kernelWidth() + j] = t;
                }
            }
        }
        this.channelPlanes = ConvSupport.multiples(channels, g.height() * g.width());
        this.productRows = ConvSupport.multiples(g.outChannels(), k);
        int imageSize = paddedHeight * paddedWidth * channels;
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(new float[group * imageSize],
                new int[group * pixels], new int[g.height() * g.width()], new float[g.outChannels() * k]));
    }

    @Override
    public void weightGradient(Kernels kernels, Tensor input, int first, int items, float[] dY, int dYOffset,
                               float[] partial, int at) {
        Scratch s = scratch.get();
        toChannelsLast(kernels, input, first, items, s);
        int columns = items * pixels;
        kernels.sgemm(false, g.outChannels(), k, columns, 1f, dY, dYOffset, columns,
                (row, column, rows, count, panelWidth, panels) -> pack(kernels, s, row, column, rows, count,
                        panelWidth, panels),
                0f, s.byTap(), 0, k);
        kernels.gather(g.outChannels(), k, s.byTap(), productRows, byTapIndex, 0, partial, at, k);
    }

    /**
     * Items {@code [first, first + items)} of the NCHW input into {@code s.channelsLast}: value {@code (m, c, y, x)}
     * to {@code ((m * paddedHeight + y + padTop) * paddedWidth + x + padLeft) * inChannels + c}, an input row at a
     * time (one transposition of {@code width} positions by {@code inChannels}).
     */
    private void toChannelsLast(Kernels kernels, Tensor input, int first, int items, Scratch s) {
        int channels = g.inChannels();
        int width = g.width();
        int itemSize = channels * g.height() * width;
        int[] positions = s.positions();
        for (int m = 0; m < items; m++) {
            int item = input.offset() + (first + m) * itemSize;
            for (int y = 0; y < g.height(); y++) {
                for (int x = 0; x < width; x++) {
                    positions[x] = item + y * width + x;
                }
                int dst = ((m * paddedHeight + y + g.padTop()) * paddedWidth + g.padLeft()) * channels;
                kernels.gather(width, channels, input.data(), positions, channelPlanes, 0, s.channelsLast(), dst,
                        channels);
            }
        }
    }

    /**
     * The block {@code colsᵀ[row : row + rows, column : column + count]} in the product's tap order, as
     * {@link Kernels.PanelSource#pack} lays it out.
     */
    private void pack(Kernels kernels, Scratch s, int row, int column, int rows, int count, int panelWidth,
                      float[] panels) {
        int[] windows = s.windows();
        int outWidth = g.outWidth();
        int item = row / pixels;
        int y = row % pixels / outWidth;
        int x = row % pixels % outWidth;
        for (int r = 0; r < rows; r++) {
            windows[r] = ((item * paddedHeight + y * g.stride()) * paddedWidth + x * g.stride()) * g.inChannels();
            if (++x == outWidth) {
                x = 0;
                if (++y == g.outHeight()) {
                    y = 0;
                    item++;
                }
            }
        }
        for (int start = 0; start < count; start += panelWidth) {
            int n = Math.min(panelWidth, count - start);
            int panel = start * rows;
            // Where a vector of taps is consecutive (within one kernel row) the kernel loads it whole.
            kernels.gather(rows, n, s.channelsLast(), windows, tapOffsets, column + start, panels, panel,
                    panelWidth);
            if (n < panelWidth) {
                for (int r = 0, dst = panel; r < rows; r++, dst += panelWidth) {
                    Arrays.fill(panels, dst + n, dst + panelWidth, 0f);
                }
            }
        }
    }
}
