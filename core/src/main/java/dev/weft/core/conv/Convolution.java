package dev.weft.core.conv;

import dev.weft.core.Tensor;
import dev.weft.core.Parallel;

import dev.weft.core.simd.Kernels;
import java.util.Arrays;

/**
 * Forward and backward passes of one 2-D convolution with a fixed {@link ConvGeometry}, as im2col + SGEMM.
 *
 * <p>With {@code K = inChannels * kernelHeight * kernelWidth} and {@code P = outHeight * outWidth}, the batch is
 * cut into fixed groups of {@code G} items. The group's unfolded input {@code cols [K, G * P]} (column
 * {@code m * P + p} holds the receptive field of output pixel {@code p} of the group's item {@code m}, zeros where
 * it overhangs the padding) is never built: the GEMM asks for it block by block through a
 * {@link Kernels.PanelSource} ({@code Unfolded}), and the blocks are gathered from the input straight into the
 * layout the micro-kernel reads, which saves writing {@code cols} out and packing it again. With the weights seen as
 * {@code W [outChannels, K]} and the group's output gradient gathered as {@code dY [outChannels, G * P]}:
 * <pre>
 *   forward:   Y  = W · cols + b        (then scattered back to NCHW)
 *   backward:  dW_group = dY · colsᵀ   dW += sum of dW_group over groups, in group order
 *              dCols = Wᵀ · dY, then col2im: dInput = sum of the overlapping windows
 *              db += sum over batch and pixels of dY (per group, then in group order)
 * </pre>
 * <p>For wide images with stride 1 and no padding the forward pass unfolds nothing: {@link Kernels#convolveRows}
 * multiplies each input value where it lies (see {@code inPlace}), with the same sums; and the weight gradient
 * reads the input where it lies too ({@link Kernels#weightRows}). With stride 1 and no padding, when the output
 * covers most of the input, {@code dInput} is a convolution of the zero-bordered output gradient with the turned
 * kernel, through {@link Kernels#convolveRows} again, instead of {@code dCols} and col2im (see
 * {@code gradientInPlace}).
 *
 * <p>{@code G} is chosen from the geometry alone (never from the thread count) so that a packed block of
 * {@code cols} stays around 1 MiB (L2-resident) while the product stays wide enough for the GEMM's 32-column
 * micro-tiles even for the small late layers (a 5x5 image gives {@code P = 9}, too narrow alone). Groups run in
 * parallel, each thread with its own scratch; every group's arithmetic is fixed and the group partials are
 * combined in group order, so results are bit-identical whatever the thread count.
 *
 * <p>An instance reuses its scratch (per pool thread, and the per-group partial gradients) from call to call, so
 * it is not thread-safe: use one instance per thread (or per layer in training). Tensors are NCHW; weights
 * {@code [outChannels, inChannels, kernelHeight, kernelWidth]}; bias {@code [outChannels]} or {@code null}.
 *
 * <pre>{@code
 * ConvGeometry g = ConvGeometry.valid(64, 1, 28, 28, 32, 3, 3, 1);
 * Convolution conv = new Convolution(g);
 * conv.forward(images, weights, bias, output);                  // output [64, 32, 26, 26]
 * conv.backward(images, weights, dOutput, null, dWeights, dBias); // no dInput for the first layer
 * }</pre>
 */
public final class Convolution {
    /** Target size of one packed block of a group's {@code cols} in floats (1 MiB): fits L2. */
    private static final int COLS_BUDGET = 1 << 18;
    /** A group should give the GEMM at least this many columns. */
    private static final int MIN_COLUMNS = 128;
    /**
     * Shortest row of a window worth the add kernel in col2im. Since the kernel takes a half-width step for tails
     * (8 lanes with AVX-512), rows from 8 pixels on gain from it: measured on one thread, alternating in one JVM,
     * the weft CNN's 64 -> 64 backward on 10x10 (8-pixel rows) 12.78 -> 11.42 ms, the seed CNN's 32 -> 64 on 13x13
     * 10.54 -> 10.14 ms, against 16 as the threshold. Shorter rows stay a plain loop.
     */
    private static final int VECTOR_RUN = 8;
    /**
     * Up to this many rows of {@code cols} (the first layer's 3x3 taps of one channel: 9), the weight gradient is
     * computed as dot products instead of a GEMM, whose 32-column panels would be mostly zero padding. The seed
     * CNN's first layer, backward, batch 64, one thread, JDK 25, the two alternating: 3.06-3.39 ms with the GEMM,
     * 2.18-2.38 ms with the dot products.
     */
    private static final int DOT_TAPS = 16;
    /**
     * Least share of the input's pixels the output must cover for the input gradient to be computed in place (see
     * {@code gradientInPlace}). Backward pass, batch 64, 3x3, JDK 25, the two ways alternating in one JVM
     * (2026-11-26, 11:37-11:47, a noisy hour), share and turns faster: 32 -> 32 on 26x26 (85%) 9 of 9 on one
     * thread, 8 of 9 on two; 32 -> 64 on 12x12 (69%) 23 of 23 (median 15% less) and 10 of 12; 32 -> 64 on 13x13
     * (72%) 9 of 10 and 3 of 4; 64 -> 64 on 10x10 (64%) 15 of 23 and 6 of 12, so it stays below the line;
     * 64 -> 128 on 5x5 (36%) slower in every turn, 2.3-3.6 -> 3.6-5.3 ms. docs/kernels.md has the figures.
     */
    private static final double GRADIENT_FILL = 0.65;
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
    /** Whether some window overhangs the image (then every gathered value is checked against the border). */
    private final boolean padded;
    /**
     * Whether the forward pass multiplies the input where it lies ({@link Kernels#convolveRows}): with stride 1 and
     * no padding, output pixel {@code (y, x)} is given position {@code y * width + x} of a "wide grid", as if the
     * output were as wide as the input, so that the {@code MR} consecutive positions of a micro-tile read
     * {@code MR} consecutive input values for every tap. The {@code width - outWidth} positions between two output
     * rows are computed and dropped; the grid ends with the last output pixel, whose last tap is the item's last
     * input pixel. Nothing is unfolded: the products of the other path have only 32-64 rows, so packing the
     * unfolded input took about a third of their time. The weight gradient then reads the input in place too
     * ({@link Kernels#weightRows}): tap {@code (c, i, j)}'s values for one output row are a run of the input.
     */
    private final boolean inPlace;
    /** Positions of the wide grid per item: {@code (outHeight - 1) * width + outWidth}. */
    private final int gridPixels;
    /** Output channels padded to the kernels' panel width: the columns of {@code weightsT} and of each position. */
    private final int paddedChannels;
    /** When {@code inPlace}: tap {@code (c, i, j)}'s offset in an item, {@code (c * height + i) * width + j}. */
    private final int[] tapOffsets;
    /**
     * When {@code inPlace}: output pixel {@code p = (y, x)}'s offset in the input, {@code y * width + x}, which is
     * also its position on the wide grid.
     */
    private final int[] pixelOffsets;
    /** When {@code inPlace}: for output pixel {@code p}, {@code pixelOffsets[p] * paddedChannels}. */
    private final int[] gridIndex;
    /**
     * When {@code inPlace} or {@code gradientInPlace}: {@code 0, 1, ..., max(outChannels, inChannels) - 1}, where
     * each channel starts in a position's row.
     */
    private final int[] channelStarts;
    /** The weights transposed, {@code [K, paddedChannels]}, made at the start of each forward pass. */
    private float[] weightsT;
    /**
     * Whether the backward pass computes {@code dInput} in place ({@link Kernels#convolveRows}), as a convolution of
     * the output gradient with the kernel turned by 180 degrees and its channel roles swapped: {@code dX[c, y, x] =
     * sum_{o,i,j} W[o, c, i, j] * dY[o, y - i, x - j]}, instead of {@code dCols = Wᵀ · dY} (a product only
     * {@code outChannels} deep) and col2im. With stride 1 and no padding, when more than 16 taps feed each input
     * gradient and the output covers at least {@link #GRADIENT_FILL} of the input (the rest of the work multiplies
     * the zero border).
     */
    private final boolean gradientInPlace;
    /**
     * When {@code gradientInPlace}: the size of one output channel's zero-bordered gradient plane. Each channel's
     * {@code dY} is laid into a zeroed plane as wide as the input, {@code height + kernelHeight - 1} rows high (plus
     * {@code kernelWidth - 1} values), at row {@code kernelHeight - 1} and column {@code kernelWidth - 1}. Input pixel
     * {@code (y, x)}, position {@code y * width + x}, then reads tap {@code (o, i', j')} (with
     * {@code i' = kernelHeight - 1 - i}, {@code j' = kernelWidth - 1 - j}) at offset
     * {@code o * gradientPlane + i' * width + j'} from its position, and a window running off the right edge wraps
     * onto the next row's zero columns. The grid is exactly the input image: no position is computed and dropped.
     */
    private final int gradientPlane;
    /** When {@code gradientInPlace}: tap {@code (o, i', j')}'s offset in the zero-bordered gradient planes. */
    private final int[] gradientTaps;
    /** When {@code gradientInPlace}: input pixel {@code p}'s position times {@code paddedInChannels}. */
    private final int[] inputIndex;
    /** When {@code inPlace}: {@code o * pixels}, where output channel {@code o} starts in an item's dY. */
    private final int[] outputPlanes;
    /** When {@code inPlace}: {@code t * paddedChannels}, where tap {@code t}'s row starts in the weight gradient. */
    private final int[] tapColumns;
    /** Per-thread row offsets for turning an item's dY position-major ({@code pixels} of them). */
    private final ThreadLocal<int[]> pixelScratch;
    /** Input channels padded to the kernels' panel width: the columns of {@code flippedT}. */
    private final int paddedInChannels;
    /** The kernel turned and transposed, {@code [outChannels * taps, paddedInChannels]}, made by each backward. */
    private float[] flippedT;
    /**
     * For kernel column {@code j}: the output columns {@code [insideFrom[j], insideTo[j])} whose input column
     * {@code x * stride + j - padLeft} lies inside the image (the rest reads the zero padding).
     */
    private final int[] insideFrom;
    private final int[] insideTo;
    /**
     * Per-thread channel-major {@code Y}/{@code dY [out, G*P]}, {@code dCols [K, G*P]}, for few taps
     * {@code cols [K, G*P]}, for the forward pass in place one item's output by grid position, for the input
     * gradient in place one item's zero-bordered output gradient planes and its input gradient by position, and for
     * the weight gradient in place one item's output gradient by position and its weight gradient by tap (all but
     * the first made on first use).
     */
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
        this.padded = g.padTop() > 0 || g.padLeft() > 0
                || (g.outHeight() - 1) * g.stride() + g.kernelHeight() > g.height() + g.padTop()
                || (g.outWidth() - 1) * g.stride() + g.kernelWidth() > g.width() + g.padLeft();
        // Only for wide images: the grid's extra positions cost 2 / width of the work for a 3x3 kernel, and a tap
        // count of the first layer's size (9) leaves the tiles too short. Batch 64, JDK 25, the two alternating in
        // one JVM: 32 -> 32 on 26x26 one thread 11.6-12.2 -> 9.1-9.8 ms, two threads 5.6-5.9 -> 4.4-4.8 ms; on
        // 12x12 and 10x10 (17% and 22% of the grid thrown away) no faster, 1 -> 32 on 28x28 10% slower.
        this.inPlace = group == 1 && k > DOT_TAPS && g.stride() == 1 && !padded;
        this.gridPixels = (g.outHeight() - 1) * g.width() + g.outWidth();
        int panelWidth = Kernels.get().panelWidth();
        this.paddedChannels = panelWidth > 0 ? ceilDiv(g.outChannels(), panelWidth) * panelWidth : g.outChannels();
        this.tapOffsets = new int[inPlace ? k : 0];
        for (int t = 0; t < tapOffsets.length; t++) {
            int c = t / (g.kernelHeight() * g.kernelWidth());
            int i = t / g.kernelWidth() % g.kernelHeight();
            tapOffsets[t] = (c * g.height() + i) * g.width() + t % g.kernelWidth();
        }
        this.pixelOffsets = new int[inPlace ? pixels : 0];
        this.gridIndex = new int[inPlace ? pixels : 0];
        for (int p = 0; p < pixelOffsets.length; p++) {
            pixelOffsets[p] = p / g.outWidth() * g.width() + p % g.outWidth();
            gridIndex[p] = pixelOffsets[p] * paddedChannels;
        }
        int kh = g.kernelHeight();
        int kw = g.kernelWidth();
        this.gradientInPlace = g.stride() == 1 && !padded && g.outChannels() * kh * kw > DOT_TAPS
                && pixels >= GRADIENT_FILL * g.height() * g.width();
        this.channelStarts = multiples(inPlace || gradientInPlace ? Math.max(g.outChannels(), g.inChannels()) : 0, 1);
        this.gradientPlane = gradientInPlace ? (g.height() + kh - 1) * g.width() + kw - 1 : 0;
        this.paddedInChannels = panelWidth > 0 ? ceilDiv(g.inChannels(), panelWidth) * panelWidth : g.inChannels();
        this.gradientTaps = new int[gradientInPlace ? g.outChannels() * kh * kw : 0];
        for (int t = 0; t < gradientTaps.length; t++) {
            int o = t / (kh * kw);
            int i = t / kw % kh;
            gradientTaps[t] = o * gradientPlane + i * g.width() + t % kw;
        }
        this.inputIndex = multiples(gradientInPlace ? g.height() * g.width() : 0, paddedInChannels);
        this.outputPlanes = multiples(inPlace ? g.outChannels() : 0, pixels);
        this.tapColumns = multiples(inPlace ? k : 0, paddedChannels);
        this.pixelScratch = ThreadLocal.withInitial(() -> new int[inPlace ? pixels : 0]);
        this.insideFrom = new int[g.kernelWidth()];
        this.insideTo = new int[g.kernelWidth()];
        for (int j = 0; j < g.kernelWidth(); j++) {
            int dx = j - g.padLeft();
            insideFrom[j] = Math.min(g.outWidth(), Math.max(0, ceilDiv(-dx, g.stride())));
            insideTo[j] = Math.max(insideFrom[j], Math.min(g.outWidth(), ceilDiv(g.width() - dx, g.stride())));
        }
        int columns = group * pixels;
        this.scratch = ThreadLocal.withInitial(() -> new float[][] {new float[g.outChannels() * columns], null, null,
                null, null, null, null, null});
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
        forward(input, weights, bias, output, false);
    }

    /**
     * As {@link #forward(Tensor, Tensor, Tensor, Tensor)}, then, with {@code relu}, {@code max(output, 0)} in the
     * same pass over each group's output while it is still in cache (a convolution followed by a ReLU, fused:
     * the ReLU layer's own pass over memory is saved).
     */
    public void forward(Tensor input, Tensor weights, Tensor bias, Tensor output, boolean relu) {
        checkSizes(input, weights, output);
        int outChannels = g.outChannels();
        Kernels kernels = Kernels.get();
        if (inPlace) {
            forwardInPlace(input, weights, bias, output, relu);
            return;
        }
        Parallel.forRange(groups, 1, (from, to) -> {
            float[] y = scratch.get()[0];
            for (int q = from; q < to; q++) {
                int first = q * group;
                int items = Math.min(group, g.batch() - first);
                int columns = items * pixels;
                Unfolded cols = new Unfolded(input, first, false);
                float[] out = output.data();
                if (group == 1) {
                    // One image: Y [outChannels, pixels] is exactly its NCHW output block.
                    int base = output.offset() + first * outChannels * pixels;
                    kernels.sgemm(false, outChannels, columns, k, 1f, weights.data(), weights.offset(), k,
                            cols, 0f, out, base, columns);
                    addBiasAndRelu(kernels, out, base, bias, relu);
                    continue;
                }
                kernels.sgemm(false, outChannels, columns, k, 1f, weights.data(), weights.offset(), k,
                        cols, 0f, y, 0, columns);
                for (int m = 0; m < items; m++) {
                    for (int o = 0; o < outChannels; o++) {
                        float b = bias == null ? 0f : bias.data()[bias.offset() + o];
                        int src = o * columns + m * pixels;
                        int dst = output.offset() + ((first + m) * outChannels + o) * pixels;
                        for (int p = 0; p < pixels; p++) {
                            out[dst + p] = y[src + p] + b;
                        }
                        if (relu) {
                            kernels.relu(pixels, out, dst, out, dst);
                        }
                    }
                }
            }
        });
    }

    /**
     * The forward pass item by item through {@link Kernels#convolveRows} (see {@code inPlace}): each item's output,
     * position by position on the wide grid, then gathered into NCHW (the grid's extra positions left behind), the
     * bias added and the ReLU applied. The sums are those of the GEMM path, element for element.
     */
    private void forwardInPlace(Tensor input, Tensor weights, Tensor bias, Tensor output, boolean relu) {
        int outChannels = g.outChannels();
        if (weightsT == null) {
            weightsT = new float[k * paddedChannels];
        }
        float[] w = weights.data();
        for (int o = 0; o < outChannels; o++) {
            for (int t = 0; t < k; t++) {
                weightsT[t * paddedChannels + o] = w[weights.offset() + o * k + t];
            }
        }
        float[] weightsByTap = weightsT;
        int itemSize = g.inChannels() * g.height() * g.width();
        Parallel.forRange(g.batch(), 1, (from, to) -> {
            Kernels kernels = Kernels.get();
            float[][] s = scratch.get();
            if (s[3] == null) {
                s[3] = new float[gridPixels * paddedChannels];
            }
            float[] byPosition = s[3];
            float[] out = output.data();
            for (int item = from; item < to; item++) {
                kernels.convolveRows(gridPixels, paddedChannels, input.data(), input.offset() + item * itemSize,
                        tapOffsets, weightsByTap, byPosition, 0);
                int base = output.offset() + item * outChannels * pixels;
                kernels.gather(outChannels, pixels, byPosition, channelStarts, gridIndex, 0, out, base, pixels);
                addBiasAndRelu(kernels, out, base, bias, relu);
            }
        });
    }

    /**
     * One item's NCHW output, from {@code base}: each channel's bias added (if there is one), then the ReLU (if
     * asked).
     */
    private void addBiasAndRelu(Kernels kernels, float[] out, int base, Tensor bias, boolean relu) {
        for (int o = 0; o < g.outChannels(); o++) {
            int start = base + o * pixels;
            if (bias != null) {
                float b = bias.data()[bias.offset() + o];
                for (int p = start, end = start + pixels; p < end; p++) {
                    out[p] += b;
                }
            }
            if (relu) {
                // The ReLU kernel (a blend): a float ternary here compiles to a branch on the sign, mispredicted
                // half the time (measured: a third of inference time).
                kernels.relu(pixels, out, start, out, start);
            }
        }
    }

    /**
     * Given {@code dOutput = dL/dOutput}: {@code dInput} (if not null) is overwritten with dL/dInput, and
     * {@code dWeights += dL/dWeights}, {@code dBias += sum_{n,y,x} dOutput} (if not null) accumulate.
     */
    public void backward(Tensor input, Tensor weights, Tensor dOutput, Tensor dInput, Tensor dWeights, Tensor dBias) {
        backward(input, weights, null, dOutput, dInput, dWeights, dBias);
    }

    /**
     * The backward pass of a forward with {@code relu}: {@code reluOutput} is that forward's output and
     * {@code dOutput} the gradient of the loss with respect to it, so the convolution's own output gradient is
     * {@code dOutput} where {@code reluOutput > 0} and zero elsewhere (the ReLU's backward, done while each group's
     * gradient is gathered). With {@code reluOutput == null} this is
     * {@link #backward(Tensor, Tensor, Tensor, Tensor, Tensor, Tensor)}.
     */
    public void backward(Tensor input, Tensor weights, Tensor reluOutput, Tensor dOutput, Tensor dInput,
                         Tensor dWeights, Tensor dBias) {
        checkSizes(input, weights, dOutput);
        if (reluOutput != null && reluOutput.size() != dOutput.size()) {
            throw new IllegalArgumentException("convolution " + g + ": the ReLU output " + Arrays.toString(
                    reluOutput.shape()) + " does not match dOutput " + Arrays.toString(dOutput.shape()));
        }
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
        if (gradientInPlace && dInput != null) {
            turnWeights(weights);
        }
        Parallel.forRange(groups, 1, (from, to) -> {
            float[][] s = scratch.get();
            float[] dY = s[0];
            for (int q = from; q < to; q++) {
                int first = q * group;
                int items = Math.min(group, g.batch() - first);
                int columns = items * pixels;
                // dY [outChannels, items * pixels]: one image's NCHW block as it is, or gathered from NCHW.
                // With a fused ReLU, dY = dOutput where the output is positive, else 0.
                float[] dYData = dY;
                int dYOffset = 0;
                if (group == 1 && reluOutput == null) {
                    dYData = dOutput.data();
                    dYOffset = dOutput.offset() + first * outChannels * pixels;
                } else if (group == 1) {
                    int at = first * outChannels * pixels;
                    kernels.reluBackward(outChannels * pixels, reluOutput.data(), reluOutput.offset() + at,
                            dOutput.data(), dOutput.offset() + at, dY, 0);
                } else {
                    for (int m = 0; m < items; m++) {
                        for (int o = 0; o < outChannels; o++) {
                            int at = ((first + m) * outChannels + o) * pixels;
                            if (reluOutput == null) {
                                System.arraycopy(dOutput.data(), dOutput.offset() + at,
                                        dY, o * columns + m * pixels, pixels);
                            } else {
                                kernels.reluBackward(pixels, reluOutput.data(), reluOutput.offset() + at,
                                        dOutput.data(), dOutput.offset() + at, dY, o * columns + m * pixels);
                            }
                        }
                    }
                }
                for (int o = 0; o < outChannels; o++) {
                    partialBias[q * outChannels + o] = kernels.sum(columns, dYData, dYOffset + o * columns);
                }
                if (k <= DOT_TAPS) {
                    // dW_group [outChannels, K] element by element: dot products of dY's rows with the rows of
                    // cols, unfolded once into scratch.
                    if (s[2] == null) {
                        s[2] = new float[k * group * pixels];
                    }
                    float[] cols = s[2];
                    new Unfolded(input, first, false).pack(0, 0, k, columns, columns, cols);
                    for (int o = 0; o < outChannels; o++) {
                        for (int t = 0; t < k; t++) {
                            partialWeights[q * weightSize + o * k + t] =
                                    kernels.dot(columns, dYData, dYOffset + o * columns, cols, t * columns);
                        }
                    }
                } else if (inPlace) {
                    weightGradientInPlace(kernels, s, input, first, dYData, dYOffset, q * weightSize);
                } else {
                    // dW_group [outChannels, K] = dY · colsᵀ
                    kernels.sgemm(false, outChannels, k, columns, 1f, dYData, dYOffset, columns,
                            new Unfolded(input, first, true), 0f, partialWeights, q * weightSize, k);
                }
                if (dInput != null && gradientInPlace) {
                    for (int m = 0; m < items; m++) {
                        inputGradientInPlace(kernels, s, dYData, dYOffset + m * pixels, columns, dInput, first + m);
                    }
                } else if (dInput != null) {
                    if (s[1] == null) {
                        s[1] = new float[k * group * pixels];
                    }
                    float[] dCols = s[1];
                    // dCols [K, items * pixels] = Wᵀ · dY
                    kernels.sgemm(true, false, k, columns, outChannels, 1f, weights.data(), weights.offset(), k,
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

    /**
     * For the {@code count} output columns from {@code column} on, of the group starting at item {@code first}:
     * the input row and column of each window's top-left tap ({@code top}, {@code left}; negative in the padding)
     * and its flat index in {@code input}'s data ({@code base}; meaningful only for taps inside the image). Walks
     * item, row and column as counters: a division per column would cost more than the copy it prepares.
     */
    private void locateWindows(Tensor input, int first, int column, int count, int[] top, int[] left, int[] base) {
        int outW = g.outWidth();
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
     * For the {@code count} rows of {@code cols} from {@code row} on (row {@code (c * kh + i) * kw + j} is tap
     * {@code (i, j)} of input channel {@code c}): each tap's offset from its window's top-left in the input
     * ({@code taps}) and its kernel row and column ({@code ki}, {@code kj}).
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

    /**
     * {@code cols [K, items * P]} of the group starting at item {@code first} (rows are kernel taps, columns output
     * windows), or with {@code transposed} {@code colsᵀ [items * P, K]}, gathered from the input into the GEMM's
     * panels. Element (tap, window) is {@code input[windowBase + tapOffset]}, so one gather per row serves both.
     */
    private final class Unfolded implements Kernels.PanelSource {
        private final Tensor input;
        private final int first;
        private final boolean transposed;

        Unfolded(Tensor input, int first, boolean transposed) {
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
            locateWindows(input, first, windowFrom, windowCount, top, left, base);
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
                if (n < panelWidth) {
                    for (int r = 0, dst = panel; r < rows; r++, dst += panelWidth) {
                        Arrays.fill(panels, dst + n, dst + panelWidth, 0f);
                    }
                }
            }
        }
    }

    /**
     * {@code flippedT[(o, i', j'), c] = W[o, c, kernelHeight - 1 - i', kernelWidth - 1 - j']}, zero for the padded
     * channels (see {@code gradientPlane}).
     */
    private void turnWeights(Tensor weights) {
        int taps = g.kernelHeight() * g.kernelWidth();
        if (flippedT == null) {
            flippedT = new float[g.outChannels() * taps * paddedInChannels];
        }
        float[] w = weights.data();
        for (int o = 0; o < g.outChannels(); o++) {
            for (int c = 0; c < g.inChannels(); c++) {
                int from = weights.offset() + (o * g.inChannels() + c) * taps;
                for (int t = 0; t < taps; t++) {
                    flippedT[(o * taps + taps - 1 - t) * paddedInChannels + c] = w[from + t];
                }
            }
        }
    }

    /**
     * One item's weight gradient into {@code partialWeights} from {@code at}, with the input read where it lies
     * ({@link Kernels#weightRows}): {@code dW[o, (c, i, j)] = sum_{y,x} input[c, y + i, x + j] * dY[o, y, x]}, tap
     * {@code t = (c, i, j)}'s value for output pixel {@code p} at {@code tapOffsets[t] + pixelOffsets[p]}. {@code dY}
     * is first turned position-major, {@code [pixels, paddedChannels]}, and the result, {@code [K, paddedChannels]},
     * back.
     */
    private void weightGradientInPlace(Kernels kernels, float[][] s, Tensor input, int item, float[] dY,
                                       int dYOffset, int at) {
        if (s[6] == null) {
            s[6] = new float[pixels * paddedChannels];
            s[7] = new float[k * paddedChannels];
        }
        float[] byPosition = s[6];
        float[] byTap = s[7];
        int[] rows = pixelScratch.get();
        for (int p = 0; p < pixels; p++) {
            rows[p] = dYOffset + p;
        }
        kernels.gather(pixels, g.outChannels(), dY, rows, outputPlanes, 0, byPosition, 0, paddedChannels);
        int itemSize = g.inChannels() * g.height() * g.width();
        kernels.weightRows(pixelOffsets, input.data(), input.offset() + item * itemSize, tapOffsets, byPosition,
                paddedChannels, byTap, 0);
        kernels.gather(g.outChannels(), k, byTap, channelStarts, tapColumns, 0, partialWeights, at, k);
    }

    /**
     * Item {@code item}'s {@code dInput} (overwritten) from its output gradient in {@code dY}: channel {@code o}'s
     * {@code pixels} values from {@code dYOffset + o * channelStride}. A convolution in place of the zero-bordered
     * gradient with the turned kernel (see {@code gradientPlane}), then gathered from position-major into NCHW.
     */
    private void inputGradientInPlace(Kernels kernels, float[][] s, float[] dY, int dYOffset, int channelStride,
                                      Tensor dInput, int item) {
        int width = g.width();
        int inputPixels = g.height() * width;
        if (s[4] == null) {
            s[4] = new float[g.outChannels() * gradientPlane];
            s[5] = new float[inputPixels * paddedInChannels];
        }
        float[] planes = s[4];
        int outW = g.outWidth();
        int top = (g.kernelHeight() - 1) * width + g.kernelWidth() - 1;
        for (int o = 0; o < g.outChannels(); o++) {
            for (int y = 0; y < g.outHeight(); y++) {
                // Only the interior is written: the border stays zero from the allocation on.
                System.arraycopy(dY, dYOffset + o * channelStride + y * outW, planes,
                        o * gradientPlane + top + y * width, outW);
            }
        }
        float[] byPosition = s[5];
        kernels.convolveRows(inputPixels, paddedInChannels, planes, 0, gradientTaps, flippedT, byPosition, 0);
        int base = dInput.offset() + item * g.inChannels() * inputPixels;
        kernels.gather(g.inChannels(), inputPixels, byPosition, channelStarts, inputIndex, 0, dInput.data(), base,
                inputPixels);
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

    /** {@code 0, step, 2 * step, ..., (count - 1) * step}: where each of {@code count} rows of {@code step} starts. */
    private static int[] multiples(int count, int step) {
        int[] starts = new int[count];
        for (int i = 0; i < count; i++) {
            starts[i] = i * step;
        }
        return starts;
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }

    private void checkSizes(Tensor input, Tensor weights, Tensor output) {
        if (input.size() != g.inputSize() || weights.size() != g.weightSize() || output.size() != g.outputSize()) {
            throw new IllegalArgumentException("convolution " + g + " does not match input "
                    + Arrays.toString(input.shape()) + ", weights " + Arrays.toString(weights.shape()) + ", output "
                    + Arrays.toString(output.shape()));
        }
    }
}
