package dev.weft.core.conv;

import dev.weft.core.Tensor;
import dev.weft.core.Parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The im2col + GEMM convolution against {@link ReferenceConvolution}, the loop-by-loop definition. Tolerance: every
 * element within {@code 1e-5 + 1e-4 * |expected|} (the fast version sums in another order, with FMAs).
 */
class ConvolutionTest {
    enum Padding { VALID, SAME }

    private static ConvGeometry of(int batch, int in, int height, int width, int out, int kh, int kw, int stride,
                                   Padding padding) {
        return padding == Padding.VALID ? ConvGeometry.valid(batch, in, height, width, out, kh, kw, stride)
                : ConvGeometry.same(batch, in, height, width, out, kh, kw, stride);
    }
    private static final float ABS = 1e-5f;
    private static final float REL = 1e-4f;
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    /** Inputs, weights and gradients of one geometry, with a fixed seed. */
    private record Case(ConvGeometry g, Tensor input, Tensor weights, Tensor bias, Tensor dOutput) {
        static Case of(ConvGeometry g) {
            return new Case(g,
                    Tensor.uniform(new int[] {g.batch(), g.inChannels(), g.height(), g.width()}, -1f, 1f, 1L),
                    Tensor.uniform(new int[] {g.outChannels(), g.inChannels(), g.kernelHeight(), g.kernelWidth()},
                            -0.5f, 0.5f, 2L),
                    Tensor.uniform(new int[] {g.outChannels()}, -1f, 1f, 3L),
                    Tensor.uniform(new int[] {g.batch(), g.outChannels(), g.outHeight(), g.outWidth()}, -1f, 1f, 4L));
        }

        Tensor output() {
            return Tensor.zeros(g.batch(), g.outChannels(), g.outHeight(), g.outWidth());
        }

        Tensor[] gradients() {
            return new Tensor[] {
                Tensor.filled(Float.NaN, input.shape()),           // overwritten
                Tensor.filled(0.25f, weights.shape()),             // accumulated
                Tensor.filled(-0.5f, bias.shape())};               // accumulated
        }

        Tensor[] fast() {
            Convolution conv = new Convolution(g);
            Tensor out = output();
            conv.forward(input, weights, bias, out);
            Tensor[] grads = gradients();
            conv.backward(input, weights, dOutput, grads[0], grads[1], grads[2]);
            return new Tensor[] {out, grads[0], grads[1], grads[2]};
        }
    }

    @ParameterizedTest(name = "batch={0} in={1} {2}x{3} out={4} kernel={5}x{6} stride={7} {8}")
    @CsvSource({
        "1, 1, 7, 7, 1, 3, 3, 1, VALID",
        "3, 2, 9, 11, 5, 3, 3, 1, VALID",
        "2, 3, 9, 8, 4, 3, 3, 2, VALID",
        "2, 3, 7, 9, 5, 3, 3, 1, SAME",
        "1, 4, 10, 7, 3, 5, 3, 2, SAME",
        "2, 5, 6, 6, 33, 1, 1, 1, VALID",
        "1, 2, 5, 5, 3, 4, 4, 3, SAME",
        "4, 7, 5, 5, 17, 3, 3, 1, VALID",
        "5, 3, 8, 9, 6, 3, 3, 1, SAME",
        "3, 2, 20, 18, 5, 3, 3, 1, SAME",
        "3, 33, 7, 6, 9, 3, 3, 1, VALID",
        "2, 31, 6, 7, 10, 3, 3, 2, SAME",
        "6, 1, 9, 9, 4, 3, 3, 2, SAME",
        "4, 1, 12, 12, 8, 3, 3, 1, VALID",
        "2, 2, 20, 19, 5, 3, 3, 1, VALID",       // 18x17 outputs, 18 taps: both passes in place
        "1, 3, 19, 24, 33, 3, 3, 1, VALID",
        "2, 33, 18, 19, 4, 3, 3, 1, VALID",      // in place, input channels past one panel
        "1, 4, 21, 20, 6, 2, 3, 1, VALID",       // in place, a kernel wider than it is high
        "5, 8, 12, 12, 6, 3, 3, 1, VALID",       // input gradient in place, groups of 2 and a last group of 1
        "3, 9, 6, 7, 35, 3, 3, 1, VALID"})       // forward in place, output channels past one panel
    void forwardAndBackwardMatchTheNaiveDefinition(int batch, int in, int height, int width, int out,
                                                   int kh, int kw, int stride, Padding padding) {
        ConvGeometry g = of(batch, in, height, width, out, kh, kw, stride, padding);
        Case c = Case.of(g);
        Tensor[] fast = c.fast();

        ReferenceConvolution naive = new ReferenceConvolution(g);
        Tensor expectedOut = c.output();
        naive.forward(c.input(), c.weights(), c.bias(), expectedOut);
        Tensor[] expected = c.gradients();
        naive.backward(c.input(), c.weights(), c.dOutput(), expected[0], expected[1], expected[2]);

        assertThat(fast[0].allClose(expectedOut, ABS, REL)).as("output").isTrue();
        assertThat(fast[1].allClose(expected[0], ABS, REL)).as("dInput").isTrue();
        assertThat(fast[2].allClose(expected[1], ABS, REL)).as("dWeights").isTrue();
        assertThat(fast[3].allClose(expected[2], ABS, REL)).as("dBias").isTrue();
    }

    @ParameterizedTest(name = "stride={0} {1} height={2} in={3}")
    @CsvSource({"1, VALID, 13, 6", "2, SAME, 13, 6", "1, SAME, 20, 6", "1, VALID, 13, 1", "1, VALID, 20, 2"})
    void oneAndTwoThreadsGiveBitIdenticalResults(int stride, Padding padding, int height, int in) {
        Case c = Case.of(of(9, in, height, 11 + height - 13, 20, 3, 3, stride, padding));
        Parallel.setThreads(1);
        Tensor[] one = c.fast();
        Parallel.setThreads(2);
        Tensor[] two = c.fast();
        for (int i = 0; i < one.length; i++) {
            assertThat(Arrays.mismatch(two[i].toArray(), one[i].toArray())).as("first difference in result %d", i)
                    .isEqualTo(-1);
        }
    }

    @ParameterizedTest(name = "batch={0} in={1} size={2} out={3}")
    @CsvSource({"3, 2, 20, 4", "9, 6, 13, 5"})   // one image per group (18x18 outputs), and grouped (11x11)
    void aFusedReluEqualsTheConvolutionThenTheRelu(int batch, int in, int size, int out) {
        Case c = Case.of(of(batch, in, size, size, out, 3, 3, 1, Padding.VALID));
        Convolution conv = new Convolution(c.g());
        Tensor plain = c.output();
        conv.forward(c.input(), c.weights(), c.bias(), plain);
        float[] expected = plain.toArray();
        float[] mask = new float[expected.length];
        for (int i = 0; i < expected.length; i++) {
            mask[i] = expected[i] > 0f ? 1f : 0f;
            expected[i] = expected[i] > 0f ? expected[i] : 0f;
        }
        Tensor fused = c.output();
        conv.forward(c.input(), c.weights(), c.bias(), fused, true);
        assertThat(fused.toArray()).containsExactly(expected);

        Tensor masked = c.dOutput().copy();
        for (int i = 0; i < mask.length; i++) {
            masked.data()[i] *= mask[i];
        }
        Tensor[] reference = c.gradients();
        conv.backward(c.input(), c.weights(), masked, reference[0], reference[1], reference[2]);
        Tensor[] got = c.gradients();
        conv.backward(c.input(), c.weights(), fused, c.dOutput(), got[0], got[1], got[2]);
        for (int i = 0; i < got.length; i++) {
            assertThat(got[i].toArray()).as("gradient %d", i).containsExactly(reference[i].toArray());
        }
    }

    @Test
    void groupsOfTheBatchDependOnTheGeometryNotOnTheThreadCount() {
        int[][] seedLayers = {{1, 28, 32}, {32, 13, 64}, {64, 5, 128}};
        int[] expected = {1, 7, 32};
        for (int threads = 1; threads <= 2; threads++) {
            Parallel.setThreads(threads);
            for (int i = 0; i < seedLayers.length; i++) {
                int[] l = seedLayers[i];
                ConvGeometry g = of(64, l[0], l[1], l[1], l[2], 3, 3, 1, Padding.VALID);
                assertThat(ConvolutionPlan.choose(g).groupSize()).as("layer %d", i).isEqualTo(expected[i]);
            }
        }
        assertThat(ConvolutionPlan.choose(of(1, 1, 5, 5, 1, 3, 3, 1, Padding.VALID)).groupSize()).isEqualTo(1);
    }

    @Test
    void withoutDInputOrBiasOnlyTheWeightGradientAccumulates() {
        Case c = Case.of(of(2, 1, 8, 8, 4, 3, 3, 1, Padding.VALID));
        Convolution conv = new Convolution(c.g());
        Tensor dWeights = Tensor.zeros(c.weights().shape());
        conv.backward(c.input(), c.weights(), c.dOutput(), null, dWeights, null);
        Tensor once = dWeights.copy();
        conv.backward(c.input(), c.weights(), c.dOutput(), null, dWeights, null);
        // Accumulated, not overwritten: twice the single pass (up to the rounding of the second sum).
        assertThat(dWeights.allClose(Tensor.of(scaled(once.toArray(), 2f), once.shape()), 1e-6f, 1e-6f)).isTrue();
    }

    private static float[] scaled(float[] x, float factor) {
        for (int i = 0; i < x.length; i++) {
            x[i] *= factor;
        }
        return x;
    }

    @ParameterizedTest(name = "in={0} size={1} out={2}")
    @CsvSource({"2, 20, 5", "3, 9, 4"})    // the forward pass in place (18x18 outputs, 18 taps), and grouped
    void viewsIntoLargerArraysGiveTheSameResultsAsTheirCopies(int in, int size, int out) {
        Case c = Case.of(of(3, in, size, size, out, 3, 3, 1, Padding.VALID));
        Tensor[] expected = c.fast();
        Case views = new Case(c.g(), atOffset(c.input(), 7), atOffset(c.weights(), 3), atOffset(c.bias(), 5),
                atOffset(c.dOutput(), 11));
        Convolution conv = new Convolution(c.g());
        Tensor output = atOffset(c.output(), 2);
        conv.forward(views.input(), views.weights(), views.bias(), output, false);
        Tensor[] grads = {atOffset(Tensor.filled(Float.NaN, c.input().shape()), 4),
            atOffset(Tensor.filled(0.25f, c.weights().shape()), 6), atOffset(Tensor.filled(-0.5f, c.bias().shape()), 1)};
        conv.backward(views.input(), views.weights(), views.dOutput(), grads[0], grads[1], grads[2]);
        assertThat(output.toArray()).containsExactly(expected[0].toArray());
        for (int i = 0; i < grads.length; i++) {
            assertThat(grads[i].toArray()).as("gradient %d", i).containsExactly(expected[i + 1].toArray());
        }
    }

    /** A copy of {@code t} as a view that starts {@code offset} floats into a larger array (junk around it). */
    private static Tensor atOffset(Tensor t, int offset) {
        float[] data = new float[offset + t.size() + 3];
        Arrays.fill(data, 1e30f);
        System.arraycopy(t.data(), t.offset(), data, offset, t.size());
        return Tensor.view(data, offset, t.shape());
    }

    @Test
    void rejectsTensorsOfAnotherGeometry() {
        Convolution conv = new Convolution(of(2, 1, 8, 8, 4, 3, 3, 1, Padding.VALID));
        assertThatThrownBy(() -> conv.forward(Tensor.zeros(2, 1, 9, 9), Tensor.zeros(4, 1, 3, 3), null,
                Tensor.zeros(2, 4, 6, 6)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[2, 1, 9, 9]");
    }
}
