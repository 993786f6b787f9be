package dev.weft.core.conv;

import dev.weft.core.Tensor;
import dev.weft.core.simd.Kernels;

/**
 * The weight gradient as {@link GroupedGemm}'s product {@code dW_group = dY · colsᵀ}, with the group's input first
 * turned channels-last inside a zero border ({@link ChannelsLastLayout}) and the taps taken in the order
 * {@code (i, j, c)}. A row of {@code colsᵀ} (one window) is then {@code kernelHeight} runs of
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
    private final ChannelsLastLayout layout;
    /** Whether the image starts the bordered one and fills its rows: then an item turns channels-last in one call. */
    private final boolean wholeRows;
    /** Tap {@code t = (i, j, c)}'s offset from its window's start. */
    private final int[] tapOffsets;
    /** {@code c * height * width}: where input channel {@code c} starts in an NCHW item. */
    private final int[] channelPlanes;
    /** Where NCHW tap {@code (c, i, j)} lies in a row of the product (the inverse of the layout's order). */
    private final int[] productTaps;
    /** {@code o * K}: where output channel {@code o}'s row starts in the product. */
    private final int[] productRows;
    private final ThreadLocal<Scratch> scratch;

    ChannelsLastWeightGradient(ConvGeometry g, int group) {
        this.g = g;
        this.k = g.inChannels() * g.kernelHeight() * g.kernelWidth();
        this.pixels = g.outHeight() * g.outWidth();
        this.layout = ChannelsLastLayout.of(g);
        this.wholeRows = g.padTop() == 0 && g.padLeft() == 0 && layout.width() == g.width();
        int[] nchwTaps = layout.nchwTaps();
        this.tapOffsets = new int[k];
        this.productTaps = new int[k];
        for (int t = 0; t < k; t++) {
            int j = nchwTaps[t] % g.kernelWidth();
            int i = nchwTaps[t] / g.kernelWidth() % g.kernelHeight();
            tapOffsets[t] = layout.position(0, i, j) + t % g.inChannels();
            productTaps[nchwTaps[t]] = t;
        }
        this.channelPlanes = ConvSupport.multiples(g.inChannels(), g.height() * g.width());
        this.productRows = ConvSupport.multiples(g.outChannels(), k);
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(new float[group * layout.imageSize()],
                new int[group * pixels], new int[g.width()], new float[g.outChannels() * k]));
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
        kernels.gather(g.outChannels(), k, s.byTap(), productRows, productTaps, 0, partial, at, k);
    }

    /**
     * Items {@code [first, first + items)} of the NCHW input into {@code s.channelsLast}: value {@code (m, c, y, x)}
     * to channel {@code c} of the layout's position {@code (m, y + padTop, x + padLeft)}: one
     * {@link Kernels#transpose} of {@code inChannels} by {@code height * width} per item when its rows fill the
     * layout's ({@link #wholeRows}), else a gather per input row ({@code width} positions by {@code inChannels}).
     */
    private void toChannelsLast(Kernels kernels, Tensor input, int first, int items, Scratch s) {
        int channels = g.inChannels();
        int width = g.width();
        int plane = g.height() * width;
        int itemSize = channels * plane;
        int[] positions = s.positions();
        for (int m = 0; m < items; m++) {
            int item = input.offset() + (first + m) * itemSize;
            if (wholeRows) {
                kernels.transpose(channels, plane, input.data(), item, plane, s.channelsLast(),
                        layout.position(m, 0, 0), channels);
                continue;
            }
            for (int y = 0; y < g.height(); y++) {
                for (int x = 0; x < width; x++) {
                    positions[x] = item + y * width + x;
                }
                int dst = layout.position(m, y + g.padTop(), g.padLeft());
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
            windows[r] = layout.position(item, y * g.stride(), x * g.stride());
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
            ConvSupport.zeroPanelTail(panels, panel, rows, n, panelWidth);
        }
    }
}
