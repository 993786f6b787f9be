package dev.weft.core;

import dev.weft.core.simd.Kernels;

/**
 * Max pooling over NCHW tensors: each {@code pool x pool} window (moved by {@code stride}, no padding) is reduced
 * to its maximum; the flat index of the winner is kept so the backward pass can route the gradient to it.
 *
 * <p>Both passes are parallel over planes (one {@code (n, c)} image each): a plane's outputs, and in the backward
 * pass its input gradient, belong to one thread, so results do not depend on the thread count.
 *
 * <pre>{@code
 * int[] winners = new int[output.size()];
 * Pooling.maxForward(input, 2, 2, output, winners);   // [n, c, 26, 26] -> [n, c, 13, 13]
 * Pooling.maxBackward(dOutput, winners, dInput);
 * }</pre>
 */
public final class Pooling {
    /** Output elements per unit of parallel work (whole planes are handed out). */
    private static final int GRAIN_ELEMENTS = 4096;

    private Pooling() {
    }

    /** Output size of one spatial dimension. */
    public static int outputSize(int inputSize, int pool, int stride) {
        if (inputSize < pool) {
            throw new IllegalArgumentException("pool window " + pool + " is larger than the input size " + inputSize);
        }
        return (inputSize - pool) / stride + 1;
    }

    /**
     * {@code output[n,c,y,x] = max over the window}; {@code argmax} (if not null, one int per output element)
     * receives the index of the winner within {@code input}'s elements (relative to its offset). Ties go to the
     * first element in row-major order.
     *
     * <p>2x2 windows with stride 2 (by far the most common pooling) take a kernel of their own,
     * {@link Kernels#maxPool2x2} (SIMD when available), which reduces with {@link Math#max}:
     * a NaN anywhere in a window makes its output NaN (its index is then one of the window's), and {@code +0}
     * beats {@code -0}. Other windows keep the first element unless a later one is greater, so they skip a NaN
     * that is not the window's first element.
     */
    public static void maxForward(Tensor input, int pool, int stride, Tensor output, int[] argmax) {
        int planes = input.dim(0) * input.dim(1);
        int height = input.dim(2);
        int width = input.dim(3);
        int outH = outputSize(height, pool, stride);
        int outW = outputSize(width, pool, stride);
        output.requireShape("max pooling output", input.dim(0), input.dim(1), outH, outW);
        if (argmax != null && argmax.length < output.size()) {
            throw new IllegalArgumentException("argmax holds " + argmax.length + " indices, the output has "
                    + output.size() + " elements");
        }
        float[] in = input.data();
        float[] out = output.data();
        int inOffset = input.offset();
        int outOffset = output.offset();
        int grain = Math.max(1, GRAIN_ELEMENTS / (outH * outW));
        if (pool == 2 && stride == 2) {
            // Each thread's planes are one contiguous run of the input, the output and argmax.
            Parallel.forRange(planes, grain, (from, to) -> Kernels.get().maxPool2x2(to - from, height, width,
                    in, inOffset + from * height * width, out, outOffset + from * outH * outW,
                    argmax, from * outH * outW, from * height * width));
            return;
        }
        Parallel.forRange(planes, grain, (from, to) -> {
            for (int p = from; p < to; p++) {
                int inBase = p * height * width;
                int outBase = p * outH * outW;
                for (int y = 0; y < outH; y++) {
                    for (int x = 0; x < outW; x++) {
                        int corner = inBase + y * stride * width + x * stride;
                        int best = corner;
                        float bestValue = in[inOffset + corner];
                        for (int i = 0; i < pool; i++) {
                            int row = inOffset + corner + i * width;
                            for (int j = 0; j < pool; j++) {
                                float v = in[row + j];
                                if (v > bestValue) {
                                    bestValue = v;
                                    best = corner + i * width + j;
                                }
                            }
                        }
                        out[outOffset + outBase + y * outW + x] = bestValue;
                        if (argmax != null) {
                            argmax[outBase + y * outW + x] = best;
                        }
                    }
                }
            }
        });
    }

    /**
     * {@code dInput} is overwritten: zero everywhere but at each window's winner, which gets its dOutput (summed
     * when overlapping windows share a winner). {@code argmax} is the one filled by {@link #maxForward}.
     */
    public static void maxBackward(Tensor dOutput, int[] argmax, Tensor dInput) {
        int planes = dInput.dim(0) * dInput.dim(1);
        int planeIn = dInput.dim(2) * dInput.dim(3);
        int planeOut = dOutput.size() / planes;
        if (dOutput.size() != planes * planeOut || dOutput.dim(0) * dOutput.dim(1) != planes) {
            throw new IllegalArgumentException("max pooling gradient " + java.util.Arrays.toString(dOutput.shape())
                    + " does not match input gradient " + java.util.Arrays.toString(dInput.shape()));
        }
        float[] dOut = dOutput.data();
        float[] dIn = dInput.data();
        int dOutOffset = dOutput.offset();
        int dInOffset = dInput.offset();
        int grain = Math.max(1, GRAIN_ELEMENTS / planeIn);
        Parallel.forRange(planes, grain, (from, to) -> {
            // Plane by plane, so the zeroed plane is still in L1 when its winners receive their gradients.
            for (int p = from; p < to; p++) {
                java.util.Arrays.fill(dIn, dInOffset + p * planeIn, dInOffset + (p + 1) * planeIn, 0f);
                for (int i = p * planeOut; i < (p + 1) * planeOut; i++) {
                    dIn[dInOffset + argmax[i]] += dOut[dOutOffset + i];
                }
            }
        });
    }
}
