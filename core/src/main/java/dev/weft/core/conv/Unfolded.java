package dev.weft.core.conv;

import dev.weft.core.Tensor;
import dev.weft.core.simd.Kernels;

/**
 * The unfolded input of a group of items, {@code cols [K, items * P]} with {@code K = inChannels * kernelHeight *
 * kernelWidth} and {@code P = outHeight * outWidth} (rows are kernel taps, columns output windows: column
 * {@code m * P + p} holds the receptive field of output pixel {@code p} of the group's item {@code m}, zeros where it
 * overhangs the padding), or with {@code transposed} {@code colsᵀ [items * P, K]}. It is never built: the GEMM asks
 * for it block by block, and each block is gathered from the input straight into the panels the micro-kernel reads
 * (an implicit im2col), which saves writing {@code cols} out and packing it again. Element (tap, window) is
 * {@code input[windowBase + tapOffset]}, so one gather per row serves both orientations.
 */
final class Unfolded implements Kernels.PanelSource {
    private final ConvGeometry g;
    /** Whether some window overhangs the image: then every value is checked against the border. */
    private final boolean padded;
    private final Tensor input;
    private final int first;
    private final boolean transposed;

    /** The unfolded input of the group of {@code input}'s items starting at {@code first}. */
    Unfolded(ConvGeometry g, boolean padded, Tensor input, int first, boolean transposed) {
        this.g = g;
        this.padded = padded;
        this.input = input;
        this.first = first;
        this.transposed = transposed;
    }

    @Override
    public void pack(int row, int column, int rows, int columns, int panelWidth, float[] panels) {
        Kernels kernels = Kernels.get();
        float[] in = input.data();
        int windowFrom = transposed ? row : column;
        int windowCount = transposed ? rows : columns;
        int[] top = new int[windowCount];
        int[] left = new int[windowCount];
        int[] base = new int[windowCount];
        locateWindows(windowFrom, windowCount, top, left, base);
        int tapCount = transposed ? columns : rows;
        int[] taps = new int[tapCount];
        int[] ki = new int[tapCount];
        int[] kj = new int[tapCount];
        locateTaps(transposed ? column : row, tapCount, taps, ki, kj);
        int[] byRow = transposed ? base : taps;
        int[] byColumn = transposed ? taps : base;
        for (int start = 0; start < columns; start += panelWidth) {
            int n = Math.min(panelWidth, columns - start);
            int panel = start * rows;
            if (padded) {
                for (int r = 0, dst = panel; r < rows; r++, dst += panelWidth) {
                    for (int j = 0; j < n; j++) {
                        int w = transposed ? r : start + j;
                        int t = transposed ? start + j : r;
                        panels[dst + j] = inside(top[w], left[w], ki[t], kj[t]) ? in[base[w] + taps[t]] : 0f;
                    }
                }
            } else {
                // One call per panel: the kernel checks each vector of the index pattern once for all rows.
                kernels.gather(rows, n, in, byRow, byColumn, start, panels, panel, panelWidth);
            }
            ConvSupport.zeroPanelTail(panels, panel, rows, n, panelWidth);
        }
    }

    /**
     * For the {@code count} columns from {@code column} on: the input row and column of each window's top-left tap
     * ({@code top}, {@code left}; negative in the padding) and its flat index in {@code input}'s data
     * ({@code base}; meaningful only for taps inside the image). Walks item, row and column as counters: a division
     * per column would cost more than the copy it prepares.
     */
    private void locateWindows(int column, int count, int[] top, int[] left, int[] base) {
        int outW = g.outWidth();
        int pixels = g.outHeight() * outW;
        int itemSize = g.inChannels() * g.height() * g.width();
        int item = first + column / pixels;
        int y = column % pixels / outW;
        int x = column % pixels % outW;
        for (int j = 0; j < count; j++) {
            top[j] = y * g.stride() - g.padTop();
            left[j] = x * g.stride() - g.padLeft();
            base[j] = input.offset() + item * itemSize + top[j] * g.width() + left[j];
            if (++x == outW) {
                x = 0;
                if (++y == g.outHeight()) {
                    y = 0;
                    item++;
                }
            }
        }
    }

    /**
     * For the {@code count} rows from {@code row} on (row {@code (c * kh + i) * kw + j} is tap {@code (i, j)} of
     * input channel {@code c}): each tap's offset from its window's top-left in the input ({@code taps}) and its
     * kernel row and column ({@code ki}, {@code kj}).
     */
    private void locateTaps(int row, int count, int[] taps, int[] ki, int[] kj) {
        for (int r = 0; r < count; r++) {
            int j = (row + r) % g.kernelWidth();
            int i = (row + r) / g.kernelWidth() % g.kernelHeight();
            int c = (row + r) / (g.kernelWidth() * g.kernelHeight());
            taps[r] = (c * g.height() + i) * g.width() + j;
            ki[r] = i;
            kj[r] = j;
        }
    }

    /** Whether the tap at offset {@code (i, j)} of a window whose top-left is {@code (top, left)} is inside. */
    private boolean inside(int top, int left, int i, int j) {
        int iy = top + i;
        int ix = left + j;
        return iy >= 0 && iy < g.height() && ix >= 0 && ix < g.width();
    }
}
