package dev.weft.examples;

import dev.weft.data.FashionMnist;
import dev.weft.core.Tensor;
import dev.weft.layers.ModelFormatException;
import dev.weft.layers.Sequential;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code predict} command: classifies PNG or JPEG files with a saved model and prints the three most likely
 * classes of each with their probabilities. Images of any size, colour or grey, are prepared like the training data
 * (see {@link ImageInput}).
 *
 * <pre>
 * weft predict --model report/weft.weft shoe.jpg shirt.png
 * shoe.jpg: Sneaker 87.1%, Sandal 9.8%, Ankle boot 3.0%
 * </pre>
 */
final class Predict {

    static final String HELP = """
            Usage: weft predict [--model FILE] IMAGE...
              Classifies PNG/JPEG images (any size, colour or grey) with a model saved by the study and prints
              the three most likely classes with their probabilities.

            Options:
              --model FILE   the model (default: report/weft.weft, else report/reference.weft)
              --help         this text
            """;

    private Predict() {
    }

    static int run(List<String> arguments, PrintStream out) {
        Path modelFile = null;
        List<Path> images = new ArrayList<>();
        Args args = new Args(arguments);
        while (args.hasNext()) {
            String name = args.nextName();
            switch (name) {
                case "--help", "-h" -> {
                    out.print(HELP);
                    return Main.OK;
                }
                case "--model" -> modelFile = Path.of(args.value(name));
                default -> {
                    if (name.startsWith("--")) {
                        throw new UsageException("Unknown option '" + name + "' for predict; its options are "
                                + "--model FILE and --help.");
                    }
                    images.add(Path.of(name));
                }
            }
        }
        if (images.isEmpty()) {
            throw new UsageException("predict needs at least one image file, e.g. 'weft predict --model "
                    + "report/weft.weft shoe.jpg'.");
        }
        if (modelFile == null) {
            modelFile = Files.exists(Path.of("report", "weft.weft")) ? Path.of("report", "weft.weft")
                    : Path.of("report", "reference.weft");
        }
        Sequential model = load(modelFile);
        List<String> names = FashionMnist.CLASS_NAMES;
        if (model.numClasses() != names.size()) {
            throw new UsageException("The model " + modelFile + " has " + model.numClasses() + " outputs, not the "
                    + names.size() + " Fashion-MNIST classes.");
        }
        float[] batch = new float[images.size() * ImageInput.SIDE * ImageInput.SIDE];
        for (int i = 0; i < images.size(); i++) {
            float[] pixels = ImageInput.load(images.get(i));
            System.arraycopy(pixels, 0, batch, i * pixels.length, pixels.length);
        }
        Tensor probabilities = model.predictProbabilities(
                Tensor.of(batch, images.size(), 1, ImageInput.SIDE, ImageInput.SIDE));
        float[] p = probabilities.toArray();
        int classes = names.size();
        for (int i = 0; i < images.size(); i++) {
            int[] top = top(p, i * classes, classes, 3);
            StringBuilder line = new StringBuilder(images.get(i).toString()).append(": ");
            for (int k = 0; k < top.length; k++) {
                line.append(k == 0 ? "" : ", ").append(names.get(top[k]))
                        .append(String.format(Locale.ROOT, " %.1f%%", 100 * p[i * classes + top[k]]));
            }
            out.println(line);
        }
        return Main.OK;
    }

    private static Sequential load(Path file) {
        try {
            return Sequential.load(file);
        } catch (NoSuchFileException e) {
            throw new UsageException("No model file " + file + ". Run the study first (./weft) or give "
                    + "--model FILE with a model it saved (reference.weft, weft.weft).", e);
        } catch (ModelFormatException e) {
            throw new UsageException("Cannot load the model: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UsageException("Cannot read the model " + file + ": " + e.getMessage(), e);
        }
    }

    /** Indices of the {@code k} largest of {@code values[offset, offset + n)}, largest first. */
    static int[] top(float[] values, int offset, int n, int k) {
        int[] best = new int[Math.min(k, n)];
        boolean[] taken = new boolean[n];
        for (int j = 0; j < best.length; j++) {
            int arg = -1;
            for (int i = 0; i < n; i++) {
                if (!taken[i] && (arg < 0 || values[offset + i] > values[offset + arg])) {
                    arg = i;
                }
            }
            taken[arg] = true;
            best[j] = arg;
        }
        return best;
    }
}
