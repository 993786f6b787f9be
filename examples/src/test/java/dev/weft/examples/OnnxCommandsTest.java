package dev.weft.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.layers.Models;
import dev.weft.layers.Sequential;
import java.awt.Rectangle;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code weft export} writes a saved model as ONNX, and {@code weft predict} reads {@code .onnx} models (Weft's
 * own exports and models trained elsewhere); a bad ONNX file is a one-paragraph refusal naming it, exit 2.
 */
class OnnxCommandsTest {

    @TempDir
    Path tmp;

    private final CommandLine weft = new CommandLine();
    private Path image;

    @BeforeEach
    void writeAnImage() throws IOException {
        image = CommandLine.writeGreyPicture(tmp.resolve("trousers.png"), 28, 28, new Rectangle(8, 4, 12, 20), 200);
    }

    @Test
    void exportWritesAnOnnxModelThatPredictsAsTheWeftModelDoes() throws IOException {
        Path weftModel = tmp.resolve("weft.weft");
        Models.weftCnn(3L).save(weftModel);
        Path onnx = tmp.resolve("weft.onnx");

        assertThat(weft.run("export", "--model", weftModel.toString(), "--out", onnx.toString())).isZero();
        assertThat(weft.out()).isEqualTo("Wrote " + onnx + ": ONNX opset 13, input 'input' [N, 1, 28, 28], "
                + "output 'logits' [N, 10]" + System.lineSeparator());
        assertThat(weft.err()).isEmpty();

        assertThat(weft.run("predict", "--model", weftModel.toString(), image.toString())).isZero();
        String fromWeft = weft.out();
        assertThat(weft.run("predict", "--model", onnx.toString(), image.toString())).isZero();
        assertThat(weft.out()).isEqualTo(fromWeft);
    }

    @Test
    void predictReadsAKerasModelFromOnnx() throws IOException {
        Path keras = tmp.resolve("keras-reference-cnn.onnx");
        try (InputStream in = getClass().getResourceAsStream("/onnx/keras-reference-cnn.onnx")) {
            assertThat(in).as("weft-layers test resource onnx/keras-reference-cnn.onnx").isNotNull();
            Files.copy(in, keras);
        }

        assertThat(weft.run("predict", "--model", keras.toString(), image.toString())).isZero();

        assertThat(weft.out()).matches(java.util.regex.Pattern.quote(image + ": ")
                + "[^,]+ \\d+\\.\\d%, [^,]+ \\d+\\.\\d%, [^,]+ \\d+\\.\\d%\\R");
    }

    @Test
    void aCorruptOnnxFileIsAOneParagraphRefusalNamingIt() throws IOException {
        Path bad = tmp.resolve("bad.onnx");
        Files.write(bad, new byte[] {0x3a, (byte) 0xff, (byte) 0xff, 0x7f, 1, 2, 3});

        assertThat(weft.run("predict", "--model", bad.toString(), image.toString())).isEqualTo(Main.USAGE);

        assertThat(weft.err()).startsWith("weft: Cannot load the model: " + bad + " at byte 1: ")
                .doesNotContain("Exception", "\tat ");
        assertThat(weft.out()).isEmpty();
    }

    @Test
    void anOnnxModelWithAnOperatorWeftCannotRunIsRefusedNamingTheNode() throws IOException {
        Path onnx = tmp.resolve("tanh.onnx");
        Models.referenceCnn(4L).exportOnnx(onnx);
        String bytes = new String(Files.readAllBytes(onnx), StandardCharsets.ISO_8859_1);
        Files.write(onnx, bytes.replace("Relu", "Tanh").getBytes(StandardCharsets.ISO_8859_1));

        assertThat(weft.run("predict", "--model", onnx.toString(), image.toString())).isEqualTo(Main.USAGE);

        assertThat(weft.err()).startsWith("weft: Cannot load the model: " + onnx)
                .contains("node 'relu_1'", "(Tanh)", "not supported").doesNotContain("Exception");
    }

    @Test
    void exportWithoutOutIsRefused() {
        assertThat(weft.run("export", "--model", "report/weft.weft")).isEqualTo(Main.USAGE);

        assertThat(weft.err()).startsWith("weft: export needs --out FILE");
    }

    @Test
    void exportOfAMissingModelIsRefusedNamingIt() {
        Path missing = tmp.resolve("missing.weft");

        assertThat(weft.run("export", "--model", missing.toString(), "--out", tmp.resolve("x.onnx").toString()))
                .isEqualTo(Main.USAGE);

        assertThat(weft.err()).startsWith("weft: No model file " + missing);
        assertThat(tmp.resolve("x.onnx")).doesNotExist();
    }

    @Test
    void exportOfACorruptModelIsRefusedNamingIt() throws IOException {
        Path corrupt = tmp.resolve("corrupt.weft");
        Files.write(corrupt, new byte[] {'W', 'E', 'F', 'T', 1});

        assertThat(weft.run("export", "--model", corrupt.toString(), "--out", tmp.resolve("x.onnx").toString()))
                .isEqualTo(Main.USAGE);

        assertThat(weft.err()).startsWith("weft: Cannot load the model: " + corrupt).doesNotContain("Exception");
    }

    @Test
    void helpNamesTheCommandAndItsOptions() {
        assertThat(weft.run("export", "--help")).isZero();
        assertThat(weft.out()).contains("weft export", "--model FILE", "--out FILE", "opset 13");

        assertThat(weft.run("--help")).isZero();
        assertThat(weft.out()).contains("weft export [--model FILE] --out FILE");
    }

    @Test
    void anExportedModelImportsWithItsShapes() throws IOException {
        Path onnx = tmp.resolve("m.onnx");
        Models.referenceCnn(5L).exportOnnx(onnx);

        Sequential back = Sequential.importOnnx(onnx);

        assertThat(back.inputShape()).containsExactly(1, 28, 28);
        assertThat(back.outputShape()).containsExactly(10);
    }
}
