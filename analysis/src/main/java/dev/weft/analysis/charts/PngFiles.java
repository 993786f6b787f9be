package dev.weft.analysis.charts;

import dev.weft.core.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Writing images as PNG files, atomically. */
public final class PngFiles {

    /** Smallest width or height, in pixels, a chart may be asked to draw at. */
    public static final int MIN_SIZE = 16;

    /** Largest width or height, in pixels (a guard against a mistyped size allocating gigabytes). */
    public static final int MAX_SIZE = 16_384;

    private PngFiles() {
    }

    /**
     * Writes {@code image} to {@code png}: first to a temporary file next to it, then moved over the target
     * (atomically where the file system allows), so a crash never leaves a truncated PNG behind.
     * Missing parent directories are created.
     *
     * @return {@code png}
     */
    public static Path write(BufferedImage image, Path png) throws IOException {
        Path target = png.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path temp = AtomicFiles.createTemporary(dir, target.getFileName().toString());
        try {
            if (!ImageIO.write(image, "png", temp.toFile())) {
                throw new IOException("no PNG writer available for image type " + image.getType()
                        + " while writing " + target);
            }
            AtomicFiles.moveIntoPlace(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
        return png;
    }

    static void checkSize(int width, int height) {
        if (width < MIN_SIZE || height < MIN_SIZE || width > MAX_SIZE || height > MAX_SIZE) {
            throw new IllegalArgumentException("chart size " + width + "x" + height + " is outside "
                    + MIN_SIZE + ".." + MAX_SIZE + " pixels per side");
        }
    }
}
