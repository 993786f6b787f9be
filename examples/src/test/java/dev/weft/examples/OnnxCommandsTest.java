package dev.weft.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.layers.Models;
import dev.weft.layers.Sequential;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
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

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private Path image;

    @BeforeEach
    void writeAnImage() throws IOException {
        BufferedImage picture = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 4; y < 24; y++) {
            for (int x = 8; x < 20; x++) {
                picture.getRaster().setSample(x, y, 0, 200);
            }
        }
        image = tmp.resolve("trousers.png");
        ImageIO.write(picture, "png", image.toFile());
    }

    private int run(String... args) {
        outBytes.reset();
        errBytes.reset();
        return Main.run(args, new PrintStream(outBytes, true, StandardCharsets.UTF_8),
                new PrintStream(errBytes, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void exportWritesAnOnnxModelThatPredictsAsTheWeftModelDoes() throws IOException {
        Path weft = tmp.resolve("weft.weft");
        Models.weftCnn(3L).save(weft);
        Path onnx = tmp.resolve("weft.onnx");

        assertThat(run("export", "--model", weft.toString(), "--out", onnx.toString())).isZero();
        assertThat(out()).isEqualTo("Wrote " + onnx + ": ONNX opset 13, input 'input' [N, 1, 28, 28], "
                + "output 'logits' [N, 10]" + System.lineSeparator());
        assertThat(err()).isEmpty();

        assertThat(run("predict", "--model", weft.toString(), image.toString())).isZero();
        String fromWeft = out();
        assertThat(run("predict", "--model", onnx.toString(), image.toString())).isZero();
        assertThat(out()).isEqualTo(fromWeft);
    }

    @Test
    void predictReadsAKerasModelFromOnnx() throws IOException {
        Path keras = tmp.resolve("keras-reference-cnn.onnx");
        try (InputStream in = getClass().getResourceAsStream("/onnx/keras-reference-cnn.onnx")) {
            assertThat(in).as("weft-layers test resource onnx/keras-reference-cnn.onnx").isNotNull();
            Files.copy(in, keras);
        }

        assertThat(run("predict", "--model", keras.toString(), image.toString())).isZero();

        assertThat(out()).matches(java.util.regex.Pattern.quote(image + ": ")
                + "[^,]+ \\d+\\.\\d%, [^,]+ \\d+\\.\\d%, [^,]+ \\d+\\.\\d%\\R");
    }

    @Test
    void aCorruptOnnxFileIsAOneParagraphRefusalNamingIt() throws IOException {
        Path bad = tmp.resolve("bad.onnx");
        Files.write(bad, new byte[] {0x3a, (byte) 0xff, (byte) 0xff, 0x7f, 1, 2, 3});

        assertThat(run("predict", "--model", bad.toString(), image.toString())).isEqualTo(Main.USAGE);

        assertThat(err()).startsWith("weft: Cannot load the model: " + bad + " at byte 1: ")
                .doesNotContain("Exception", "\tat ");
        assertThat(out()).isEmpty();
    }

    @Test
    void anOnnxModelWithAnOperatorWeftCannotRunIsRefusedNamingTheNode() throws IOException {
        Path onnx = tmp.resolve("tanh.onnx");
        Models.referenceCnn(4L).exportOnnx(onnx);
        String bytes = new String(Files.readAllBytes(onnx), StandardCharsets.ISO_8859_1);
        Files.write(onnx, bytes.replace("Relu", "Tanh").getBytes(StandardCharsets.ISO_8859_1));

        assertThat(run("predict", "--model", onnx.toString(), image.toString())).isEqualTo(Main.USAGE);

        assertThat(err()).startsWith("weft: Cannot load the model: " + onnx)
                .contains("node 'relu_1'", "(Tanh)", "not supported").doesNotContain("Exception");
    }

    @Test
    void exportWithoutOutIsRefused() {
        assertThat(run("export", "--model", "report/weft.weft")).isEqualTo(Main.USAGE);

        assertThat(err()).startsWith("weft: export needs --out FILE");
    }

    @Test
    void exportOfAMissingModelIsRefusedNamingIt() {
        Path missing = tmp.resolve("missing.weft");

        assertThat(run("export", "--model", missing.toString(), "--out", tmp.resolve("x.onnx").toString()))
                .isEqualTo(Main.USAGE);

        assertThat(err()).startsWith("weft: No model file " + missing);
        assertThat(tmp.resolve("x.onnx")).doesNotExist();
    }

    @Test
    void exportOfACorruptModelIsRefusedNamingIt() throws IOException {
        Path corrupt = tmp.resolve("corrupt.weft");
        Files.write(corrupt, new byte[] {'W', 'E', 'F', 'T', 1});

        assertThat(run("export", "--model", corrupt.toString(), "--out", tmp.resolve("x.onnx").toString()))
                .isEqualTo(Main.USAGE);

        assertThat(err()).startsWith("weft: Cannot load the model: " + corrupt).doesNotContain("Exception");
    }

    @Test
    void helpNamesTheCommandAndItsOptions() {
        assertThat(run("export", "--help")).isZero();
        assertThat(out()).contains("weft export", "--model FILE", "--out FILE", "opset 13");

        assertThat(run("--help")).isZero();
        assertThat(out()).contains("weft export [--model FILE] --out FILE");
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
