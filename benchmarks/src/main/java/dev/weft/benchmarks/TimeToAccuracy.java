package dev.weft.benchmarks;

import dev.weft.core.Parallel;
import dev.weft.core.simd.Kernels;
import dev.weft.data.FashionMnist;
import dev.weft.data.ImageSet;
import dev.weft.data.Recipe;
import dev.weft.data.RecipeVariant;
import dev.weft.layers.Sequential;
import dev.weft.optim.Callback;
import dev.weft.optim.EpochMetrics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/**
 * Time to accuracy: trains one of the study's recipes ({@link Recipe}: network, optimizer, schedule laid out for
 * the given epochs, augmentation) on the study's stratified training/validation split of the Fashion-MNIST training
 * images, and reports when the validation accuracy first reached each target. A change is then judged by what a
 * user waits for, the seconds to a given accuracy, and not by images per second alone: a faster step and a better
 * recipe both show.
 *
 * <p>After each epoch it prints the seconds elapsed since training began (each epoch's validation pass included,
 * as the study pays for it; loading the data and building the model not) and the validation accuracy; at the end,
 * for each target, the seconds and epochs taken to reach it, or "not reached". The last lines are
 * {@code seconds_to_<target>=<number or not_reached>}, one per target, for scripts.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar \
 *     dev.weft.benchmarks.TimeToAccuracy [--model weft|reference] [--epochs 14] [--targets 0.93,0.94]
 *     [--variant baseline] [--threads 2] [--seed 42] [--limit N] [--stop-when-reached] [--data DIR]
 * </pre>
 * {@code --variant NAME} trains the weft recipe with one change ({@link RecipeVariant}: {@code residual},
 * {@code wide}, {@code narrow}, {@code onecycle}, {@code peak4e-3}, {@code decay0.2}, {@code erasing}); the
 * default, {@code baseline}, is the recipe as the study trains it.
 * The schedule depends on {@code --epochs} (the weft recipe's cosine decays over all of them), so a time to
 * accuracy is only comparable with others at the same epoch count. {@code --stop-when-reached} ends training once
 * every target is reached (the times are the same; the rest of the run is skipped).
 */
public final class TimeToAccuracy {

    private String modelName = "weft";
    private RecipeVariant variant = RecipeVariant.BASELINE;
    private int epochs;
    private double[] targets = {0.93, 0.94};
    private int threads = Parallel.threads();
    private long seed = 42;
    private int limit;
    private boolean stopWhenReached;
    private Path data;

    TimeToAccuracy() {
    }

    /** Parses the options and runs; a bad option ends with its message and exit code 2. */
    public static void main(String[] args) throws IOException {
        TimeToAccuracy benchmark = new TimeToAccuracy();
        try {
            benchmark.parse(args);
        } catch (IllegalArgumentException e) {
            BenchmarkOptions.exit(e, "TimeToAccuracy [--model weft|reference] [--variant NAME] [--epochs N]"
                    + " [--targets 0.93,0.94] [--threads N] [--seed N] [--limit N] [--stop-when-reached]"
                    + " [--data DIR]");
        }
        benchmark.run(System.out);
    }

    void parse(String[] args) {
        BenchmarkOptions.parse(args, Set.of("--stop-when-reached"), (flag, value) -> {
            switch (flag) {
                case "--stop-when-reached" -> stopWhenReached = true;
                case "--model" -> modelName = BenchmarkOptions.modelName(value, System.err);
                case "--variant" -> variant = BenchmarkOptions.variant(value);
                case "--epochs" -> epochs = BenchmarkOptions.positive(flag, value);
                case "--targets" -> targets = targets(value);
                case "--threads" -> threads = BenchmarkOptions.positive(flag, value);
                case "--seed" -> seed = Long.parseLong(value);
                case "--limit" -> limit = BenchmarkOptions.positive(flag, value);
                case "--data" -> data = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        });
        BenchmarkOptions.requireWeftFor(variant, modelName);
    }

    /** The recipe to train: the weft recipe for {@code --epochs} (default 14), or the reference's (default 10). */
    Recipe recipe() {
        boolean weft = modelName.equals("weft");
        return Recipe.of(modelName, epochs > 0 ? epochs : weft ? 14 : Recipe.REFERENCE_EPOCHS).withVariant(variant);
    }

    double[] targets() {
        return targets.clone();
    }

    /** Comma-separated accuracies in (0, 1), e.g. {@code 0.93,0.94}, sorted. */
    static double[] targets(String value) {
        double[] parsed = Arrays.stream(value.split(",")).map(String::trim).mapToDouble(Double::parseDouble)
                .sorted().toArray();
        for (double t : parsed) {
            if (!(t > 0 && t < 1)) {
                throw new IllegalArgumentException("--targets are accuracies between 0 and 1, e.g. 0.93,0.94; got "
                        + value);
            }
        }
        return parsed;
    }

    private void run(PrintStream out) throws IOException {
        Parallel.setThreads(threads);
        FashionMnist fashion = data == null ? FashionMnist.load() : FashionMnist.load(data);
        ImageSet images = limit > 0 ? fashion.train().first(Math.min(limit, fashion.train().size())) : fashion.train();
        Recipe recipe = recipe();
        ImageSet.Split split = recipe.split(images, seed);
        Sequential model = recipe.build(seed);
        out.printf(Locale.ROOT, "JDK %s (%s), kernels %s, threads %d; recipe %s (variant %s), %d epochs, batch %d,"
                        + " seed %d; %,d training and %,d validation images; targets %s%n", Runtime.version(),
                System.getProperty("java.vm.name"), Kernels.get().name(), threads, recipe.name(),
                recipe.variant().label(), recipe.epochs(), recipe.batch(), seed, split.train().size(),
                split.validation().size(), Arrays.toString(targets));
        Progress progress = new Progress(targets, stopWhenReached, out);
        recipe.trainer(model, recipe.optimizer(split.train().size()), split.validation(), seed).quiet()
                .withCallbacks(progress).fit(split.train(), recipe.epochs(), recipe.batch());
        out.print(progress.summary());
    }

    /** Prints each epoch and notes when each target is first reached. */
    static final class Progress implements Callback {
        private final double[] targets;
        private final boolean stopWhenReached;
        private final PrintStream out;
        private final double[] seconds;
        private final int[] epochs;
        private long start;

        Progress(double[] targets, boolean stopWhenReached, PrintStream out) {
            this.targets = targets.clone();
            this.stopWhenReached = stopWhenReached;
            this.out = out;
            this.seconds = new double[targets.length];
            this.epochs = new int[targets.length];
        }

        @Override
        public void onTrainBegin(Sequential model) {
            start = System.nanoTime();
        }

        @Override
        public boolean onEpochEnd(Sequential model, EpochMetrics metrics) {
            return epochEnded(metrics, (System.nanoTime() - start) / 1e9);
        }

        /** Records an epoch that ended {@code elapsed} seconds into training; true when every target is reached. */
        boolean epochEnded(EpochMetrics metrics, double elapsed) {
            out.printf(Locale.ROOT, "epoch %d: %.1f s, validation accuracy %.2f%% (loss %.4f), training %.0f"
                            + " images/s%n", metrics.epoch(), elapsed, 100 * metrics.validationAccuracy(),
                    metrics.validationLoss(), metrics.imagesPerSecond());
            boolean all = true;
            for (int t = 0; t < targets.length; t++) {
                if (epochs[t] == 0 && metrics.validationAccuracy() >= targets[t]) {
                    epochs[t] = metrics.epoch();
                    seconds[t] = elapsed;
                }
                all &= epochs[t] > 0;
            }
            return stopWhenReached && all;
        }

        /** One line per target, then the lines for scripts. */
        String summary() {
            StringBuilder text = new StringBuilder();
            StringBuilder lines = new StringBuilder();
            for (int t = 0; t < targets.length; t++) {
                String target = String.format(Locale.ROOT, "%.4f", targets[t]).replaceAll("0+$", "");
                if (epochs[t] > 0) {
                    text.append(String.format(Locale.ROOT, "validation accuracy %s reached after %.1f s, epoch %d%n",
                            target, seconds[t], epochs[t]));
                    lines.append(String.format(Locale.ROOT, "seconds_to_%s=%.1f%n", target, seconds[t]));
                } else {
                    text.append(String.format(Locale.ROOT, "validation accuracy %s not reached%n", target));
                    lines.append(String.format(Locale.ROOT, "seconds_to_%s=not_reached%n", target));
                }
            }
            return text.append(lines).toString();
        }
    }
}
