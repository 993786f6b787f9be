package dev.weft.data;

import dev.weft.layers.BatchNorm;
import dev.weft.layers.Conv2D;
import dev.weft.layers.Dense;
import dev.weft.layers.Dropout;
import dev.weft.layers.Flatten;
import dev.weft.layers.Layer;
import dev.weft.layers.MaxPool2D;
import dev.weft.layers.Models;
import dev.weft.layers.Padding;
import dev.weft.layers.ReLU;
import dev.weft.layers.Residual;
import dev.weft.layers.Sequential;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One change to the {@code weft} {@link Recipe}, to try on the validation split: each variant changes one thing
 * (the network, the schedule, or the augmentation) and keeps the rest of the recipe. {@link #BASELINE} is the
 * recipe itself. The study trains the baseline; the benchmarks take {@code --variant NAME}.
 */
public enum RecipeVariant {
    /** The recipe as it is. */
    BASELINE("baseline", "the recipe as it is"),
    /** A residual block in addition to the network's convolutions. */
    RESIDUAL("residual", "adds a residual block (3x3 SAME convolutions of 32 channels, BatchNorm, skip connection,"
            + " ReLU) between the first pooling and the second block, on 12x12 images"),
    /** Wider convolutions. */
    WIDE("wide", "48 and 96 channels in the two blocks instead of 32 and 64"),
    /** Narrower convolutions: cheaper epochs. */
    NARROW("narrow", "24 and 48 channels in the two blocks instead of 32 and 64"),
    /** The one-cycle learning-rate policy instead of warm-up + cosine. */
    ONE_CYCLE("onecycle", "one-cycle schedule (Smith and Topin 2018): from peak/25 up to the peak 2e-3 over 30% of"
            + " the steps, then down to peak/25/1e4, instead of a one-epoch warm-up and cosine decay"),
    /** A higher peak learning rate. */
    PEAK_4E3("peak4e-3", "peak learning rate 4e-3 instead of 2e-3 (same one-epoch warm-up and cosine decay)"),
    /** Stronger decoupled weight decay. */
    DECAY_0_2("decay0.2", "AdamW weight decay 0.2 instead of 5e-4 (like the recipe's, multiplied by the scheduled"
            + " learning rate)"),
    /** Random erasing on top of the shifts. */
    ERASING("erasing", "random erasing (Zhong et al. 2017: p 0.5, 2-40% of the image, aspect 0.3-3.3, erased to 0)"
            + " after the 1-pixel shifts");

    private final String label;
    private final String change;

    RecipeVariant(String label, String change) {
        this.label = label;
        this.change = change;
    }

    /** The name on the command line, e.g. {@code onecycle}. */
    public String label() {
        return label;
    }

    /** What the variant changes, in one sentence fragment. */
    public String change() {
        return change;
    }

    /** The variant whose {@link #label()} is {@code label}. */
    public static RecipeVariant of(String label) {
        for (RecipeVariant v : values()) {
            if (v.label.equals(label)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown variant " + label + ": expected one of " + labels());
    }

    /** All labels, comma-separated, for messages. */
    public static String labels() {
        return Arrays.stream(values()).map(RecipeVariant::label).collect(Collectors.joining(", "));
    }

    /** The peak learning rate of the weft schedule under this variant, given the recipe's. */
    float peak(float recipePeak) {
        return this == PEAK_4E3 ? 2 * recipePeak : recipePeak;
    }

    /** The AdamW weight decay of the weft recipe under this variant, given the recipe's. */
    float weightDecay(float recipeDecay) {
        return this == DECAY_0_2 ? 0.2f : recipeDecay;
    }

    /** The weft network under this variant; the baseline is {@link Models#weftCnn}. */
    Sequential network(long seed) {
        return switch (this) {
            case WIDE -> weftCnn(seed, 48, 96, false);
            case NARROW -> weftCnn(seed, 24, 48, false);
            case RESIDUAL -> weftCnn(seed, 32, 64, true);
            default -> Models.weftCnn(seed);
        };
    }

    /** {@link Models#weftCnn} with other channel counts, optionally with a residual block after the first pooling. */
    private static Sequential weftCnn(long seed, int first, int second, boolean residual) {
        List<Layer> layers = new ArrayList<>(List.of(
                new Conv2D(first, 3, 1, Padding.VALID), new BatchNorm(), new ReLU(),
                new Conv2D(first, 3, 1, Padding.VALID), new BatchNorm(), new ReLU(),
                new MaxPool2D(2)));
        if (residual) {
            layers.addAll(List.of(new Residual(3), new ReLU()));
        }
        layers.addAll(List.of(
                new Conv2D(second, 3, 1, Padding.VALID), new BatchNorm(), new ReLU(),
                new Conv2D(second, 3, 1, Padding.VALID), new BatchNorm(), new ReLU(),
                new MaxPool2D(2),
                new Flatten(),
                new Dense(256), new BatchNorm(), new ReLU(), new Dropout(0.3),
                new Dense(10)));
        return new Sequential(Models.IMAGE_SHAPE, seed, layers.toArray(new Layer[0]));
    }
}
