package dev.weft.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A dataset file that cannot be read as what it claims to be: wrong magic number, wrong dimensions, truncated or
 * corrupt gzip, a label outside 0-9, a CSV row with the wrong number of columns, a missing or non-numeric value, a
 * pixel outside 0-255, or a checksum that does not match. The message names the file, the record (image index, data
 * row and line, or byte offset) and what was expected; {@link #file()} and {@link #record()} give them separately.
 *
 * <p>A checked {@link IOException}, as every problem in a file or the file system is in Weft (see the README's
 * "Errors" section); nothing in this package ever skips a bad record silently.
 */
public class DatasetFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String record;
    private final String problem;

    /**
     * @param file    the file that is wrong
     * @param record  where in the file, e.g. {@code "image 17"}, {@code "data row 4 (line 6)"}, {@code "header"}
     * @param problem what was found and what was expected
     */
    public DatasetFormatException(Path file, String record, String problem) {
        this(file, record, problem, null);
    }

    /** As {@link #DatasetFormatException(Path, String, String)}, keeping the low-level cause. */
    public DatasetFormatException(Path file, String record, String problem, Throwable cause) {
        super(file + ": " + record + ": " + problem, cause);
        this.file = file;
        this.record = record;
        this.problem = problem;
    }

    /** The file that is wrong. */
    public Path file() {
        return file;
    }

    /** What was found and what was expected, without the file and record. */
    public String problem() {
        return problem;
    }

    /** Where in the file the problem is, e.g. {@code "image 17"} or {@code "data row 4 (line 6)"}. */
    public String record() {
        return record;
    }
}
