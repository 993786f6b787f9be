package dev.weft.core.conv;

import dev.weft.core.Tensor;

/**
 * Forward and backward passes of one 2-D convolution with a fixed {@link ConvGeometry}, each run by the algorithm its
 * {@link ConvolutionPlan} names. The definition, and the formulas every path computes, are in
 * {@link ReferenceConvolution}, which the plan can also choose. The fast paths:
 * <ul>
 *   <li>{@link GroupedGemm}: the batch cut into groups of items fixed by the geometry; each group's input unfolded
 *       block by block straight into the GEMM's panels ({@link Unfolded}, an implicit im2col); the forward pass,
 *       the weight gradient, and the input gradient followed by col2im as matrix products.</li>
 *   <li>{@link DotWeightGradient}: the weight gradient of a kernel with few taps as dot products.</li>
 *   <li>{@link ChannelsLastWeightGradient} and {@link ChannelsLastInputGradient}: the grouped GEMM's weight
 *       gradient and input gradient channels-last, so that the panels are mostly plain copies and col2im adds whole
 *       vectors.</li>
 *   <li>{@link InPlaceForward} and {@link InPlaceWeightGradient}: for stride 1 without padding, the input
 *       multiplied where it lies ({@code Kernels.convolveRows}, {@code Kernels.weightRows}), nothing unfolded.</li>
 *   <li>{@link Direct3x3Forward}: for a 3x3 kernel on one input channel, stride 1, no padding, the output row by
 *       row from the nine shifted input runs under it.</li>
 *   <li>{@link InPlaceInputGradient}: for stride 1 without padding, the input gradient as a convolution of the
 *       zero-bordered output gradient with the turned kernel.</li>
 * </ul>
 * Every fast backward pass runs in {@link GroupedBackward}'s frame: groups in parallel, each thread with its own
 * scratch, the group partial gradients added in group order, so results are bit-identical whatever the thread
 * count.
 *
 * <p>{@code new Convolution(geometry)} runs {@link ConvolutionPlan#choose}, or {@link ReferenceConvolution} for
 * every pass when the JVM runs with {@code -Dweft.convolution=reference} (for teaching and debugging; the accepted
 * values are {@code fast}, the default, and {@code reference}). {@code new Convolution(geometry, plan)} runs the
 * given plan.
 *
 * <p>An instance reuses its scratch (per pool thread, and the per-group partial gradients) from call to call, so
 * it is not thread-safe: use one instance per thread (or per layer in training). Tensors are NCHW; weights
 * {@code [outChannels, inChannels, kernelHeight, kernelWidth]}; bias {@code [outChannels]} or {@code null}.
 *
 * <pre>{@code
 * ConvGeometry g = ConvGeometry.valid(64, 1, 28, 28, 32, 3, 3, 1);
 * Convolution conv = new Convolution(g);
 * conv.forward(images, weights, bias, output);                  // output [64, 32, 26, 26]
 * conv.backward(images, weights, dOutput, null, dWeights, dBias); // no dInput for the first layer
 * conv.plan().weightGradient();                                 // DOT: a kernel of 9 taps
 * }</pre>
 */
public final class Convolution {
    private final ConvGeometry g;
    private final ConvolutionPlan plan;
    /** The reference, when the plan runs it; else {@code null}. */
    private final ReferenceConvolution reference;
    /** The grouped GEMM, when the plan runs it for some pass; else {@code null}. */
    private final GroupedGemm gemm;
    /** The in-place forward pass, when the plan runs it; else {@code null}. */
    private final InPlaceForward inPlaceForward;
    /** The direct 3x3 forward pass, when the plan runs it; else {@code null}. */
    private final Direct3x3Forward direct3x3Forward;
    /** The fast backward pass, unless the plan runs the reference. */
    private final GroupedBackward backward;

    /**
     * A convolution of the given geometry, running {@link ConvolutionPlan#configured}; scratch is allocated on
     * first use and then reused.
     *
     * @throws IllegalArgumentException if {@code -Dweft.convolution} has a value other than {@code fast} or
     *     {@code reference}
     */
    public Convolution(ConvGeometry geometry) {
        this(geometry, ConvolutionPlan.configured(geometry));
    }

    /**
     * A convolution of the given geometry running the given plan, e.g. {@link ConvolutionPlan#reference}.
     *
     * @throws IllegalArgumentException if the plan was made for another geometry
     */
    public Convolution(ConvGeometry geometry, ConvolutionPlan plan) {
        if (!plan.geometry().equals(geometry)) {
            throw new IllegalArgumentException("a plan for " + plan.geometry() + " cannot run " + geometry);
        }
        this.g = geometry;
        this.plan = plan;
        this.reference = plan.isReference() ? new ReferenceConvolution(g) : null;
        boolean gemmRuns = plan.forward() == ConvolutionPlan.ForwardPath.GEMM
                || plan.weightGradient() == ConvolutionPlan.WeightGradientPath.GEMM
                || plan.inputGradient() == ConvolutionPlan.InputGradientPath.GEMM_COL2IM;
        this.gemm = gemmRuns ? new GroupedGemm(g, plan.groupSize()) : null;
        this.inPlaceForward = plan.forward() == ConvolutionPlan.ForwardPath.IN_PLACE ? new InPlaceForward(g) : null;
        this.direct3x3Forward = plan.forward() == ConvolutionPlan.ForwardPath.DIRECT_3X3
                ? new Direct3x3Forward(g) : null;
        this.backward = plan.isReference() ? null
                : new GroupedBackward(g, plan.groupSize(), weightGradient(), inputGradient());
    }

    private GroupedBackward.WeightGradient weightGradient() {
        switch (plan.weightGradient()) {
            case DOT:
                return new DotWeightGradient(g, plan.groupSize());
            case IN_PLACE:
                return new InPlaceWeightGradient(g);
            case CHANNELS_LAST:
                return new ChannelsLastWeightGradient(g, plan.groupSize());
            default:
                return gemm;
        }
    }

    private GroupedBackward.InputGradient inputGradient() {
        switch (plan.inputGradient()) {
            case IN_PLACE:
                return new InPlaceInputGradient(g);
            case CHANNELS_LAST:
                return new ChannelsLastInputGradient(g, plan.groupSize());
            default:
                return gemm;
        }
    }

    /** The geometry this convolution was built for. */
    public ConvGeometry geometry() {
        return g;
    }

    /** Which algorithm runs each pass. */
    public ConvolutionPlan plan() {
        return plan;
    }

    /**
     * {@code output[n,o,y,x] = bias[o] + sum_{c,i,j} weights[o,c,i,j] * input[n,c,y*s+i-padTop,x*s+j-padLeft]}
     * (zero outside the image). {@code output} is overwritten.
     */
    public void forward(Tensor input, Tensor weights, Tensor bias, Tensor output) {
        forward(input, weights, bias, output, false);
    }

    /**
     * As {@link #forward(Tensor, Tensor, Tensor, Tensor)}, then, with {@code relu}, {@code max(output, 0)} in the
     * same pass over each group's output while it is still in cache (a convolution followed by a ReLU, fused:
     * the ReLU layer's own pass over memory is saved).
     */
    public void forward(Tensor input, Tensor weights, Tensor bias, Tensor output, boolean relu) {
        ConvSupport.checkSizes(g, input, weights, output);
        switch (plan.forward()) {
            case IN_PLACE:
                inPlaceForward.forward(input, weights, bias, output, relu);
                break;
            case DIRECT_3X3:
                direct3x3Forward.forward(input, weights, bias, output, relu);
                break;
            case GEMM:
                gemm.forward(input, weights, bias, output, relu);
                break;
            default:
                reference.forward(input, weights, bias, output, relu);
        }
    }

    /**
     * Given {@code dOutput = dL/dOutput}: {@code dInput} (if not null) is overwritten with dL/dInput, and
     * {@code dWeights += dL/dWeights}, {@code dBias += sum_{n,y,x} dOutput} (if not null) accumulate.
     */
    public void backward(Tensor input, Tensor weights, Tensor dOutput, Tensor dInput, Tensor dWeights, Tensor dBias) {
        backward(input, weights, null, dOutput, dInput, dWeights, dBias);
    }

    /**
     * The backward pass of a forward with {@code relu}: {@code reluOutput} is that forward's output and
     * {@code dOutput} the gradient of the loss with respect to it, so the convolution's own output gradient is
     * {@code dOutput} where {@code reluOutput > 0} and zero elsewhere (the ReLU's backward, done while each group's
     * gradient is gathered). With {@code reluOutput == null} this is
     * {@link #backward(Tensor, Tensor, Tensor, Tensor, Tensor, Tensor)}.
     */
    public void backward(Tensor input, Tensor weights, Tensor reluOutput, Tensor dOutput, Tensor dInput,
                         Tensor dWeights, Tensor dBias) {
        ConvSupport.checkBackward(g, input, weights, reluOutput, dOutput, dInput, dWeights);
        if (reference != null) {
            reference.backward(input, weights, reluOutput, dOutput, dInput, dWeights, dBias);
        } else {
            backward.backward(input, weights, reluOutput, dOutput, dInput, dWeights, dBias);
        }
    }
}
