package dev.weft.examples;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * The command-line tests' fixture: runs {@link Main} in-process as the {@code weft} launcher would and keeps what the
 * last run printed, and writes the small grey pictures the commands read.
 */
final class CommandLine {

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    /** Runs {@code weft args...}; returns its exit code. {@link #out()} and {@link #err()} then hold its output. */
    int run(String... args) {
        outBytes.reset();
        errBytes.reset();
        return Main.run(args, new PrintStream(outBytes, true, StandardCharsets.UTF_8),
                new PrintStream(errBytes, true, StandardCharsets.UTF_8));
    }

    /** What the last run printed on standard output. */
    String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    /** What the last run printed on standard error. */
    String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    /** Writes {@code file}, a black {@code width x height} greyscale PNG with {@code box} filled at {@code grey}. */
    static Path writeGreyPicture(Path file, int width, int height, Rectangle box, int grey) throws IOException {
        BufferedImage picture = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = box.y; y < box.y + box.height; y++) {
            for (int x = box.x; x < box.x + box.width; x++) {
                picture.getRaster().setSample(x, y, 0, grey);
            }
        }
        ImageIO.write(picture, "png", file.toFile());
        return file;
    }
}
