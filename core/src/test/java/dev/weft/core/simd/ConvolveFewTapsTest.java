package dev.weft.core.simd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Kernels#convolveFewTaps}: both implementations against the exact (double) sums, and each against its own
 * GEMM of the weights with the unfolded input, bit for bit, on rows narrower than a vector, one lane past one,
 * ending inside a vector, channel counts around the kernel's blocks of eight, and one to sixteen taps.
 */
class ConvolveFewTapsTest {
    private static final int OFFSET = 3;
    private final VectorKernels simd = new VectorKernels();
    private final ScalarKernels scalar = new ScalarKernels();

    static Stream<Arguments> shapes() {
        int lanes = new VectorKernels().panelWidth() / 2;
        return Stream.of(
                // outChannels, inChannels, height, width, kernel
                Arguments.of(32, 1, 28, 28, 3), Arguments.of(1, 1, 3, 3, 3), Arguments.of(7, 1, 9, lanes + 1, 3),
                Arguments.of(9, 1, 5, lanes + 2, 3), Arguments.of(17, 1, 4, 2 * lanes + 5, 3),
                Arguments.of(8, 4, 6, lanes, 2), Arguments.of(3, 16, 2, 40, 1), Arguments.of(15, 1, 11, 12, 4));
    }

    /** An input of {@code in} channels, weights {@code [out, in * kernel * kernel]}, with a fixed seed. */
    private record Case(int out, int in, int height, int width, int kernel, float[] x, int[] taps, float[] w) {
        static Case of(int out, int in, int height, int width, int kernel) {
            Random r = new Random(97L * out + 13L * in + 7L * height + width + kernel);
            float[] x = new float[OFFSET + in * height * width + 2];
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextFloat() * 2f - 1f;
            }
            int k = in * kernel * kernel;
            int[] taps = new int[k];
            for (int t = 0; t < k; t++) {
                int c = t / (kernel * kernel);
                taps[t] = (c * height + t / kernel % kernel) * width + t % kernel;
            }
            float[] w = new float[OFFSET + out * k];
            for (int i = 0; i < w.length; i++) {
                w[i] = r.nextFloat() - 0.5f;
            }
            return new Case(out, in, height, width, kernel, x, taps, w);
        }

        int outHeight() {
            return height - kernel + 1;
        }

        int outWidth() {
            return width - kernel + 1;
        }

        /** The output of {@code kernels}, after {@code OFFSET} junk values, with junk after it too. */
        float[] run(Kernels kernels) {
            float[] result = new float[OFFSET + out * outHeight() * outWidth() + 3];
            Arrays.fill(result, 42f);
            kernels.convolveFewTaps(out, outHeight(), outWidth(), width, x, OFFSET, taps, w, OFFSET, result, OFFSET);
            return result;
        }

        /** The same sums as {@code kernels}' GEMM of the weights with the unfolded input, laid out the same way. */
        float[] gemm(Kernels kernels) {
            int k = taps.length;
            int pixels = outHeight() * outWidth();
            float[] cols = new float[k * pixels];
            for (int t = 0; t < k; t++) {
                for (int p = 0; p < pixels; p++) {
                    cols[t * pixels + p] = x[OFFSET + p / outWidth() * width + p % outWidth() + taps[t]];
                }
            }
            float[] result = new float[OFFSET + out * pixels + 3];
            Arrays.fill(result, 42f);
            kernels.sgemm(false, false, out, pixels, k, 1f, w, OFFSET, k, cols, 0, pixels, 0f, result, OFFSET,
                    pixels);
            return result;
        }
    }

    @ParameterizedTest(name = "out={0} in={1} {2}x{3} kernel={4}")
    @MethodSource("shapes")
    void bothImplementationsGiveTheSumsOverTapsWithinRounding(int out, int in, int height, int width, int kernel) {
        Case c = Case.of(out, in, height, width, kernel);
        float[] fast = c.run(simd);
        float[] plain = c.run(scalar);
        int k = c.taps().length;
        for (int o = 0; o < out; o++) {
            for (int y = 0; y < c.outHeight(); y++) {
                for (int col = 0; col < c.outWidth(); col++) {
                    double exact = 0;
                    double magnitude = 0;
                    for (int t = 0; t < k; t++) {
                        double term = (double) c.x()[OFFSET + y * width + col + c.taps()[t]] * c.w()[OFFSET + o * k + t];
                        exact += term;
                        magnitude += Math.abs(term);
                    }
                    double bound = 1e-6 * (k + 1) * magnitude + 1e-30;
                    int at = OFFSET + (o * c.outHeight() + y) * c.outWidth() + col;
                    assertThat(Math.abs(fast[at] - exact)).as("simd at %d,%d,%d", o, y, col).isLessThan(bound);
                    assertThat(Math.abs(plain[at] - exact)).as("scalar at %d,%d,%d", o, y, col).isLessThan(bound);
                }
            }
        }
        assertThat(Arrays.copyOfRange(fast, 0, OFFSET)).as("before the output").containsOnly(42f);
        assertThat(Arrays.copyOfRange(fast, fast.length - 3, fast.length)).as("after the output").containsOnly(42f);
    }

    @ParameterizedTest(name = "out={0} in={1} {2}x{3} kernel={4}")
    @MethodSource("shapes")
    void eachImplementationGivesItsOwnGemmsBits(int out, int in, int height, int width, int kernel) {
        Case c = Case.of(out, in, height, width, kernel);
        assertThat(Arrays.mismatch(c.run(simd), c.gemm(simd))).as("simd: first difference").isEqualTo(-1);
        assertThat(Arrays.mismatch(c.run(scalar), c.gemm(scalar))).as("scalar: first difference").isEqualTo(-1);
    }
}
