package dev.weft.examples;

import dev.weft.data.FashionMnist;
import dev.weft.data.FashionMnistCsv;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The {@code convert} command: writes the Fashion-MNIST IDX files as the two Kaggle-layout CSV files
 * ({@code fashion-mnist_train.csv}, {@code fashion-mnist_test.csv}: a header, then the label and 784 pixel values
 * 0-255 per row), which {@code --data} then also accepts.
 */
final class Convert {

    static final String HELP = """
            Usage: weft convert [--data DIR] [--out DIR]
              Writes Fashion-MNIST as the two Kaggle-layout CSV files fashion-mnist_train.csv and
              fashion-mnist_test.csv (label, then 784 pixel values 0-255 per row).

            Options:
              --data DIR   where the IDX files are (default: discovered, as for the study)
              --out DIR    where to write the CSV files (default: data/fashion-mnist-csv)
              --help       this text
            """;

    private Convert() {
    }

    /** The command's options: where the IDX files are ({@code null}: discovered), where to write, {@code --help}. */
    record Options(Path data, Path target, boolean help) {
    }

    /** Parses and checks the command's options; throws {@link UsageException} on a bad one. */
    static Options parse(List<String> arguments) {
        Path data = null;
        Path target = Path.of("data", "fashion-mnist-csv");
        Args args = new Args(arguments);
        while (args.hasNext()) {
            String name = args.nextName();
            switch (name) {
                case "--help", "-h" -> {
                    args.noValue(name);
                    return new Options(data, target, true);
                }
                case "--data" -> data = args.path(name);
                case "--out" -> target = args.path(name);
                default -> throw new UsageException("Unknown option '" + Printable.of(name) + "' for convert; its "
                        + "options are --data DIR, --out DIR and --help.");
            }
        }
        DataOption.check(data);
        return new Options(data, target, false);
    }

    static int run(List<String> arguments, PrintStream out) {
        Options options = parse(arguments);
        if (options.help()) {
            out.print(HELP);
            return Main.OK;
        }
        Path data = options.data();
        Path target = options.target();
        long t0 = System.nanoTime();
        FashionMnist mnist = DataOption.load(data);
        List<Path> written;
        try {
            written = FashionMnistCsv.convert(mnist, target);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        Path trainCsv = written.get(0);
        Path testCsv = written.get(1);
        out.printf(Locale.ROOT, "Wrote %,d training images to %s and %,d test images to %s in %.1f s.%n",
                mnist.train().size(), trainCsv, mnist.test().size(), testCsv, (System.nanoTime() - t0) / 1e9);
        return Main.OK;
    }
}
