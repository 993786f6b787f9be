package dev.weft.core.conv;

import java.util.Objects;

/**
 * Which algorithm runs each pass of a {@link Convolution} of one geometry, and how many batch items the fast paths
 * take at a time. {@link #choose} picks the fastest paths for the geometry; {@link #reference} runs
 * {@link ReferenceConvolution} for all three passes; {@link #configured} is what {@code new Convolution(geometry)}
 * runs: the chosen plan, or the reference with {@code -Dweft.convolution=reference}.
 *
 * <pre>{@code
 * ConvolutionPlan plan = ConvolutionPlan.choose(ConvGeometry.valid(64, 32, 26, 26, 32, 3, 3, 1));
 * plan.forward();          // IN_PLACE: stride 1, no padding, 24x24 outputs per image
 * plan.weightGradient();   // IN_PLACE
 * plan.inputGradient();    // IN_PLACE: the output covers 85% of the input
 * new Convolution(plan.geometry(), plan.withInputGradient(InputGradientPath.GEMM_COL2IM)); // force another path
 * }</pre>
 *
 * <p>Every fast path gives results that are bit-identical whatever the thread count. The forward paths
 * {@link ForwardPath#GEMM}, {@link ForwardPath#IN_PLACE} and {@link ForwardPath#DIRECT_3X3} give the same bits as
 * each other; the other paths sum in their own order, so they agree with each other and with the reference to
 * rounding.
 *
 * @param geometry the convolution's sizes
 * @param forward the algorithm of {@link Convolution#forward}
 * @param weightGradient the algorithm of the weight gradient in {@link Convolution#backward}
 * @param inputGradient the algorithm of the input gradient in {@link Convolution#backward}
 * @param groupSize batch items per group of the fast paths, fixed by the geometry (never by the thread count) so
 *     that the sums do not depend on the thread count; unused by the reference
 */
public record ConvolutionPlan(ConvGeometry geometry, ForwardPath forward, WeightGradientPath weightGradient,
                              InputGradientPath inputGradient, int groupSize) {

    /** The system property that chooses the implementation: {@code fast} (the default) or {@code reference}. */
    public static final String PROPERTY = "weft.convolution";

    /** Target size of one packed block of a group's unfolded input in floats (1 MiB), so that it stays in L2. */
    static final int COLS_BUDGET = 1 << 18;
    /** A group gives the GEMM at least this many columns, so that its 32-column micro-tiles are mostly full. */
    static final int MIN_COLUMNS = 128;
    /** From this many output pixels on, one image is a wide enough product alone, written straight into NCHW. */
    static final int DIRECT_PIXELS = 256;
    /** Up to this many kernel taps a product is too shallow for the GEMM's 32-column panels, mostly zero padding. */
    static final int DOT_TAPS = 16;
    /**
     * Least share of the input's pixels the output must cover for the input gradient to run in place, since the
     * rest of that path's work multiplies the zero border around the output gradient.
     */
    static final double GRADIENT_FILL = 0.65;
    /**
     * Least share of the wide grid's positions that must be output pixels for the forward pass to run in place,
     * since the positions between rows are computed and dropped (a 3x3 output on a 5x5 input uses 9 of 13).
     */
    static final double FORWARD_FILL = 0.75;
    /**
     * From this many input channels on, the grouped weight gradient and col2im work channels-last: a kernel row's
     * taps ({@code kernelWidth * inChannels} values) and a position's channels are then runs that fill whole
     * vectors.
     */
    static final int CHANNELS_LAST_MIN = 16;

    /** The algorithm of the forward pass. */
    public enum ForwardPath {
        /** {@link GroupedGemm}: the weights times the group's unfolded input, gathered block by block. */
        GEMM,
        /** {@link InPlaceForward}: each input value multiplied where it lies, on the "wide grid". */
        IN_PLACE,
        /**
         * {@link Direct3x3Forward}: a 3x3 kernel on one input channel, row by row, the nine shifted input runs under
         * each run of outputs loaded once for every output channel.
         */
        DIRECT_3X3,
        /** {@link ReferenceConvolution}: the definition, loop by loop. */
        REFERENCE
    }

    /** The algorithm of the weight gradient. */
    public enum WeightGradientPath {
        /** {@link GroupedGemm}: the output gradient times the unfolded input, transposed. */
        GEMM,
        /**
         * {@link ChannelsLastWeightGradient}: the same product, the group's input first turned channels-last so
         * that a window's taps are runs of consecutive values; the same bits as {@link #GEMM}.
         */
        CHANNELS_LAST,
        /** {@link DotWeightGradient}: one dot product per weight, for kernels of few taps. */
        DOT,
        /** {@link InPlaceWeightGradient}: the input read where it lies, one image at a time. */
        IN_PLACE,
        /** {@link ReferenceConvolution}: the definition, loop by loop. */
        REFERENCE
    }

    /** The algorithm of the input gradient. */
    public enum InputGradientPath {
        /** {@link GroupedGemm}: the weights, transposed, times the output gradient, then the windows folded back. */
        GEMM_COL2IM,
        /** {@link InPlaceInputGradient}: the zero-bordered output gradient convolved with the turned kernel. */
        IN_PLACE,
        /**
         * {@link ChannelsLastInputGradient}: the same product and col2im, channels-last, so that col2im adds runs of
         * {@code inChannels} values; the same bits as {@link #GEMM_COL2IM}.
         */
        CHANNELS_LAST,
        /** {@link ReferenceConvolution}: the definition, loop by loop. */
        REFERENCE
    }

    /**
     * A plan whose paths can all run {@code geometry}.
     *
     * @throws IllegalArgumentException if a path cannot run the geometry (an in-place path needs stride 1 and no
     *     padding; the in-place weight gradient needs groups of one item), if the reference runs some passes but
     *     not all, or if {@code groupSize} is not between 1 and the batch size
     */
    public ConvolutionPlan {
        Objects.requireNonNull(geometry, "geometry");
        Objects.requireNonNull(forward, "forward");
        Objects.requireNonNull(weightGradient, "weightGradient");
        Objects.requireNonNull(inputGradient, "inputGradient");
        if (groupSize < 1 || groupSize > geometry.batch()) {
            throw new IllegalArgumentException("a group of " + groupSize + " items for a batch of "
                    + geometry.batch());
        }
        int references = (forward == ForwardPath.REFERENCE ? 1 : 0)
                + (weightGradient == WeightGradientPath.REFERENCE ? 1 : 0)
                + (inputGradient == InputGradientPath.REFERENCE ? 1 : 0);
        if (references != 0 && references != 3) {
            throw new IllegalArgumentException("the reference convolution runs all three passes or none, not "
                    + forward + ", " + weightGradient + ", " + inputGradient);
        }
        boolean inPlaceFits = geometry.stride() == 1 && !ConvSupport.overhangs(geometry);
        if (!inPlaceFits && (forward == ForwardPath.IN_PLACE || weightGradient == WeightGradientPath.IN_PLACE
                || inputGradient == InputGradientPath.IN_PLACE)) {
            throw new IllegalArgumentException("an in-place path needs stride 1 and no padding, not " + geometry);
        }
        if (forward == ForwardPath.DIRECT_3X3 && !(inPlaceFits && direct3x3Fits(geometry))) {
            throw new IllegalArgumentException("the direct 3x3 forward pass needs one input channel, a 3x3 kernel, "
                    + "stride 1 and no padding, not " + geometry);
        }
        if (weightGradient == WeightGradientPath.IN_PLACE && groupSize != 1) {
            throw new IllegalArgumentException("the in-place weight gradient takes one image at a time, not groups of "
                    + groupSize);
        }
    }

    /**
     * The fastest paths for {@code geometry}. The batch is cut into groups of {@link #groupSize} items: one image
     * when it has at least 256 output pixels, else as many as keep a packed block of the unfolded input around
     * 1 MiB while giving the GEMM at least 128 columns, and at most half the batch so that two cores both have
     * work. With stride 1 and no padding, the forward pass runs in place when the kernel has more than 16 taps and
     * at least 75% of the wide grid's positions are output pixels (whatever the group: it takes one image at a
     * time and gives the GEMM's bits), or directly when the kernel is 3x3 on one input channel (the GEMM's bits
     * too), the weight gradient in place when the groups are of one item, and the input
     * gradient when more than 16 taps feed each input value and the output covers at least 65% of the input. A
     * weight gradient of at most 16 taps is dot products. Otherwise, with at least 16 input channels, the grouped
     * weight gradient and input gradient (GEMM and col2im) run channels-last; everything else is the grouped GEMM.
     */
    public static ConvolutionPlan choose(ConvGeometry g) {
        int k = g.inChannels() * g.kernelHeight() * g.kernelWidth();
        int pixels = g.outHeight() * g.outWidth();
        int group = groupSize(g);
        boolean inPlaceFits = g.stride() == 1 && !ConvSupport.overhangs(g);
        // A kernel of the first layer's size (9 taps) leaves the in-place tiles too short. A small image wastes
        // more of the wide grid (15% at 12x12) but still less than gathering its taps into panels costs; a tiny
        // one wastes more.
        int gridPixels = (g.outHeight() - 1) * g.width() + g.outWidth();
        boolean inPlace = k > DOT_TAPS && inPlaceFits;
        ForwardPath forward = inPlace && pixels >= FORWARD_FILL * gridPixels ? ForwardPath.IN_PLACE
                : inPlaceFits && direct3x3Fits(g) ? ForwardPath.DIRECT_3X3
                : ForwardPath.GEMM;
        WeightGradientPath weightGradient = k <= DOT_TAPS ? WeightGradientPath.DOT
                : inPlace && group == 1 ? WeightGradientPath.IN_PLACE
                : g.inChannels() >= CHANNELS_LAST_MIN ? WeightGradientPath.CHANNELS_LAST : WeightGradientPath.GEMM;
        boolean gradientInPlace = inPlaceFits && g.outChannels() * g.kernelHeight() * g.kernelWidth() > DOT_TAPS
                && pixels >= GRADIENT_FILL * g.height() * g.width();
        InputGradientPath inputGradient = gradientInPlace ? InputGradientPath.IN_PLACE
                : g.inChannels() >= CHANNELS_LAST_MIN ? InputGradientPath.CHANNELS_LAST
                : InputGradientPath.GEMM_COL2IM;
        return new ConvolutionPlan(g, forward, weightGradient, inputGradient, group);
    }

    /** Whether {@link ForwardPath#DIRECT_3X3} can run {@code g}, given stride 1 and no padding. */
    private static boolean direct3x3Fits(ConvGeometry g) {
        return g.inChannels() == 1 && g.kernelHeight() == 3 && g.kernelWidth() == 3;
    }

    /** {@link ReferenceConvolution} for all three passes: slow, and readable line by line against the math. */
    public static ConvolutionPlan reference(ConvGeometry geometry) {
        return new ConvolutionPlan(geometry, ForwardPath.REFERENCE, WeightGradientPath.REFERENCE,
                InputGradientPath.REFERENCE, groupSize(geometry));
    }

    /**
     * The plan {@code new Convolution(geometry)} runs, as the system property {@value #PROPERTY} says:
     * {@code fast} (or unset) gives {@link #choose}, {@code reference} gives {@link #reference}. The property is
     * read on each call, so it applies to every convolution built after it is set.
     *
     * @throws IllegalArgumentException if the property has another value
     */
    public static ConvolutionPlan configured(ConvGeometry geometry) {
        String value = System.getProperty(PROPERTY, "fast");
        switch (value) {
            case "fast":
                return choose(geometry);
            case "reference":
                return reference(geometry);
            default:
                throw new IllegalArgumentException("-D" + PROPERTY + "=" + value
                        + " is not an accepted value: use fast (the default) or reference");
        }
    }

    /** This plan with {@code path} for the forward pass. */
    public ConvolutionPlan withForward(ForwardPath path) {
        return new ConvolutionPlan(geometry, path, weightGradient, inputGradient, groupSize);
    }

    /** This plan with {@code path} for the weight gradient. */
    public ConvolutionPlan withWeightGradient(WeightGradientPath path) {
        return new ConvolutionPlan(geometry, forward, path, inputGradient, groupSize);
    }

    /** This plan with {@code path} for the input gradient. */
    public ConvolutionPlan withInputGradient(InputGradientPath path) {
        return new ConvolutionPlan(geometry, forward, weightGradient, path, groupSize);
    }

    /** Whether this plan runs {@link ReferenceConvolution} (for all three passes). */
    public boolean isReference() {
        return forward == ForwardPath.REFERENCE;
    }

    /**
     * The paths and the group size, e.g. {@code "forward IN_PLACE, weight gradient IN_PLACE, input gradient
     * GEMM_COL2IM, groups of 1"}; the geometry is left out, since whoever prints a plan usually shows it already.
     */
    @Override
    public String toString() {
        return "forward " + forward + ", weight gradient " + weightGradient + ", input gradient " + inputGradient
                + ", groups of " + groupSize;
    }

    /**
     * Items per group: one image with many output pixels, else enough to fill {@link #MIN_COLUMNS} or the
     * {@link #COLS_BUDGET}, whichever is more, but at most half the batch so that both cores have work.
     */
    private static int groupSize(ConvGeometry g) {
        int k = g.inChannels() * g.kernelHeight() * g.kernelWidth();
        int pixels = g.outHeight() * g.outWidth();
        int byBudget = Math.max(1, COLS_BUDGET / (k * pixels));
        int byWidth = Math.max(1, (MIN_COLUMNS + pixels - 1) / pixels);
        return pixels >= DIRECT_PIXELS ? 1 : Math.min(Math.max(byBudget, byWidth), Math.max(1, g.batch() / 2));
    }
}
