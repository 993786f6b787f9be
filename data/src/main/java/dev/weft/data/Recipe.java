package dev.weft.data;

import dev.weft.layers.Models;
import dev.weft.layers.Sequential;
import dev.weft.optim.Adam;
import dev.weft.optim.AdamW;
import dev.weft.optim.BatchTransform;
import dev.weft.optim.DeferredCosine;
import dev.weft.optim.LearningRateSchedule;
import dev.weft.optim.Optimizer;
import dev.weft.optim.Trainer;

/**
 * How each of the Fashion-MNIST study's two models is built and trained: network, optimizer, learning-rate
 * schedule, batch, augmentation and validation split, as code, so the study and the benchmarks train the same way.
 * It lives here, in the data module, because this is the lowest module that sees all of a recipe's parts: the
 * networks ({@code layers}), the optimizers ({@code optim}) and the augmentation ({@code data}).
 *
 * <ul>
 *   <li>{@code reference} — {@link Models#referenceCnn}: the reference study's network and recipe, reproduced
 *       faithfully: Keras's Glorot-uniform initial weights, Adam with Keras' defaults (learning rate 1e-3),
 *       batch 64, {@value #REFERENCE_EPOCHS} epochs, no augmentation.</li>
 *   <li>{@code weft} — {@link Models#weftCnn}: batch-normalised VGG-style blocks, AdamW (decoupled weight decay)
 *       with a linear warm-up of one epoch (a quarter of the run if shorter) and cosine decay, batch 64, and light
 *       augmentation: random shifts of up to one pixel. The recipe was chosen on the held-out validation split,
 *       never on the test set (docs/study.md lists what was tried). No horizontal flips: Fashion-MNIST's shoes all
 *       point left, so a flipped shoe is an image the test set never shows.</li>
 * </ul>
 *
 * <p>{@link #withVariant} tries one change to the {@code weft} recipe ({@link RecipeVariant}: another network,
 * schedule or augmentation); the study trains the recipe as it is, {@link RecipeVariant#BASELINE}.
 *
 * <pre>{@code
 * Recipe recipe = Recipe.weft(14);
 * ImageSet.Split split = recipe.split(FashionMnist.load().train(), 42);
 * Sequential model = recipe.build(42);
 * History history = recipe.trainer(model, recipe.optimizer(split.train().size()), split.validation(), 42)
 *         .fit(split.train(), recipe.epochs(), recipe.batch());
 * }</pre>
 *
 * @param name         {@code "reference"} or {@code "weft"}
 * @param description  one sentence for a report
 * @param epochs       epochs to train
 * @param batch        mini-batch size
 * @param variant      the change to the {@code weft} recipe being tried ({@link RecipeVariant}); always
 *                     {@link RecipeVariant#BASELINE} for {@code reference}
 */
public record Recipe(String name, String description, int epochs, int batch, RecipeVariant variant) {

    /** Epochs of the {@code reference} model: the reference study's. */
    public static final int REFERENCE_EPOCHS = 10;

    /** Share of the training images held out (stratified) to validate each epoch. */
    public static final double VALIDATION_SHARE = 0.1;

    /**
     * The fewest epochs of the {@code weft} recipe whose warm-up is exactly the first epoch. From this count on, the
     * first epoch trains identically whatever the count, so the count may be chosen after it
     * ({@link #scheduleChosenLater}).
     */
    public static final int MIN_EPOCHS_CHOSEN_LATER = 4;

    private static final float WEFT_PEAK = 2e-3f;
    private static final float WEFT_MINIMUM = 1e-5f;
    private static final float WEFT_WEIGHT_DECAY = 5e-4f;

    /** Checks the fields. */
    public Recipe {
        if (!name.equals("reference") && !name.equals("weft")) {
            throw new IllegalArgumentException("unknown recipe " + name + ": expected reference or weft");
        }
        if (name.equals("reference") && variant != RecipeVariant.BASELINE) {
            throw new IllegalArgumentException("the reference recipe is reproduced as it is; variants change only"
                    + " the weft recipe, was " + variant.label());
        }
        if (epochs < 1 || batch < 1) {
            throw new IllegalArgumentException("epochs and batch must be at least 1, were " + epochs + " and "
                    + batch);
        }
    }

    /** The recipe as it is ({@link RecipeVariant#BASELINE}). */
    public Recipe(String name, String description, int epochs, int batch) {
        this(name, description, epochs, batch, RecipeVariant.BASELINE);
    }

    /** The reference study's recipe for {@code epochs} epochs (it trains {@value #REFERENCE_EPOCHS}). */
    public static Recipe reference(int epochs) {
        return new Recipe("reference", "The reference study's CNN (Conv 32-64-128, Dense 128, Dropout 0.5), started "
                + "and trained as the study did: Glorot-uniform weights, Adam 1e-3, batch 64, no augmentation.",
                epochs, 64);
    }

    /** Weft's recipe for {@code epochs} epochs. */
    public static Recipe weft(int epochs) {
        return new Recipe("weft", "Weft's CNN (two blocks of two batch-normalised 3x3 convolutions, Dense 256 with "
                + "BatchNorm and Dropout 0.3), trained with AdamW (weight decay 5e-4) and a warm-up + cosine "
                + "schedule peaking at 2e-3, batch 64, random shifts of up to 1 pixel.", epochs, 64);
    }

    /** The recipe named {@code name} ({@code reference} or {@code weft}) for {@code epochs} epochs. */
    public static Recipe of(String name, int epochs) {
        return switch (name) {
            case "reference" -> reference(epochs);
            case "weft" -> weft(epochs);
            default -> throw new IllegalArgumentException("unknown recipe " + name + ": expected reference or weft");
        };
    }

    /** The same recipe for {@code newEpochs} epochs. */
    public Recipe withEpochs(int newEpochs) {
        return new Recipe(name, description, newEpochs, batch, variant);
    }

    /** The same recipe with {@code change} tried ({@code weft} only). */
    public Recipe withVariant(RecipeVariant change) {
        return new Recipe(name, description, epochs, batch, change);
    }

    /** A freshly initialised model. */
    public Sequential build(long seed) {
        return name.equals("reference") ? Models.referenceCnn(seed) : variant.network(seed);
    }

    /** The stratified training/validation split of {@code train} the recipe trains and validates on. */
    public ImageSet.Split split(ImageSet train, long seed) {
        return train.stratifiedSplit(VALIDATION_SHARE, seed);
    }

    /** The learning-rate schedule of {@link #epochs()} epochs over {@code trainingSize} training samples. */
    public LearningRateSchedule schedule(int trainingSize) {
        if (name.equals("reference")) {
            return LearningRateSchedule.constant(Adam.DEFAULT_LEARNING_RATE);
        }
        long stepsPerEpoch = Trainer.stepsPerEpoch(trainingSize, batch);
        long steps = stepsPerEpoch * epochs;
        if (variant == RecipeVariant.ONE_CYCLE) {
            return LearningRateSchedule.oneCycle(WEFT_PEAK, Math.max(steps, 2));
        }
        long warmup = Math.min(stepsPerEpoch, Math.max(1, steps / 4));
        return LearningRateSchedule.cosine(variant.peak(WEFT_PEAK), warmup, Math.max(steps, warmup + 1),
                WEFT_MINIMUM);
    }

    /**
     * The {@code weft} schedule for an epoch count chosen after the first epoch: its warm-up is that epoch, and
     * {@link #fixEpochs} lays out the rest. For any count from {@value #MIN_EPOCHS_CHOSEN_LATER} on, every rate is
     * then that of {@code withEpochs(count).schedule(trainingSize)}.
     */
    public DeferredCosine scheduleChosenLater(int trainingSize) {
        if (!name.equals("weft")) {
            throw new IllegalStateException("only the weft recipe's schedule depends on its epoch count");
        }
        if (variant == RecipeVariant.ONE_CYCLE) {
            throw new IllegalStateException("the one-cycle variant's warm-up is a share of the whole run, so its"
                    + " epoch count cannot be chosen after the first epoch");
        }
        return new DeferredCosine(variant.peak(WEFT_PEAK), Trainer.stepsPerEpoch(trainingSize, batch), WEFT_MINIMUM);
    }

    /** Fixes {@code schedule} (from {@link #scheduleChosenLater}) for {@code count} epochs in all. */
    public void fixEpochs(DeferredCosine schedule, int trainingSize, int count) {
        if (count < MIN_EPOCHS_CHOSEN_LATER) {
            throw new IllegalArgumentException("an epoch count chosen after the first epoch must be at least "
                    + MIN_EPOCHS_CHOSEN_LATER + " (a shorter run warms up over less than one epoch), was " + count);
        }
        schedule.fixTotalSteps((long) Trainer.stepsPerEpoch(trainingSize, batch) * count);
    }

    /** The optimizer following {@code schedule}: Adam for {@code reference}, AdamW for {@code weft}. */
    public Optimizer optimizer(LearningRateSchedule schedule) {
        return name.equals("reference") ? new Adam(schedule)
                : new AdamW(schedule, variant.weightDecay(WEFT_WEIGHT_DECAY));
    }

    /** The optimizer for {@link #epochs()} epochs over {@code trainingSize} training samples. */
    public Optimizer optimizer(int trainingSize) {
        return optimizer(schedule(trainingSize));
    }

    /** The augmentation applied to training batches, or null. */
    public BatchTransform augmentation() {
        if (name.equals("reference")) {
            return null;
        }
        BatchTransform shifts = Augmentation.translation(1);
        if (variant != RecipeVariant.ERASING) {
            return shifts;
        }
        BatchTransform erasing = RandomErasing.paper();
        return (batch, count, sampleShape, random) -> {
            shifts.apply(batch, count, sampleShape, random);
            erasing.apply(batch, count, sampleShape, random);
        };
    }

    /**
     * A trainer of {@code model} by {@code optimizer} as the recipe trains: seeded with {@code seed}, validating on
     * {@code validation} after every epoch, with the recipe's augmentation.
     */
    public Trainer trainer(Sequential model, Optimizer optimizer, ImageSet validation, long seed) {
        return new Trainer(model, optimizer).withSeed(seed).withValidation(validation)
                .withBatchTransform(augmentation());
    }
}
