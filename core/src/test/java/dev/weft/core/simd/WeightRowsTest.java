package dev.weft.core.simd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Kernels#weightRows}: both implementations against the exact (double) sums, and against each other bit for
 * bit (each sum is one fused multiply-add per term, in the same order), on row counts below, at and past a tile,
 * widths that are and are not a whole number of panels, output rows of one value up to the weft CNN's, and row
 * starts scattered or in a 3x3 kernel's runs of three (the vector kernel's nine-row tile).
 */
class WeightRowsTest {
    private static final int OFFSET = 3;
    private final VectorKernels simd = new VectorKernels();
    private final ScalarKernels scalar = new ScalarKernels();

    static Stream<Arguments> shapes() {
        int panel = new VectorKernels().panelWidth();
        return Stream.of(
                Arguments.of(1, 1, 1, 1, panel, false), Arguments.of(7, 2, 3, 5, panel, false),
                Arguments.of(8, 1, 24, 26, panel, false), Arguments.of(17, 3, 9, 10, 2 * panel, false),
                Arguments.of(288, 24, 24, 26, panel, false), Arguments.of(9, 4, 5, 7, 5, false),
                Arguments.of(16, 2, 3, 3, panel + 1, false), Arguments.of(33, 5, 1, 2, panel, false),
                // A 3x3 kernel's taps: row starts in runs of three consecutive values.
                Arguments.of(9, 1, 24, 26, panel, true), Arguments.of(288, 24, 24, 26, panel, true),
                Arguments.of(576, 10, 10, 12, 2 * panel, true), Arguments.of(27, 3, 5, 7, panel + 1, true),
                Arguments.of(12, 2, 3, 5, panel, true));
    }

    /**
     * An input, row starts scattered over it (repeats allowed), positions as a convolution's output pixels
     * ({@code segments} rows of {@code segmentLength} in an input {@code segmentStride} wide) and a position-major
     * gradient, with a fixed seed. With {@code runsOfThree} the row starts come in runs of three consecutive
     * values, as a 3x3 kernel's taps do.
     */
    private record Case(int[] positions, int width, float[] x, int[] rowStarts, float[] g) {
        static Case of(int rows, int segments, int segmentLength, int segmentStride, int width,
                       boolean runsOfThree) {
            Random r = new Random(17L * rows + 5L * segments + 3L * segmentLength + width);
            int span = (segments - 1) * segmentStride + segmentLength;
            int[] rowStarts = new int[rows];
            for (int i = 0; i < rows; i++) {
                rowStarts[i] = !runsOfThree ? r.nextInt(2 * span + 10)
                        : i % 3 == 0 ? r.nextInt(2 * span + 8) : rowStarts[i - 1] + 1;
            }
            float[] x = new float[OFFSET + 3 * span + 10];
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextFloat() * 2f - 1f;
            }
            float[] g = new float[segments * segmentLength * width];
            for (int i = 0; i < g.length; i++) {
                g[i] = r.nextFloat() - 0.5f;
            }
            int[] positions = new int[segments * segmentLength];
            for (int p = 0; p < positions.length; p++) {
                positions[p] = p / segmentLength * segmentStride + p % segmentLength;
            }
            return new Case(positions, width, x, rowStarts, g);
        }

        /** The output of {@code kernels}, after {@code OFFSET} junk values, with junk after it too. */
        float[] run(Kernels kernels) {
            float[] out = new float[OFFSET + rowStarts.length * width + 3];
            Arrays.fill(out, 42f);
            kernels.weightRows(positions, x, OFFSET, rowStarts, g, width, out, OFFSET);
            return out;
        }

        double exact(int row, int column, boolean magnitude) {
            double sum = 0;
            for (int p = 0; p < positions.length; p++) {
                double term = (double) x[OFFSET + rowStarts[row] + positions[p]] * g[p * width + column];
                sum += magnitude ? Math.abs(term) : term;
            }
            return sum;
        }
    }

    @ParameterizedTest(name = "rows={0} segments={1}x{2} stride={3} width={4} runs of three={5}")
    @MethodSource("shapes")
    void bothImplementationsGiveTheSumsWithinRounding(int rows, int segments, int length, int stride, int width,
                                                       boolean runsOfThree) {
        Case c = Case.of(rows, segments, length, stride, width, runsOfThree);
        float[] fast = c.run(simd);
        float[] plain = c.run(scalar);
        int depth = segments * length;
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < width; o++) {
                double bound = 1e-6 * (depth + 1) * c.exact(r, o, true) + 1e-30;
                int at = OFFSET + r * width + o;
                assertThat(Math.abs(fast[at] - c.exact(r, o, false))).as("simd at row %d, column %d", r, o)
                        .isLessThan(bound);
                assertThat(Math.abs(plain[at] - c.exact(r, o, false))).as("scalar at row %d, column %d", r, o)
                        .isLessThan(bound);
            }
        }
    }

    @ParameterizedTest(name = "rows={0} segments={1}x{2} stride={3} width={4} runs of three={5}")
    @MethodSource("shapes")
    void theVectorKernelEqualsItsScalarTwinBitForBitAndWritesNothingElse(int rows, int segments, int length,
                                                                          int stride, int width, boolean runsOfThree) {
        Case c = Case.of(rows, segments, length, stride, width, runsOfThree);
        float[] fast = c.run(simd);
        float[] plain = c.run(scalar);
        assertThat(Arrays.mismatch(fast, plain)).as("first difference").isEqualTo(-1);
        for (int i = 0; i < OFFSET; i++) {
            assertThat(fast[i]).isEqualTo(42f);
        }
        for (int i = OFFSET + rows * width; i < fast.length; i++) {
            assertThat(fast[i]).isEqualTo(42f);
        }
    }
}
