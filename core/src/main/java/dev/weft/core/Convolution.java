package dev.weft.core;

import dev.weft.core.simd.Kernels;
import java.util.Arrays;

/**
 * Forward and backward passes of one 2-D convolution with a fixed {@link ConvGeometry}, as im2col + SGEMM.
 *
 * <p>With {@code K = inChannels * kernelHeight * kernelWidth} and {@code P = outHeight * outWidth}, the whole batch
 * is unfolded into one matrix {@code cols [K, batch * P]} (column {@code n * P + p} holds the receptive field of
 * output pixel {@code p} of item {@code n}, zeros where it overhangs the padding). Then, with the weights seen as
 * {@code W [outChannels, K]} and the output gradient gathered as {@code dY [outChannels, batch * P]}:
 * <pre>
 *   forward:   Y  = W · cols + b        (then scattered back to NCHW)
 *   backward:  dW += dY · colsᵀ        dCols = Wᵀ · dY, then col2im: dInput = sum of the overlapping windows
 *              db += sum over batch and pixels of dY
 * </pre>
 * One product over the whole batch keeps the GEMM large even for the small late layers (a 5x5 image gives
 * {@code P = 9}, too narrow for a micro-tile alone). Each product runs through {@link Gemm#sgemm}, parallel over
 * blocks of its output with every element's reduction in a fixed order; im2col, col2im and the NCHW scatter are
 * parallel over batch items, each item writing only its own data. Hence results are bit-identical whatever the
 * thread count, and the batch sum of {@code dW} runs in item order inside the GEMM's {@code k} loop.
 *
 * <p>An instance owns its scratch buffers ({@code cols}, the gathered {@code dY}/{@code Y}, {@code dCols}) and
 * reuses them from call to call, so it is not thread-safe: use one instance per thread (or per layer in
 * training). Tensors are NCHW; weights {@code [outChannels, inChannels, kernelHeight, kernelWidth]}; bias
 * {@code [outChannels]} or {@code null}.
 *
 * <pre>{@code
 * ConvGeometry g = ConvGeometry.of(64, 1, 28, 28, 32, 3, 3, 1, ConvGeometry.Padding.VALID);
 * Convolution conv = new Convolution(g);
 * conv.forward(images, weights, bias, output);                  // output [64, 32, 26, 26]
 * conv.backward(images, weights, dOutput, null, dWeights, dBias); // no dInput for the first layer
 * }</pre>
 */
public final class Convolution {
    private final ConvGeometry g;
    /** {@code inChannels * kernelHeight * kernelWidth}: rows of {@code cols}. */
    private final int k;
    /** {@code outHeight * outWidth}: output pixels per item. */
    private final int pixels;
    /** {@code batch * pixels}: columns of {@code cols}. */
    private final int columns;
    private float[] cols;
    /** {@code [outChannels, batch * pixels]}: the forward's product, or the gathered output gradient. */
    private float[] channelMajor;
    private float[] dCols;

    /** A convolution of the given geometry; scratch is allocated on first use and then reused. */
    public Convolution(ConvGeometry geometry) {
        this.g = geometry;
        this.k = g.inChannels() * g.kernelHeight() * g.kernelWidth();
        this.pixels = g.outHeight() * g.outWidth();
        this.columns = g.batch() * pixels;
    }

    /** The geometry this convolution was built for. */
    public ConvGeometry geometry() {
        return g;
    }

    /**
     * {@code output[n,o,y,x] = bias[o] + sum_{c,i,j} weights[o,c,i,j] * input[n,c,y*s+i-padTop,x*s+j-padLeft]}
     * (zero outside the image). {@code output} is overwritten.
     */
    public void forward(Tensor input, Tensor weights, Tensor bias, Tensor output) {
        checkSizes(input, weights, output);
        im2col(input);
        if (channelMajor == null) {
            channelMajor = new float[g.outChannels() * columns];
        }
        int outChannels = g.outChannels();
        Gemm.sgemm(false, false, outChannels, columns, k, 1f, weights.data(), weights.offset(), k,
                cols, 0, columns, 0f, channelMajor, 0, columns);
        float[] out = output.data();
        int outOffset = output.offset();
        Parallel.forRange(g.batch(), 1, (from, to) -> {
            for (int n = from; n < to; n++) {
                for (int o = 0; o < outChannels; o++) {
                    float b = bias == null ? 0f : bias.data()[bias.offset() + o];
                    int src = o * columns + n * pixels;
                    int dst = outOffset + (n * outChannels + o) * pixels;
                    for (int p = 0; p < pixels; p++) {
                        out[dst + p] = channelMajor[src + p] + b;
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
        int outChannels = g.outChannels();
        if (channelMajor == null) {
            channelMajor = new float[outChannels * columns];
        }
        // dY [outChannels, batch * pixels], gathered from NCHW.
        float[] dOut = dOutput.data();
        int dOutOffset = dOutput.offset();
        Parallel.forRange(g.batch(), 1, (from, to) -> {
            for (int n = from; n < to; n++) {
                for (int o = 0; o < outChannels; o++) {
                    System.arraycopy(dOut, dOutOffset + (n * outChannels + o) * pixels,
                            channelMajor, o * columns + n * pixels, pixels);
                }
            }
        });
        if (dBias != null) {
            Kernels kernels = Kernels.get();
            float[] db = dBias.data();
            for (int o = 0; o < outChannels; o++) {
                db[dBias.offset() + o] += kernels.sum(columns, channelMajor, o * columns);
            }
        }
        im2col(input);
        // dW [outChannels, K] += dY · colsᵀ
        Gemm.sgemm(false, true, outChannels, k, columns, 1f, channelMajor, 0, columns, cols, 0, columns,
                1f, dWeights.data(), dWeights.offset(), k);
        if (dInput != null) {
            if (dInput.size() != g.inputSize()) {
                throw new IllegalArgumentException("convolution " + g + " needs dInput of " + g.inputSize()
                        + " elements, got " + Arrays.toString(dInput.shape()));
            }
            if (dCols == null) {
                dCols = new float[k * columns];
            }
            // dCols [K, batch * pixels] = Wᵀ · dY
            Gemm.sgemm(true, false, k, columns, outChannels, 1f, weights.data(), weights.offset(), k,
                    channelMajor, 0, columns, 0f, dCols, 0, columns);
            col2im(dInput);
        }
    }

    /** Unfolds the batch into {@code cols [K, batch * pixels]}, parallel over items. */
    private void im2col(Tensor input) {
        if (cols == null) {
            cols = new float[k * columns];
        }
        float[] in = input.data();
        int inOffset = input.offset();
        Parallel.forRange(g.batch(), 1, (from, to) -> {
            for (int n = from; n < to; n++) {
                im2colItem(in, inOffset + n * g.inChannels() * g.height() * g.width(), n * pixels);
            }
        });
    }

    private void im2colItem(float[] in, int inBase, int column) {
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

    /** {@code dInput} = the sum of {@code dCols}' windows folded back (overwrites), parallel over items. */
    private void col2im(Tensor dInput) {
        float[] dIn = dInput.data();
        int dInOffset = dInput.offset();
        int itemSize = g.inChannels() * g.height() * g.width();
        Parallel.forRange(g.batch(), 1, (from, to) -> {
            for (int n = from; n < to; n++) {
                int base = dInOffset + n * itemSize;
                Arrays.fill(dIn, base, base + itemSize, 0f);
                col2imItem(dIn, base, n * pixels);
            }
        });
    }

    private void col2imItem(float[] dIn, int inBase, int column) {
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
