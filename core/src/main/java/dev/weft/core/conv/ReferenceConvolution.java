package dev.weft.core.conv;

import dev.weft.core.Tensor;

/**
 * A 2-D convolution straight from its definition, one loop per index: the specification the fast strategies of
 * {@link Convolution} are tested against, and a version to read, step through or run instead of them. Run it in
 * every {@link Convolution} (and so in every {@code Conv2D} layer) with {@code -Dweft.convolution=reference}, or
 * for one convolution with {@code new Convolution(geometry, ConvolutionPlan.reference(geometry))}.
 *
 * <p>With input {@code X [batch, inChannels, height, width]}, weights {@code W [outChannels, inChannels,
 * kernelHeight, kernelWidth]}, bias {@code b [outChannels]}, stride {@code s}, and {@code X} read as zero outside
 * the image (the padding):
 * <pre>
 *   forward:   Y[n, o, y, x]  = b[o] + sum_{c, i, j} W[o, c, i, j] * X[n, c, y*s + i - padTop, x*s + j - padLeft]
 *   backward:  db[o]         += sum_{n, y, x} dY[n, o, y, x]
 *              dW[o, c, i, j] += sum_{n, y, x} dY[n, o, y, x] * X[n, c, y*s + i - padTop, x*s + j - padLeft]
 *              dX[n, c, u, v]  = sum of dY[n, o, y, x] * W[o, c, i, j] over every (o, y, x, i, j) with
 *                                y*s + i - padTop = u and x*s + j - padLeft = v
 * </pre>
 * The input gradient is computed as the chain rule reads: each output's gradient is sent back to the inputs its
 * window read, each times the weight that multiplied it. With a fused ReLU the forward pass stores
 * {@code max(Y, 0)} and the backward pass uses {@code dY = dOutput} where that output is positive and 0 elsewhere.
 *
 * <p>Sums run in {@code float}, in the loop order written here; the fast strategies sum in other orders, so the two
 * agree to rounding, not to the bit.
 */
public final class ReferenceConvolution {
    private final ConvGeometry g;

    /** The reference convolution of {@code geometry}. */
    public ReferenceConvolution(ConvGeometry geometry) {
        this.g = geometry;
    }

    /** The geometry this convolution was built for. */
    public ConvGeometry geometry() {
        return g;
    }

    /** {@code output = Y} (overwritten), as in the class comment; {@code bias} may be {@code null}. */
    public void forward(Tensor input, Tensor weights, Tensor bias, Tensor output) {
        forward(input, weights, bias, output, false);
    }

    /** As {@link #forward(Tensor, Tensor, Tensor, Tensor)}, then, with {@code relu}, {@code max(output, 0)}. */
    public void forward(Tensor input, Tensor weights, Tensor bias, Tensor output, boolean relu) {
        ConvSupport.checkSizes(g, input, weights, output);
        for (int n = 0; n < g.batch(); n++) {
            for (int o = 0; o < g.outChannels(); o++) {
                float b = bias == null ? 0f : bias.data()[bias.offset() + o];
                for (int y = 0; y < g.outHeight(); y++) {
                    for (int x = 0; x < g.outWidth(); x++) {
                        float sum = b;
                        for (int c = 0; c < g.inChannels(); c++) {
                            for (int i = 0; i < g.kernelHeight(); i++) {
                                for (int j = 0; j < g.kernelWidth(); j++) {
                                    int u = y * g.stride() + i - g.padTop();
                                    int v = x * g.stride() + j - g.padLeft();
                                    if (inside(u, v)) {
                                        sum += weightAt(weights, o, c, i, j) * inputAt(input, n, c, u, v);
                                    }
                                }
                            }
                        }
                        output.data()[outputIndex(output, n, o, y, x)] = relu ? Math.max(sum, 0f) : sum;
                    }
                }
            }
        }
    }

    /**
     * Given {@code dOutput = dL/dY}: {@code dInput} (if not {@code null}) is overwritten with {@code dL/dX}, and
     * {@code dWeights += dL/dW}, {@code dBias += dL/db} (if not {@code null}) accumulate.
     */
    public void backward(Tensor input, Tensor weights, Tensor dOutput, Tensor dInput, Tensor dWeights, Tensor dBias) {
        backward(input, weights, null, dOutput, dInput, dWeights, dBias);
    }

    /**
     * The backward pass of a forward pass with {@code relu} whose output was {@code reluOutput}: {@code dOutput} is
     * the gradient with respect to that output, and {@code dY} is {@code dOutput} where {@code reluOutput > 0},
     * else 0. With {@code reluOutput == null} this is {@link #backward(Tensor, Tensor, Tensor, Tensor, Tensor,
     * Tensor)}.
     */
    public void backward(Tensor input, Tensor weights, Tensor reluOutput, Tensor dOutput, Tensor dInput,
                         Tensor dWeights, Tensor dBias) {
        ConvSupport.checkBackward(g, input, weights, reluOutput, dOutput, dInput, dWeights);
        float[] dW = dWeights.data();
        float[] dX = dInput == null ? null : dInput.data();
        if (dInput != null) {
            dInput.fill(0f);
        }
        for (int n = 0; n < g.batch(); n++) {
            for (int o = 0; o < g.outChannels(); o++) {
                for (int y = 0; y < g.outHeight(); y++) {
                    for (int x = 0; x < g.outWidth(); x++) {
                        float dY = outputGradient(reluOutput, dOutput, n, o, y, x);
                        if (dBias != null) {
                            dBias.data()[dBias.offset() + o] += dY;
                        }
                        for (int c = 0; c < g.inChannels(); c++) {
                            for (int i = 0; i < g.kernelHeight(); i++) {
                                for (int j = 0; j < g.kernelWidth(); j++) {
                                    int u = y * g.stride() + i - g.padTop();
                                    int v = x * g.stride() + j - g.padLeft();
                                    if (!inside(u, v)) {
                                        continue;
                                    }
                                    dW[weightIndex(dWeights, o, c, i, j)] += dY * inputAt(input, n, c, u, v);
                                    if (dX != null) {
                                        dX[inputIndex(dInput, n, c, u, v)] += dY * weightAt(weights, o, c, i, j);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** {@code dY[n, o, y, x]}: {@code dOutput}'s value, or 0 where a fused ReLU's output was not positive. */
    private float outputGradient(Tensor reluOutput, Tensor dOutput, int n, int o, int y, int x) {
        if (reluOutput != null && !(reluOutput.data()[outputIndex(reluOutput, n, o, y, x)] > 0f)) {
            return 0f;
        }
        return dOutput.data()[outputIndex(dOutput, n, o, y, x)];
    }

    /** Whether input row {@code u}, column {@code v} lies inside the image (else it is the zero padding). */
    private boolean inside(int u, int v) {
        return u >= 0 && u < g.height() && v >= 0 && v < g.width();
    }

    /** {@code X[n, c, u, v]}. */
    private float inputAt(Tensor input, int n, int c, int u, int v) {
        return input.data()[inputIndex(input, n, c, u, v)];
    }

    private int inputIndex(Tensor t, int n, int c, int u, int v) {
        return t.offset() + ((n * g.inChannels() + c) * g.height() + u) * g.width() + v;
    }

    private int outputIndex(Tensor t, int n, int o, int y, int x) {
        return t.offset() + ((n * g.outChannels() + o) * g.outHeight() + y) * g.outWidth() + x;
    }

    /** {@code W[o, c, i, j]}. */
    private float weightAt(Tensor weights, int o, int c, int i, int j) {
        return weights.data()[weightIndex(weights, o, c, i, j)];
    }

    private int weightIndex(Tensor t, int o, int c, int i, int j) {
        return t.offset() + ((o * g.inChannels() + c) * g.kernelHeight() + i) * g.kernelWidth() + j;
    }
}
