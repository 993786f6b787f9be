package dev.weft.core.simd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every element-wise kernel and reduction of {@link VectorKernels} against {@link ScalarKernels} and a naive loop,
 * at sizes around the lane count and odd larger sizes, with nonzero offsets.
 *
 * <p>Tolerances: element-wise kernels ({@code add, mul, scale, axpy, affine, affineRelu, affineAxpy, relu,
 * reluBackward, adamStep}), {@code max}, {@code argmax} and {@code maxPool2x2} (values and winners) must be
 * bit-identical to the scalar twin. Sums ({@code dot, sum, squaredDeviations}) are reassociated, so they must agree
 * with the exact (double) sum within {@code 1e-6 * (n + 1) * sum|terms|}; {@code squaredDeviations} is also each
 * implementation's own {@code dot} of the centred run, to the bit. {@code expShifted} uses the Vector API's exp:
 * each element within a relative {@code 4e-7} (a few ulps) of {@code Math.exp}.
 */
class VectorKernelsTest {
    private static final int OFFSET = 3;
    private final Kernels simd = new VectorKernels();
    private final Kernels scalar = new ScalarKernels();

    static IntStream sizes() {
        int lanes = VectorKernels.lanes();
        return IntStream.of(1, 2, 3, lanes / 2, lanes - 1, lanes, lanes + 1, lanes + lanes / 2, 17, 31, 33, 100, 257)
                .filter(n -> n >= 1).distinct();
    }

    /** {@code OFFSET} junk values, then {@code n} random values in [-1, 1), then junk again. */
    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[OFFSET + n + 5];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat() * 2f - 1f;
        }
        return x;
    }

    @Test
    void namesItsVectorWidth() {
        assertThat(simd.name()).isEqualTo("simd-" + 32 * VectorKernels.lanes());
        assertThat(simd.isSimd()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void gatherReadsTheIndexedElementsOfEveryRowLikeTheScalarTwin(int n) {
        int rows = 3;
        int stride = n + 5;                   // panel rows wider than n: the gaps stay untouched
        int[] rowOffsets = {5, 0, 2 * n + 1};
        float[] x = random(5 * n + 7, 3);
        int[] index = new int[n + OFFSET];
        java.util.Random r = new java.util.Random(n);
        for (int i = 0; i < index.length; i++) {
            index[i] = r.nextInt(3 * n);
        }
        float[] expected = new float[OFFSET + rows * stride];
        for (int row = 0; row < rows; row++) {
            for (int i = 0; i < n; i++) {
                expected[OFFSET + row * stride + i] = x[rowOffsets[row] + index[OFFSET - 1 + i]];
            }
        }
        float[] got = new float[OFFSET + rows * stride];
        simd.gather(rows, n, x, rowOffsets, index, OFFSET - 1, got, OFFSET, stride);
        assertThat(got).containsExactly(expected);
        float[] scalarGot = new float[OFFSET + rows * stride];
        scalar.gather(rows, n, x, rowOffsets, index, OFFSET - 1, scalarGot, OFFSET, stride);
        assertThat(scalarGot).containsExactly(expected);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void gatherBiasReluIsAGatherThenTheBiasThenTheReluInBothImplementations(int n) {
        int rows = 3;
        int stride = n + 5;
        int[] rowOffsets = {5, 0, 2 * n + 1};
        float[] x = random(5 * n + 7, 4);
        x[0] = Float.NaN;                     // read by the rows that start at 0 wherever index is 0
        x[1] = -0f;
        float[] bias = {9f, 0.25f, -0.5f, 0f};
        int[] index = new int[n + OFFSET];
        java.util.Random r = new java.util.Random(n + 1);
        for (int i = 0; i < index.length; i++) {
            // Runs of consecutive indices (plain loads) and scattered ones (gathers).
            index[i] = i % 40 < 20 ? i % 40 : r.nextInt(3 * n);
        }
        float[] expected = new float[OFFSET + rows * stride];
        for (int row = 0; row < rows; row++) {
            for (int i = 0; i < n; i++) {
                float v = x[rowOffsets[row] + index[OFFSET - 1 + i]] + bias[1 + row];
                expected[OFFSET + row * stride + i] = v > 0f ? v : 0f;
            }
        }
        for (Kernels kernels : new Kernels[] {simd, scalar}) {
            float[] got = new float[OFFSET + rows * stride];
            java.util.Arrays.fill(got, -7f);
            kernels.gatherBiasRelu(rows, n, x, rowOffsets, index, OFFSET - 1, bias, 1, got, OFFSET, stride);
            for (int row = 0; row < rows; row++) {
                int from = OFFSET + row * stride;
                assertThat(java.util.Arrays.copyOfRange(got, from, from + n)).as("%s, row %d", kernels.name(), row)
                        .containsExactly(java.util.Arrays.copyOfRange(expected, from, from + n));
                assertThat(java.util.Arrays.copyOfRange(got, from + n, from + stride)).as("gap after row %d", row)
                        .containsOnly(-7f);
            }
        }
    }

    /**
     * A {@code rows x columns} block turned, with offsets and leading dimensions wider than the block (whose gaps
     * stay untouched): rows and columns around one and two 16 x 16 register blocks, and odd sizes.
     */
    @ParameterizedTest
    @MethodSource("sizes")
    void transposeTurnsTheBlockInBothImplementations(int n) {
        for (int rows : new int[] {1, 15, 16, 33, 64}) {
            int columns = n;
            int ldx = columns + 3;
            int ldo = rows + 5;
            float[] x = random(rows * ldx + 2, 6);
            float[] expected = new float[OFFSET + columns * ldo];
            java.util.Arrays.fill(expected, -7f);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < columns; j++) {
                    expected[OFFSET + j * ldo + i] = x[2 + i * ldx + j];
                }
            }
            for (Kernels kernels : new Kernels[] {simd, scalar}) {
                float[] got = new float[OFFSET + columns * ldo];
                java.util.Arrays.fill(got, -7f);
                kernels.transpose(rows, columns, x, 2, ldx, got, OFFSET, ldo);
                assertThat(got).as("%s, %d x %d", kernels.name(), rows, columns).containsExactly(expected);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void gatherOfConsecutiveIndicesAndOfAlmostConsecutiveOnesReadsTheRightElements(int n) {
        float[] x = random(2 * n + 50, 4);
        int[] index = new int[n];
        for (int i = 0; i < n; i++) {
            index[i] = i + 7;                 // runs of consecutive indices: read as plain vector loads
        }
        if (n > 20) {
            index[n / 2] = n / 2 + 30;         // one lane breaks its run: that vector must be gathered
            index[n - 1] = 0;
        }
        int[] rowOffsets = {2, 9};
        float[] got = new float[2 * n];
        simd.gather(2, n, x, rowOffsets, index, 0, got, 0, n);
        float[] expected = new float[2 * n];
        scalar.gather(2, n, x, rowOffsets, index, 0, expected, 0, n);
        assertThat(got).containsExactly(expected);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void addAndMulMatchTheScalarTwinExactly(int n) {
        float[] a = random(n, 1);
        float[] b = random(n, 2);
        float[] expectedAdd = new float[n + 2 * OFFSET];
        float[] expectedMul = new float[n + 2 * OFFSET];
        for (int i = 0; i < n; i++) {
            expectedAdd[OFFSET + 1 + i] = a[OFFSET + i] + b[OFFSET + i];
            expectedMul[OFFSET + 1 + i] = a[OFFSET + i] * b[OFFSET + i];
        }
        float[] sum = new float[n + 2 * OFFSET];
        float[] product = new float[n + 2 * OFFSET];
        simd.add(n, a, OFFSET, b, OFFSET, sum, OFFSET + 1);
        simd.mul(n, a, OFFSET, b, OFFSET, product, OFFSET + 1);
        assertThat(sum).containsExactly(expectedAdd);
        assertThat(product).containsExactly(expectedMul);
        float[] scalarSum = new float[n + 2 * OFFSET];
        scalar.add(n, a, OFFSET, b, OFFSET, scalarSum, OFFSET + 1);
        assertThat(sum).containsExactly(scalarSum);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void addRowsAddsEachRowOfABlockIntoAnotherAndNothingBetweenThem(int n) {
        int rows = 3;
        int xStride = n + 2;
        int outStride = n + 7;
        float[] x = random(rows * xStride, 4);
        float[] before = random(rows * outStride, 5);
        float[] expected = before.clone();
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < n; i++) {
                expected[OFFSET + r * outStride + i] += x[OFFSET + r * xStride + i];
            }
        }
        float[] fast = before.clone();
        simd.addRows(rows, n, x, OFFSET, xStride, fast, OFFSET, outStride);
        float[] plain = before.clone();
        scalar.addRows(rows, n, x, OFFSET, xStride, plain, OFFSET, outStride);
        assertThat(fast).containsExactly(expected);
        assertThat(plain).containsExactly(expected);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void scaleAndAxpyMatchTheScalarTwinExactly(int n) {
        float[] x = random(n, 3);
        float[] y = random(n, 4);
        float[] ySimd = y.clone();
        float[] yScalar = y.clone();
        float[] yNaive = y.clone();
        for (int i = 0; i < n; i++) {
            yNaive[OFFSET + i] += 0.37f * x[OFFSET + i];
        }
        simd.axpy(n, 0.37f, x, OFFSET, ySimd, OFFSET);
        scalar.axpy(n, 0.37f, x, OFFSET, yScalar, OFFSET);
        assertThat(ySimd).containsExactly(yScalar).containsExactly(yNaive);

        float[] xSimd = x.clone();
        float[] xNaive = x.clone();
        for (int i = 0; i < n; i++) {
            xNaive[OFFSET + i] *= -1.5f;
        }
        simd.scale(n, -1.5f, xSimd, OFFSET);
        assertThat(xSimd).containsExactly(xNaive);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void affineMatchesTheScalarTwinExactlyAlsoInPlace(int n) {
        float[] x = random(n, 5);
        float[] naive = new float[x.length];
        for (int i = 0; i < n; i++) {
            naive[OFFSET + i] = x[OFFSET + i] * 0.37f + -2.5f;
        }
        float[] outSimd = new float[x.length];
        float[] outScalar = new float[x.length];
        simd.affine(n, x, OFFSET, 0.37f, -2.5f, outSimd, OFFSET);
        scalar.affine(n, x, OFFSET, 0.37f, -2.5f, outScalar, OFFSET);
        assertThat(outSimd).containsExactly(outScalar).containsExactly(naive);

        float[] inPlace = x.clone();
        simd.affine(n, inPlace, OFFSET, 0.37f, -2.5f, inPlace, OFFSET);
        assertThat(java.util.Arrays.copyOfRange(inPlace, OFFSET, OFFSET + n))
                .containsExactly(java.util.Arrays.copyOfRange(naive, OFFSET, OFFSET + n));
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void reluAndItsGradientMatchTheScalarTwinExactly(int n) {
        float[] x = random(n, 5);
        x[OFFSET] = -0f;
        float[] dy = random(n, 6);
        float[] out = new float[x.length];
        float[] dx = new float[x.length];
        simd.relu(n, x, OFFSET, out, OFFSET);
        simd.reluBackward(n, x, OFFSET, dy, OFFSET, dx, OFFSET);
        float[] outScalar = new float[x.length];
        float[] dxScalar = new float[x.length];
        scalar.relu(n, x, OFFSET, outScalar, OFFSET);
        scalar.reluBackward(n, x, OFFSET, dy, OFFSET, dxScalar, OFFSET);
        assertThat(out).containsExactly(outScalar);
        assertThat(dx).containsExactly(dxScalar);
        for (int i = 0; i < n; i++) {
            assertThat(out[OFFSET + i]).isEqualTo(x[OFFSET + i] > 0 ? x[OFFSET + i] : 0f);
            assertThat(dx[OFFSET + i]).isEqualTo(x[OFFSET + i] > 0 ? dy[OFFSET + i] : 0f);
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void affineReluIsAffineThenReluInOnePassAlsoInPlace(int n) {
        for (Kernels kernels : new Kernels[] {simd, scalar}) {
            float[] x = random(n, 11);
            float[] twoPasses = new float[x.length];
            kernels.affine(n, x, OFFSET, 1.7f, 0.1f, twoPasses, OFFSET);
            kernels.relu(n, twoPasses, OFFSET, twoPasses, OFFSET);
            float[] fused = new float[x.length];
            kernels.affineRelu(n, x, OFFSET, 1.7f, 0.1f, fused, OFFSET);
            assertThat(fused).containsExactly(twoPasses);
            kernels.affineRelu(n, x, OFFSET, 1.7f, 0.1f, x, OFFSET);
            assertThat(java.util.Arrays.copyOfRange(x, OFFSET, OFFSET + n))
                    .containsExactly(java.util.Arrays.copyOfRange(twoPasses, OFFSET, OFFSET + n));
        }
        float[] x = random(n, 11);
        float[] outSimd = new float[x.length];
        float[] outScalar = new float[x.length];
        simd.affineRelu(n, x, OFFSET, 1.7f, 0.1f, outSimd, OFFSET);
        scalar.affineRelu(n, x, OFFSET, 1.7f, 0.1f, outScalar, OFFSET);
        assertThat(outSimd).containsExactly(outScalar);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void affineAxpyIsAffineThenAxpyInOnePassAlsoInPlace(int n) {
        float[] x = random(n, 12);
        for (Kernels kernels : new Kernels[] {simd, scalar}) {
            float[] g = random(n, 13);
            float[] twoPasses = new float[g.length];
            kernels.affine(n, g, OFFSET, -0.3f, 0.05f, twoPasses, OFFSET);
            kernels.axpy(n, 0.7f, x, OFFSET, twoPasses, OFFSET);
            float[] fused = new float[g.length];
            kernels.affineAxpy(n, g, OFFSET, -0.3f, 0.05f, 0.7f, x, OFFSET, fused, OFFSET);
            assertThat(fused).containsExactly(twoPasses);
            kernels.affineAxpy(n, g, OFFSET, -0.3f, 0.05f, 0.7f, x, OFFSET, g, OFFSET);
            assertThat(java.util.Arrays.copyOfRange(g, OFFSET, OFFSET + n))
                    .containsExactly(java.util.Arrays.copyOfRange(twoPasses, OFFSET, OFFSET + n));
        }
        float[] g = random(n, 13);
        float[] outSimd = new float[g.length];
        float[] outScalar = new float[g.length];
        simd.affineAxpy(n, g, OFFSET, -0.3f, 0.05f, 0.7f, x, OFFSET, outSimd, OFFSET);
        scalar.affineAxpy(n, g, OFFSET, -0.3f, 0.05f, 0.7f, x, OFFSET, outScalar, OFFSET);
        assertThat(outSimd).containsExactly(outScalar);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void squaredDeviationsAreTheDotOfTheCentredRunWithItselfToTheBit(int n) {
        float[] x = random(n, 14);
        float mean = 0.21f;
        for (Kernels kernels : new Kernels[] {simd, scalar}) {
            float[] centred = new float[n];
            kernels.affine(n, x, OFFSET, 1f, -mean, centred, 0);
            assertThat(kernels.squaredDeviations(n, x, OFFSET, mean))
                    .isEqualTo(kernels.dot(n, centred, 0, centred, 0));
        }
        double exact = 0;
        for (int i = 0; i < n; i++) {
            double d = (double) x[OFFSET + i] - mean;
            exact += d * d;
        }
        assertThat((double) simd.squaredDeviations(n, x, OFFSET, mean))
                .isCloseTo(exact, within(1e-6 * (n + 1) * exact));
    }

    @Test
    void squaredDeviationsRoundEachTermAsDotDoes() {
        // Two deviating values landing in one lane of one accumulator, everything else exactly the mean: the result
        // is that lane's two-term sum, where a multiply-then-add instead of dot's fused multiply-add shows (in
        // about one pair in five) instead of vanishing into a larger total.
        int lanes = VectorKernels.lanes();
        int n = 8 * lanes;
        float mean = 0.21f;
        Random r = new Random(15);
        for (int pair = 0; pair < 50; pair++) {
            float[] x = new float[n];
            java.util.Arrays.fill(x, mean);
            x[5 % lanes] = r.nextFloat() * 2f - 1f;
            x[4 * lanes + 5 % lanes] = r.nextFloat() * 2f - 1f;
            float[] centred = new float[n];
            simd.affine(n, x, 0, 1f, -mean, centred, 0);
            assertThat(simd.squaredDeviations(n, x, 0, mean)).isEqualTo(simd.dot(n, centred, 0, centred, 0));
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void dotAndSumAgreeWithTheExactSum(int n) {
        float[] x = random(n, 7);
        float[] y = random(n, 8);
        double dot = 0;
        double dotMagnitude = 0;
        double sum = 0;
        double sumMagnitude = 0;
        for (int i = 0; i < n; i++) {
            dot += (double) x[OFFSET + i] * y[OFFSET + i];
            dotMagnitude += Math.abs((double) x[OFFSET + i] * y[OFFSET + i]);
            sum += x[OFFSET + i];
            sumMagnitude += Math.abs(x[OFFSET + i]);
        }
        assertThat((double) simd.dot(n, x, OFFSET, y, OFFSET)).isCloseTo(dot, within(1e-6 * (n + 1) * dotMagnitude));
        assertThat((double) scalar.dot(n, x, OFFSET, y, OFFSET)).isCloseTo(dot, within(1e-6 * (n + 1) * dotMagnitude));
        assertThat((double) simd.sum(n, x, OFFSET)).isCloseTo(sum, within(1e-6 * (n + 1) * sumMagnitude));
        assertThat((double) scalar.sum(n, x, OFFSET)).isCloseTo(sum, within(1e-6 * (n + 1) * sumMagnitude));
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void dotsGiveEachRowsDotToTheBit(int n) {
        float[] x = random(n, 10);
        int stride = n + 3;
        for (int rows : new int[] {1, 2, 3, 4, 9, 10}) {
            float[] y = random(rows * stride, 11 + rows);
            for (Kernels kernels : new Kernels[] {simd, scalar}) {
                float[] out = new float[rows + 2];
                java.util.Arrays.fill(out, 42f);
                kernels.dots(n, x, OFFSET, y, OFFSET, stride, rows, out, 1);
                assertThat(out[0]).isEqualTo(42f);
                assertThat(out[rows + 1]).isEqualTo(42f);
                for (int r = 0; r < rows; r++) {
                    assertThat(out[1 + r]).as("%s, row %d of %d", kernels.name(), r, rows)
                            .isEqualTo(kernels.dot(n, x, OFFSET, y, OFFSET + r * stride));
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void maxAndArgmaxFindTheFirstLargest(int n) {
        float[] x = random(n, 9);
        int expected = 0;
        for (int i = 1; i < n; i++) {
            if (x[OFFSET + i] > x[OFFSET + expected]) {
                expected = i;
            }
        }
        assertThat(simd.argmax(n, x, OFFSET)).isEqualTo(expected).isEqualTo(scalar.argmax(n, x, OFFSET));
        assertThat(simd.max(n, x, OFFSET)).isEqualTo(x[OFFSET + expected]).isEqualTo(scalar.max(n, x, OFFSET));
        // A tie later in the range does not win.
        x[OFFSET + n - 1] = x[OFFSET + expected];
        assertThat(simd.argmax(n, x, OFFSET)).isEqualTo(expected);
    }

    @Test
    void argmaxIgnoresTheJunkOutsideItsRange() {
        float[] x = {100f, 1f, 2f, 3f, 2f, 100f};
        assertThat(simd.argmax(4, x, 1)).isEqualTo(2);
        assertThat(simd.max(4, x, 1)).isEqualTo(3f);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void expShiftedIsWithinAFewUlpsOfMathExp(int n) {
        float[] x = random(n, 10);
        float[] out = new float[x.length];
        float[] outScalar = new float[x.length];
        float total = simd.expShifted(n, x, OFFSET, 0.5f, out, OFFSET);
        float totalScalar = scalar.expShifted(n, x, OFFSET, 0.5f, outScalar, OFFSET);
        double exact = 0;
        for (int i = 0; i < n; i++) {
            double e = Math.exp(x[OFFSET + i] - 0.5f);
            exact += e;
            assertThat((double) out[OFFSET + i]).as("exp at %d", i).isCloseTo(e, within(4e-7 * e));
            assertThat((double) outScalar[OFFSET + i]).isCloseTo(e, within(4e-7 * e));
        }
        assertThat((double) total).isCloseTo(exact, within(1e-6 * (n + 1) * exact));
        assertThat((double) totalScalar).isCloseTo(exact, within(1e-6 * (n + 1) * exact));
    }

    @Test
    void theProviderChoosesSimdWhenTheModuleIsPresent() {
        // The build runs tests with --add-modules jdk.incubator.vector; -Dweft.simd=false turns it off.
        boolean switchedOff = "false".equalsIgnoreCase(System.getProperty("weft.simd", ""));
        assertThat(Kernels.get().isSimd()).isEqualTo(!switchedOff);
    }

    // ------------------------------------------------------------------------ 2x2 max pooling (stride 2)

    /** Widths around the L/2 windows of one vector chunk (L and 2L input columns), odd and even. */
    static IntStream poolWidths() {
        int lanes = VectorKernels.lanes();
        return IntStream.of(2, 3, 4, 5, lanes - 1, lanes, lanes + 1, lanes + 2, 2 * lanes - 1, 2 * lanes + 3, 11, 26,
                57, 4 * lanes + 5).filter(w -> w >= 2).distinct();
    }

    /**
     * {@code planes x height x width} values from {0, 1, 2, 3} (so windows tie often), with a -0 and a +0 in one
     * window and a NaN in the last plane's second row, after {@code OFFSET} junk values and followed by {@code after}
     * more.
     */
    private static float[] poolInput(int planes, int height, int width, int after, long seed) {
        Random r = new Random(seed);
        float[] x = new float[OFFSET + planes * height * width + after];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextInt(4);
        }
        x[OFFSET] = -0f;
        x[OFFSET + 1] = 0f;
        x[OFFSET + ((planes - 1) * height + 1) * width + width / 2] = Float.NaN;
        return x;
    }

    /** Runs both implementations on the same input; outputs and winners must be identical, junk untouched. */
    private void assertMaxPoolMatchesTheScalarTwin(int planes, int height, int width, float[] in, boolean winners) {
        int outSize = planes * (height / 2) * (width / 2);
        float[] out = new float[OFFSET + outSize + 40];
        float[] outScalar = new float[out.length];
        java.util.Arrays.fill(out, -7f);
        java.util.Arrays.fill(outScalar, -7f);
        int[] argmax = winners ? new int[1 + outSize + 40] : null;
        int[] argmaxScalar = winners ? new int[argmax.length] : null;
        if (winners) {
            java.util.Arrays.fill(argmax, -1);
            java.util.Arrays.fill(argmaxScalar, -1);
        }
        simd.maxPool2x2(planes, height, width, in, OFFSET, out, OFFSET, argmax, 1, 100);
        scalar.maxPool2x2(planes, height, width, in, OFFSET, outScalar, OFFSET, argmaxScalar, 1, 100);
        String shape = planes + "x" + height + "x" + width;
        assertThat(java.util.Arrays.mismatch(out, outScalar)).as("first differing output, %s", shape).isEqualTo(-1);
        if (winners) {
            assertThat(java.util.Arrays.mismatch(argmax, argmaxScalar)).as("first differing winner, %s", shape)
                    .isEqualTo(-1);
            assertThat(argmax[0]).as("before the run").isEqualTo(-1);
            assertThat(argmax[1 + outSize]).as("after the run").isEqualTo(-1);
        }
        assertThat(out[OFFSET - 1]).as("before the run").isEqualTo(-7f);
        assertThat(out[OFFSET + outSize]).as("after the run").isEqualTo(-7f);
    }

    @ParameterizedTest
    @MethodSource("poolWidths")
    void maxPool2x2MatchesTheScalarTwinExactly(int width) {
        for (int planes = 1; planes <= 3; planes++) {
            for (int height = 2; height <= 5; height++) {
                // With junk after the run, and with the run ending at the array's end (the vector loads must not
                // read past it).
                for (int after : new int[] {0, 50}) {
                    float[] in = poolInput(planes, height, width, after, 31L * width + height);
                    assertMaxPoolMatchesTheScalarTwin(planes, height, width, in, true);
                    assertMaxPoolMatchesTheScalarTwin(planes, height, width, in, false);
                }
            }
        }
    }

    @Test
    void maxPool2x2FollowsTheDefinition() {
        // One 2x2 window per case: a b / c d.
        float nan = Float.NaN;
        float[][] windows = {
            {1, 2, 3, 4}, {4, 3, 2, 1}, {1, 1, 1, 1}, {0, 5, 5, 0}, {2, 1, 3, 3}, {-0f, 0f, -1, -1},
            {1, nan, 2, 3}, {nan, 1, 2, 3}, {1, 2, nan, 3}};
        float[] expectedValue = {4, 4, 1, 5, 3, 0f, nan, nan, nan};
        int[] expectedWinner = {3, 0, 0, 1, 2, 0, 0, 0, 1};
        for (int k = 0; k < windows.length; k++) {
            for (Kernels kernels : new Kernels[] {simd, scalar}) {
                float[] out = new float[1];
                int[] argmax = new int[1];
                kernels.maxPool2x2(1, 2, 2, windows[k], 0, out, 0, argmax, 0, 0);
                assertThat(Float.floatToIntBits(out[0])).as("%s: value of window %d", kernels.name(), k)
                        .isEqualTo(Float.floatToIntBits(expectedValue[k]));
                assertThat(argmax[0]).as("%s: winner of window %d", kernels.name(), k).isEqualTo(expectedWinner[k]);
                float[] valueOnly = new float[1];
                kernels.maxPool2x2(1, 2, 2, windows[k], 0, valueOnly, 0, null, 0, 0);
                assertThat(Float.floatToIntBits(valueOnly[0])).as("%s: value of window %d without winners",
                        kernels.name(), k).isEqualTo(Float.floatToIntBits(expectedValue[k]));
            }
        }
    }

    // ------------------------------------------------------------------------------------- Adam update

    @ParameterizedTest
    @MethodSource("sizes")
    void adamStepMatchesTheScalarTwinExactly(int n) {
        float[] w = random(n, 11);
        float[] g = random(n, 12);
        float[] m = random(n + 2, 13);
        float[] v = random(n + 2, 14);
        for (int i = 0; i < v.length; i++) {
            v[i] = v[i] * v[i];     // a second moment is never negative
        }
        float[] wSimd = w.clone();
        float[] mSimd = m.clone();
        float[] vSimd = v.clone();
        // Offsets differ between the weights (OFFSET), the gradient (OFFSET + 1) and the moments (OFFSET + 2).
        for (int step = 0; step < 2; step++) {
            simd.adamStep(n, wSimd, OFFSET, g, OFFSET + 1, mSimd, vSimd, OFFSET + 2, 0.1f, 0.001f, 0.0316f, 1e-7f,
                    0.99f);
            scalar.adamStep(n, w, OFFSET, g, OFFSET + 1, m, v, OFFSET + 2, 0.1f, 0.001f, 0.0316f, 1e-7f, 0.99f);
        }
        assertThat(wSimd).containsExactly(w);
        assertThat(mSimd).containsExactly(m);
        assertThat(vSimd).containsExactly(v);
        // And the definition, for the first element after one step from fresh copies.
        float[] w1 = random(n, 11);
        float[] m1 = random(n + 2, 13);
        float[] v1 = new float[m1.length];
        float gi = g[OFFSET + 1];
        float mi = m1[OFFSET + 2] + 0.1f * (gi - m1[OFFSET + 2]);
        float vi = v1[OFFSET + 2] + 0.001f * (gi * gi - v1[OFFSET + 2]);
        float expected = 0.99f * w1[OFFSET] - 0.0316f * mi / ((float) Math.sqrt(vi) + 1e-7f);
        simd.adamStep(n, w1, OFFSET, g, OFFSET + 1, m1, v1, OFFSET + 2, 0.1f, 0.001f, 0.0316f, 1e-7f, 0.99f);
        assertThat(w1[OFFSET]).isEqualTo(expected);
    }
}
