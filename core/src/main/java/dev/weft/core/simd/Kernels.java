package dev.weft.core.simd;

/**
 * The one seam between Weft and SIMD code: every hot loop of the library calls these methods on plain arrays
 * with offsets and lengths. {@link ScalarKernels} is the readable specification; the Vector API implementation
 * ({@code VectorKernels}, package-private and the only class that imports {@code jdk.incubator.vector}) is tested
 * against it.
 *
 * <p>Get the implementation chosen for this JVM with {@link #get()}; the system property {@code weft.simd}
 * ({@code false} or {@code true}) forces the choice (see {@code KernelsProvider}). All methods are single-threaded;
 * callers split work over independent output rows or batch items (see {@link dev.weft.core.Parallel} and
 * {@link dev.weft.core.Gemm}, the parallel matrix product).
 *
 * <pre>{@code
 * Kernels kernels = Kernels.get();
 * kernels.relu(n, x, 0, y, 0);                      // y = max(x, 0)
 * float norm2 = kernels.dot(n, x, 0, x, 0);         // sum of squares
 * }</pre>
 *
 * <p>What the implementations agree on: the element-wise kernels ({@link #add}, {@link #mul}, {@link #scale},
 * {@link #axpy}, {@link #affine}, {@link #affineRelu}, {@link #affineAxpy}, {@link #affineAxpyMasked},
 * {@link #relu}, {@link #reluBackward}, {@link #addRows}, {@link #gather}, {@link #adamStep}), {@link #max},
 * {@link #argmax}, {@link #maxPool2x2} and {@link #weightRows} give the same bits in every implementation. The
 * reductions ({@link #dot}, {@link #sum}, {@link #squaredDeviations}, {@link #sumAndDot},
 * {@link #sumAndDotMasked}) and the products ({@link #sgemm}, {@link #convolveRows}) may round differently from
 * one implementation to another (several partial sums, fused multiply-adds), but within one implementation the
 * order of the arithmetic depends only on the lengths, never on the offsets or the thread. {@link #expShifted} is
 * within a few ulps of {@link Math#exp}.
 */
public interface Kernels {

    /**
     * The implementation chosen once for this JVM: the Vector API one when {@code jdk.incubator.vector} is present,
     * unless {@code -Dweft.simd=false}; otherwise the scalar one (see {@code KernelsProvider}).
     */
    static Kernels get() {
        return KernelsProvider.INSTANCE;
    }

    /** A short name for logs and reports, e.g. {@code "scalar"} or {@code "simd-512"}. */
    String name();

    /** Whether this implementation uses the Vector API. */
    boolean isSimd();

    /**
     * Single-precision matrix product {@code C = alpha * op(A) * op(B) + beta * C}, all row-major.
     * {@code op(A)} is {@code m x k} ({@code A} is {@code k x m} when {@code transA}), {@code op(B)} is
     * {@code k x n}; {@code lda}, {@code ldb}, {@code ldc} are the row strides. With {@code beta == 0} the old
     * contents of {@code C} are ignored (NaNs there do not propagate).
     */
    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
               float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
               float beta, float[] c, int cOffset, int ldc);

    /**
     * The right-hand operand of a GEMM, handed over in blocks already laid out the way the multiplication reads
     * them. A source can produce a matrix that never exists in memory: a convolution's unfolded input
     * ({@code im2col}) is written straight into the GEMM's panels this way, saving a full copy of it.
     */
    @FunctionalInterface
    interface PanelSource {
        /**
         * Writes the block {@code op(B)[row : row + rows, column : column + columns]} into {@code panels} as
         * column panels {@code panelWidth} columns wide: panel {@code q} starts at {@code q * panelWidth * rows}
         * and holds, for each {@code r < rows}, the {@code panelWidth} values
         * {@code op(B)[row + r, column + q * panelWidth + j]} one after the other; columns past {@code columns}
         * (in the last panel) are zero. With {@code panelWidth == columns} this is the plain row-major block.
         */
        void pack(int row, int column, int rows, int columns, int panelWidth, float[] panels);
    }

    /**
     * {@code op(B)} ({@code depth x columns}) packed once and whole, as full-depth column panels {@code width}
     * wide: panel {@code q} holds the {@code depth x width} values of columns {@code q * width ...} row after row,
     * starting at {@code q * depth * width}; columns past {@code columns} are zero. A kernel whose panels are this
     * wide ({@link #panelWidth()}) multiplies them in place, so threads that share one product share one packing
     * of {@code B}; any other kernel asks for blocks, which are copied out.
     *
     * @param data    the panels, at least {@code ceil(columns / width) * depth * width} floats
     * @param depth   the rows of {@code op(B)} (the product's {@code k})
     * @param columns the columns of {@code op(B)} (the product's {@code n})
     * @param width   the panel width, {@link #panelWidth()} of the kernel that will read them in place
     */
    record PackedPanels(float[] data, int depth, int columns, int width) implements PanelSource {
        @Override
        public void pack(int row, int column, int rows, int count, int panelWidth, float[] panels) {
            for (int start = 0; start < count; start += panelWidth) {
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < panelWidth; j++) {
                        int col = column + start + j;
                        panels[start * rows + r * panelWidth + j] = start + j < count
                                ? data[(col / width) * depth * width + (row + r) * width + col % width] : 0f;
                    }
                }
            }
        }
    }

    /**
     * The width of the column panels this implementation multiplies ({@link PackedPanels} of this width are read in
     * place), or 0 if it takes {@code B} as one row-major block.
     */
    int panelWidth();

    /**
     * {@code C = alpha * op(A) * B + beta * C} as {@link #sgemm(boolean, boolean, int, int, int, float, float[],
     * int, int, float[], int, int, float, float[], int, int) sgemm}, with {@code B} ({@code k x n}) produced block by
     * block by {@code b}. The arithmetic on each element of {@code C} is the same as with B given as an array.
     */
    void sgemm(boolean transA, int m, int n, int k, float alpha, float[] a, int aOffset, int lda,
               PanelSource b, float beta, float[] c, int cOffset, int ldc);

    /**
     * {@code out[outOffset + j * ldo + i] = x[xOffset + i * ldx + j]} for {@code i < rows} and {@code j < columns}: a
     * {@code rows x columns} block turned into a {@code columns x rows} one, as between NCHW and channels-last.
     */
    void transpose(int rows, int columns, float[] x, int xOffset, int ldx, float[] out, int outOffset, int ldo);

    /**
     * {@code out[outOffset + r * outStride + i] = x[rowOffsets[r] + index[indexOffset + i]]} for {@code r < rows}
     * and {@code i < n}: a block of a convolution's unfolded input, gathered into GEMM panels one panel row per
     * {@code r}. Every row reads the same index pattern from its own offset.
     */
    void gather(int rows, int n, float[] x, int[] rowOffsets, int[] index, int indexOffset, float[] out,
                int outOffset, int outStride);

    /**
     * {@link #gather} with a bias per row added and the ReLU applied as each value is written: {@code v =
     * x[rowOffsets[r] + index[indexOffset + i]] + bias[biasOffset + r]}, then {@code out[outOffset + r * outStride
     * + i] = v > 0 ? v : 0}. The same bits as gathering, adding the bias and applying {@link #relu} one pass after
     * the other (a convolution's output turned into NCHW while still in registers).
     */
    void gatherBiasRelu(int rows, int n, float[] x, int[] rowOffsets, int[] index, int indexOffset, float[] bias,
                        int biasOffset, float[] out, int outOffset, int outStride);

    /**
     * The forward product of a stride-1, unpadded convolution for one item, with every input value multiplied
     * where it lies (nothing unfolded, gathered or packed): {@code out[outOffset + p * width + o] =
     * sum_{t < taps.length} x[xOffset + p + taps[t]] * wT[tapWeightIndex(taps.length, width, t, o)]} for
     * {@code o < width} and the positions asked for: {@code p < positions} with {@code p % rowStride < rowLength}
     * (every {@code p < positions} when {@code rowLength == rowStride}); the others' rows of {@code out} may be
     * written with anything. Position {@code p} is a column of the "wide grid" (output pixel {@code (y, x)} at
     * {@code y * inputWidth + x}: rows of {@code outWidth} positions {@code inputWidth} apart), {@code taps[t]} the
     * offset of tap {@code t = (c, i, j)} in the item ({@code (c * inputHeight + i) * inputWidth + j}), and
     * {@code wT} the weights transposed, {@code K x width} laid out as {@link #tapWeightIndex} says, the output
     * channels padded with zeros to {@code width}. Each sum runs over {@code t} in the order, and the depth blocks,
     * of {@link #sgemm}, so the results equal that product of the weights with the unfolded input element for
     * element.
     */
    void convolveRows(int positions, int rowLength, int rowStride, int width, float[] x, int xOffset, int[] taps,
                      float[] wT, float[] out, int outOffset);

    /**
     * The forward pass of a 3x3, stride-1, unpadded convolution of one input channel, for one item of
     * {@code height x width} values: {@code out[outOffset + (o * (height - 2) + y) * (width - 2) + x] =
     * sum_{i, j < 3} w[wOffset + 9 * o + 3 * i + j] * x[xOffset + (y + i) * width + x + j]}, plus
     * {@code bias[biasOffset + o]} unless {@code bias} is null, then {@code max(., 0)} with {@code relu}, for
     * {@code o < outChannels}. The taps are summed in order as {@link #sgemm} sums a product 9 deep, and the bias is
     * added after, so the results equal this implementation's product of the weights with the unfolded input, plus
     * the bias, bit for bit.
     */
    void convolve3x3(int height, int width, float[] x, int xOffset, int outChannels, float[] w, int wOffset,
                     float[] bias, int biasOffset, boolean relu, float[] out, int outOffset);

    /**
     * Where {@link #convolveRows} reads the weight of tap {@code t} for output column {@code o} in {@code wT}, of
     * {@code k} taps and {@code width} columns: in column panels of {@link #panelWidth()} (when it divides
     * {@code width}), each {@code [k, panelWidth]} row-major, else row-major {@code [k, width]}. Within a panel the
     * rows are a constant stride apart, so the vector kernel's range checks on them are hoisted out of its loop.
     */
    default int tapWeightIndex(int k, int width, int t, int o) {
        int panel = panelWidth() > 0 && width % panelWidth() == 0 ? panelWidth() : width;
        return (o / panel * k + t) * panel + o % panel;
    }

    /**
     * The weight gradient of a stride-1, unpadded convolution for one item, with the input read where it lies:
     * {@code out[outOffset + r * width + o] = sum_{p < positions.length} x[xOffset + rowStarts[r] + positions[p]]
     * * g[p * width + o]} for {@code r < rowStarts.length} and {@code o < width} (overwritten). Row {@code r} is a
     * tap {@code (c, i, j)} of the kernel, starting where its first window's value lies; {@code positions[p]} is
     * output pixel {@code p}'s offset in the input ({@code y * inputWidth + x}); {@code g} is the output gradient
     * position-major, {@code [positions.length, width]}. Each sum runs over {@code p} in order, one fused
     * multiply-add per term, so both implementations give the same bits.
     */
    void weightRows(int[] positions, float[] x, int xOffset, int[] rowStarts, float[] g, int width, float[] out,
                    int outOffset);

    /**
     * {@code sum_i x[i] * y[i]}. The order of the additions is the implementation's (see the class comment), the
     * same on every call.
     */
    float dot(int n, float[] x, int xOffset, float[] y, int yOffset);

    /**
     * {@code out[outOffset + r] = dot(n, x, xOffset, y, yOffset + r * yStride)} for {@code r < rows}: one vector
     * against several rows, each result equal to {@link #dot}'s to the bit, with {@code x} read once for several rows.
     */
    void dots(int n, float[] x, int xOffset, float[] y, int yOffset, int yStride, int rows, float[] out,
              int outOffset);

    /** {@code y[i] += alpha * x[i]}. */
    void axpy(int n, float alpha, float[] x, int xOffset, float[] y, int yOffset);

    /** {@code x[i] *= alpha}. */
    void scale(int n, float alpha, float[] x, int xOffset);

    /** {@code out[i] = x[i] * scale + shift} (a multiply, then an add); {@code out} may be {@code x}. */
    void affine(int n, float[] x, int xOffset, float scale, float shift, float[] out, int outOffset);

    /**
     * {@code out[i] = max(x[i] * scale + shift, 0)}: {@link #affine} then {@link #relu} in one pass, the same bits;
     * {@code out} may be {@code x}.
     */
    void affineRelu(int n, float[] x, int xOffset, float scale, float shift, float[] out, int outOffset);

    /**
     * {@code out[i] = (g[i] * scale + shift) + alpha * x[i]}: {@link #affine} of {@code g} into {@code out}, then
     * {@link #axpy} of {@code x}, in one pass, the same bits; {@code out} may be {@code g}.
     */
    void affineAxpy(int n, float[] g, int gOffset, float scale, float shift, float alpha, float[] x, int xOffset,
                    float[] out, int outOffset);

    /**
     * {@code out[i] = (g[i] * scale + shift) + alpha * x[i]}, with {@code g[i] = x[i] * maskScale + maskShift > 0 ?
     * dy[i] : 0} the gradient {@link #reluBackward} writes for the output {@link #affineRelu}{@code (x, maskScale,
     * maskShift)}: {@link #affineAxpy} of that gradient, without writing it or reading that output, the same bits.
     */
    void affineAxpyMasked(int n, float[] dy, int dyOffset, float scale, float shift, float alpha, float[] x,
                          int xOffset, float maskScale, float maskShift, float[] out, int outOffset);

    /**
     * {@code sums[0] = sum_i g[i]} and {@code sums[1] = sum_i g[i] * x[i]} in one pass: exactly {@link #sum} of
     * {@code g} and {@link #dot} of {@code g} with {@code x} (the same terms added in the same order). BatchNorm's
     * backward pass needs both over the same run ({@code sums} has at least two elements).
     */
    void sumAndDot(int n, float[] g, int gOffset, float[] x, int xOffset, float[] sums);

    /**
     * {@link #sumAndDot} of {@code x} and the gradient {@code g[i] = x[i] * maskScale + maskShift > 0 ? dy[i] : 0}
     * ({@link #reluBackward} of {@link #affineRelu}{@code (x, maskScale, maskShift)}), without writing it or
     * reading that output, the same bits: {@code sums[0] = sum_i g[i]}, {@code sums[1] = sum_i g[i] * x[i]}.
     */
    void sumAndDotMasked(int n, float[] dy, int dyOffset, float[] x, int xOffset, float maskScale, float maskShift,
                         float[] sums);

    /**
     * {@code sum_i (x[i] - mean)^2}: exactly {@link #dot} of the centred run with itself (the same terms added in
     * the same order), without writing the centred copy.
     */
    float squaredDeviations(int n, float[] x, int xOffset, float mean);

    /** {@code out[i] = a[i] + b[i]}; {@code out} may be {@code a} or {@code b}. */
    void add(int n, float[] a, int aOffset, float[] b, int bOffset, float[] out, int outOffset);

    /**
     * {@code out[outOffset + r * outStride + i] += x[xOffset + r * xStride + i]} for {@code r < rows},
     * {@code i < n}: a block of rows added into another (col2im adds one kernel tap's window back into its input
     * channel this way, one call per tap instead of one per output row). The same sums as {@link #add} row by row.
     */
    void addRows(int rows, int n, float[] x, int xOffset, int xStride, float[] out, int outOffset, int outStride);

    /** {@code out[i] = a[i] * b[i]}; {@code out} may be {@code a} or {@code b}. */
    void mul(int n, float[] a, int aOffset, float[] b, int bOffset, float[] out, int outOffset);

    /** {@code out[i] = max(x[i], 0)}; {@code out} may be {@code x}. */
    void relu(int n, float[] x, int xOffset, float[] out, int outOffset);

    /** {@code dx[i] = x[i] > 0 ? dy[i] : 0}, where {@code x} is the ReLU's input (or its output: same sign). */
    void reluBackward(int n, float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset);

    /** {@code sum_i x[i]}, added in the implementation's order, as {@link #dot}. */
    float sum(int n, float[] x, int xOffset);

    /** {@code max_i x[i]} with {@link Math#max} (a NaN gives NaN); {@code n >= 1}. */
    float max(int n, float[] x, int xOffset);

    /** The index (0-based, relative to {@code xOffset}) of the first largest element ({@code n >= 1}). */
    int argmax(int n, float[] x, int xOffset);

    /**
     * {@code out[i] = exp(x[i] - shift)}, returning {@code sum_i out[i]} (the softmax denominator). Each value is
     * within a few ulps of {@link Math#exp}; the scalar implementation rounds {@code Math.exp} itself.
     */
    float expShifted(int n, float[] x, int xOffset, float shift, float[] out, int outOffset);

    // ------------------------------------------------------------------------ 2x2 max pooling (stride 2)

    /**
     * 2x2 max pooling with stride 2 of {@code planes} consecutive {@code height x width} planes into
     * {@code planes} consecutive {@code (height / 2) x (width / 2)} planes (an odd last row or column is dropped):
     * for the window with corner {@code i} and elements {@code a = in[i], b = in[i + 1], c = in[i + width],
     * d = in[i + width + 1]}, {@code out = max(max(a, b), max(c, d))} with {@link Math#max} (so a NaN in the
     * window gives NaN, and {@code +0} beats {@code -0}; without winners the maxima may be taken in another order,
     * which gives the same value, though a window holding two different NaNs may give either). If {@code argmax} is
     * not null, its entries from
     * {@code argmaxOffset} on receive {@code indexBase + } the winner's position in the input run: {@code b} only
     * if {@code b > a}, the bottom pair only if its maximum is greater than the top pair's, so ties go to the
     * first element in row-major order (a NaN is never greater, so it wins only from the first place of its
     * comparison). {@code height, width >= 2}.
     */
    void maxPool2x2(int planes, int height, int width, float[] in, int inOffset, float[] out, int outOffset,
                    int[] argmax, int argmaxOffset, int indexBase);

    // ------------------------------------------------------------------------------------- Adam update

    /**
     * One Adam step on {@code n} parameters (Kingma and Ba, 2015, in the "efficient" form with the bias
     * correction folded into {@code alpha}; {@code keep = 1 - lr * lambda} is AdamW's decoupled weight decay):
     * <pre>
     *   m = m + oneMinusBeta1 * (g - m)
     *   v = v + oneMinusBeta2 * (g * g - v)
     *   w = keep * w - alpha * m / (sqrt(v) + epsilon)
     * </pre>
     * {@code m} and {@code v} share {@code momentOffset}. Evaluated in exactly this order, without fused
     * multiply-adds, so every implementation gives the same bits.
     */
    void adamStep(int n, float[] w, int wOffset, float[] g, int gOffset, float[] m, float[] v, int momentOffset,
                  float oneMinusBeta1, float oneMinusBeta2, float alpha, float epsilon, float keep);
}
