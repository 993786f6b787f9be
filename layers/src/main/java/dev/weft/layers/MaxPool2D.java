package dev.weft.layers;

import dev.weft.core.Parallel;
import dev.weft.core.Pooling;
import dev.weft.core.Tensor;

import java.util.random.RandomGenerator;

/**
 * Max pooling over {@code pool x pool} windows moved by {@code stride} (default: {@code pool}, non-overlapping),
 * no padding: {@code Y[n,c,y,x] = max_{i,j < pool} X[n,c, y·stride+i, x·stride+j]}. The forward pass keeps the
 * index of each window's winner ({@code maxIndices}); ties go to the first element in row-major order.
 */
public final class MaxPool2D extends AbstractLayer {
    private final int pool;
    private final int stride;

    // Training state: where each window's maximum came from, and reused buffers.
    private int[][] maxIndices;
    private Tensor output;
    private Tensor dInput;

    private ThreadScratch<Tensor> inference;

    /** Non-overlapping {@code pool x pool} windows. */
    public MaxPool2D(int pool) {
        this(pool, pool);
    }

    /** {@code pool x pool} windows moved by {@code stride}. */
    public MaxPool2D(int pool, int stride) {
        if (pool < 1 || stride < 1) {
            throw new IllegalArgumentException("MaxPool2D needs pool and stride >= 1, got " + pool + ", " + stride);
        }
        this.pool = pool;
        this.stride = stride;
    }

    @Override
    public String type() {
        return "MaxPool2D";
    }

    /** Window height and width. */
    public int pool() {
        return pool;
    }

    /** Step between neighbouring windows. */
    public int stride() {
        return stride;
    }

    @Override
    protected int[] initialize(int[] in, RandomGenerator random) {
        if (in.length != 3) {
            throw new IllegalArgumentException("MaxPool2D expects [channels, height, width] per sample");
        }
        int[] out = {in[0], Pooling.outputSize(in[1], pool, stride), Pooling.outputSize(in[2], pool, stride)};
        inference = new ThreadScratch<>(batch -> Tensor.zeros(withBatch(batch, out)));
        return out;
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        int batch = beginForward(x, training);
        if (!training) {
            Tensor y = inference.forBatch(batch);
            Parallel.forRange(batch, 1, (from, to) -> {
                for (int n = from; n < to; n++) {
                    maxForward(x.slice(n, n + 1), y.slice(n, n + 1), null);
                }
            });
            return y;
        }
        if (output == null || output.dim(0) != batch) {
            output = Tensor.zeros(withBatch(batch, outputShape()));
            maxIndices = new int[batch][outputSampleSize()];
            dInput = Tensor.zeros(withBatch(batch, inputShape()));
        }
        // One sample per call, so samples can go to different threads; indices are relative to each sample.
        Parallel.forRange(batch, 1, (from, to) -> {
            for (int n = from; n < to; n++) {
                maxForward(x.slice(n, n + 1), output.slice(n, n + 1), maxIndices[n]);
            }
        });
        return output;
    }

    /** One sample: {@link Pooling#maxForward}, or the same result by a direct loop for 2x2 windows with stride 2. */
    private void maxForward(Tensor x, Tensor y, int[] argmax) {
        if (pool == 2 && stride == 2) {
            int[] in = inputShape();
            int[] out = outputShape();
            maxForward2x2(x.data(), x.offset(), in[0], in[1], in[2], y.data(), y.offset(), out[1], out[2], argmax);
        } else {
            Pooling.maxForward(x, pool, stride, y, argmax);
        }
    }

    /**
     * 2x2 windows, stride 2 (by far the most common pooling), with two row pointers and no inner window loops.
     * Same results as {@link Pooling#maxForward}: the window is scanned in row-major order, a later element wins
     * only if strictly larger, and indices are relative to {@code inOff}. Written here because {@code core}'s
     * general loop was about ten times slower for this case (measured on [64, 32, 26, 26]: 33 ms against 3.5 ms
     * on one loaded core). NaN inputs may pick another index than core's loop; the value is NaN either way.
     */
    static void maxForward2x2(float[] in, int inOff, int planes, int height, int width,
                              float[] out, int outOff, int outHeight, int outWidth, int[] argmax) {
        for (int p = 0; p < planes; p++) {
            int inBase = p * height * width;
            int outBase = p * outHeight * outWidth;
            for (int y = 0; y < outHeight; y++) {
                int row = inBase + 2 * y * width;
                int o = outBase + y * outWidth;
                for (int x = 0; x < outWidth; x++) {
                    // Pairwise and branch-free: the comparisons of random data are unpredictable, and a float
                    // ternary becomes a branch on x86, so values go through Math.max (a blend) and only the
                    // indices through int selects (cmov). Ties keep the earlier element: a over b, c over d,
                    // top row over bottom row.
                    int i = row + 2 * x;
                    float a = in[inOff + i];
                    float b = in[inOff + i + 1];
                    float c = in[inOff + i + width];
                    float d = in[inOff + i + width + 1];
                    float top = Math.max(a, b);
                    int topIndex = b > a ? i + 1 : i;
                    float bottom = Math.max(c, d);
                    int bottomIndex = d > c ? i + width + 1 : i + width;
                    out[outOff + o + x] = Math.max(top, bottom);
                    int best = bottom > top ? bottomIndex : topIndex;
                    if (argmax != null) {
                        argmax[o + x] = best;
                    }
                }
            }
        }
    }

    @Override
    public Tensor backward(Tensor dOutput) {
        int batch = beginBackward(dOutput);
        // dX[k] = Σ_{windows whose maximum is at k} dY[window];  zero elsewhere   (overwritten)
        Parallel.forRange(batch, 1, (from, to) -> {
            for (int n = from; n < to; n++) {
                Pooling.maxBackward(dOutput.slice(n, n + 1), maxIndices[n], dInput.slice(n, n + 1));
            }
        });
        return dInput;
    }
}
