package dev.weft.examples;

import dev.weft.layers.Sequential;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code export} command: writes a Weft model file as an ONNX model ({@link Sequential#exportOnnx}), for ONNX
 * Runtime or any framework that reads ONNX.
 *
 * <pre>
 * weft export --model report/weft.weft --out weft.onnx
 * Wrote weft.onnx: ONNX opset 13, input 'input' [N, 1, 28, 28], output 'logits' [N, 10]
 * </pre>
 */
final class Export {

    static final String HELP = """
            Usage: weft export [--model FILE] --out FILE
              Writes a Weft model as an ONNX model (opset 13) that ONNX Runtime and other frameworks run:
              input 'input' [N, channels, height, width], output 'logits' [N, classes]. Dropout is left out
              and BatchNorm uses its running statistics. See docs/onnx.md.

            Options:
              --model FILE   the Weft model (default: report/weft.weft)
              --out FILE     the ONNX file to write (replaced atomically)
              --help         this text
            """;

    private Export() {
    }

    static int run(List<String> arguments, PrintStream out) {
        Path modelFile = Path.of("report", "weft.weft");
        Path outFile = null;
        Args args = new Args(arguments);
        while (args.hasNext()) {
            String name = args.nextName();
            switch (name) {
                case "--help", "-h" -> {
                    out.print(HELP);
                    return Main.OK;
                }
                case "--model" -> modelFile = args.path(name);
                case "--out" -> outFile = args.path(name);
                default -> throw new UsageException("Unknown argument '" + Printable.of(name) + "' for export; its "
                        + "options are --model FILE, --out FILE and --help.");
            }
        }
        if (outFile == null) {
            throw new UsageException("export needs --out FILE, e.g. 'weft export --model report/weft.weft "
                    + "--out weft.onnx'.");
        }
        Sequential model = Predict.load(modelFile);
        try {
            model.exportOnnx(outFile);
        } catch (IOException e) {
            throw new UsageException("Cannot write " + Printable.of(outFile) + ": " + e.getMessage()
                    + ". Check the folder exists and is writable.", e);
        }
        out.println("Wrote " + Printable.of(outFile) + ": ONNX opset 13, input 'input' [N, "
                + Arrays.toString(model.inputShape()).replaceAll("[\\[\\]]", "") + "], output 'logits' [N, "
                + Arrays.toString(model.outputShape()).replaceAll("[\\[\\]]", "") + "]");
        return Main.OK;
    }
}
