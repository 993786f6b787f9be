package dev.weft.core;

/** The loop-by-loop definition of max pooling (the original {@link Pooling}): the reference for its tests. */
final class NaivePooling {
    private NaivePooling() {
    }

    /**
     * {@code output[n,c,y,x] = max over the window}; {@code argmax} (if not null, one int per output element)
     * receives the index of the winner within {@code input}'s elements (relative to its offset). Ties go to the
     * first element in row-major order.
     */
    static void maxForward(Tensor input, int pool, int stride, Tensor output, int[] argmax) {
        int planes = input.dim(0) * input.dim(1);
        int height = input.dim(2);
        int width = input.dim(3);
        int outH = Pooling.outputSize(height, pool, stride);
        int outW = Pooling.outputSize(width, pool, stride);
        output.requireShape("max pooling output", input.dim(0), input.dim(1), outH, outW);
        float[] in = input.data();
        float[] out = output.data();
        for (int p = 0; p < planes; p++) {
            int inBase = p * height * width;
            int outBase = p * outH * outW;
            for (int y = 0; y < outH; y++) {
                for (int x = 0; x < outW; x++) {
                    int best = inBase + y * stride * width + x * stride;
                    float bestValue = in[input.offset() + best];
                    for (int i = 0; i < pool; i++) {
                        for (int j = 0; j < pool; j++) {
                            int idx = inBase + (y * stride + i) * width + x * stride + j;
                            float v = in[input.offset() + idx];
                            if (v > bestValue) {
                                bestValue = v;
                                best = idx;
                            }
                        }
                    }
                    out[output.offset() + outBase + y * outW + x] = bestValue;
                    if (argmax != null) {
                        argmax[outBase + y * outW + x] = best;
                    }
                }
            }
        }
    }

    /** {@code dInput} is overwritten: zero everywhere but at each window's winner, which gets its dOutput. */
    static void maxBackward(Tensor dOutput, int[] argmax, Tensor dInput) {
        dInput.fill(0f);
        float[] dOut = dOutput.data();
        float[] dIn = dInput.data();
        for (int i = 0; i < dOutput.size(); i++) {
            dIn[dInput.offset() + argmax[i]] += dOut[dOutput.offset() + i];
        }
    }
}
