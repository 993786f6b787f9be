package dev.weft.examples;

import dev.weft.core.Parallel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The options of the {@code study} command, parsed from the command line.
 *
 * @param out      the report folder (default {@code report/})
 * @param data     the data folder, or {@code null} to let {@code FashionMnist.load()} discover it
 * @param epochs   epochs given by {@code --epochs}, by model name; a model not in it trains its default
 *                 ({@code reference} its recipe's 10, {@code weft} as many as the budget allows)
 * @param budgetSeconds the study's time budget ({@code --budget}), which sets the {@code weft} model's epochs
 * @param limit    use only the first {@code limit} training images, or {@code 0} for all
 * @param seed     the seed of every random choice of the study
 * @param threads  worker threads, {@code 0} for all cores, or {@link #THREADS_UNSET} when {@code --threads} was
 *                 not given ({@code -Dweft.threads} then decides, else all cores)
 * @param models   which models to train, in order ({@code reference}, {@code weft})
 * @param help     whether {@code --help} was given
 * @param notes    one-line notes for the user about the options given (e.g. a deprecated spelling)
 */
public record StudyOptions(Path out, Path data, Map<String, Integer> epochs, int budgetSeconds, int limit, long seed,
                           int threads, List<String> models, boolean help, List<String> notes) {

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

    /** The default {@code --budget}: ten minutes for the whole study. */
    public static final int DEFAULT_BUDGET_SECONDS = 600;

    /** The largest {@code --budget}: a day, far past any useful run (the weft model's epochs are capped). */
    public static final int MAX_BUDGET_SECONDS = 24 * 3600;

    private static final int MAX_EPOCHS = 1_000;
    private static final List<String> MODEL_NAMES = List.of("reference", "weft");
    /** A duration: whole hours, minutes and seconds, each optional but at least one, seconds' "s" optional. */
    private static final Pattern DURATION = Pattern.compile("(?:(\\d{1,5})h)?(?:(\\d{1,5})m)?(?:(\\d{1,6})s?)?");

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
              --budget TIME          time for the whole study, e.g. 600, 600s, 10m or 9m30s (default:
                                     10m): the weft model trains as many epochs as fit, chosen after its
                                     first epoch from the time it took (docs/study.md gives the formula)
              --epochs N             epochs for every model, bypassing the budget (default: reference
                                     10, weft chosen by the budget)
              --epochs M=N[,M=N]     epochs per model, e.g. weft=17 or reference=10,weft=17: repeats a
                                     budgeted run exactly (the report gives the command)
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
        Map<String, Integer> epochs = new LinkedHashMap<>();
        int budgetSeconds = DEFAULT_BUDGET_SECONDS;
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
                case "--epochs" -> epochs.putAll(epochs(args.value(name)));
                case "--budget" -> budgetSeconds = seconds(name, args.value(name));
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
                        + "command. Its options are --out, --data, --budget, --epochs, --limit, --seed, --threads, "
                        + "--model and --help; the other commands are 'predict', 'export' and 'convert'. Run "
                        + "'weft --help' for details.");
            }
        }
        return new StudyOptions(out, data, Map.copyOf(epochs), budgetSeconds, limit, seed, threads, models, help,
                List.copyOf(notes));
    }

    /** The epochs {@code --epochs} gave model {@code name}, or 0 when it trains its default. */
    public int epochsOf(String name) {
        return epochs.getOrDefault(name, 0);
    }

    /** {@code --epochs} as given, e.g. {@code reference=10,weft=17}, or {@code default}. */
    String epochsText() {
        return epochs.isEmpty() ? "default" : perModel(epochs);
    }

    private static String perModel(Map<String, Integer> epochs) {
        List<String> given = new ArrayList<>();
        for (String model : MODEL_NAMES) {
            if (epochs.containsKey(model)) {
                given.add(model + "=" + epochs.get(model));
            }
        }
        return String.join(",", given);
    }

    /**
     * The command that repeats this run with model {@code name} trained for {@code count} epochs: the options that
     * change what is computed ({@code --epochs}, {@code --limit}, {@code --seed}, {@code --model}; neither the thread
     * count nor the folders change a bit of it).
     */
    String reproducing(String name, int count) {
        Map<String, Integer> all = new LinkedHashMap<>();
        for (String model : MODEL_NAMES) {
            if (epochs.containsKey(model) && models.contains(model)) {
                all.put(model, epochs.get(model));
            }
        }
        all.put(name, count);
        StringBuilder command = new StringBuilder("./weft --epochs ").append(perModel(all));
        if (limit > 0) {
            command.append(" --limit ").append(limit);
        }
        if (seed != 42) {
            command.append(" --seed ").append(seed);
        }
        if (models.size() == 1) {
            command.append(" --model ").append(models.get(0));
        }
        return command.toString();
    }

    /** {@code N} (every model) or {@code MODEL=N[,MODEL=N]}. */
    private static Map<String, Integer> epochs(String value) {
        Map<String, Integer> epochs = new LinkedHashMap<>();
        if (!value.contains("=")) {
            int n = count("--epochs", value.trim());
            MODEL_NAMES.forEach(model -> epochs.put(model, n));
            return epochs;
        }
        for (String part : value.split(",", -1)) {
            int eq = part.indexOf('=');
            String model = eq < 0 ? "" : part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            if (!MODEL_NAMES.contains(model)) {
                throw new UsageException("--epochs expects N (every model) or MODEL=N[,MODEL=N] with MODEL "
                        + "reference or weft, e.g. --epochs weft=17, got '" + Printable.of(value)
                        + "'. Run with --help for the options.");
            }
            epochs.put(model, count("--epochs " + model, part.substring(eq + 1).trim()));
        }
        return epochs;
    }

    private static int count(String what, String value) {
        int n;
        try {
            n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new UsageException(what + " expects a whole number from 1 to " + MAX_EPOCHS + ", got '"
                    + Printable.of(value) + "'. Run with --help for the options.");
        }
        if (n < 1 || n > MAX_EPOCHS) {
            throw new UsageException(what + " must be between 1 and " + MAX_EPOCHS + ", got " + n
                    + ". Run with --help for the options.");
        }
        return n;
    }

    /** A duration such as {@code 600}, {@code 600s}, {@code 10m}, {@code 9m30s} or {@code 1h}, in seconds. */
    static int seconds(String name, String value) {
        Matcher m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (value.isBlank() || !m.matches() || (m.group(1) == null && m.group(2) == null && m.group(3) == null)) {
            throw new UsageException(name + " expects a duration such as 600, 600s, 10m or 9m30s, got '"
                    + Printable.of(value) + "'. Run with --help for the options.");
        }
        long seconds = 3600L * number(m.group(1)) + 60L * number(m.group(2)) + number(m.group(3));
        if (seconds < 1 || seconds > MAX_BUDGET_SECONDS) {
            throw new UsageException(name + " must be between 1 second and " + MAX_BUDGET_SECONDS / 3600
                    + " hours, got " + Printable.of(value) + ". Run with --help for the options.");
        }
        return (int) seconds;
    }

    private static long number(String digits) {
        return digits == null ? 0 : Long.parseLong(digits);
    }
}
