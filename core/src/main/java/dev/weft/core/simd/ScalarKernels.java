package dev.weft.core.simd;

/**
 * Plain-Java kernels: the specification every SIMD kernel is tested against, and the fallback when the
 * Vector API is absent or switched off ({@code -Dweft.simd=false}).
 */
public final class ScalarKernels implements Kernels {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public boolean isSimd() {
        return false;
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                      float beta, float[] c, int cOffset, int ldc) {
        for (int i = 0; i < m; i++) {
            int cRow = cOffset + i * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, cRow, cRow + n, 0f);
            } else if (beta != 1f) {
                for (int j = 0; j < n; j++) {
                    c[cRow + j] *= beta;
                }
            }
            for (int p = 0; p < k; p++) {
                float aip = alpha * (transA ? a[aOffset + p * lda + i] : a[aOffset + i * lda + p]);
                if (transB) {
                    for (int j = 0; j < n; j++) {
                        c[cRow + j] += aip * b[bOffset + j * ldb + p];
                    }
                } else {
                    int bRow = bOffset + p * ldb;
                    for (int j = 0; j < n; j++) {
                        c[cRow + j] += aip * b[bRow + j];
                    }
                }
            }
        }
    }

    @Override
    public int panelWidth() {
        return 0;
    }

    /** The whole of {@code B} is asked for at once, as one row-major panel, then multiplied as an array. */
    @Override
    public void sgemm(boolean transA, int m, int n, int k, float alpha, float[] a, int aOffset, int lda,
                      PanelSource b, float beta, float[] c, int cOffset, int ldc) {
        float[] rowMajor = new float[Math.max(0, k) * Math.max(0, n)];
        if (rowMajor.length > 0) {
            b.pack(0, 0, k, n, n, rowMajor);
        }
        sgemm(transA, false, m, n, k, alpha, a, aOffset, lda, rowMajor, 0, n, beta, c, cOffset, ldc);
    }

    @Override
    public void transpose(int rows, int columns, float[] x, int xOffset, int ldx, float[] out, int outOffset,
                          int ldo) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < columns; j++) {
                out[outOffset + j * ldo + i] = x[xOffset + i * ldx + j];
            }
        }
    }

    @Override
    public void gather(int rows, int n, float[] x, int[] rowOffsets, int[] index, int indexOffset, float[] out,
                       int outOffset, int outStride) {
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < n; i++) {
                out[outOffset + r * outStride + i] = x[rowOffsets[r] + index[indexOffset + i]];
            }
        }
    }

    @Override
    public void gatherBiasRelu(int rows, int n, float[] x, int[] rowOffsets, int[] index, int indexOffset,
                               float[] bias, int biasOffset, float[] out, int outOffset, int outStride) {
        for (int r = 0; r < rows; r++) {
            float b = bias[biasOffset + r];
            for (int i = 0; i < n; i++) {
                float v = x[rowOffsets[r] + index[indexOffset + i]] + b;
                out[outOffset + r * outStride + i] = v > 0f ? v : 0f;
            }
        }
    }

    @Override
    public void convolveRows(int positions, int rowLength, int rowStride, int width, float[] x, int xOffset,
                             int[] taps, float[] wT, float[] out, int outOffset) {
        for (int p = 0; p < positions; p++) {
            if (p % rowStride >= rowLength) {
                continue;
            }
            int row = outOffset + p * width;
            java.util.Arrays.fill(out, row, row + width, 0f);
            for (int t = 0; t < taps.length; t++) {
                float value = x[xOffset + p + taps[t]];
                for (int o = 0; o < width; o++) {
                    out[row + o] += value * wT[t * width + o];   // tapWeightIndex without panels
                }
            }
        }
    }

    @Override
    public void convolve3x3(int height, int width, float[] x, int xOffset, int outChannels, float[] w, int wOffset,
                            float[] bias, int biasOffset, boolean relu, float[] out, int outOffset) {
        int outHeight = height - 2;
        int outWidth = width - 2;
        for (int o = 0; o < outChannels; o++) {
            for (int y = 0; y < outHeight; y++) {
                for (int col = 0; col < outWidth; col++) {
                    float sum = 0f;   // sgemm's order: a multiply, then an add, tap by tap
                    for (int t = 0; t < 9; t++) {
                        sum += w[wOffset + 9 * o + t] * x[xOffset + (y + t / 3) * width + col + t % 3];
                    }
                    if (bias != null) {
                        sum += bias[biasOffset + o];
                    }
                    out[outOffset + (o * outHeight + y) * outWidth + col] = relu && !(sum > 0f) ? 0f : sum;
                }
            }
        }
    }

    @Override
    public void weightRows(int[] positions, float[] x, int xOffset, int[] rowStarts, float[] g, int width,
                           float[] out, int outOffset) {
        weightRows(0, positions, x, xOffset, rowStarts, g, width, out, outOffset);
    }

    /** Rows {@code [fromRow, rowStarts.length)} of {@link #weightRows}: also the vector kernel's leftover rows. */
    static void weightRows(int fromRow, int[] positions, float[] x, int xOffset, int[] rowStarts, float[] g,
                           int width, float[] out, int outOffset) {
        for (int r = fromRow; r < rowStarts.length; r++) {
            int from = xOffset + rowStarts[r];
            for (int o = 0; o < width; o++) {
                float sum = 0f;
                for (int p = 0; p < positions.length; p++) {
                    sum = Math.fma(x[from + positions[p]], g[p * width + o], sum);
                }
                out[outOffset + r * width + o] = sum;
            }
        }
    }

    @Override
    public float dot(int n, float[] x, int xOffset, float[] y, int yOffset) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            s += x[xOffset + i] * y[yOffset + i];
        }
        return s;
    }

    @Override
    public void dots(int n, float[] x, int xOffset, float[] y, int yOffset, int yStride, int rows, float[] out,
                     int outOffset) {
        for (int r = 0; r < rows; r++) {
            out[outOffset + r] = dot(n, x, xOffset, y, yOffset + r * yStride);
        }
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOffset, float[] y, int yOffset) {
        for (int i = 0; i < n; i++) {
            y[yOffset + i] += alpha * x[xOffset + i];
        }
    }

    @Override
    public void scale(int n, float alpha, float[] x, int xOffset) {
        for (int i = 0; i < n; i++) {
            x[xOffset + i] *= alpha;
        }
    }

    @Override
    public void affine(int n, float[] x, int xOffset, float scale, float shift, float[] out, int outOffset) {
        for (int i = 0; i < n; i++) {
            out[outOffset + i] = x[xOffset + i] * scale + shift;
        }
    }

    @Override
    public void affineRelu(int n, float[] x, int xOffset, float scale, float shift, float[] out, int outOffset) {
        for (int i = 0; i < n; i++) {
            float v = x[xOffset + i] * scale + shift;
            out[outOffset + i] = v > 0f ? v : 0f;
        }
    }

    @Override
    public void affineAxpy(int n, float[] g, int gOffset, float scale, float shift, float alpha, float[] x,
                           int xOffset, float[] out, int outOffset) {
        for (int i = 0; i < n; i++) {
            out[outOffset + i] = (g[gOffset + i] * scale + shift) + alpha * x[xOffset + i];
        }
    }

    @Override
    public void affineAxpyMasked(int n, float[] dy, int dyOffset, float scale, float shift, float alpha, float[] x,
                                 int xOffset, float maskScale, float maskShift, float[] out, int outOffset) {
        for (int i = 0; i < n; i++) {
            float xi = x[xOffset + i];
            float g = xi * maskScale + maskShift > 0f ? dy[dyOffset + i] : 0f;
            out[outOffset + i] = (g * scale + shift) + alpha * xi;
        }
    }

    @Override
    public void sumAndDot(int n, float[] g, int gOffset, float[] x, int xOffset, float[] sums) {
        // sum's and dot's loops, fused: each is still one float added left to right.
        float sum = 0f;
        float dot = 0f;
        for (int i = 0; i < n; i++) {
            float gi = g[gOffset + i];
            sum += gi;
            dot += gi * x[xOffset + i];
        }
        sums[0] = sum;
        sums[1] = dot;
    }

    @Override
    public void sumAndDotMasked(int n, float[] dy, int dyOffset, float[] x, int xOffset, float maskScale,
                                float maskShift, float[] sums) {
        float sum = 0f;
        float dot = 0f;
        for (int i = 0; i < n; i++) {
            float xi = x[xOffset + i];
            float gi = xi * maskScale + maskShift > 0f ? dy[dyOffset + i] : 0f;
            sum += gi;
            dot += gi * xi;
        }
        sums[0] = sum;
        sums[1] = dot;
    }

    @Override
    public float squaredDeviations(int n, float[] x, int xOffset, float mean) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            float d = x[xOffset + i] - mean;
            s += d * d;
        }
        return s;
    }

    @Override
    public void addRows(int rows, int n, float[] x, int xOffset, int xStride, float[] out, int outOffset,
                        int outStride) {
        for (int r = 0; r < rows; r++) {
            add(n, out, outOffset + r * outStride, x, xOffset + r * xStride, out, outOffset + r * outStride);
        }
    }

    @Override
    public void add(int n, float[] a, int aOffset, float[] b, int bOffset, float[] out, int outOffset) {
        for (int i = 0; i < n; i++) {
            out[outOffset + i] = a[aOffset + i] + b[bOffset + i];
        }
    }

    @Override
    public void mul(int n, float[] a, int aOffset, float[] b, int bOffset, float[] out, int outOffset) {
        for (int i = 0; i < n; i++) {
            out[outOffset + i] = a[aOffset + i] * b[bOffset + i];
        }
    }

    @Override
    public void relu(int n, float[] x, int xOffset, float[] out, int outOffset) {
        for (int i = 0; i < n; i++) {
            float v = x[xOffset + i];
            out[outOffset + i] = v > 0f ? v : 0f;
        }
    }

    @Override
    public void reluBackward(int n, float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset) {
        for (int i = 0; i < n; i++) {
            dx[dxOffset + i] = x[xOffset + i] > 0f ? dy[dyOffset + i] : 0f;
        }
    }

    @Override
    public float sum(int n, float[] x, int xOffset) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            s += x[xOffset + i];
        }
        return s;
    }

    @Override
    public float max(int n, float[] x, int xOffset) {
        float m = x[xOffset];
        for (int i = 1; i < n; i++) {
            m = Math.max(m, x[xOffset + i]);
        }
        return m;
    }

    @Override
    public int argmax(int n, float[] x, int xOffset) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (x[xOffset + i] > x[xOffset + best]) {
                best = i;
            }
        }
        return best;
    }

    @Override
    public float expShifted(int n, float[] x, int xOffset, float shift, float[] out, int outOffset) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[xOffset + i] - shift);
            out[outOffset + i] = e;
            s += e;
        }
        return s;
    }

    // ------------------------------------------------------------------------ 2x2 max pooling (stride 2)

    @Override
    public void maxPool2x2(int planes, int height, int width, float[] in, int inOffset, float[] out, int outOffset,
                           int[] argmax, int argmaxOffset, int indexBase) {
        int outH = height / 2;
        int outW = width / 2;
        for (int p = 0; p < planes; p++) {
            for (int y = 0; y < outH; y++) {
                maxPool2x2Row(0, outW, width, in, inOffset + (p * height + 2 * y) * width,
                        out, outOffset + (p * outH + y) * outW,
                        argmax, argmaxOffset + (p * outH + y) * outW, indexBase + (p * height + 2 * y) * width);
            }
        }
    }

    /**
     * Windows {@code [fromX, toX)} of one output row, whose top input row starts at {@code in[top]} and has
     * index {@code topIndex}. Comparisons of real activations are unpredictable and a float ternary becomes a
     * branch on x86, so values go through {@code Math.max} (a blend) and only the indices through int selects.
     * Also the tail of {@code VectorKernels.maxPool2x2}.
     */
    static void maxPool2x2Row(int fromX, int toX, int width, float[] in, int top, float[] out, int o,
                              int[] argmax, int a, int topIndex) {
        for (int x = fromX; x < toX; x++) {
            int i = top + 2 * x;
            float va = in[i];
            float vb = in[i + 1];
            float vc = in[i + width];
            float vd = in[i + width + 1];
            float upper = Math.max(va, vb);
            float lower = Math.max(vc, vd);
            out[o + x] = Math.max(upper, lower);
            if (argmax != null) {
                int j = topIndex + 2 * x;
                int upperIndex = vb > va ? j + 1 : j;
                int lowerIndex = vd > vc ? j + width + 1 : j + width;
                argmax[a + x] = lower > upper ? lowerIndex : upperIndex;
            }
        }
    }

    // ------------------------------------------------------------------------------------- Adam update

    @Override
    public void adamStep(int n, float[] w, int wOffset, float[] g, int gOffset, float[] m, float[] v,
                         int momentOffset, float oneMinusBeta1, float oneMinusBeta2, float alpha, float epsilon,
                         float keep) {
        adamRange(n, w, wOffset, g, gOffset, m, v, momentOffset, oneMinusBeta1, oneMinusBeta2, alpha, epsilon, keep);
    }

    /** {@link #adamStep}'s loop, also the tail of {@code VectorKernels.adamStep}: one definition of the update. */
    static void adamRange(int n, float[] w, int wOffset, float[] g, int gOffset, float[] m, float[] v,
                          int momentOffset, float oneMinusBeta1, float oneMinusBeta2, float alpha, float epsilon,
                          float keep) {
        for (int i = 0; i < n; i++) {
            float gi = g[gOffset + i];
            int k = momentOffset + i;
            float mi = m[k] + oneMinusBeta1 * (gi - m[k]);
            float vi = v[k] + oneMinusBeta2 * (gi * gi - v[k]);
            m[k] = mi;
            v[k] = vi;
            // A float's square root through double is the correctly rounded float one, as VectorKernels' SQRT.
            w[wOffset + i] = keep * w[wOffset + i] - alpha * mi / ((float) Math.sqrt(vi) + epsilon);
        }
    }
}
