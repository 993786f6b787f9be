package dev.weft.core.conv;

import dev.weft.core.Tensor;
import dev.weft.core.simd.Kernels;
import java.util.Arrays;

/** Small pieces the convolution strategies share: index tables, panel padding, the size check, the output epilogue. */
final class ConvSupport {
    private ConvSupport() {
    }

    /** {@code 0, step, 2 * step, ..., (count - 1) * step}: where each of {@code count} rows of {@code step} starts. */
    static int[] multiples(int count, int step) {
        int[] starts = new int[count];
        for (int i = 0; i < count; i++) {
            starts[i] = i * step;
        }
        return starts;
    }

    /**
     * Zeros the columns {@code [n, panelWidth)} of each of the {@code rows} rows of the panel at {@code panel}: a last
     * panel narrower than the kernels' width, padded so that the micro-kernel can read it whole (nothing for a full
     * panel).
     */
    static void zeroPanelTail(float[] panels, int panel, int rows, int n, int panelWidth) {
        if (n == panelWidth) {
            return;
        }
        for (int r = 0, dst = panel; r < rows; r++, dst += panelWidth) {
            Arrays.fill(panels, dst + n, dst + panelWidth, 0f);
        }
    }

    static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }

    /** {@code n} rounded up to the kernels' panel width (or {@code n} when they take a product's B as one block). */
    static int paddedToPanels(int n) {
        int panelWidth = Kernels.get().panelWidth();
        return panelWidth > 0 ? ceilDiv(n, panelWidth) * panelWidth : n;
    }

    /** Whether some window of {@code g} overhangs the image (then every gathered value is checked against it). */
    static boolean overhangs(ConvGeometry g) {
        return g.padTop() > 0 || g.padLeft() > 0
                || (g.outHeight() - 1) * g.stride() + g.kernelHeight() > g.height() + g.padTop()
                || (g.outWidth() - 1) * g.stride() + g.kernelWidth() > g.width() + g.padLeft();
    }

    static void checkSizes(ConvGeometry g, Tensor input, Tensor weights, Tensor output) {
        if (input.size() != g.inputSize() || weights.size() != g.weightSize() || output.size() != g.outputSize()) {
            throw new IllegalArgumentException("convolution " + g + " does not match input "
                    + Arrays.toString(input.shape()) + ", weights " + Arrays.toString(weights.shape()) + ", output "
                    + Arrays.toString(output.shape()));
        }
    }

    /** The checks of a backward pass: {@code reluOutput} and {@code dInput} may be {@code null}. */
    static void checkBackward(ConvGeometry g, Tensor input, Tensor weights, Tensor reluOutput, Tensor dOutput,
                              Tensor dInput, Tensor dWeights) {
        checkSizes(g, input, weights, dOutput);
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
    }

    /**
     * One item's NCHW output, from {@code base}: each channel's bias added (if there is one), then the ReLU (if
     * asked).
     */
    static void addBiasAndRelu(Kernels kernels, ConvGeometry g, float[] out, int base, Tensor bias, boolean relu) {
        int pixels = g.outHeight() * g.outWidth();
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
                // half the time.
                kernels.relu(pixels, out, start, out, start);
            }
        }
    }
}
