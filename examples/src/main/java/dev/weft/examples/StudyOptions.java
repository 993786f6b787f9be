package dev.weft.examples;

import dev.weft.core.Parallel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The options of the {@code study} command, parsed from the command line.
 *
 * @param out      the report folder (default {@code report/})
 * @param data     the data folder, or {@code null} to let {@code FashionMnist.load()} discover it
 * @param epochs   epochs for every trained model, or {@code 0} for each model's own default
 * @param limit    use only the first {@code limit} training images, or {@code 0} for all
 * @param seed     the seed of every random choice of the study
 * @param threads  worker threads, {@code 0} for all cores, or {@link #THREADS_UNSET} when {@code --threads} was
 *                 not given ({@code -Dweft.threads} then decides, else all cores)
 * @param models   which models to train, in order ({@code reference}, {@code weft})
 * @param help     whether {@code --help} was given
 * @param notes    one-line notes for the user about the options given (e.g. a deprecated spelling)
 */
public record StudyOptions(Path out, Path data, int epochs, int limit, long seed, int threads, List<String> models,
                           boolean help, List<String> notes) {

    /**
     * The note printed when {@code --model seed} is given: the reference study's network was called "seed" until
     * the word came to mean only the random seed. The alias is accepted for one release.
     */
    static final String SEED_ALIAS_NOTE = "note: --model seed is deprecated and will be removed in the next release;"
            + " the reference study's network is now the 'reference' model (--model reference).";

    /** The value of {@link #threads()} when {@code --threads} was not given. */
    public static final int THREADS_UNSET = -1;

    /** The smallest {@code --limit}: ten images per class in the validation split. */
    public static final int MIN_LIMIT = 1000;

    /** The help text of the {@code study} command. */
    public static final String HELP = """
            Usage: weft [study] [options]
              Runs the whole Fashion-MNIST study: data checks, EDA, PCA, two CNNs, metrics, predictions,
              activations and importance, and writes an HTML report with every figure.

            Options:
              --out DIR              report folder (default: report/)
              --data DIR             folder with the four IDX files or the two Kaggle CSV files
                                     (default: discovered: $FASHION_MNIST_DIR, ./data/fashion-mnist,
                                     ~/.cache/weft/fashion-mnist, /usr/share/datasets/fashion-mnist)
              --epochs N             epochs for each model (default: reference 10, weft 7)
              --limit N              use only the first N training images, for a quick look
              --seed N               random seed of every random choice (default: 42)
              --threads N            worker threads, 0 for all cores, at most four per core
                                     (default: all cores, or -Dweft.threads)
              --model M              which models to train: reference (the reference study's
                                     network), weft or both (default: both)
              --help                 this text

            Other commands:
              weft predict [--model FILE] IMAGE...   classify PNG/JPEG/GIF/BMP images with a saved model (top 3)
              weft predict --explain IMAGE...        also write IMAGE_NAME.explain.png (Grad-CAM, saliency)
              weft export [--model FILE] --out FILE  write a saved model as an ONNX model
              weft convert [--data DIR] [--out DIR]  write the IDX files as Kaggle-layout CSV files
            """;

    /** Parses the arguments of the {@code study} command; throws {@link UsageException} on a bad option. */
    public static StudyOptions parse(List<String> arguments) {
        Path out = Path.of("report");
        Path data = null;
        int epochs = 0;
        int limit = 0;
        long seed = 42;
        int threads = THREADS_UNSET;
        List<String> models = List.of("reference", "weft");
        boolean help = false;
        List<String> notes = new ArrayList<>();
        Args args = new Args(arguments);
        while (args.hasNext()) {
            String name = args.nextName();
            switch (name) {
                case "--help", "-h" -> {
                    args.noValue(name);
                    help = true;
                }
                case "--out" -> out = args.path(name);
                case "--data" -> data = args.path(name);
                case "--epochs" -> epochs = args.positive(name, 1_000);
                case "--limit" -> {
                    limit = args.positive(name, Integer.MAX_VALUE);
                    if (limit < MIN_LIMIT) {
                        throw new UsageException("--limit " + limit + " leaves too few images to train and validate "
                                + "on; use at least " + MIN_LIMIT + ", e.g. --limit 2000 for a quick look.");
                    }
                }
                case "--threads" -> threads = args.count(name, 0, Parallel.maxThreads());
                case "--seed" -> {
                    String value = args.value(name);
                    try {
                        seed = Long.parseLong(value.trim());
                    } catch (NumberFormatException e) {
                        throw new UsageException("--seed expects a whole number, got '" + Printable.of(value)
                                + "'. Run with --help for the options.");
                    }
                }
                case "--model" -> {
                    String value = args.value(name).toLowerCase(Locale.ROOT);
                    models = switch (value) {
                        case "reference" -> List.of("reference");
                        case "seed" -> {
                            notes.add(SEED_ALIAS_NOTE);
                            yield List.of("reference");
                        }
                        case "weft" -> List.of("weft");
                        case "both" -> List.of("reference", "weft");
                        default -> throw new UsageException("--model expects reference, weft or both, got '"
                                + Printable.of(value) + "'. Run with --help for the options.");
                    };
                }
                default -> throw new UsageException("Unknown option '" + Printable.of(name) + "' for the study "
                        + "command. Its options are --out, --data, --epochs, --limit, --seed, --threads, --model and "
                        + "--help; the other commands are 'predict', 'export' and 'convert'. Run 'weft --help' for "
                        + "details.");
            }
        }
        return new StudyOptions(out, data, epochs, limit, seed, threads, models, help, List.copyOf(notes));
    }
}
