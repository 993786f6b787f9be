package dev.weft.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.layers.Conv2D;
import dev.weft.layers.Dense;
import dev.weft.layers.Flatten;
import dev.weft.layers.Layer;
import dev.weft.layers.ReLU;
import dev.weft.layers.Sequential;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code weft predict}: what it accepts, and the one-paragraph refusals of models and files it cannot use. */
class PredictTest {

    @TempDir
    Path tmp;

    private final CommandLine weft = new CommandLine();
    private Path image;

    @BeforeEach
    void writeAnImage() throws IOException {
        image = CommandLine.writeGreyPicture(tmp.resolve("shirt.png"), 40, 30, new Rectangle(10, 5, 20, 20), 180);
    }

    private Path model(String name, int[] inputShape, Layer... layers) throws IOException {
        Path file = tmp.resolve(name);
        new Sequential(inputShape, 1, layers).save(file);
        return file;
    }

    @Test
    void aModelThatTakesAnotherInputShapeIsRefusedNamingTheFile() throws IOException {
        Path flat = model("flat.weft", new int[] {784}, new Dense(10));

        assertThat(weft.run("predict", "--model", flat.toString(), image.toString())).isEqualTo(Main.USAGE);

        assertThat(weft.err()).startsWith("weft: The model " + flat).contains("[784]", "[1, 28, 28]")
                .doesNotContain("Exception", "\tat ");
        assertThat(weft.out()).isEmpty();
    }

    @Test
    void aModelWithAnotherNumberOfOutputsIsRefusedNamingTheFile() throws IOException {
        Path five = model("five.weft", new int[] {1, 28, 28}, new Flatten(), new Dense(5));

        assertThat(weft.run("predict", "--model", five.toString(), image.toString())).isEqualTo(Main.USAGE);

        assertThat(weft.err()).startsWith("weft: The model " + five).contains("[5]", "10").doesNotContain("Exception");
        assertThat(weft.out()).isEmpty();
    }

    @Test
    void aModelWhoseOutputIsNotAVectorIsRefusedNamingTheFile() throws IOException {
        Path image3d = model("relu.weft", new int[] {1, 28, 28}, new ReLU());

        assertThat(weft.run("predict", "--model", image3d.toString(), image.toString())).isEqualTo(Main.USAGE);

        assertThat(weft.err()).startsWith("weft: The model " + image3d).contains("[1, 28, 28]", "vector")
                .doesNotContain("Exception");
    }

    @Test
    void aFolderGivenAsTheModelIsRefused() throws IOException {
        Path folder = Files.createDirectory(tmp.resolve("model.weft"));

        assertThat(weft.run("predict", "--model", folder.toString(), image.toString())).isEqualTo(Main.USAGE);

        assertThat(weft.err()).startsWith("weft: The model " + folder).contains("not a regular file");
    }

    @Test
    void aFolderGivenAsAnImageIsRefused() throws IOException {
        Path good = model("good.weft", new int[] {1, 28, 28}, new Flatten(), new Dense(10));
        Path folder = Files.createDirectory(tmp.resolve("photos"));

        assertThat(weft.run("predict", "--model", good.toString(), folder.toString())).isEqualTo(Main.USAGE);

        assertThat(weft.err()).startsWith("weft: Image " + folder).contains("not a regular file");
        assertThat(weft.out()).isEmpty();
    }

    @Test
    void aGoodModelAndImagePrintTheTopThreeClasses() throws IOException {
        Path good = model("good.weft", new int[] {1, 28, 28}, new Flatten(), new Dense(10));

        assertThat(weft.run("predict", "--model", good.toString(), image.toString())).isZero();

        assertThat(weft.out()).matches(java.util.regex.Pattern.quote(image + ": ")
                + "[^,]+ \\d+\\.\\d%, [^,]+ \\d+\\.\\d%, [^,]+ \\d+\\.\\d%\\R");
        assertThat(weft.err()).isEmpty();
    }

    @Test
    void helpListsEveryAcceptedFormatAndTheLimits() {
        assertThat(weft.run("predict", "--help")).isZero();

        assertThat(weft.out()).contains("PNG", "JPEG", "GIF", "BMP", "16 bits", "palette", "CMYK",
                ImageInput.MAX_PIXELS / 1_000_000 + " megapixels", ImageInput.MAX_SIDE + " pixels on a side",
                "[1, 28, 28]", "10 class scores");
    }

    @Test
    void explainWritesAPictureNextToTheUsualLine() throws IOException {
        Path model = model("conv.weft", new int[] {1, 28, 28}, new Conv2D(2, 3), new ReLU(), new Flatten(),
                new Dense(10));
        Path folder = tmp.resolve("explained");
        int code = weft.run("predict", "--model", model.toString(), "--explain-out", folder.toString(),
                image.toString());
        assertThat(code).as("exit code; stderr: %s", weft.err()).isZero();
        Path png = folder.resolve("shirt.png.explain.png");
        assertThat(weft.out()).matches("(?s)" + java.util.regex.Pattern.quote(image + ": ") + "[^\\n]*%, [^\\n]*%, "
                + "[^\\n]*%\\R  explanation: " + java.util.regex.Pattern.quote(png.toString()) + "\\R");
        BufferedImage picture = ImageIO.read(png.toFile());
        assertThat(picture.getWidth()).isEqualTo(900);
        assertThat(picture.getHeight()).isEqualTo(380);
        try (var files = Files.list(folder)) {
            assertThat(files).as("nothing but the picture (no temporary file left)").containsExactly(png);
        }
    }

    @Test
    void explainOfADenseModelDrawsTheSaliencyWithoutGradCam() throws IOException {
        Path model = model("dense.weft", new int[] {1, 28, 28}, new Flatten(), new Dense(10));
        int code = weft.run("predict", "--model", model.toString(), "--explain-out", tmp.toString(),
                image.toString());
        assertThat(code).as("exit code; stderr: %s", weft.err()).isZero();
        assertThat(tmp.resolve("shirt.png.explain.png")).exists();
    }

    @Test
    void explainIntoAFolderThatCannotBeMadeIsRefusedInOneParagraph() throws IOException {
        Path model = model("conv.weft", new int[] {1, 28, 28}, new Conv2D(2, 3), new ReLU(), new Flatten(),
                new Dense(10));
        Path notAFolder = Files.writeString(tmp.resolve("file.txt"), "x");
        int code = weft.run("predict", "--model", model.toString(), "--explain-out", notAFolder.toString(),
                image.toString());
        assertThat(code).isEqualTo(Main.USAGE);
        // The paragraph is wrapped, and where depends on the temporary folder's name: compare it unwrapped.
        assertThat(weft.err().replaceAll("\\s+", " ")).startsWith("weft: Cannot write the explanation")
                .contains("--explain-out DIR");
        assertThat(weft.err()).doesNotContain("\tat ");
    }
}
