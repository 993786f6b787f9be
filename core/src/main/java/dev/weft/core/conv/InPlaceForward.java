package dev.weft.core.conv;

import dev.weft.core.Parallel;
import dev.weft.core.Tensor;
import dev.weft.core.simd.Kernels;

/**
 * The forward pass of a stride-1, unpadded convolution with every input value multiplied where it lies
 * ({@link Kernels#convolveRows}): nothing is unfolded, gathered or packed. Output pixel {@code (y, x)} is given
 * position {@code y * width + x} of a "wide grid", as if the output were as wide as the input, so that the
 * consecutive positions of a micro-tile read consecutive input values for every tap {@code (c, i, j)}, at offset
 * {@code (c * height + i) * width + j} from the position. Of the {@code width - outWidth} positions between two
 * output rows, the kernel skips those a tile would hold alone and computes the rest, which are dropped; the grid
 * ends with the last output pixel, whose last tap is the item's last input pixel. Each item's output, position by
 * position, is then gathered into NCHW, the bias added and the ReLU applied (in one pass,
 * {@link Kernels#gatherBiasRelu}, when there are both). The sums are those of {@link GroupedGemm}'s forward pass,
 * element for element.
 */
final class InPlaceForward {
    /** A thread's output of one item by wide-grid position, {@code [gridPixels, paddedChannels]}. */
    private record Scratch(float[] byPosition) {
    }

    private final ConvGeometry g;
    /** {@code inChannels * kernelHeight * kernelWidth}: the taps. */
    private final int k;
    /** {@code outHeight * outWidth}: output pixels per item. */
    private final int pixels;
    /** Positions of the wide grid per item: {@code (outHeight - 1) * width + outWidth}. */
    private final int gridPixels;
    /** Output channels padded to the kernels' panel width: the columns of {@code weightsT} and of each position. */
    private final int paddedChannels;
    /** Tap {@code (c, i, j)}'s offset in an item, {@code (c * height + i) * width + j}. */
    private final int[] tapOffsets;
    /** For output pixel {@code p = (y, x)}: its wide-grid position times {@code paddedChannels}. */
    private final int[] gridIndex;
    /** {@code 0, 1, ..., outChannels - 1}: where each channel starts in a position's row. */
    private final int[] channelStarts;
    /**
     * The weights transposed, {@code K x paddedChannels} in {@link Kernels#tapWeightIndex}'s layout, made at the
     * start of each forward pass. When inference runs a batch's slices on several threads at once, each writes the
     * same values here (the same weights, folded the same way) while the others may be reading them; a copy per
     * thread measured no faster.
     */
    private final float[] weightsT;
    private final ThreadLocal<Scratch> scratch;

    InPlaceForward(ConvGeometry g) {
        this.g = g;
        this.k = g.inChannels() * g.kernelHeight() * g.kernelWidth();
        this.pixels = g.outHeight() * g.outWidth();
        this.gridPixels = (g.outHeight() - 1) * g.width() + g.outWidth();
        this.paddedChannels = ConvSupport.paddedToPanels(g.outChannels());
        this.tapOffsets = tapOffsets(g);
        int[] pixelOffsets = pixelOffsets(g);
        this.gridIndex = new int[pixels];
        for (int p = 0; p < pixels; p++) {
            gridIndex[p] = pixelOffsets[p] * paddedChannels;
        }
        this.channelStarts = ConvSupport.multiples(g.outChannels(), 1);
        this.weightsT = new float[k * paddedChannels];
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(new float[gridPixels * paddedChannels]));
    }

    /** Tap {@code t = (c, i, j)}'s offset in an item of {@code g}'s input, {@code (c * height + i) * width + j}. */
    static int[] tapOffsets(ConvGeometry g) {
        int[] offsets = new int[g.inChannels() * g.kernelHeight() * g.kernelWidth()];
        for (int t = 0; t < offsets.length; t++) {
            int c = t / (g.kernelHeight() * g.kernelWidth());
            int i = t / g.kernelWidth() % g.kernelHeight();
            offsets[t] = (c * g.height() + i) * g.width() + t % g.kernelWidth();
        }
        return offsets;
    }

    /** Output pixel {@code p = (y, x)}'s offset in the input, {@code y * width + x}: its wide-grid position. */
    static int[] pixelOffsets(ConvGeometry g) {
        int[] offsets = new int[g.outHeight() * g.outWidth()];
        for (int p = 0; p < offsets.length; p++) {
            offsets[p] = p / g.outWidth() * g.width() + p % g.outWidth();
        }
        return offsets;
    }

    /** See {@link Convolution#forward(Tensor, Tensor, Tensor, Tensor, boolean)}; sizes checked. */
    void forward(Tensor input, Tensor weights, Tensor bias, Tensor output, boolean relu) {
        int outChannels = g.outChannels();
        float[] w = weights.data();
        Kernels kernels = Kernels.get();
        for (int o = 0; o < outChannels; o++) {
            for (int t = 0; t < k; t++) {
                weightsT[kernels.tapWeightIndex(k, paddedChannels, t, o)] = w[weights.offset() + o * k + t];
            }
        }
        int itemSize = g.inChannels() * g.height() * g.width();
        Parallel.forRange(g.batch(), 1, (from, to) -> {
            float[] byPosition = scratch.get().byPosition();
            float[] out = output.data();
            for (int item = from; item < to; item++) {
                kernels.convolveRows(gridPixels, g.outWidth(), g.width(), paddedChannels, input.data(),
                        input.offset() + item * itemSize, tapOffsets, weightsT, byPosition, 0);
                int base = output.offset() + item * outChannels * pixels;
                if (relu && bias != null) {
                    kernels.gatherBiasRelu(outChannels, pixels, byPosition, channelStarts, gridIndex, 0, bias.data(),
                            bias.offset(), out, base, pixels);
                } else {
                    kernels.gather(outChannels, pixels, byPosition, channelStarts, gridIndex, 0, out, base, pixels);
                    ConvSupport.addBiasAndRelu(kernels, g, out, base, bias, relu);
                }
            }
        });
    }
}
