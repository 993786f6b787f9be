package dev.weft.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** The check every dataset reader makes before it opens a file. */
final class DataFiles {
    private DataFiles() {
    }

    /**
     * The size of {@code file}, which must be a regular file (symbolic links are followed). Anything else is refused
     * before it is opened, because opening a named pipe blocks until a writer comes and a device may never end.
     *
     * @throws NoSuchFileException    if it does not exist
     * @throws DatasetFormatException if it is a directory, named pipe, device or socket
     */
    static long regularFileSize(Path file) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "file not found");
        }
        if (!attributes.isRegularFile()) {
            String found = attributes.isDirectory() ? "a directory" : "not a regular file (a named pipe, device or"
                    + " socket)";
            throw new DatasetFormatException(file, "file", found + ", expected a regular data file");
        }
        return attributes.size();
    }
}
