package dev.weft.core.simd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Kernels#convolve3x3}: both implementations against the exact (double) sums, and each against its own
 * product of the weights with the unfolded input plus the bias, bit for bit, with and without the bias and the ReLU.
 * Output rows of 1 value, shorter than a vector, exactly one (16 floats at 512 bits, 8 at 256), one past it, the
 * first layers' 26, and two vectors and one past.
 */
class Convolve3x3Test {
    private static final int OFFSET = 3;
    private final VectorKernels simd = new VectorKernels();
    private final ScalarKernels scalar = new ScalarKernels();

    /** An item, weights {@code [outChannels, 9]} and a bias, with a fixed seed. */
    private record Case(int height, int width, int outChannels, float[] x, float[] w, float[] bias) {
        static Case of(int height, int width, int outChannels) {
            Random r = new Random(97L * height + width + 31L * outChannels);
            float[] x = new float[OFFSET + height * width + 2];
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextFloat() * 2f - 1f;
            }
            float[] w = new float[OFFSET + 9 * outChannels];
            for (int i = 0; i < w.length; i++) {
                w[i] = r.nextFloat() - 0.5f;
            }
            float[] bias = new float[OFFSET + outChannels];
            for (int i = 0; i < bias.length; i++) {
                bias[i] = r.nextFloat() - 0.5f;
            }
            return new Case(height, width, outChannels, x, w, bias);
        }

        int pixels() {
            return (height - 2) * (width - 2);
        }

        /** The output of {@code kernels} after {@code OFFSET} junk values, with junk after it too. */
        float[] run(Kernels kernels, boolean withBias, boolean relu) {
            float[] out = new float[OFFSET + outChannels * pixels() + 3];
            Arrays.fill(out, 42f);
            kernels.convolve3x3(height, width, x, OFFSET, outChannels, w, OFFSET, withBias ? bias : null, OFFSET,
                    relu, out, OFFSET);
            return out;
        }
    }

    @ParameterizedTest(name = "{0}x{1} input, {2} output channels")
    @CsvSource({"3, 3, 1", "4, 5, 2", "3, 17, 3", "5, 18, 4", "6, 19, 5", "4, 10, 3", "28, 28, 32", "7, 35, 33"})
    void bothImplementationsGiveTheSumsOverTheNineTapsWithinRounding(int height, int width, int outChannels) {
        Case c = Case.of(height, width, outChannels);
        int outWidth = width - 2;
        for (boolean withBias : new boolean[] {false, true}) {
            for (boolean relu : new boolean[] {false, true}) {
                float[] fast = c.run(simd, withBias, relu);
                float[] plain = c.run(scalar, withBias, relu);
                for (int o = 0; o < outChannels; o++) {
                    for (int p = 0; p < c.pixels(); p++) {
                        double exact = withBias ? c.bias()[OFFSET + o] : 0;
                        double magnitude = Math.abs(exact);
                        for (int t = 0; t < 9; t++) {
                            double term = (double) c.w()[OFFSET + 9 * o + t]
                                    * c.x()[OFFSET + (p / outWidth + t / 3) * width + p % outWidth + t % 3];
                            exact += term;
                            magnitude += Math.abs(term);
                        }
                        double expected = relu ? Math.max(exact, 0) : exact;
                        double bound = 1e-6 * 10 * magnitude + 1e-30;
                        int at = OFFSET + o * c.pixels() + p;
                        assertThat(Math.abs(fast[at] - expected)).as("simd channel %d pixel %d", o, p)
                                .isLessThanOrEqualTo(bound);
                        assertThat(Math.abs(plain[at] - expected)).as("scalar channel %d pixel %d", o, p)
                                .isLessThanOrEqualTo(bound);
                    }
                }
                for (float[] out : new float[][] {fast, plain}) {
                    assertThat(Arrays.copyOfRange(out, 0, OFFSET)).containsOnly(42f);
                    assertThat(Arrays.copyOfRange(out, OFFSET + outChannels * c.pixels(), out.length))
                            .containsOnly(42f);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}x{1} input, {2} output channels")
    @CsvSource({"3, 3, 1", "4, 5, 2", "3, 17, 3", "5, 18, 4", "6, 19, 5", "4, 10, 3", "28, 28, 32", "7, 35, 33"})
    void eachImplementationEqualsItsOwnProductOfTheWeightsWithTheUnfoldedInputPlusTheBias(int height, int width,
                                                                                        int outChannels) {
        Case c = Case.of(height, width, outChannels);
        int pixels = c.pixels();
        int outWidth = width - 2;
        float[] cols = new float[9 * pixels];              // cols [9, pixels]
        for (int t = 0; t < 9; t++) {
            for (int p = 0; p < pixels; p++) {
                cols[t * pixels + p] = c.x()[OFFSET + (p / outWidth + t / 3) * width + p % outWidth + t % 3];
            }
        }
        for (Kernels kernels : new Kernels[] {simd, scalar}) {
            float[] product = new float[outChannels * pixels];
            kernels.sgemm(false, false, outChannels, pixels, 9, 1f, c.w(), OFFSET, 9, cols, 0, pixels, 0f, product,
                    0, pixels);
            float[] out = c.run(kernels, true, false);
            for (int o = 0; o < outChannels; o++) {
                for (int p = 0; p < pixels; p++) {
                    assertThat(out[OFFSET + o * pixels + p]).as("%s channel %d pixel %d", kernels.name(), o, p)
                            .isEqualTo(product[o * pixels + p] + c.bias()[OFFSET + o]);
                }
            }
        }
    }
}
