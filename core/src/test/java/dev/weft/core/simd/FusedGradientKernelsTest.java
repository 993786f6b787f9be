package dev.weft.core.simd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * BatchNorm's fused backward kernels against the separate kernels they replace, in each implementation:
 * {@code sumAndDot} is {@code sum} and {@code dot}, {@code sumAndDotMasked} is {@code reluBackward} then both, and
 * {@code affineAxpyMasked} is {@code reluBackward} then {@code affineAxpy}, all to the bit (there is no tolerance:
 * a trained model must not change). Lengths: every one up to six vectors and three more (each path through the
 * blocks of four and two vectors, single vectors and the scalar tail), and odd larger ones; the operands sit at
 * different offsets. Random values span nine binades; one test places {@code 2^24, 1, -2^24} so that the result
 * tells which terms share a partial sum. The ReLU outputs include {@code +0}, {@code -0} and NaN, which mask their
 * gradient.
 */
class FusedGradientKernelsTest {
    private static final Kernels[] IMPLEMENTATIONS = {new VectorKernels(), new ScalarKernels()};
    private static final int G_OFFSET = 3;
    private static final int X_OFFSET = 5;
    private static final int Y_OFFSET = 2;

    static IntStream lengths() {
        int lanes = VectorKernels.lanes();
        return IntStream.concat(IntStream.rangeClosed(0, 6 * lanes + 3), IntStream.of(101, 257, 675, 676, 1001))
                .distinct();
    }

    /** {@code offset} junk values, {@code n} values in [-1, 1) times {@code 2^-4 .. 2^4}, junk again. */
    private static float[] wideRange(int n, int offset, long seed) {
        Random r = new Random(seed);
        float[] v = new float[offset + n + 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = (r.nextFloat() * 2f - 1f) * (float) Math.scalb(1.0, r.nextInt(9) - 4);
        }
        return v;
    }

    /** A ReLU's output: about half the values positive, the rest {@code +0}, {@code -0}, negative or NaN. */
    private static float[] reluOutput(int n, int offset, long seed) {
        Random r = new Random(seed);
        float[] y = new float[offset + n + 4];
        float[] masking = {0f, -0f, -1f, Float.NaN};
        for (int i = 0; i < y.length; i++) {
            y[i] = r.nextBoolean() ? r.nextFloat() + Float.MIN_VALUE : masking[r.nextInt(masking.length)];
        }
        return y;
    }

    private static int[] bits(float... values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }

    @ParameterizedTest
    @MethodSource("lengths")
    void sumAndDotAreSumAndDotToTheBit(int n) {
        float[] g = wideRange(n, G_OFFSET, 10L + n);
        float[] x = wideRange(n, X_OFFSET, 20L + n);
        for (Kernels kernels : IMPLEMENTATIONS) {
            float[] sums = new float[2];
            kernels.sumAndDot(n, g, G_OFFSET, x, X_OFFSET, sums);
            assertThat(bits(sums)).as("%s, n = %d", kernels.name(), n).containsExactly(bits(
                    kernels.sum(n, g, G_OFFSET), kernels.dot(n, g, G_OFFSET, x, X_OFFSET)));
        }
    }

    @ParameterizedTest
    @MethodSource("lengths")
    void sumAndDotMaskedAreSumAndDotOfTheMaskedGradientToTheBit(int n) {
        float[] y = reluOutput(n, Y_OFFSET, 30L + n);
        float[] dy = wideRange(n, G_OFFSET, 40L + n);
        dy[G_OFFSET] = -0f;
        float[] x = wideRange(n, X_OFFSET, 50L + n);
        float[] dyBefore = dy.clone();
        for (Kernels kernels : IMPLEMENTATIONS) {
            float[] g = new float[n];
            kernels.reluBackward(n, y, Y_OFFSET, dy, G_OFFSET, g, 0);
            float[] sums = new float[2];
            kernels.sumAndDotMasked(n, y, Y_OFFSET, dy, G_OFFSET, x, X_OFFSET, sums);
            assertThat(bits(sums)).as("%s, n = %d", kernels.name(), n)
                    .containsExactly(bits(kernels.sum(n, g, 0), kernels.dot(n, g, 0, x, X_OFFSET)));
        }
        assertThat(bits(dy)).as("the gradient is only read").containsExactly(bits(dyBefore));
    }

    @ParameterizedTest
    @MethodSource("lengths")
    void affineAxpyMaskedIsAffineAxpyOfTheMaskedGradientToTheBitAndWritesOnlyItsRun(int n) {
        float[] y = reluOutput(n, Y_OFFSET, 60L + n);
        float[] dy = wideRange(n, G_OFFSET, 70L + n);
        float[] x = wideRange(n, X_OFFSET, 80L + n);
        float[] dyBefore = dy.clone();
        float[][] outputs = new float[IMPLEMENTATIONS.length][];
        for (int k = 0; k < IMPLEMENTATIONS.length; k++) {
            Kernels kernels = IMPLEMENTATIONS[k];
            float[] twoPasses = wideRange(n, X_OFFSET, 90L);
            kernels.reluBackward(n, y, Y_OFFSET, dy, G_OFFSET, twoPasses, X_OFFSET);
            kernels.affineAxpy(n, twoPasses, X_OFFSET, -0.3f, 0.05f, 0.7f, x, X_OFFSET, twoPasses, X_OFFSET);
            float[] fused = wideRange(n, X_OFFSET, 90L);
            kernels.affineAxpyMasked(n, y, Y_OFFSET, dy, G_OFFSET, -0.3f, 0.05f, 0.7f, x, X_OFFSET, fused, X_OFFSET);
            assertThat(bits(fused)).as("%s, n = %d", kernels.name(), n).containsExactly(bits(twoPasses));
            outputs[k] = fused;
        }
        assertThat(bits(outputs[0])).as("vector against scalar").containsExactly(bits(outputs[1]));
        assertThat(bits(dy)).as("the gradient is only read").containsExactly(bits(dyBefore));
    }

    @ParameterizedTest
    @MethodSource("lengths")
    void bothImplementationsAgreeWithTheExactMaskedSums(int n) {
        // The two implementations add in different orders; each is within 1e-6 * (n + 1) * sum|terms| of the
        // exact (double) sums, the reductions' tolerance in VectorKernelsTest.
        Random r = new Random(n);
        float[] y = reluOutput(n, Y_OFFSET, 100L + n);
        float[] dy = new float[G_OFFSET + n];
        float[] x = new float[X_OFFSET + n];
        double sum = 0;
        double sumMagnitude = 0;
        double dot = 0;
        double dotMagnitude = 0;
        for (int i = 0; i < n; i++) {
            dy[G_OFFSET + i] = r.nextFloat() * 2f - 1f;
            x[X_OFFSET + i] = r.nextFloat() * 2f - 1f;
            double g = y[Y_OFFSET + i] > 0 ? dy[G_OFFSET + i] : 0;
            sum += g;
            sumMagnitude += Math.abs(g);
            dot += g * x[X_OFFSET + i];
            dotMagnitude += Math.abs(g * x[X_OFFSET + i]);
        }
        for (Kernels kernels : IMPLEMENTATIONS) {
            float[] sums = new float[2];
            kernels.sumAndDotMasked(n, y, Y_OFFSET, dy, G_OFFSET, x, X_OFFSET, sums);
            assertThat((double) sums[0]).as(kernels.name()).isCloseTo(sum, within(1e-6 * (n + 1) * sumMagnitude));
            assertThat((double) sums[1]).as(kernels.name()).isCloseTo(dot, within(1e-6 * (n + 1) * dotMagnitude));
        }
    }

    @ParameterizedTest
    @MethodSource("lengths")
    void everyTermMeetsTheSamePartialSumsAsInTheSeparateKernels(int n) {
        // 2^24 + 1 rounds back to 2^24 but -2^24 + 1 is exact, so the sum of 2^24, 1 and -2^24 (zeros elsewhere)
        // is 0 when the 1 meets the 2^24 first and 1 otherwise: it shows which terms share a partial sum, and in
        // what order. The 1 goes to every place (at most 200 of them), the others to random places, each seen by
        // dot too (x = 1); the masked kernel must find the same with every other element of dy masked junk.
        assumeThat(n).isGreaterThanOrEqualTo(3);
        float big = 0x1p24f;
        Random r = new Random(n);
        float[] ones = new float[X_OFFSET + n];
        Arrays.fill(ones, 1f);
        float[] junk = wideRange(n, G_OFFSET, n);
        for (Kernels kernels : IMPLEMENTATIONS) {
            boolean[] outcomes = new boolean[2];
            for (int trial = 0; trial < 3 * Math.min(n, 200); trial++) {
                int one = n <= 200 ? trial / 3 : r.nextInt(n);
                int[] at = IntStream.concat(IntStream.of(one), r.ints(0, n)).distinct().limit(3).toArray();
                float[] g = new float[G_OFFSET + n];
                float[] y = new float[Y_OFFSET + n];
                float[] dy = junk.clone();
                float[] terms = {1f, big, -big};
                for (int k = 0; k < 3; k++) {
                    g[G_OFFSET + at[k]] = terms[k];
                    dy[G_OFFSET + at[k]] = terms[k];
                    y[Y_OFFSET + at[k]] = 1f;
                }
                float[] sums = new float[2];
                kernels.sumAndDot(n, g, G_OFFSET, ones, X_OFFSET, sums);
                float[] separate = {kernels.sum(n, g, G_OFFSET), kernels.dot(n, g, G_OFFSET, ones, X_OFFSET)};
                assertThat(bits(sums)).as("%s, n = %d, 1, 2^24, -2^24 at %s", kernels.name(), n,
                        Arrays.toString(at)).containsExactly(bits(separate));
                kernels.sumAndDotMasked(n, y, Y_OFFSET, dy, G_OFFSET, ones, X_OFFSET, sums);
                assertThat(bits(sums)).as("%s masked, n = %d, 1, 2^24, -2^24 at %s", kernels.name(), n,
                        Arrays.toString(at)).containsExactly(bits(separate));
                outcomes[(int) separate[0]] = true;
            }
            assertThat(outcomes).as("%s, n = %d: both outcomes occur", kernels.name(), n).containsExactly(true, true);
        }
    }
}
