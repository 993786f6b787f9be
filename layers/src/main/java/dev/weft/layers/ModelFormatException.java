package dev.weft.layers;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A model file that cannot be loaded: wrong magic number, unsupported format version, truncated, checksum
 * mismatch, unknown layer type, or tensors whose shapes do not match the architecture. The message names the
 * file, the byte position, and what was expected and found.
 */
public final class ModelFormatException extends IOException {
    private final Path file;
    private final long position;

    /** A problem with {@code file} found at byte {@code position}, described by {@code problem}. */
    public ModelFormatException(Path file, long position, String problem) {
        super(file + " at byte " + position + ": " + problem);
        this.file = file;
        this.position = position;
    }

    /** The file that failed to load. */
    public Path file() {
        return file;
    }

    /** Byte offset in the file where the problem was found. */
    public long position() {
        return position;
    }
}
