package dev.weft.core.simd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Kernels#convolveRows}: both implementations against the exact (double) sums, and each against its own
 * GEMM of the weights with the unfolded input, bit for bit, on odd numbers of positions (fewer than a tile,
 * one past a tile), widths that are and are not a whole number of panels, and tap counts of one and several depth
 * blocks; with taps scattered, and with taps in runs of three consecutive offsets as a 3x3 kernel's are (the vector
 * kernels' tile for such runs), all through or in the first depth block only. Wide grids whose rows are narrower
 * than their stride ask for some positions only: those get the sums and the bits of a call asking for all.
 */
class ConvolveRowsTest {
    private static final int OFFSET = 5;
    private final VectorKernels simd = new VectorKernels();
    private final ScalarKernels scalar = new ScalarKernels();

    static Stream<Arguments> shapes() {
        int panel = new VectorKernels().panelWidth();
        return Stream.of(
                Arguments.of(1, panel, 1, false), Arguments.of(3, panel, 9, false), Arguments.of(7, panel, 17, false),
                Arguments.of(8, panel, 18, false), Arguments.of(9, 2 * panel, 288, false),
                Arguments.of(17, panel, 300, false), Arguments.of(33, 2 * panel, 577, false),
                Arguments.of(100, panel, 31, false), Arguments.of(9, 5, 17, false),
                Arguments.of(17, panel + 1, 300, false), Arguments.of(1, 1, 1, false),
                // Taps in runs of three: one tile, several depth blocks with an edge tile, runs in the first of two
                // blocks only (287 taps), too few positions for a tile, and a width that is not whole panels.
                Arguments.of(8, panel, 9, true), Arguments.of(9, 2 * panel, 288, true),
                Arguments.of(33, 2 * panel, 576, true), Arguments.of(19, panel, 287, true),
                Arguments.of(5, panel, 27, true), Arguments.of(11, 5, 18, true));
    }

    /**
     * Wide grids whose rows are narrower than their stride, so only some positions are asked for: the weft CNN's
     * 10x10 -> 8x8, 12x12 -> 10x10 and 26x26 -> 24x24 layers' grids (a row of one tile, of one and a part, of
     * three), rows of three 7 apart (a tile spans rows), rows of nine 11 apart (the last tile an edge tile), and
     * one row shorter than a tile.
     */
    static Stream<Arguments> rows() {
        int panel = new VectorKernels().panelWidth();
        return Stream.of(
                Arguments.of(7 * 10 + 8, 8, 10, panel, 576), Arguments.of(9 * 12 + 10, 10, 12, panel, 288),
                Arguments.of(23 * 26 + 24, 24, 26, panel, 288), Arguments.of(4 * 7 + 3, 3, 7, panel, 27),
                Arguments.of(5 * 11 + 9, 9, 11, 2 * panel, 18), Arguments.of(9 * 11 + 9, 9, 11, panel, 300),
                Arguments.of(5, 5, 9, panel, 9));
    }

    /**
     * An input, taps scattered over it (repeats allowed) and transposed weights ({@code [K, width]} row-major), with
     * a fixed seed. With {@code runs}, each whole group of three taps is a run of consecutive offsets from a
     * scattered start, and the one or two taps left over are scattered.
     */
    private record Case(int positions, int rowLength, int rowStride, int width, float[] x, int[] taps,
                        float[] wT) {
        static Case of(int positions, int width, int k, boolean runs) {
            return of(positions, positions, positions, width, k, runs);
        }

        static Case of(int positions, int rowLength, int rowStride, int width, int k, boolean runs) {
            Random r = new Random(31L * positions + width + 7L * k);
            int[] taps = new int[k];
            for (int t = 0; t < k; t++) {
                boolean inRun = runs && t % 3 != 0 && t - t % 3 + 2 < k;
                taps[t] = inRun ? taps[t - 1] + 1 : r.nextInt(4 * positions + 38);
            }
            float[] x = new float[OFFSET + 4 * positions + 40 + positions];
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextFloat() * 2f - 1f;
            }
            float[] wT = new float[k * width];
            for (int i = 0; i < wT.length; i++) {
                wT[i] = r.nextFloat() - 0.5f;
            }
            return new Case(positions, rowLength, rowStride, width, x, taps, wT);
        }

        /**
         * The output of {@code kernels}, after {@code OFFSET} junk values, with junk after it too; {@code wT}
         * ({@code [K, width]} row-major) laid out as {@code kernels} reads it.
         */
        float[] run(Kernels kernels) {
            float[] out = new float[OFFSET + positions * width + 3];
            Arrays.fill(out, 42f);
            kernels.convolveRows(positions, rowLength, rowStride, width, x, OFFSET, taps,
                    laidOut(kernels, taps.length, width, wT), out, OFFSET);
            return out;
        }

        boolean askedFor(int p) {
            return p % rowStride < rowLength;
        }
    }

    /** {@code wT [k, width]} row-major, moved to where {@code kernels.tapWeightIndex} says. */
    static float[] laidOut(Kernels kernels, int k, int width, float[] wT) {
        float[] laid = new float[k * width];
        for (int t = 0; t < k; t++) {
            for (int o = 0; o < width; o++) {
                laid[kernels.tapWeightIndex(k, width, t, o)] = wT[t * width + o];
            }
        }
        return laid;
    }

    @ParameterizedTest(name = "positions={0} width={1} taps={2} runs={3}")
    @MethodSource("shapes")
    void tapWeightIndexPlacesEveryWeightOnceWithRowsOfAPanelAPanelApart(int positions, int width, int k, boolean runs) {
        for (Kernels kernels : new Kernels[] {simd, scalar}) {
            boolean[] taken = new boolean[k * width];
            for (int t = 0; t < k; t++) {
                for (int o = 0; o < width; o++) {
                    int at = kernels.tapWeightIndex(k, width, t, o);
                    assertThat(taken[at]).as("%s: (%d, %d) at a taken index", kernels.name(), t, o).isFalse();
                    taken[at] = true;
                    if (t > 0) {
                        int panel = at - kernels.tapWeightIndex(k, width, t - 1, o);
                        assertThat(panel).as("%s: stride between taps", kernels.name())
                                .isEqualTo(kernels == simd && width % simd.panelWidth() == 0
                                        ? simd.panelWidth() : width);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "positions={0} width={1} taps={2} runs={3}")
    @MethodSource("shapes")
    void bothImplementationsGiveTheSumsOverTapsWithinRounding(int positions, int width, int k, boolean runs) {
        assertTheSumsOverTapsWithinRounding(Case.of(positions, width, k, runs));
    }

    @ParameterizedTest(name = "positions={0} rows of {1} every {2} width={3} taps={4}")
    @MethodSource("rows")
    void rowsNarrowerThanTheirStrideGiveTheSumsAtThePositionsAskedFor(int positions, int rowLength, int rowStride,
                                                                      int width, int k) {
        assertTheSumsOverTapsWithinRounding(Case.of(positions, rowLength, rowStride, width, k, true));
    }

    @ParameterizedTest(name = "positions={0} rows of {1} every {2} width={3} taps={4}")
    @MethodSource("rows")
    void rowsNarrowerThanTheirStrideGiveTheBitsOfAllPositions(int positions, int rowLength, int rowStride, int width,
                                                              int k) {
        Case rows = Case.of(positions, rowLength, rowStride, width, k, true);
        Case all = new Case(positions, positions, positions, width, rows.x(), rows.taps(), rows.wT());
        for (Kernels kernels : new Kernels[] {simd, scalar}) {
            float[] some = rows.run(kernels);
            float[] every = all.run(kernels);
            for (int p = 0; p < positions; p++) {
                if (rows.askedFor(p)) {
                    int at = OFFSET + p * width;
                    assertThat(Arrays.copyOfRange(some, at, at + width)).as("%s at position %d", kernels.name(), p)
                            .isEqualTo(Arrays.copyOfRange(every, at, at + width));
                }
            }
        }
    }

    private void assertTheSumsOverTapsWithinRounding(Case c) {
        int positions = c.positions();
        int width = c.width();
        int k = c.taps().length;
        float[] fast = c.run(simd);
        float[] plain = c.run(scalar);
        for (int p = 0; p < positions; p++) {
            if (!c.askedFor(p)) {
                continue;
            }
            for (int o = 0; o < width; o++) {
                double exact = 0;
                double magnitude = 0;
                for (int t = 0; t < k; t++) {
                    double term = (double) c.x()[OFFSET + p + c.taps()[t]] * c.wT()[t * width + o];
                    exact += term;
                    magnitude += Math.abs(term);
                }
                double bound = 1e-6 * (k + 1) * magnitude + 1e-30;
                int at = OFFSET + p * width + o;
                assertThat(Math.abs(fast[at] - exact)).as("simd at position %d, channel %d", p, o).isLessThan(bound);
                assertThat(Math.abs(plain[at] - exact)).as("scalar at position %d, channel %d", p, o)
                        .isLessThan(bound);
            }
        }
        for (float[] out : new float[][] {fast, plain}) {
            assertThat(Arrays.copyOfRange(out, 0, OFFSET)).containsOnly(42f);
            assertThat(Arrays.copyOfRange(out, OFFSET + positions * width, out.length)).containsOnly(42f);
        }
    }

    @ParameterizedTest(name = "positions={0} width={1} taps={2} runs={3}")
    @MethodSource("shapes")
    void eachImplementationEqualsItsOwnGemmOfTheWeightsWithTheUnfoldedInput(int positions, int width, int k, boolean runs) {
        Case c = Case.of(positions, width, k, runs);
        float[] weights = new float[width * k];            // W [width, K]
        float[] cols = new float[k * positions];           // cols [K, positions]
        for (int t = 0; t < k; t++) {
            for (int o = 0; o < width; o++) {
                weights[o * k + t] = c.wT()[t * width + o];
            }
            for (int p = 0; p < positions; p++) {
                cols[t * positions + p] = c.x()[OFFSET + p + c.taps()[t]];
            }
        }
        for (Kernels kernels : new Kernels[] {simd, scalar}) {
            float[] product = new float[width * positions];
            kernels.sgemm(false, false, width, positions, k, 1f, weights, 0, k, cols, 0, positions, 0f, product, 0,
                    positions);
            float[] out = c.run(kernels);
            for (int p = 0; p < positions; p++) {
                for (int o = 0; o < width; o++) {
                    assertThat(out[OFFSET + p * width + o]).as("%s at position %d, channel %d", kernels.name(), p, o)
                            .isEqualTo(product[o * positions + p]);
                }
            }
        }
    }
}
