package dev.weft.core.conv;

import dev.weft.core.Parallel;
import dev.weft.core.Tensor;
import dev.weft.core.simd.Kernels;
import java.util.Arrays;

/**
 * The convolution as matrix products over groups of batch items, on the {@link Unfolded} input (an implicit
 * im2col). With the weights seen as {@code W [outChannels, K]}, a group's unfolded input as
 * {@code cols [K, items * P]} and its output gradient as {@code dY [outChannels, items * P]}:
 * <pre>
 *   forward:   Y = W · cols + b                 (then scattered back to NCHW)
 *   backward:  dW_group = dY · colsᵀ
 *              dCols = Wᵀ · dY, then col2im: dInput = the sum of the overlapping windows
 * </pre>
 * For a group of one image {@code Y} is exactly its NCHW output block, written in place. The backward frame (the
 * groups, {@code dY}, the bias and the sums in group order) is {@link GroupedBackward}'s.
 */
final class GroupedGemm implements GroupedBackward.WeightGradient, GroupedBackward.InputGradient {
    /**
     * Shortest row of a window worth the add kernel in col2im: the kernel takes a half-width step for tails (8 lanes
     * with AVX-512), so rows from 8 pixels on gain from it; shorter rows stay a plain loop.
     */
    private static final int VECTOR_RUN = 8;

    /** A thread's buffers, each made on first use: a group's {@code Y [outChannels, items * P]} and its dCols. */
    private static final class Scratch {
        private final int outputSize;
        private final int dColsSize;
        private float[] output;
        private float[] dCols;

        Scratch(int outputSize, int dColsSize) {
            this.outputSize = outputSize;
            this.dColsSize = dColsSize;
        }

        float[] output() {
            if (output == null) {
                output = new float[outputSize];
            }
            return output;
        }

        float[] dCols() {
            if (dCols == null) {
                dCols = new float[dColsSize];
            }
            return dCols;
        }
    }

    private final ConvGeometry g;
    /** {@code inChannels * kernelHeight * kernelWidth}: rows of {@code cols}. */
    private final int k;
    /** {@code outHeight * outWidth}: output pixels per item. */
    private final int pixels;
    private final int group;
    private final int groups;
    private final boolean padded;
    /**
     * For kernel column {@code j}: the output columns {@code [insideFrom[j], insideTo[j])} whose input column
     * {@code x * stride + j - padLeft} lies inside the image (the rest reads the zero padding).
     */
    private final int[] insideFrom;
    private final int[] insideTo;
    private final ThreadLocal<Scratch> scratch;

    GroupedGemm(ConvGeometry g, int group) {
        this.g = g;
        this.k = g.inChannels() * g.kernelHeight() * g.kernelWidth();
        this.pixels = g.outHeight() * g.outWidth();
        this.group = group;
        this.groups = ConvSupport.ceilDiv(g.batch(), group);
        this.padded = ConvSupport.overhangs(g);
        this.insideFrom = new int[g.kernelWidth()];
        this.insideTo = new int[g.kernelWidth()];
        for (int j = 0; j < g.kernelWidth(); j++) {
            int dx = j - g.padLeft();
            insideFrom[j] = Math.min(g.outWidth(), Math.max(0, ConvSupport.ceilDiv(-dx, g.stride())));
            insideTo[j] = Math.max(insideFrom[j],
                    Math.min(g.outWidth(), ConvSupport.ceilDiv(g.width() - dx, g.stride())));
        }
        int columns = group * pixels;
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(g.outChannels() * columns, k * columns));
    }

    /** See {@link Convolution#forward(Tensor, Tensor, Tensor, Tensor, boolean)}; sizes checked. */
    void forward(Tensor input, Tensor weights, Tensor bias, Tensor output, boolean relu) {
        int outChannels = g.outChannels();
        Kernels kernels = Kernels.get();
        Parallel.forRange(groups, 1, (from, to) -> {
            Scratch s = scratch.get();
            for (int q = from; q < to; q++) {
                int first = q * group;
                int items = Math.min(group, g.batch() - first);
                int columns = items * pixels;
                Unfolded cols = new Unfolded(g, padded, input, first, false);
                float[] out = output.data();
                if (group == 1) {
                    // One image: Y [outChannels, pixels] is exactly its NCHW output block.
                    int base = output.offset() + first * outChannels * pixels;
                    kernels.sgemm(false, outChannels, columns, k, 1f, weights.data(), weights.offset(), k,
                            cols, 0f, out, base, columns);
                    ConvSupport.addBiasAndRelu(kernels, g, out, base, bias, relu);
                    continue;
                }
                float[] y = s.output();
                kernels.sgemm(false, outChannels, columns, k, 1f, weights.data(), weights.offset(), k,
                        cols, 0f, y, 0, columns);
                for (int m = 0; m < items; m++) {
                    int item = output.offset() + (first + m) * outChannels * pixels;
                    for (int o = 0; o < outChannels; o++) {
                        float b = bias == null ? 0f : bias.data()[bias.offset() + o];
                        int src = o * columns + m * pixels;
                        int dst = item + o * pixels;
                        for (int p = 0; p < pixels; p++) {
                            out[dst + p] = y[src + p] + b;
                        }
                    }
                    // One call for the item's channels: groups are small images, whose planes are shorter than a
                    // vector, and a call per plane costs more than its ReLU.
                    if (relu) {
                        kernels.relu(outChannels * pixels, out, item, out, item);
                    }
                }
            }
        });
    }

    /** {@code dW_group [outChannels, K] = dY · colsᵀ}. */
    @Override
    public void weightGradient(Kernels kernels, Tensor input, int first, int items, float[] dY, int dYOffset,
                               float[] partial, int at) {
        int columns = items * pixels;
        kernels.sgemm(false, g.outChannels(), k, columns, 1f, dY, dYOffset, columns,
                new Unfolded(g, padded, input, first, true), 0f, partial, at, k);
    }

    /** {@code dCols [K, items * P] = Wᵀ · dY}, then col2im. */
    @Override
    public void inputGradient(Kernels kernels, Tensor weights, float[] dY, int dYOffset, int first, int items,
                              Tensor dInput) {
        int columns = items * pixels;
        float[] dCols = scratch.get().dCols();
        kernels.sgemm(true, false, k, columns, g.outChannels(), 1f, weights.data(), weights.offset(), k,
                dY, dYOffset, columns, 0f, dCols, 0, columns);
        col2im(dCols, first, items, dInput);
    }

    /** Items {@code [first, first + items)} of {@code dInput} = their windows in {@code dCols} folded back. */
    private void col2im(float[] dCols, int first, int items, Tensor dInput) {
        int itemSize = g.inChannels() * g.height() * g.width();
        for (int m = 0; m < items; m++) {
            int base = dInput.offset() + (first + m) * itemSize;
            Arrays.fill(dInput.data(), base, base + itemSize, 0f);
            col2imItem(dInput.data(), base, dCols, items * pixels, m * pixels);
        }
    }

    private void col2imItem(float[] dIn, int inBase, float[] dCols, int columns, int column) {
        Kernels kernels = Kernels.get();
        int height = g.height();
        int width = g.width();
        int outH = g.outHeight();
        int outW = g.outWidth();
        int stride = g.stride();
        for (int c = 0; c < g.inChannels(); c++) {
            int plane = inBase + c * height * width;
            for (int i = 0; i < g.kernelHeight(); i++) {
                for (int j = 0; j < g.kernelWidth(); j++) {
                    int row = (c * g.kernelHeight() + i) * g.kernelWidth() + j;
                    int src = row * columns + column;
                    int dx = j - g.padLeft();
                    int xFrom = insideFrom[j];
                    int xTo = insideTo[j];
                    if (stride == 1 && xTo - xFrom >= VECTOR_RUN) {
                        // The output rows whose input row iy = y + i - padTop lies inside, in one call.
                        int yFrom = Math.max(0, g.padTop() - i);
                        int yTo = Math.min(outH, height + g.padTop() - i);
                        if (yTo > yFrom) {
                            int dst = plane + (yFrom + i - g.padTop()) * width + dx + xFrom;
                            kernels.addRows(yTo - yFrom, xTo - xFrom, dCols, src + yFrom * outW + xFrom, outW,
                                    dIn, dst, width);
                        }
                        continue;
                    }
                    for (int y = 0; y < outH; y++, src += outW) {
                        int iy = y * stride + i - g.padTop();
                        if (iy < 0 || iy >= height) {
                            continue;
                        }
                        int dst = plane + iy * width + dx;
                        for (int x = xFrom; x < xTo; x++) {
                            dIn[dst + x * stride] += dCols[src + x];
                        }
                    }
                }
            }
        }
    }
}
