package dev.weft.core;

import dev.weft.core.simd.Kernels;
import java.util.Arrays;

/**
 * Forward and backward passes of one 2-D convolution with a fixed {@link ConvGeometry}, as im2col + SGEMM.
 *
 * <p>With {@code K = inChannels * kernelHeight * kernelWidth} and {@code P = outHeight * outWidth}, the batch is
 * cut into fixed groups of {@code G} items, and each group is unfolded into {@code cols [K, G * P]} (column
 * {@code m * P + p} holds the receptive field of output pixel {@code p} of the group's item {@code m}, zeros where
 * it overhangs the padding). With the weights seen as {@code W [outChannels, K]} and the group's output gradient
 * gathered as {@code dY [outChannels, G * P]}:
 * <pre>
 *   forward:   Y  = W · cols + b        (then scattered back to NCHW)
 *   backward:  dW_group = dY · colsᵀ   dW += sum of dW_group over groups, in group order
 *              dCols = Wᵀ · dY, then col2im: dInput = sum of the overlapping windows
 *              db += sum over batch and pixels of dY (per group, then in group order)
 * </pre>
 * {@code G} is chosen from the geometry alone (never from the thread count) so that {@code cols} stays around
 * 1 MiB (L2-resident) while the product stays wide enough for the GEMM's 32-column micro-tiles even for the small
 * late layers (a 5x5 image gives {@code P = 9}, too narrow alone). Groups run in parallel, each thread with its
 * own scratch; every group's arithmetic is fixed and the group partials are combined in group order, so results
 * are bit-identical whatever the thread count.
 *
 * <p>An instance reuses its scratch (per pool thread, and the per-group partial gradients) from call to call, so
 * it is not thread-safe: use one instance per thread (or per layer in training). Tensors are NCHW; weights
 * {@code [outChannels, inChannels, kernelHeight, kernelWidth]}; bias {@code [outChannels]} or {@code null}.
 *
 * <pre>{@code
 * ConvGeometry g = ConvGeometry.of(64, 1, 28, 28, 32, 3, 3, 1, ConvGeometry.Padding.VALID);
 * Convolution conv = new Convolution(g);
 * conv.forward(images, weights, bias, output);                  // output [64, 32, 26, 26]
 * conv.backward(images, weights, dOutput, null, dWeights, dBias); // no dInput for the first layer
 * }</pre>
 */
public final class Convolution {
    /** Target size of one group's {@code cols} in floats (1 MiB): fits L2 beside the packed GEMM panels. */
    private static final int COLS_BUDGET = 1 << 18;
    /** A group should give the GEMM at least this many columns. */
    private static final int MIN_COLUMNS = 128;
    /** From this many output pixels per image on, groups are single images, multiplied straight into NCHW. */
    private static final int DIRECT_PIXELS = 256;

    private final ConvGeometry g;
    /** {@code inChannels * kernelHeight * kernelWidth}: rows of {@code cols}. */
    private final int k;
    /** {@code outHeight * outWidth}: output pixels per item. */
    private final int pixels;
    /** Items per group. */
    private final int group;
    private final int groups;
    /** Per-thread {@code cols [K, G*P]}, channel-major {@code Y}/{@code dY [out, G*P]} and {@code dCols}. */
    private final ThreadLocal<float[][]> scratch;
    /** Per-group partial weight and bias gradients, combined in group order. */
    private float[] partialWeights;
    private float[] partialBias;

    /** A convolution of the given geometry; scratch is allocated on first use and then reused. */
    public Convolution(ConvGeometry geometry) {
        this.g = geometry;
        this.k = g.inChannels() * g.kernelHeight() * g.kernelWidth();
        this.pixels = g.outHeight() * g.outWidth();
        int byBudget = Math.max(1, COLS_BUDGET / (k * pixels));
        int byWidth = Math.max(1, (MIN_COLUMNS + pixels - 1) / pixels);
        // At least 2 groups for a batch of 2 or more, so that both cores have work. An image with many output
        // pixels is wide enough alone: then the product is written straight into the NCHW output (no scatter).
        this.group = pixels >= DIRECT_PIXELS ? 1
                : Math.min(Math.max(byBudget, byWidth), Math.max(1, g.batch() / 2));
        this.groups = (g.batch() + group - 1) / group;
        int columns = group * pixels;
        this.scratch = ThreadLocal.withInitial(() -> new float[][] {
            new float[k * columns], new float[g.outChannels() * columns], null});
    }

    /** The geometry this convolution was built for. */
    public ConvGeometry geometry() {
        return g;
    }

    /** Items per group (fixed by the geometry): for tests and reports. */
    int groupSize() {
        return group;
    }

    /**
     * {@code output[n,o,y,x] = bias[o] + sum_{c,i,j} weights[o,c,i,j] * input[n,c,y*s+i-padTop,x*s+j-padLeft]}
     * (zero outside the image). {@code output} is overwritten.
     */
    public void forward(Tensor input, Tensor weights, Tensor bias, Tensor output) {
        checkSizes(input, weights, output);
        int outChannels = g.outChannels();
        Parallel.forRange(groups, 1, (from, to) -> {
            float[][] s = scratch.get();
            float[] cols = s[0];
            float[] y = s[1];
            for (int q = from; q < to; q++) {
                int first = q * group;
                int items = Math.min(group, g.batch() - first);
                int columns = items * pixels;
                im2col(input, first, items, cols);
                float[] out = output.data();
                if (group == 1) {
                    // One image: Y [outChannels, pixels] is exactly its NCHW output block.
                    int base = output.offset() + first * outChannels * pixels;
                    Gemm.sgemm(false, false, outChannels, columns, k, 1f, weights.data(), weights.offset(), k,
                            cols, 0, columns, 0f, out, base, columns);
                    if (bias != null) {
                        for (int o = 0; o < outChannels; o++) {
                            float b = bias.data()[bias.offset() + o];
                            for (int p = base + o * pixels, end = p + pixels; p < end; p++) {
                                out[p] += b;
                            }
                        }
                    }
                    continue;
                }
                Gemm.sgemm(false, false, outChannels, columns, k, 1f, weights.data(), weights.offset(), k,
                        cols, 0, columns, 0f, y, 0, columns);
                for (int m = 0; m < items; m++) {
                    for (int o = 0; o < outChannels; o++) {
                        float b = bias == null ? 0f : bias.data()[bias.offset() + o];
                        int src = o * columns + m * pixels;
                        int dst = output.offset() + ((first + m) * outChannels + o) * pixels;
                        for (int p = 0; p < pixels; p++) {
                            out[dst + p] = y[src + p] + b;
                        }
                    }
                }
            }
        });
    }

    /**
     * Given {@code dOutput = dL/dOutput}: {@code dInput} (if not null) is overwritten with dL/dInput, and
     * {@code dWeights += dL/dWeights}, {@code dBias += sum_{n,y,x} dOutput} (if not null) accumulate.
     */
    public void backward(Tensor input, Tensor weights, Tensor dOutput, Tensor dInput, Tensor dWeights, Tensor dBias) {
        checkSizes(input, weights, dOutput);
        if (dWeights.size() != g.weightSize()) {
            throw new IllegalArgumentException("convolution " + g + " needs dWeights of " + g.weightSize()
                    + " elements, got " + Arrays.toString(dWeights.shape()));
        }
        if (dInput != null && dInput.size() != g.inputSize()) {
            throw new IllegalArgumentException("convolution " + g + " needs dInput of " + g.inputSize()
                    + " elements, got " + Arrays.toString(dInput.shape()));
        }
        int outChannels = g.outChannels();
        int weightSize = g.weightSize();
        if (partialWeights == null) {
            partialWeights = new float[groups * weightSize];
            partialBias = new float[groups * outChannels];
        }
        Kernels kernels = Kernels.get();
        Parallel.forRange(groups, 1, (from, to) -> {
            float[][] s = scratch.get();
            float[] cols = s[0];
            float[] dY = s[1];
            for (int q = from; q < to; q++) {
                int first = q * group;
                int items = Math.min(group, g.batch() - first);
                int columns = items * pixels;
                // dY [outChannels, items * pixels]: one image's NCHW block as it is, or gathered from NCHW.
                float[] dYData = dY;
                int dYOffset = 0;
                if (group == 1) {
                    dYData = dOutput.data();
                    dYOffset = dOutput.offset() + first * outChannels * pixels;
                } else {
                    for (int m = 0; m < items; m++) {
                        for (int o = 0; o < outChannels; o++) {
                            System.arraycopy(dOutput.data(),
                                    dOutput.offset() + ((first + m) * outChannels + o) * pixels,
                                    dY, o * columns + m * pixels, pixels);
                        }
                    }
                }
                for (int o = 0; o < outChannels; o++) {
                    partialBias[q * outChannels + o] = kernels.sum(columns, dYData, dYOffset + o * columns);
                }
                im2col(input, first, items, cols);
                // dW_group [outChannels, K] = dY · colsᵀ
                Gemm.sgemm(false, true, outChannels, k, columns, 1f, dYData, dYOffset, columns, cols, 0, columns,
                        0f, partialWeights, q * weightSize, k);
                if (dInput != null) {
                    if (s[2] == null) {
                        s[2] = new float[cols.length];
                    }
                    float[] dCols = s[2];
                    // dCols [K, items * pixels] = Wᵀ · dY
                    Gemm.sgemm(true, false, k, columns, outChannels, 1f, weights.data(), weights.offset(), k,
                            dYData, dYOffset, columns, 0f, dCols, 0, columns);
                    col2im(dCols, first, items, dInput);
                }
            }
        });
        // The batch sums, in group order whatever the thread count.
        for (int q = 0; q < groups; q++) {
            kernels.add(weightSize, dWeights.data(), dWeights.offset(), partialWeights, q * weightSize,
                    dWeights.data(), dWeights.offset());
            if (dBias != null) {
                kernels.add(outChannels, dBias.data(), dBias.offset(), partialBias, q * outChannels,
                        dBias.data(), dBias.offset());
            }
        }
    }

    /** Unfolds items {@code [first, first + items)} into {@code cols [K, items * pixels]}. */
    private void im2col(Tensor input, int first, int items, float[] cols) {
        int itemSize = g.inChannels() * g.height() * g.width();
        for (int m = 0; m < items; m++) {
            im2colItem(input.data(), input.offset() + (first + m) * itemSize, cols, items * pixels, m * pixels);
        }
    }

    private void im2colItem(float[] in, int inBase, float[] cols, int columns, int column) {
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
                    int dst = row * columns + column;
                    // Output columns x whose input column x*stride + j - padLeft lies inside the image.
                    int dx = j - g.padLeft();
                    int xFrom = Math.min(outW, Math.max(0, ceilDiv(-dx, stride)));
                    int xTo = Math.max(xFrom, Math.min(outW, ceilDiv(width - dx, stride)));
                    for (int y = 0; y < outH; y++, dst += outW) {
                        int iy = y * stride + i - g.padTop();
                        if (iy < 0 || iy >= height) {
                            Arrays.fill(cols, dst, dst + outW, 0f);
                            continue;
                        }
                        int src = plane + iy * width + dx;
                        Arrays.fill(cols, dst, dst + xFrom, 0f);
                        if (stride == 1) {
                            System.arraycopy(in, src + xFrom, cols, dst + xFrom, xTo - xFrom);
                        } else {
                            for (int x = xFrom; x < xTo; x++) {
                                cols[dst + x] = in[src + x * stride];
                            }
                        }
                        Arrays.fill(cols, dst + xTo, dst + outW, 0f);
                    }
                }
            }
        }
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
                    int xFrom = Math.min(outW, Math.max(0, ceilDiv(-dx, stride)));
                    int xTo = Math.max(xFrom, Math.min(outW, ceilDiv(width - dx, stride)));
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

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }

    private void checkSizes(Tensor input, Tensor weights, Tensor output) {
        if (input.size() != g.inputSize() || weights.size() != g.weightSize() || output.size() != g.outputSize()) {
            throw new IllegalArgumentException("convolution " + g + " does not match input " + Arrays.toString(input.shape())
                    + ", weights " + Arrays.toString(weights.shape()) + ", output " + Arrays.toString(output.shape()));
        }
    }
}
