package dev.weft.core.conv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.core.Parallel;
import dev.weft.core.Tensor;
import dev.weft.core.conv.ConvolutionPlan.ForwardPath;
import dev.weft.core.conv.ConvolutionPlan.InputGradientPath;
import dev.weft.core.conv.ConvolutionPlan.WeightGradientPath;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Convolution}'s paths against {@link ReferenceConvolution}, the definition loop by loop. Each case first
 * asserts which paths {@link ConvolutionPlan} chose (or forces one), then compares. Tolerance against the reference:
 * every element within {@code 1e-5 + 1e-4 * |expected|}, since the fast paths sum in other orders, with fused
 * multiply-adds. Where two runs are meant to give the same bits (thread counts, the two forward paths, a pass whose
 * path did not change), the comparison is exact.
 */
class ConvolutionTest {
    enum Padding { VALID, SAME }

    private static final float ABS = 1e-5f;
    private static final float REL = 1e-4f;
    private static final String[] NAMES = {"output", "dInput", "dWeights", "dBias"};
    private final int savedThreads = Parallel.threads();
    private final String savedProperty = System.getProperty(ConvolutionPlan.PROPERTY);

    @AfterEach
    void restoreThreadsAndProperty() {
        Parallel.setThreads(savedThreads);
        if (savedProperty == null) {
            System.clearProperty(ConvolutionPlan.PROPERTY);
        } else {
            System.setProperty(ConvolutionPlan.PROPERTY, savedProperty);
        }
    }

    private static ConvGeometry of(int batch, int in, int height, int width, int out, int kh, int kw, int stride,
                                   Padding padding) {
        return padding == Padding.VALID ? ConvGeometry.valid(batch, in, height, width, out, kh, kw, stride)
                : ConvGeometry.same(batch, in, height, width, out, kh, kw, stride);
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

        /** The output, dInput, dWeights and dBias of one forward and one backward pass with {@code plan}. */
        Tensor[] run(ConvolutionPlan plan) {
            Convolution conv = new Convolution(g, plan);
            Tensor out = output();
            conv.forward(input, weights, bias, out);
            Tensor[] grads = gradients();
            conv.backward(input, weights, dOutput, grads[0], grads[1], grads[2]);
            return new Tensor[] {out, grads[0], grads[1], grads[2]};
        }
    }

    /** Every element of {@code actual} within the tolerance of {@code expected}; a failure names the first. */
    private static void assertClose(Tensor actual, Tensor expected, String name) {
        float[] a = actual.toArray();
        float[] e = expected.toArray();
        assertThat(a).as(name + " size").hasSameSizeAs(e);
        for (int i = 0; i < a.length; i++) {
            if (!(Math.abs(a[i] - e[i]) <= ABS + REL * Math.abs(e[i]))) {
                throw new AssertionError(name + "[" + i + "] = " + a[i] + ", expected " + e[i] + " within "
                        + ABS + " + " + REL + " * |expected|");
            }
        }
    }

    private static void assertAllClose(Tensor[] actual, Tensor[] expected, String what) {
        for (int i = 0; i < actual.length; i++) {
            assertClose(actual[i], expected[i], what + ": " + NAMES[i]);
        }
    }

    private static void assertSameBits(Tensor actual, Tensor expected, String name) {
        assertThat(Arrays.mismatch(actual.toArray(), expected.toArray())).as("first difference in %s", name)
                .isEqualTo(-1);
    }

    @ParameterizedTest(name = "batch={0} in={1} {2}x{3} out={4} kernel={5}x{6} stride={7} {8}: {9} {10} {11}")
    @CsvSource({
        "1, 1, 7, 7, 1, 3, 3, 1, VALID, DIRECT_3X3, DOT, GEMM_COL2IM",     // a single channel and pixel row
        "2, 3, 9, 8, 4, 3, 3, 2, VALID, GEMM, GEMM, GEMM_COL2IM",          // strided
        "2, 3, 7, 9, 5, 3, 3, 1, SAME, GEMM, GEMM, GEMM_COL2IM",           // padded
        "1, 4, 10, 7, 3, 5, 3, 2, SAME, GEMM, GEMM, GEMM_COL2IM",          // padded and strided, a 5x3 kernel
        "1, 2, 5, 5, 3, 4, 4, 3, SAME, GEMM, GEMM, GEMM_COL2IM",           // an even kernel, stride 3
        "2, 31, 6, 7, 10, 3, 3, 2, SAME, GEMM, CHANNELS_LAST, CHANNELS_LAST", // 31 channels, padded and strided
        "3, 20, 9, 8, 6, 2, 3, 2, VALID, GEMM, CHANNELS_LAST, CHANNELS_LAST", // kernel rows of 60 taps, strided
        "5, 16, 7, 7, 9, 3, 3, 1, VALID, IN_PLACE, CHANNELS_LAST, CHANNELS_LAST", // groups of 2, a last group of 1
        "4, 7, 5, 5, 17, 3, 3, 1, VALID, GEMM, GEMM, GEMM_COL2IM",         // groups of 2, 9 of 13 grid positions
        "5, 3, 8, 9, 6, 3, 3, 1, SAME, GEMM, GEMM, GEMM_COL2IM",           // groups of 2 and a last group of 1
        "3, 2, 20, 18, 5, 3, 3, 1, SAME, GEMM, GEMM, GEMM_COL2IM",         // one padded image per group
        "7, 5, 17, 17, 40, 5, 5, 1, VALID, IN_PLACE, GEMM, GEMM_COL2IM",   // 5x5, groups of 3
        "6, 1, 9, 9, 4, 3, 3, 2, SAME, GEMM, DOT, GEMM_COL2IM",            // few taps, padded, groups of 3
        "4, 1, 12, 12, 8, 3, 3, 1, VALID, DIRECT_3X3, DOT, IN_PLACE",      // few taps, groups of 2
        "3, 1, 28, 28, 32, 3, 3, 1, VALID, DIRECT_3X3, DOT, IN_PLACE",     // the first layers' geometry
        "2, 1, 9, 5, 3, 2, 2, 1, VALID, GEMM, DOT, GEMM_COL2IM",           // one channel, a 2x2 kernel
        "2, 5, 6, 6, 33, 1, 1, 1, VALID, GEMM, DOT, IN_PLACE",             // 1x1, output channels past one panel
        "5, 8, 12, 12, 6, 3, 3, 1, VALID, IN_PLACE, GEMM, IN_PLACE",       // groups of 2 and a last group of 1
        "3, 2, 9, 11, 5, 3, 3, 1, VALID, IN_PLACE, IN_PLACE, GEMM_COL2IM", // a batch of 3: groups of 1
        "3, 33, 7, 6, 9, 3, 3, 1, VALID, GEMM, IN_PLACE, CHANNELS_LAST",   // input channels past one panel, 20 of 28
        "3, 9, 6, 7, 35, 3, 3, 1, VALID, IN_PLACE, IN_PLACE, GEMM_COL2IM", // output channels past one panel
        "2, 2, 20, 19, 5, 3, 3, 1, VALID, IN_PLACE, IN_PLACE, IN_PLACE",   // 18x17 outputs, 18 taps
        "1, 3, 19, 24, 33, 3, 3, 1, VALID, IN_PLACE, IN_PLACE, IN_PLACE",
        "2, 33, 18, 19, 4, 3, 3, 1, VALID, IN_PLACE, IN_PLACE, IN_PLACE",  // input channels past one panel
        "1, 4, 21, 20, 6, 2, 3, 1, VALID, IN_PLACE, IN_PLACE, IN_PLACE"})  // a kernel wider than it is high
    void theChosenPathsMatchTheReference(int batch, int in, int height, int width, int out, int kh, int kw,
                                         int stride, Padding padding, ForwardPath forward,
                                         WeightGradientPath weightGradient, InputGradientPath inputGradient) {
        ConvGeometry g = of(batch, in, height, width, out, kh, kw, stride, padding);
        ConvolutionPlan plan = ConvolutionPlan.choose(g);
        assertThat(plan.forward()).as("forward").isEqualTo(forward);
        assertThat(plan.weightGradient()).as("weight gradient").isEqualTo(weightGradient);
        assertThat(plan.inputGradient()).as("input gradient").isEqualTo(inputGradient);
        Case c = Case.of(g);
        assertAllClose(c.run(plan), c.run(ConvolutionPlan.reference(g)), plan.toString());
    }

    /** Every plan of fast paths that can run {@code g} (each combination the plan's checks accept). */
    private static List<ConvolutionPlan> everyFastPlan(ConvGeometry g) {
        ConvolutionPlan chosen = ConvolutionPlan.choose(g);
        List<ConvolutionPlan> plans = new ArrayList<>();
        for (ForwardPath forward : ForwardPath.values()) {
            for (WeightGradientPath weightGradient : WeightGradientPath.values()) {
                for (InputGradientPath inputGradient : InputGradientPath.values()) {
                    if (forward == ForwardPath.REFERENCE || weightGradient == WeightGradientPath.REFERENCE
                            || inputGradient == InputGradientPath.REFERENCE) {
                        continue;
                    }
                    try {
                        plans.add(new ConvolutionPlan(g, forward, weightGradient, inputGradient, chosen.groupSize()));
                    } catch (IllegalArgumentException doesNotFit) {
                        // An in-place path on a padded or strided geometry, or the in-place weight gradient on groups.
                    }
                }
            }
        }
        return plans;
    }

    @ParameterizedTest(name = "batch={0} in={1} {2}x{3} out={4} stride={5} {6}: {7} plans")
    @CsvSource({
        "2, 2, 20, 19, 5, 1, VALID, 24",    // groups of 1, in place fits: every path
        "5, 8, 12, 12, 6, 1, VALID, 18",    // groups of 2: all but the in-place weight gradient
        "4, 1, 12, 12, 8, 1, VALID, 27",    // few taps on one channel, groups of 2: three forward paths
        "5, 3, 8, 9, 6, 1, SAME, 6",        // padded: no in-place path
        "2, 3, 9, 8, 4, 2, VALID, 6",       // strided: no in-place path
        "5, 17, 9, 9, 6, 2, SAME, 6"})      // padded and strided, 17 channels
    void everyPathThatFitsAGeometryMatchesTheReference(int batch, int in, int height, int width, int out, int stride,
                                                        Padding padding, int planCount) {
        ConvGeometry g = of(batch, in, height, width, out, 3, 3, stride, padding);
        Case c = Case.of(g);
        Tensor[] expected = c.run(ConvolutionPlan.reference(g));
        List<ConvolutionPlan> plans = everyFastPlan(g);
        assertThat(plans).hasSize(planCount);
        for (ConvolutionPlan plan : plans) {
            assertAllClose(c.run(plan), expected, plan.toString());
        }
    }

    @ParameterizedTest(name = "batch={0} in={1} size={2} out={3}")
    @CsvSource({"2, 2, 20, 5", "5, 8, 12, 6", "3, 33, 7, 9", "2, 1, 12, 8", "3, 1, 28, 7", "2, 1, 18, 3",
        "2, 1, 34, 33", "1, 1, 3, 2"})
    void theForwardPathsGiveTheSameBits(int batch, int in, int size, int out) {
        // Kernels.convolveRows and Kernels.convolve3x3 sum each element as the GEMM does, in the same order and
        // depth blocks, the bias after. On one channel the rows are 10, 26, 16, 32 and 1 outputs wide: shorter than
        // a vector, a vector and a part, one vector, two.
        ConvGeometry g = of(batch, in, size, size, out, 3, 3, 1, Padding.VALID);
        Case c = Case.of(g);
        ConvolutionPlan plan = ConvolutionPlan.choose(g);
        Tensor gemm = c.run(plan.withForward(ForwardPath.GEMM))[0];
        ForwardPath other = in == 1 ? ForwardPath.DIRECT_3X3 : ForwardPath.IN_PLACE;
        assertThat(c.run(plan.withForward(other))[0].toArray()).as("%s output, the bias added", other)
                .isEqualTo(gemm.toArray());
        Tensor fused = Tensor.zeros(gemm.shape());
        Tensor fusedByGemm = Tensor.zeros(gemm.shape());
        new Convolution(g, plan.withForward(other)).forward(c.input(), c.weights(), null, fused, true);
        new Convolution(g, plan.withForward(ForwardPath.GEMM)).forward(c.input(), c.weights(), null, fusedByGemm,
                true);
        assertThat(fused.toArray()).as("%s output without a bias, the ReLU applied", other)
                .isEqualTo(fusedByGemm.toArray());
    }

    @ParameterizedTest(name = "batch={0} in={1} {2}x{3} out={4} kernel={5}x{6} stride={7} {8}")
    @CsvSource({
        "5, 16, 7, 7, 9, 3, 3, 1, VALID",   // groups of 2 and a last group of 1
        "2, 31, 6, 7, 10, 3, 3, 2, SAME",   // padded and strided
        "3, 5, 9, 8, 40, 2, 3, 2, VALID",   // few channels, output channels past one panel
        "7, 32, 13, 13, 64, 3, 3, 1, VALID"}) // the reference CNN's second layer, with a short last group
    void theGroupedGemmGivesTheSameBitsChannelsLast(int batch, int in, int height, int width, int out, int kh,
                                                    int kw, int stride, Padding padding) {
        // Channels-last reorders the products' taps, not the sum each element takes, nor the order in which col2im
        // adds an input value's terms.
        ConvGeometry g = of(batch, in, height, width, out, kh, kw, stride, padding);
        Case c = Case.of(g);
        ConvolutionPlan plan = ConvolutionPlan.choose(g);
        Tensor[] gemm = c.run(plan.withWeightGradient(WeightGradientPath.GEMM)
                .withInputGradient(InputGradientPath.GEMM_COL2IM));
        Tensor[] channelsLast = c.run(plan.withWeightGradient(WeightGradientPath.CHANNELS_LAST)
                .withInputGradient(InputGradientPath.CHANNELS_LAST));
        assertSameBits(channelsLast[2], gemm[2], "dWeights");
        assertSameBits(channelsLast[1], gemm[1], "dInput");
    }

    @ParameterizedTest(name = "batch={0} in={1} size={2} out={3}")
    @CsvSource({"2, 2, 20, 5", "5, 8, 12, 6", "4, 1, 12, 8"})
    void aPassesPathChangesOnlyThatPassesResult(int batch, int in, int size, int out) {
        ConvGeometry g = of(batch, in, size, size, out, 3, 3, 1, Padding.VALID);
        Case c = Case.of(g);
        List<ConvolutionPlan> plans = everyFastPlan(g);
        ConvolutionPlan first = plans.get(0);
        Tensor[] base = c.run(first);
        for (ConvolutionPlan plan : plans) {
            Tensor[] got = c.run(plan);
            // The weight gradient and the input gradient come from their own strategies; the rest is shared.
            assertSameBits(got[0], base[0], plan + ": output");
            assertSameBits(got[3], base[3], plan + ": dBias");
            if (plan.weightGradient() == first.weightGradient()) {
                assertSameBits(got[2], base[2], plan + ": dWeights");
            }
            if (plan.inputGradient() == first.inputGradient()) {
                assertSameBits(got[1], base[1], plan + ": dInput");
            }
        }
    }

    @ParameterizedTest(name = "stride={0} {1} height={2} in={3}: {4} {5} {6}")
    @CsvSource({
        "1, VALID, 13, 6, IN_PLACE, GEMM, IN_PLACE",
        "2, SAME, 13, 6, GEMM, GEMM, GEMM_COL2IM",
        "1, SAME, 20, 6, GEMM, GEMM, GEMM_COL2IM",
        "1, VALID, 13, 1, DIRECT_3X3, DOT, IN_PLACE",
        "1, VALID, 20, 2, IN_PLACE, IN_PLACE, IN_PLACE"})
    void oneAndTwoThreadsGiveBitIdenticalResults(int stride, Padding padding, int height, int in,
                                                 ForwardPath forward, WeightGradientPath weightGradient,
                                                 InputGradientPath inputGradient) {
        ConvGeometry g = of(9, in, height, 11 + height - 13, 20, 3, 3, stride, padding);
        ConvolutionPlan plan = ConvolutionPlan.choose(g);
        assertThat(List.of(plan.forward(), plan.weightGradient(), plan.inputGradient()))
                .containsExactly(forward, weightGradient, inputGradient);
        Case c = Case.of(g);
        for (ConvolutionPlan each : everyFastPlan(g)) {
            Parallel.setThreads(1);
            Tensor[] one = c.run(each);
            Parallel.setThreads(2);
            Tensor[] two = c.run(each);
            for (int i = 0; i < one.length; i++) {
                assertSameBits(two[i], one[i], each + ": " + NAMES[i]);
            }
        }
    }

    @ParameterizedTest(name = "batch={0} in={1} size={2} out={3}: {4}")
    @CsvSource({"3, 2, 20, 4, IN_PLACE", "9, 6, 13, 5, IN_PLACE", "9, 6, 13, 5, GEMM"}) // groups of 1, of 2+
    void aFusedReluEqualsTheConvolutionThenTheRelu(int batch, int in, int size, int out, ForwardPath forward) {
        ConvGeometry g = of(batch, in, size, size, out, 3, 3, 1, Padding.VALID);
        Case c = Case.of(g);
        for (ConvolutionPlan plan : List.of(ConvolutionPlan.choose(g).withForward(forward),
                ConvolutionPlan.reference(g))) {
            Convolution conv = new Convolution(g, plan);
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
            assertThat(fused.toArray()).as("%s: output", plan).containsExactly(expected);

            Tensor masked = c.dOutput().copy();
            for (int i = 0; i < mask.length; i++) {
                masked.data()[i] *= mask[i];
            }
            Tensor[] reference = c.gradients();
            conv.backward(c.input(), c.weights(), masked, reference[0], reference[1], reference[2]);
            Tensor[] got = c.gradients();
            conv.backward(c.input(), c.weights(), fused, c.dOutput(), got[0], got[1], got[2]);
            for (int i = 0; i < got.length; i++) {
                assertSameBits(got[i], reference[i], plan + ": " + NAMES[i + 1]);
            }
        }
    }

    @Test
    void theReferenceComputesASmallValidCaseByHand() {
        // X = [1 2 3; 4 5 6; 7 8 9], W = [1 2; 3 4], b = 0.5: Y[y, x] = b + sum_{i,j} W[i, j] * X[y + i, x + j].
        ConvGeometry g = ConvGeometry.valid(1, 1, 3, 3, 1, 2, 2, 1);
        Tensor input = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
        Tensor weights = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        Tensor bias = Tensor.of(new float[] {0.5f}, 1);
        Convolution conv = new Convolution(g, ConvolutionPlan.reference(g));
        Tensor output = Tensor.zeros(1, 1, 2, 2);
        conv.forward(input, weights, bias, output);
        assertThat(output.toArray()).containsExactly(37.5f, 47.5f, 67.5f, 77.5f);

        // dY = [1 0; 0 2]: db = 1 + 2; dW[i, j] = X[i, j] + 2 X[i + 1, j + 1]; dX = W at (0, 0) plus 2 W at (1, 1).
        Tensor dOutput = Tensor.of(new float[] {1, 0, 0, 2}, 1, 1, 2, 2);
        Tensor dInput = Tensor.zeros(1, 1, 3, 3);
        Tensor dWeights = Tensor.zeros(1, 1, 2, 2);
        Tensor dBias = Tensor.zeros(1);
        conv.backward(input, weights, dOutput, dInput, dWeights, dBias);
        assertThat(dBias.toArray()).containsExactly(3f);
        assertThat(dWeights.toArray()).containsExactly(11f, 14f, 20f, 23f);
        assertThat(dInput.toArray()).containsExactly(1f, 2f, 0f, 3f, 6f, 4f, 0f, 6f, 8f);
    }

    @Test
    void theReferenceComputesASmallPaddedCaseByHand() {
        // X = [1 2; 3 4], a 3x3 kernel of ones, "same" padding: every window covers the whole image.
        ConvGeometry g = ConvGeometry.same(1, 1, 2, 2, 1, 3, 3, 1);
        Tensor input = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        Tensor weights = Tensor.filled(1f, 1, 1, 3, 3);
        ReferenceConvolution conv = new ReferenceConvolution(g);
        Tensor output = Tensor.zeros(1, 1, 2, 2);
        conv.forward(input, weights, null, output);
        assertThat(output.toArray()).containsExactly(10f, 10f, 10f, 10f);

        // dY = 1 everywhere: each input feeds all four outputs, so dX = 4; dW[i, j] sums the inputs that tap
        // (i, j) reads over the four windows (the centre tap reads them all).
        Tensor dInput = Tensor.zeros(1, 1, 2, 2);
        Tensor dWeights = Tensor.zeros(1, 1, 3, 3);
        conv.backward(input, weights, Tensor.filled(1f, 1, 1, 2, 2), dInput, dWeights, null);
        assertThat(dInput.toArray()).containsExactly(4f, 4f, 4f, 4f);
        assertThat(dWeights.toArray()).containsExactly(1f, 3f, 2f, 4f, 10f, 6f, 3f, 7f, 4f);
    }

    @Test
    void theSystemPropertyChoosesTheReferenceOrTheFastPlan() {
        ConvGeometry g = of(4, 3, 12, 12, 8, 3, 3, 1, Padding.VALID);
        System.clearProperty(ConvolutionPlan.PROPERTY);
        assertThat(new Convolution(g).plan()).isEqualTo(ConvolutionPlan.choose(g));
        System.setProperty(ConvolutionPlan.PROPERTY, "fast");
        assertThat(new Convolution(g).plan()).isEqualTo(ConvolutionPlan.choose(g));
        System.setProperty(ConvolutionPlan.PROPERTY, "reference");
        assertThat(new Convolution(g).plan()).isEqualTo(ConvolutionPlan.reference(g));
        assertThat(new Convolution(g).plan().isReference()).isTrue();
    }

    @Test
    void anUnknownSystemPropertyValueIsRejectedNamingTheAcceptedOnes() {
        ConvGeometry g = of(4, 3, 12, 12, 8, 3, 3, 1, Padding.VALID);
        System.setProperty(ConvolutionPlan.PROPERTY, "naive");
        assertThatThrownBy(() -> new Convolution(g))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-Dweft.convolution=naive")
                .hasMessageContaining("fast")
                .hasMessageContaining("reference");
    }

    @Test
    void aPlanRejectsPathsThatCannotRunItsGeometry() {
        ConvolutionPlan padded = ConvolutionPlan.choose(of(2, 3, 9, 9, 4, 3, 3, 1, Padding.SAME));
        assertThatThrownBy(() -> padded.withForward(ForwardPath.IN_PLACE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stride 1 and no padding");
        ConvolutionPlan threeChannels = ConvolutionPlan.choose(of(2, 3, 9, 9, 4, 3, 3, 1, Padding.VALID));
        assertThatThrownBy(() -> threeChannels.withForward(ForwardPath.DIRECT_3X3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one input channel");
        ConvolutionPlan strided = ConvolutionPlan.choose(of(2, 3, 9, 9, 4, 3, 3, 2, Padding.VALID));
        assertThatThrownBy(() -> strided.withInputGradient(InputGradientPath.IN_PLACE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stride 1 and no padding");
        ConvolutionPlan grouped = ConvolutionPlan.choose(of(5, 8, 12, 12, 6, 3, 3, 1, Padding.VALID));
        assertThat(grouped.groupSize()).isEqualTo(2);
        assertThatThrownBy(() -> grouped.withWeightGradient(WeightGradientPath.IN_PLACE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one image at a time");
        assertThatThrownBy(() -> grouped.withForward(ForwardPath.REFERENCE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("all three passes or none");
        ConvGeometry other = of(2, 3, 9, 9, 4, 3, 3, 1, Padding.VALID);
        assertThatThrownBy(() -> new Convolution(other, grouped))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot run");
    }

    @Test
    void groupsOfTheBatchDependOnTheGeometryNotOnTheThreadCount() {
        int[][] referenceLayers = {{1, 28, 32}, {32, 13, 64}, {64, 5, 128}};
        int[] expected = {1, 7, 32};
        for (int threads = 1; threads <= 2; threads++) {
            Parallel.setThreads(threads);
            for (int i = 0; i < referenceLayers.length; i++) {
                int[] l = referenceLayers[i];
                ConvGeometry g = of(64, l[0], l[1], l[1], l[2], 3, 3, 1, Padding.VALID);
                assertThat(ConvolutionPlan.choose(g).groupSize()).as("layer %d", i).isEqualTo(expected[i]);
            }
        }
        assertThat(ConvolutionPlan.choose(of(1, 1, 5, 5, 1, 3, 3, 1, Padding.VALID)).groupSize()).isEqualTo(1);
    }

    @Test
    void withoutDInputOrBiasOnlyTheWeightGradientAccumulates() {
        Case c = Case.of(of(2, 1, 8, 8, 4, 3, 3, 1, Padding.VALID));
        for (ConvolutionPlan plan : List.of(ConvolutionPlan.choose(c.g()), ConvolutionPlan.reference(c.g()))) {
            Convolution conv = new Convolution(c.g(), plan);
            Tensor dWeights = Tensor.zeros(c.weights().shape());
            conv.backward(c.input(), c.weights(), c.dOutput(), null, dWeights, null);
            Tensor once = dWeights.copy();
            conv.backward(c.input(), c.weights(), c.dOutput(), null, dWeights, null);
            // Accumulated, not overwritten: twice the single pass (up to the rounding of the second sum).
            assertClose(dWeights, Tensor.of(scaled(once.toArray(), 2f), once.shape()), plan + ": dWeights");
        }
    }

    private static float[] scaled(float[] x, float factor) {
        for (int i = 0; i < x.length; i++) {
            x[i] *= factor;
        }
        return x;
    }

    @ParameterizedTest(name = "in={0} size={1} out={2} {3}")
    @CsvSource({"2, 20, 5, CHOSEN", "3, 9, 4, CHOSEN", "2, 7, 3, REFERENCE"}) // in place (18x18 outputs), grouped
    void viewsIntoLargerArraysGiveTheSameResultsAsTheirCopies(int in, int size, int out, String which) {
        ConvGeometry g = of(3, in, size, size, out, 3, 3, 1, Padding.VALID);
        ConvolutionPlan plan = which.equals("CHOSEN") ? ConvolutionPlan.choose(g) : ConvolutionPlan.reference(g);
        Case c = Case.of(g);
        Tensor[] expected = c.run(plan);
        Case views = new Case(g, atOffset(c.input(), 7), atOffset(c.weights(), 3), atOffset(c.bias(), 5),
                atOffset(c.dOutput(), 11));
        Convolution conv = new Convolution(g, plan);
        Tensor output = atOffset(c.output(), 2);
        conv.forward(views.input(), views.weights(), views.bias(), output, false);
        Tensor[] grads = {atOffset(Tensor.filled(Float.NaN, c.input().shape()), 4),
            atOffset(Tensor.filled(0.25f, c.weights().shape()), 6), atOffset(Tensor.filled(-0.5f, c.bias().shape()), 1)};
        conv.backward(views.input(), views.weights(), views.dOutput(), grads[0], grads[1], grads[2]);
        assertSameBits(output, expected[0], "output");
        for (int i = 0; i < grads.length; i++) {
            assertSameBits(grads[i], expected[i + 1], NAMES[i + 1]);
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
        ConvGeometry g = of(2, 1, 8, 8, 4, 3, 3, 1, Padding.VALID);
        for (ConvolutionPlan plan : List.of(ConvolutionPlan.choose(g), ConvolutionPlan.reference(g))) {
            Convolution conv = new Convolution(g, plan);
            assertThatThrownBy(() -> conv.forward(Tensor.zeros(2, 1, 9, 9), Tensor.zeros(4, 1, 3, 3), null,
                    Tensor.zeros(2, 4, 6, 6)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("[2, 1, 9, 9]");
        }
    }
}
