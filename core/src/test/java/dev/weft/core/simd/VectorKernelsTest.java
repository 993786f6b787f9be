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
 * <p>Tolerances: element-wise kernels ({@code add, mul, scale, axpy, relu, reluBackward}) and {@code max},
 * {@code argmax} must be bit-identical to the scalar twin. Sums ({@code dot, sum}) are reassociated, so they
 * must agree with the exact (double) sum within {@code 1e-6 * (n + 1) * sum|terms|}. {@code expShifted} uses the
 * Vector API's exp: each element within a relative {@code 4e-7} (a few ulps) of {@code Math.exp}.
 */
class VectorKernelsTest {
    private static final int OFFSET = 3;
    private final Kernels simd = new VectorKernels();
    private final Kernels scalar = new ScalarKernels();

    static IntStream sizes() {
        int lanes = VectorKernels.lanes();
        return IntStream.of(1, 2, 3, lanes - 1, lanes, lanes + 1, 17, 31, 33, 100, 257).filter(n -> n >= 1).distinct();
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
    void gatherReadsTheIndexedElementsLikeTheScalarTwin(int n) {
        float[] x = random(3 * n + 7, 3);
        int[] index = new int[n + OFFSET];
        java.util.Random r = new java.util.Random(n);
        for (int i = 0; i < index.length; i++) {
            index[i] = r.nextInt(3 * n);
        }
        float[] expected = new float[n + 2 * OFFSET];
        for (int i = 0; i < n; i++) {
            expected[OFFSET + i] = x[5 + index[OFFSET - 1 + i]];
        }
        float[] got = new float[n + 2 * OFFSET];
        simd.gather(n, x, 5, index, OFFSET - 1, got, OFFSET);
        assertThat(got).containsExactly(expected);
        float[] scalarGot = new float[n + 2 * OFFSET];
        scalar.gather(n, x, 5, index, OFFSET - 1, scalarGot, OFFSET);
        assertThat(scalarGot).containsExactly(expected);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void gatherOfConsecutiveIndicesAndOfAlmostConsecutiveOnesReadsTheRightElements(int n) {
        float[] x = random(2 * n + 40, 4);
        int[] index = new int[n];
        for (int i = 0; i < n; i++) {
            index[i] = i + 7;                 // runs of consecutive indices: read as plain vector loads
        }
        if (n > 20) {
            index[n / 2] = n / 2 + 30;         // one lane breaks its run: that vector must be gathered
            index[n - 1] = 0;
        }
        float[] got = new float[n];
        simd.gather(n, x, 2, index, 0, got, 0);
        float[] expected = new float[n];
        scalar.gather(n, x, 2, index, 0, expected, 0);
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
}
