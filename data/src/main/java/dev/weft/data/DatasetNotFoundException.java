package dev.weft.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST was not found in any of the places searched (and could not be downloaded). The message lists every
 * place with the reason it was rejected, and the ways to fix it. A checked {@link IOException}, as every problem in
 * a file or the file system is in Weft.
 */
public class DatasetNotFoundException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient List<Path> searched;

    /** @param searched the directories looked at, in order; @param message the full explanation */
    public DatasetNotFoundException(List<Path> searched, String message, Throwable cause) {
        super(message, cause);
        this.searched = List.copyOf(searched);
    }

    /** The directories looked at, in the order they were tried. */
    public List<Path> searched() {
        return searched;
    }
}
