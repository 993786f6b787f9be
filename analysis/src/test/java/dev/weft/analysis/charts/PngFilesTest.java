package dev.weft.analysis.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PngFilesTest {

    @TempDir
    Path dir;

    private final BufferedImage image = new BufferedImage(20, 10, BufferedImage.TYPE_INT_RGB);

    @Test
    void writesAPngAndLeavesNoTemporaryFile() throws IOException {
        Files.writeString(dir.resolve("chart.png"), "an older file");

        PngFiles.write(image, dir.resolve("chart.png"));

        assertThat(ImageIO.read(dir.resolve("chart.png").toFile()).getWidth()).isEqualTo(20);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("chart.png");
        }
    }

    @Test
    void theWrittenFileGetsTheUmasksPermissionsNotPrivateTemporaryOnes() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
                "file permissions are POSIX only");
        Path plain = Files.createFile(dir.resolve("plain.txt"));

        PngFiles.write(image, dir.resolve("chart.png"));

        assertThat(Files.getPosixFilePermissions(dir.resolve("chart.png")))
                .as("the permissions of a file created as usual here")
                .isEqualTo(Files.getPosixFilePermissions(plain));
    }
}
