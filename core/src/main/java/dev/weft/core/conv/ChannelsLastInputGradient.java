package dev.weft.core.conv;

import dev.weft.core.Tensor;
import dev.weft.core.simd.Kernels;
import java.util.Arrays;

/**
 * The input gradient as {@link GroupedGemm}'s product and col2im, channels-last: {@code dColsᵀ [items * P, K] =
 * dYᵀ · W'}, with the weights' taps taken in the order {@code (i, j, c)} ({@code W'}, rearranged once per backward
 * pass), so that a window's row of {@code dColsᵀ} holds, for each tap {@code (i, j)}, its {@code inChannels}
 * gradients side by side. col2im then adds them into the group's input gradient, laid out channels-last in a zero
 * border ({@link ChannelsLastLayout}), a run of {@code inChannels} values at a time, where in NCHW a run is at most
 * one output row, often shorter than a vector. The result is turned back into NCHW.
 * Each element of the product sums over the output channels as the NCHW product does, and each input value
 * receives its taps' terms in the same order {@code (i, j)}, so the bits are those of {@link GroupedGemm}.
 */
final class ChannelsLastInputGradient implements GroupedBackward.InputGradient {
    /**
     * A thread's buffers: the group's {@code dColsᵀ}, its input gradient channels-last in the zero border, and the
     * row starts of the transposition back to NCHW.
     */
    private record Scratch(float[] dColsT, float[] channelsLast, int[] channelRows) {
    }

    private final ConvGeometry g;
    /** {@code inChannels * kernelHeight * kernelWidth}: the taps. */
    private final int k;
    /** {@code outHeight * outWidth}: output pixels per item. */
    private final int pixels;
    private final ChannelsLastLayout layout;
    /** Whether the image starts the bordered one and fills its rows: then an item turns back to NCHW in one call. */
    private final boolean wholeRows;
    /** Where tap {@code (i, j, c)} lies in a weight row: {@code (c * kernelHeight + i) * kernelWidth + j}. */
    private final int[] weightTaps;
    /** {@code p * inChannels}: where the channels of position {@code p} of a row start. */
    private final int[] positions;
    /** The weights with their taps in the order {@code (i, j, c)}, {@code W' [outChannels, K]}. */
    private final float[] weightsByTap;
    private final ThreadLocal<Scratch> scratch;

    ChannelsLastInputGradient(ConvGeometry g, int group) {
        this.g = g;
        int channels = g.inChannels();
        this.k = channels * g.kernelHeight() * g.kernelWidth();
        this.pixels = g.outHeight() * g.outWidth();
        this.layout = ChannelsLastLayout.of(g);
        this.wholeRows = g.padTop() == 0 && g.padLeft() == 0 && layout.width() == g.width();
        this.weightTaps = layout.nchwTaps();
        this.positions = ConvSupport.multiples(g.width(), channels);
        this.weightsByTap = new float[g.outChannels() * k];
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(new float[group * pixels * k],
                new float[group * layout.imageSize()], new int[channels]));
    }

    /** {@code W'}: each output channel's weights with the taps in the order {@code (i, j, c)}. */
    @Override
    public void prepare(Tensor weights) {
        int[] rows = ConvSupport.multiples(g.outChannels(), k);
        for (int o = 0; o < rows.length; o++) {
            rows[o] += weights.offset();
        }
        Kernels.get().gather(g.outChannels(), k, weights.data(), rows, weightTaps, 0, weightsByTap, 0, k);
    }

    @Override
    public void inputGradient(Kernels kernels, Tensor weights, float[] dY, int dYOffset, int first, int items,
                              Tensor dInput) {
        Scratch s = scratch.get();
        int columns = items * pixels;
        int channels = g.inChannels();
        float[] dColsT = s.dColsT();
        kernels.sgemm(true, false, columns, k, g.outChannels(), 1f, dY, dYOffset, columns, weightsByTap, 0, k,
                0f, dColsT, 0, k);
        float[] image = s.channelsLast();
        Arrays.fill(image, 0, items * layout.imageSize(), 0f);
        // col2im, tap by tap, so that each input value takes its terms in the order (i, j) as in NCHW: for one tap
        // and one output row, the windows' runs of channels land side by side (stride apart).
        int outWidth = g.outWidth();
        int stride = g.stride();
        for (int i = 0; i < g.kernelHeight(); i++) {
            for (int j = 0; j < g.kernelWidth(); j++) {
                int tap = (i * g.kernelWidth() + j) * channels;
                for (int m = 0; m < items; m++) {
                    for (int y = 0; y < g.outHeight(); y++) {
                        int window = m * pixels + y * outWidth;
                        int at = layout.position(m, y * stride + i, j);
                        kernels.addRows(outWidth, channels, dColsT, window * k + tap, k, image, at,
                                stride * channels);
                    }
                }
            }
        }
        toNchw(kernels, image, first, items, dInput);
    }

    /**
     * The group's channels-last input gradient, inside its border, into items {@code [first, first + items)}: one
     * {@link Kernels#transpose} of {@code height * width} by {@code inChannels} per item when its rows fill the
     * layout's ({@link #wholeRows}), else a gather per row.
     */
    private void toNchw(Kernels kernels, float[] image, int first, int items, Tensor dInput) {
        int channels = g.inChannels();
        int plane = g.height() * g.width();
        int[] rows = scratch.get().channelRows();
        for (int m = 0; m < items; m++) {
            int item = dInput.offset() + (first + m) * channels * plane;
            if (wholeRows) {
                kernels.transpose(plane, channels, image, layout.position(m, 0, 0), channels, dInput.data(), item,
                        plane);
                continue;
            }
            for (int y = 0; y < g.height(); y++) {
                int from = layout.position(m, y + g.padTop(), g.padLeft());
                for (int c = 0; c < channels; c++) {
                    rows[c] = from + c;
                }
                kernels.gather(channels, g.width(), image, rows, positions, 0, dInput.data(), item + y * g.width(),
                        plane);
            }
        }
    }
}
