package dev.weft.analysis.charts;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ThreadLocalRandom;
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
        Path temp = createTemporary(dir, target.getFileName().toString());
        try {
            if (!ImageIO.write(image, "png", temp.toFile())) {
                throw new IOException("no PNG writer available for image type " + image.getType()
                        + " while writing " + target);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        return png;
    }

    /**
     * A new empty file {@code .NAME.RANDOM.tmp} in {@code dir} with the permissions any new file gets there (on
     * POSIX, as the umask gives). Not {@link Files#createTempFile}, whose file is private (600) on POSIX: the PNG
     * should be as readable as any file the user writes, not only by the accident that {@code ImageIO} deletes and
     * recreates its output file. (The data package's writers do the same; the two packages share no code.)
     */
    private static Path createTemporary(Path dir, String fileName) throws IOException {
        for (int attempt = 1; ; attempt++) {
            String unique = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
            try {
                return Files.createFile(dir.resolve("." + fileName + "." + unique + ".tmp"));
            } catch (FileAlreadyExistsException taken) {
                if (attempt == 100) {
                    throw taken;
                }
            }
        }
    }

    /** Checks a requested picture size; every {@link Chart#render} calls this first. */
    static void checkSize(int width, int height) {
        if (width < MIN_SIZE || height < MIN_SIZE || width > MAX_SIZE || height > MAX_SIZE) {
            throw new IllegalArgumentException("chart size " + width + "x" + height + " is outside "
                    + MIN_SIZE + ".." + MAX_SIZE + " pixels per side");
        }
    }
}
