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
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The {@code predict} command: classifies PNG, JPEG, GIF or BMP files with a saved model and prints the three most
 * likely classes of each with their probabilities. Images of any size up to {@link ImageInput#MAX_PIXELS}, colour
 * or grey, are prepared like the training data (see {@link ImageInput}); the model must take one 28x28 grey image
 * and give ten class scores, which is checked before anything runs.
 *
 * <pre>
 * weft predict --model report/weft.weft shoe.jpg shirt.png
 * shoe.jpg: Sneaker 87.1%, Sandal 9.8%, Ankle boot 3.0%
 * </pre>
 */
final class Predict {

    static final String HELP = """
            Usage: weft predict [--model FILE] [--explain] [--explain-out DIR] IMAGE...
              Classifies images with a model saved by the study (or an ONNX model, FILE.onnx) and prints the
              three most likely classes with their probabilities. Any size, colour or grey.

            Images: PNG, JPEG, GIF (first frame) and BMP, grey or RGB, with or without alpha (composited on
              white), 8 or 16 bits, or with a palette; at most %d megapixels and %d pixels on a side.
              Other colour spaces (e.g. CMYK JPEGs) are refused: save those as RGB first. Regular files only.

            Options:
              --model FILE   the model (default: report/weft.weft, else report/reference.weft); it must take
                             one 28x28 grey image, shape [1, 28, 28], and give 10 class scores
              --explain      also writes, per image, IMAGE_NAME.explain.png into the current folder: the 28x28
                             input, its Grad-CAM and its SmoothGrad saliency for the most likely class, and the
                             top three classes; a second line says where
              --explain-out DIR  like --explain, into DIR (created if missing)
              --help         this text
            """.formatted(ImageInput.MAX_PIXELS / 1_000_000, ImageInput.MAX_SIDE);

    private Predict() {
    }

    static int run(List<String> arguments, PrintStream out) {
        Path modelFile = null;
        Path explainFolder = null;
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
                case "--explain" -> explainFolder = explainFolder == null ? Path.of("") : explainFolder;
                case "--explain-out" -> explainFolder = Path.of(args.value(name));
                default -> {
                    if (name.startsWith("--")) {
                        throw new UsageException("Unknown option '" + name + "' for predict; its options are "
                                + "--model FILE, --explain, --explain-out DIR and --help.");
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
        checkShapes(model, modelFile, names.size());
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
            StringBuilder line = new StringBuilder(Printable.of(images.get(i))).append(": ");
            for (int k = 0; k < top.length; k++) {
                line.append(k == 0 ? "" : ", ").append(names.get(top[k]))
                        .append(String.format(Locale.ROOT, " %.1f%%", 100 * p[i * classes + top[k]]));
            }
            out.println(line);
            if (explainFolder != null) {
                Path png = PredictExplanation.fileFor(images.get(i), explainFolder);
                int size = ImageInput.SIDE * ImageInput.SIDE;
                float[] pixels = Arrays.copyOfRange(batch, i * size, (i + 1) * size);
                try {
                    PredictExplanation.write(model, pixels, top, names, line.toString(), png);
                } catch (IOException e) {
                    throw new UsageException("Cannot write the explanation " + Printable.of(png) + ": " + e
                            + ". Give --explain-out DIR with a folder you may write to.", e);
                }
                out.println("  explanation: " + Printable.of(png));
            }
        }
        return Main.OK;
    }

    /**
     * Loads a Weft model file, or an ONNX model ({@code .onnx}); every problem is a {@link UsageException} naming
     * the file. {@code export} reads its model the same way.
     */
    static Sequential load(Path file) {
        String name = Printable.of(file);
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new UsageException("The model " + name + " is not a regular file (a folder, named pipe or "
                    + "device?); give --model FILE with a model the study saved (reference.weft, weft.weft).");
        }
        try {
            boolean onnx = String.valueOf(file.getFileName()).toLowerCase(Locale.ROOT).endsWith(".onnx");
            return onnx ? Sequential.importOnnx(file) : Sequential.load(file);
        } catch (NoSuchFileException e) {
            throw new UsageException("No model file " + name + ". Run the study first (./weft) or give "
                    + "--model FILE with a model it saved (reference.weft, weft.weft).", e);
        } catch (ModelFormatException e) {
            throw new UsageException("Cannot load the model: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UsageException("Cannot read the model " + name + ": " + e.getMessage(), e);
        }
    }

    /** Refuses a model that does not take what predict feeds, one 28x28 grey image, or give one score a class. */
    static void checkShapes(Sequential model, Path file, int classes) {
        int[] expectedInput = {1, ImageInput.SIDE, ImageInput.SIDE};
        int[] input = model.inputShape();
        if (!Arrays.equals(input, expectedInput)) {
            throw new UsageException("The model " + Printable.of(file) + " takes inputs of shape "
                    + Arrays.toString(input) + ", but predict feeds one 28x28 grey image, shape "
                    + Arrays.toString(expectedInput) + ". Give --model FILE with a model the study saved.");
        }
        int[] output = model.outputShape();
        if (output.length != 1 || output[0] != classes) {
            throw new UsageException("The model " + Printable.of(file) + " gives outputs of shape "
                    + Arrays.toString(output) + ", but predict needs a vector of " + classes
                    + " Fashion-MNIST class scores, shape [" + classes + "]. Give --model FILE with a model the "
                    + "study saved.");
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
