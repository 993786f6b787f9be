package dev.weft.core.simd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * BatchNorm's fused backward kernels against the separate kernels they replace, in each implementation:
 * {@code sumAndDot} is {@code sum} and {@code dot}; with {@code y = affineRelu(x, maskScale, maskShift)} (the
 * forward pass with a fused ReLU), {@code sumAndDotMasked} is {@code reluBackward(y, dy)} then both, and
 * {@code affineAxpyMasked} is {@code reluBackward(y, dy)} then {@code affineAxpy}; all to the bit (there is no
 * tolerance: a trained model must not change). Lengths: every one up to six vectors and three more (each path
 * through the blocks of four and two vectors, single vectors and the scalar tail), and odd larger ones; the operands
 * sit at different offsets. Random values span nine binades; some inputs put the ReLU's input at exactly 0, where
 * an FMA would not (masked: the kernels round the mask as {@code affineRelu} rounds its output); one test places
 * {@code 2^24, 1, -2^24} so that the result tells which terms share a partial sum.
 */
class FusedGradientKernelsTest {
    private static final Kernels[] IMPLEMENTATIONS = {new VectorKernels(), new ScalarKernels()};
    private static final int G_OFFSET = 3;
    private static final int X_OFFSET = 5;
    /** The forward map before the ReLU, and an input where its multiply rounds: see {@link #kink()}. */
    private static final float MASK_SCALE = 1.1f;
    private static final float AT_THE_KINK = kink();
    private static final float MASK_SHIFT = -(AT_THE_KINK * MASK_SCALE);

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

    /**
     * An input {@code x} whose product with {@code MASK_SCALE} rounds down, so that with {@code MASK_SHIFT} the
     * ReLU's input {@code x * MASK_SCALE + MASK_SHIFT} is exactly 0 (masked) when multiplied then added, as
     * {@code affineRelu} rounds, but positive (not masked) through a fused multiply-add.
     */
    private static float kink() {
        for (float x = 0.7f; ; x = Math.nextUp(x)) {
            if ((double) x * MASK_SCALE > x * MASK_SCALE) {
                return x;
            }
        }
    }

    /** A BatchNorm input: wide-range values, every seventh one {@link #AT_THE_KINK}. */
    private static float[] input(int n, long seed) {
        float[] x = wideRange(n, X_OFFSET, seed);
        for (int i = X_OFFSET; i < X_OFFSET + n; i += 7) {
            x[i] = AT_THE_KINK;
        }
        return x;
    }

    /** The gradient the forward pass's ReLU hands back: {@code reluBackward} of {@code affineRelu}'s output. */
    private static float[] maskedGradient(Kernels kernels, int n, float[] x, float[] dy) {
        float[] y = new float[n];
        kernels.affineRelu(n, x, X_OFFSET, MASK_SCALE, MASK_SHIFT, y, 0);
        float[] g = new float[n];
        kernels.reluBackward(n, y, 0, dy, G_OFFSET, g, 0);
        return g;
    }

    private static int[] bits(float... values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }

    @Test
    void atTheKinkTheReluInputIsZeroMultipliedThenAddedButPositiveThroughAnFma() {
        assertThat(AT_THE_KINK * MASK_SCALE + MASK_SHIFT).isZero();
        assertThat(Math.fma(AT_THE_KINK, MASK_SCALE, MASK_SHIFT)).isPositive();
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
        float[] x = input(n, 50L + n);
        float[] dy = wideRange(n, G_OFFSET, 40L + n);
        dy[G_OFFSET] = -0f;
        float[] dyBefore = dy.clone();
        for (Kernels kernels : IMPLEMENTATIONS) {
            float[] g = maskedGradient(kernels, n, x, dy);
            float[] sums = new float[2];
            kernels.sumAndDotMasked(n, dy, G_OFFSET, x, X_OFFSET, MASK_SCALE, MASK_SHIFT, sums);
            assertThat(bits(sums)).as("%s, n = %d", kernels.name(), n)
                    .containsExactly(bits(kernels.sum(n, g, 0), kernels.dot(n, g, 0, x, X_OFFSET)));
        }
        assertThat(bits(dy)).as("the gradient is only read").containsExactly(bits(dyBefore));
    }

    @ParameterizedTest
    @MethodSource("lengths")
    void affineAxpyMaskedIsAffineAxpyOfTheMaskedGradientToTheBitAndWritesOnlyItsRun(int n) {
        float[] x = input(n, 80L + n);
        float[] dy = wideRange(n, G_OFFSET, 70L + n);
        float[] dyBefore = dy.clone();
        float[][] outputs = new float[IMPLEMENTATIONS.length][];
        for (int k = 0; k < IMPLEMENTATIONS.length; k++) {
            Kernels kernels = IMPLEMENTATIONS[k];
            float[] g = maskedGradient(kernels, n, x, dy);
            float[] twoPasses = wideRange(n, X_OFFSET, 90L);
            kernels.affineAxpy(n, g, 0, -0.3f, 0.05f, 0.7f, x, X_OFFSET, twoPasses, X_OFFSET);
            float[] fused = wideRange(n, X_OFFSET, 90L);
            kernels.affineAxpyMasked(n, dy, G_OFFSET, -0.3f, 0.05f, 0.7f, x, X_OFFSET, MASK_SCALE, MASK_SHIFT,
                    fused, X_OFFSET);
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
        float[] dy = new float[G_OFFSET + n];
        float[] x = new float[X_OFFSET + n];
        double sum = 0;
        double sumMagnitude = 0;
        double dot = 0;
        double dotMagnitude = 0;
        for (int i = 0; i < n; i++) {
            dy[G_OFFSET + i] = r.nextFloat() * 2f - 1f;
            x[X_OFFSET + i] = r.nextFloat() * 2f - 1f;
            double g = x[X_OFFSET + i] * MASK_SCALE + MASK_SHIFT > 0 ? dy[G_OFFSET + i] : 0;
            sum += g;
            sumMagnitude += Math.abs(g);
            dot += g * x[X_OFFSET + i];
            dotMagnitude += Math.abs(g * x[X_OFFSET + i]);
        }
        for (Kernels kernels : IMPLEMENTATIONS) {
            float[] sums = new float[2];
            kernels.sumAndDotMasked(n, dy, G_OFFSET, x, X_OFFSET, MASK_SCALE, MASK_SHIFT, sums);
            assertThat((double) sums[0]).as(kernels.name()).isCloseTo(sum, within(1e-6 * (n + 1) * sumMagnitude));
            assertThat((double) sums[1]).as(kernels.name()).isCloseTo(dot, within(1e-6 * (n + 1) * dotMagnitude));
        }
    }

    /** The lengths that hold the three terms of the partial-sum test below. */
    static IntStream lengthsOfThreeOrMore() {
        return lengths().filter(n -> n >= 3);
    }

    @ParameterizedTest
    @MethodSource("lengthsOfThreeOrMore")
    void everyTermMeetsTheSamePartialSumsAsInTheSeparateKernels(int n) {
        // 2^24 + 1 rounds back to 2^24 but -2^24 + 1 is exact, so the sum of 2^24, 1 and -2^24 (zeros elsewhere)
        // is 0 when the 1 meets the 2^24 first and 1 otherwise: it shows which terms share a partial sum, and in
        // what order. The 1 goes to every place (at most 200 of them), the others to random places, each seen by
        // dot too (x = 1 there, -1 elsewhere); the masked kernel (ReLU input x) must find the same with every
        // other element of dy junk, masked.
        float big = 0x1p24f;
        Random r = new Random(n);
        float[] junk = wideRange(n, G_OFFSET, n);
        for (Kernels kernels : IMPLEMENTATIONS) {
            boolean[] outcomes = new boolean[2];
            for (int trial = 0; trial < 3 * Math.min(n, 200); trial++) {
                int one = n <= 200 ? trial / 3 : r.nextInt(n);
                int[] at = IntStream.concat(IntStream.of(one), r.ints(0, n)).distinct().limit(3).toArray();
                float[] g = new float[G_OFFSET + n];
                float[] x = new float[X_OFFSET + n];
                Arrays.fill(x, -1f);
                float[] dy = junk.clone();
                float[] terms = {1f, big, -big};
                for (int k = 0; k < 3; k++) {
                    g[G_OFFSET + at[k]] = terms[k];
                    dy[G_OFFSET + at[k]] = terms[k];
                    x[X_OFFSET + at[k]] = 1f;
                }
                float[] sums = new float[2];
                kernels.sumAndDot(n, g, G_OFFSET, x, X_OFFSET, sums);
                float[] separate = {kernels.sum(n, g, G_OFFSET), kernels.dot(n, g, G_OFFSET, x, X_OFFSET)};
                assertThat(bits(sums)).as("%s, n = %d, 1, 2^24, -2^24 at %s", kernels.name(), n,
                        Arrays.toString(at)).containsExactly(bits(separate));
                kernels.sumAndDotMasked(n, dy, G_OFFSET, x, X_OFFSET, 1f, 0f, sums);
                assertThat(bits(sums)).as("%s masked, n = %d, 1, 2^24, -2^24 at %s", kernels.name(), n,
                        Arrays.toString(at)).containsExactly(bits(separate));
                outcomes[(int) separate[0]] = true;
            }
            assertThat(outcomes).as("%s, n = %d: both outcomes occur", kernels.name(), n).containsExactly(true, true);
        }
    }
}
