package dev.weft.core;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file under a temporary name in the same directory, forces it to disk, renames it and forces the
 * directory to disk, so readers never see half a file, a failure leaves the old file (or none) in place, and a
 * crash of the machine right after leaves the new file whole rather than empty. Used by every writer of Weft: model
 * files, datasets, charts.
 *
 * <pre>{@code
 * AtomicFiles.write(Path.of("out/data.bin"), out -> out.write(bytes));
 * }</pre>
 */
public final class AtomicFiles {

    /** Something that writes a file's content. */
    @FunctionalInterface
    public interface Content {
        /** Writes the whole content to {@code out}. */
        void writeTo(OutputStream out) throws IOException;
    }

    /** Random names to try for a temporary file before giving up; a clash even once is already unlikely. */
    private static final int MAX_ATTEMPTS = 100;

    private AtomicFiles() {
    }

    /**
     * Writes {@code target} atomically: the content goes to a temporary file beside it, which is synced and then
     * renamed over it; then the directory is synced. Missing parent directories are created.
     *
     * @throws UncheckedIOException naming the file if anything fails (no temporary file is left behind)
     */
    public static void write(Path target, Content content) {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        Path temporary = null;
        try {
            Files.createDirectories(directory);
            temporary = createTemporary(directory, absolute.getFileName().toString());
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temporary), 1 << 16)) {
                content.writeTo(out);
            }
            moveIntoPlace(temporary, absolute);
            temporary = null;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + target + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(temporary);
        }
    }

    /**
     * Writes {@code bytes} to {@code target} atomically, as {@link #write} does, for callers whose errors are
     * checked: the model file and the ONNX export.
     *
     * @throws IOException if anything fails (no temporary file is left behind)
     */
    public static void writeBytes(Path target, byte[] bytes) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        Files.createDirectories(directory);
        Path temporary = createTemporary(directory, absolute.getFileName().toString());
        try {
            Files.write(temporary, bytes);
            moveIntoPlace(temporary, absolute);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * Creates a new empty file {@code .NAME.RANDOM.part} in {@code directory} with the permissions any new file
     * gets there (on POSIX, as the umask gives, typically 644). Not {@link Files#createTempFile}: that makes the file
     * private (600) on POSIX, and the rename would hand that mode on to the user's file. Creating the file with
     * {@code CREATE_NEW} semantics keeps what made {@code createTempFile} safe: a name nobody else holds.
     */
    public static Path createTemporary(Path directory, String fileName) throws IOException {
        for (int attempt = 1; ; attempt++) {
            String unique = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
            try {
                return Files.createFile(directory.resolve("." + fileName + "." + unique + ".part"));
            } catch (FileAlreadyExistsException taken) {
                if (attempt == MAX_ATTEMPTS) {
                    throw taken;
                }
            }
        }
    }

    /**
     * Forces {@code source} to disk, renames it over {@code target} (atomically where the file system can, else
     * replacing it) and forces {@code target}'s directory to disk.
     */
    public static void moveIntoPlace(Path source, Path target) throws IOException {
        syncFile(source);
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
        Path directory = target.toAbsolutePath().getParent();
        if (directory != null) {
            syncDirectory(directory);
        }
    }

    /** Forces the content of the regular file {@code file} to disk. */
    public static void syncFile(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    /**
     * Forces {@code directory}'s entries (a rename into it) to disk where the file system allows it; some (Windows,
     * some network file systems) cannot open a directory for that, and there this does nothing.
     */
    public static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException notSupported) {
            // The rename is done; only its durability across a power cut is then up to the file system.
        }
    }

    /** Deletes {@code path} if it is not null and exists, ignoring failures (for clean-up after an error). */
    public static void deleteQuietly(Path path) {
        if (path != null) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // Best effort: the temporary name starts with a dot and ends in .part, so it is recognisable.
            }
        }
    }
}
