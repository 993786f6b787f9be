package dev.weft.core.conv;

import dev.weft.core.Tensor;
import dev.weft.core.simd.Kernels;

/**
 * The input gradient of a stride-1, unpadded convolution as a convolution of the zero-bordered output gradient with
 * the kernel turned by 180 degrees and its channel roles swapped, through {@link Kernels#convolveRows}:
 * {@code dX[c, y, x] = sum_{o,i,j} W[o, c, i, j] * dY[o, y - i, x - j]}, instead of a product only
 * {@code outChannels} deep and col2im ({@link GroupedGemm}).
 *
 * <p>Each output channel's {@code dY} is laid into a zeroed plane as wide as the input, {@code height +
 * kernelHeight - 1} rows high (plus {@code kernelWidth - 1} values), at row {@code kernelHeight - 1} and column
 * {@code kernelWidth - 1}. Input pixel {@code (y, x)}, position {@code y * width + x}, then reads tap
 * {@code (o, i', j')} (with {@code i' = kernelHeight - 1 - i}, {@code j' = kernelWidth - 1 - j}) at offset
 * {@code o * gradientPlane + i' * width + j'} from its position, and a window running off the right edge wraps onto
 * the next row's zero columns. The grid is exactly the input image: no position is computed and dropped.
 */
final class InPlaceInputGradient implements GroupedBackward.InputGradient {
    /**
     * A thread's buffers: one item's zero-bordered output gradient planes ({@code [outChannels, gradientPlane]},
     * whose border stays zero from the allocation on) and its input gradient by position
     * {@code [height * width, paddedInChannels]}.
     */
    private record Scratch(float[] planes, float[] byPosition) {
    }

    private final ConvGeometry g;
    /** {@code outHeight * outWidth}: output pixels per item. */
    private final int pixels;
    /** The size of one output channel's zero-bordered gradient plane. */
    private final int gradientPlane;
    /** Input channels padded to the kernels' panel width: the columns of {@code flippedT} and of each position. */
    private final int paddedInChannels;
    /** Tap {@code (o, i', j')}'s offset in the zero-bordered gradient planes. */
    private final int[] gradientTaps;
    /** Input pixel {@code p}'s position times {@code paddedInChannels}. */
    private final int[] inputIndex;
    /** {@code 0, 1, ..., inChannels - 1}: where each channel starts in a position's row. */
    private final int[] channelStarts;
    /**
     * The kernel turned and transposed, {@code outChannels * taps x paddedInChannels} in
     * {@link Kernels#tapWeightIndex}'s layout, made by each backward.
     */
    private final float[] flippedT;
    private final ThreadLocal<Scratch> scratch;

    InPlaceInputGradient(ConvGeometry g) {
        this.g = g;
        this.pixels = g.outHeight() * g.outWidth();
        int kh = g.kernelHeight();
        int kw = g.kernelWidth();
        this.gradientPlane = (g.height() + kh - 1) * g.width() + kw - 1;
        this.paddedInChannels = ConvSupport.paddedToPanels(g.inChannels());
        this.gradientTaps = new int[g.outChannels() * kh * kw];
        for (int t = 0; t < gradientTaps.length; t++) {
            int o = t / (kh * kw);
            int i = t / kw % kh;
            gradientTaps[t] = o * gradientPlane + i * g.width() + t % kw;
        }
        int inputPixels = g.height() * g.width();
        this.inputIndex = ConvSupport.multiples(inputPixels, paddedInChannels);
        this.channelStarts = ConvSupport.multiples(g.inChannels(), 1);
        this.flippedT = new float[g.outChannels() * kh * kw * paddedInChannels];
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(new float[g.outChannels() * gradientPlane],
                new float[inputPixels * paddedInChannels]));
    }

    /**
     * {@code flippedT[(o, i', j'), c] = W[o, c, kernelHeight - 1 - i', kernelWidth - 1 - j']}, zero for the padded
     * channels.
     */
    @Override
    public void prepare(Tensor weights) {
        int taps = g.kernelHeight() * g.kernelWidth();
        Kernels kernels = Kernels.get();
        float[] w = weights.data();
        for (int o = 0; o < g.outChannels(); o++) {
            for (int c = 0; c < g.inChannels(); c++) {
                int from = weights.offset() + (o * g.inChannels() + c) * taps;
                for (int t = 0; t < taps; t++) {
                    flippedT[kernels.tapWeightIndex(gradientTaps.length, paddedInChannels, o * taps + taps - 1 - t,
                            c)] = w[from + t];
                }
            }
        }
    }

    @Override
    public void inputGradient(Kernels kernels, Tensor weights, float[] dY, int dYOffset, int first, int items,
                              Tensor dInput) {
        for (int m = 0; m < items; m++) {
            item(kernels, dY, dYOffset + m * pixels, items * pixels, dInput, first + m);
        }
    }

    /**
     * Item {@code item}'s {@code dInput} (overwritten) from its output gradient in {@code dY}: channel {@code o}'s
     * {@code pixels} values from {@code dYOffset + o * channelStride}. A convolution in place of the zero-bordered
     * gradient with the turned kernel, then gathered from position-major into NCHW.
     */
    private void item(Kernels kernels, float[] dY, int dYOffset, int channelStride, Tensor dInput, int item) {
        int width = g.width();
        int inputPixels = g.height() * width;
        Scratch s = scratch.get();
        float[] planes = s.planes();
        int outW = g.outWidth();
        int top = (g.kernelHeight() - 1) * width + g.kernelWidth() - 1;
        for (int o = 0; o < g.outChannels(); o++) {
            for (int y = 0; y < g.outHeight(); y++) {
                // Only the interior is written: the border stays zero from the allocation on.
                System.arraycopy(dY, dYOffset + o * channelStride + y * outW, planes,
                        o * gradientPlane + top + y * width, outW);
            }
        }
        kernels.convolveRows(inputPixels, width, width, paddedInChannels, planes, 0, gradientTaps, flippedT,
                s.byPosition(), 0);
        int base = dInput.offset() + item * g.inChannels() * inputPixels;
        kernels.gather(g.inChannels(), inputPixels, s.byPosition(), channelStarts, inputIndex, 0, dInput.data(),
                base, inputPixels);
    }
}
