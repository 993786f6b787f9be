package dev.weft.core.conv;

import dev.weft.core.Parallel;
import dev.weft.core.Tensor;
import dev.weft.core.simd.Kernels;

/**
 * The frame of every fast backward pass: the batch cut into the plan's groups, run in parallel; each group's output
 * gradient {@code dY [outChannels, items * P]} gathered once (with a fused ReLU, zero where the output was not
 * positive), its bias gradient summed, then its weight gradient and input gradient computed by the plan's
 * strategies; finally the per-group partial gradients added in group order, so that the sums are the same whatever
 * the thread count.
 */
final class GroupedBackward {
    /** One group's weight gradient, by one of the strategies. */
    interface WeightGradient {
        /**
         * {@code dW_group [outChannels, K]} of the {@code items} items from {@code first} on, into {@code partial}
         * from {@code at} (overwritten). Output channel {@code o}'s gradient row is {@code items * P} values of
         * {@code dY} from {@code dYOffset + o * items * P}.
         */
        void weightGradient(Kernels kernels, Tensor input, int first, int items, float[] dY, int dYOffset,
                            float[] partial, int at);
    }

    /** One group's input gradient, by one of the strategies. */
    interface InputGradient {
        /** Called once per backward pass, before the groups, with the weights (a strategy may rearrange them). */
        default void prepare(Tensor weights) {
        }

        /**
         * {@code dInput} of the {@code items} items from {@code first} on (overwritten), from {@code dY} laid out as
         * in {@link WeightGradient#weightGradient}.
         */
        void inputGradient(Kernels kernels, Tensor weights, float[] dY, int dYOffset, int first, int items,
                           Tensor dInput);
    }

    /** A thread's output gradient of one group, channel-major (unused for one image without a ReLU: read in place). */
    private record Scratch(float[] dY) {
    }

    private final ConvGeometry g;
    /** {@code outHeight * outWidth}: output pixels per item. */
    private final int pixels;
    private final int group;
    private final int groups;
    private final WeightGradient weightGradient;
    private final InputGradient inputGradient;
    private final ThreadLocal<Scratch> scratch;
    /** Per-group partial weight and bias gradients, combined in group order. */
    private float[] partialWeights;
    private float[] partialBias;

    GroupedBackward(ConvGeometry g, int group, WeightGradient weightGradient, InputGradient inputGradient) {
        this.g = g;
        this.pixels = g.outHeight() * g.outWidth();
        this.group = group;
        this.groups = ConvSupport.ceilDiv(g.batch(), group);
        this.weightGradient = weightGradient;
        this.inputGradient = inputGradient;
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(new float[g.outChannels() * group * pixels]));
    }

    /** See {@link Convolution#backward(Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor)}; sizes checked. */
    void backward(Tensor input, Tensor weights, Tensor reluOutput, Tensor dOutput, Tensor dInput, Tensor dWeights,
                  Tensor dBias) {
        int outChannels = g.outChannels();
        int weightSize = g.weightSize();
        if (partialWeights == null) {
            partialWeights = new float[groups * weightSize];
            partialBias = new float[groups * outChannels];
        }
        Kernels kernels = Kernels.get();
        if (dInput != null) {
            inputGradient.prepare(weights);
        }
        Parallel.forRange(groups, 1, (from, to) -> {
            float[] dY = scratch.get().dY();
            for (int q = from; q < to; q++) {
                int first = q * group;
                int items = Math.min(group, g.batch() - first);
                int columns = items * pixels;
                // dY [outChannels, items * pixels]: one image's NCHW block as it is, or gathered from NCHW.
                // With a fused ReLU, dY = dOutput where the output is positive, else 0.
                float[] dYData = dY;
                int dYOffset = 0;
                if (group == 1 && reluOutput == null) {
                    dYData = dOutput.data();
                    dYOffset = dOutput.offset() + first * outChannels * pixels;
                } else if (group == 1) {
                    int at = first * outChannels * pixels;
                    kernels.reluBackward(outChannels * pixels, reluOutput.data(), reluOutput.offset() + at,
                            dOutput.data(), dOutput.offset() + at, dY, 0);
                } else {
                    for (int m = 0; m < items; m++) {
                        for (int o = 0; o < outChannels; o++) {
                            int at = ((first + m) * outChannels + o) * pixels;
                            if (reluOutput == null) {
                                System.arraycopy(dOutput.data(), dOutput.offset() + at,
                                        dY, o * columns + m * pixels, pixels);
                            } else {
                                kernels.reluBackward(pixels, reluOutput.data(), reluOutput.offset() + at,
                                        dOutput.data(), dOutput.offset() + at, dY, o * columns + m * pixels);
                            }
                        }
                    }
                }
                for (int o = 0; o < outChannels; o++) {
                    partialBias[q * outChannels + o] = kernels.sum(columns, dYData, dYOffset + o * columns);
                }
                weightGradient.weightGradient(kernels, input, first, items, dYData, dYOffset, partialWeights,
                        q * weightSize);
                if (dInput != null) {
                    inputGradient.inputGradient(kernels, weights, dYData, dYOffset, first, items, dInput);
                }
            }
        });
        // The batch sums, in group order whatever the thread count.
        for (int q = 0; q < groups; q++) {
            kernels.add(weightSize, dWeights.data(), dWeights.offset(), partialWeights, q * weightSize,
                    dWeights.data(), dWeights.offset());
            if (dBias != null) {
                kernels.add(outChannels, dBias.data(), dBias.offset(), partialBias, q * outChannels,
                        dBias.data(), dBias.offset());
            }
        }
    }
}
