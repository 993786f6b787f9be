package dev.weft.core.conv;

import dev.weft.core.Tensor;

/**
 * The direct, loop-by-loop definition of a 2-D convolution (the original implementation of {@link Convolution}):
 * the reference the fast implementation is tested against.
 */
final class NaiveConvolution {
    private final ConvGeometry g;

    NaiveConvolution(ConvGeometry geometry) {
        this.g = geometry;
    }

    /**
     * {@code output[n,o,y,x] = bias[o] + sum_{c,i,j} weights[o,c,i,j] * input[n,c,y*s+i-padTop,x*s+j-padLeft]}
     * (zero outside the image). {@code output} is overwritten.
     */
    void forward(Tensor input, Tensor weights, Tensor bias, Tensor output) {
        checkSizes(input, weights, output);
        float[] in = input.data();
        float[] w = weights.data();
        float[] out = output.data();
        int kernelArea = g.kernelHeight() * g.kernelWidth();
        for (int n = 0; n < g.batch(); n++) {
            for (int o = 0; o < g.outChannels(); o++) {
                float b = bias == null ? 0f : bias.data()[bias.offset() + o];
                for (int y = 0; y < g.outHeight(); y++) {
                    for (int x = 0; x < g.outWidth(); x++) {
                        float s = b;
                        for (int c = 0; c < g.inChannels(); c++) {
                            int wBase = weights.offset() + (o * g.inChannels() + c) * kernelArea;
                            int inBase = input.offset() + (n * g.inChannels() + c) * g.height() * g.width();
                            for (int i = 0; i < g.kernelHeight(); i++) {
                                int iy = y * g.stride() + i - g.padTop();
                                if (iy < 0 || iy >= g.height()) {
                                    continue;
                                }
                                for (int j = 0; j < g.kernelWidth(); j++) {
                                    int ix = x * g.stride() + j - g.padLeft();
                                    if (ix >= 0 && ix < g.width()) {
                                        s += w[wBase + i * g.kernelWidth() + j] * in[inBase + iy * g.width() + ix];
                                    }
                                }
                            }
                        }
                        out[output.offset() + ((n * g.outChannels() + o) * g.outHeight() + y) * g.outWidth() + x] = s;
                    }
                }
            }
        }
    }

    /**
     * Given {@code dOutput = dL/dOutput}: {@code dInput} (if not null) is overwritten with dL/dInput, and
     * {@code dWeights += dL/dWeights}, {@code dBias += sum_{n,y,x} dOutput} (if not null) accumulate.
     */
    void backward(Tensor input, Tensor weights, Tensor dOutput, Tensor dInput, Tensor dWeights, Tensor dBias) {
        checkSizes(input, weights, dOutput);
        float[] in = input.data();
        float[] w = weights.data();
        float[] dOut = dOutput.data();
        float[] dIn = dInput == null ? null : dInput.data();
        float[] dW = dWeights.data();
        if (dInput != null) {
            dInput.fill(0f);
        }
        int kernelArea = g.kernelHeight() * g.kernelWidth();
        for (int n = 0; n < g.batch(); n++) {
            for (int o = 0; o < g.outChannels(); o++) {
                for (int y = 0; y < g.outHeight(); y++) {
                    for (int x = 0; x < g.outWidth(); x++) {
                        float d = dOut[dOutput.offset() + ((n * g.outChannels() + o) * g.outHeight() + y) * g.outWidth() + x];
                        if (dBias != null) {
                            dBias.data()[dBias.offset() + o] += d;
                        }
                        for (int c = 0; c < g.inChannels(); c++) {
                            int wBase = (o * g.inChannels() + c) * kernelArea;
                            int inBase = (n * g.inChannels() + c) * g.height() * g.width();
                            for (int i = 0; i < g.kernelHeight(); i++) {
                                int iy = y * g.stride() + i - g.padTop();
                                if (iy < 0 || iy >= g.height()) {
                                    continue;
                                }
                                for (int j = 0; j < g.kernelWidth(); j++) {
                                    int ix = x * g.stride() + j - g.padLeft();
                                    if (ix >= 0 && ix < g.width()) {
                                        int inIndex = inBase + iy * g.width() + ix;
                                        int wIndex = wBase + i * g.kernelWidth() + j;
                                        dW[dWeights.offset() + wIndex] += d * in[input.offset() + inIndex];
                                        if (dIn != null) {
                                            dIn[dInput.offset() + inIndex] += d * w[weights.offset() + wIndex];
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private void checkSizes(Tensor input, Tensor weights, Tensor output) {
        if (input.size() != g.inputSize() || weights.size() != g.weightSize() || output.size() != g.outputSize()) {
            throw new IllegalArgumentException("convolution " + g + " does not match input " + java.util.Arrays.toString(input.shape())
                    + ", weights " + java.util.Arrays.toString(weights.shape()) + ", output " + java.util.Arrays.toString(output.shape()));
        }
    }
}
