package dev.weft.data;

import dev.weft.core.AtomicFiles;
import dev.weft.core.Parallel;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads and writes Fashion-MNIST in the Kaggle CSV layout ({@code fashion-mnist_train.csv}): a header
 * {@code label,pixel1,...,pixel784}, then one row per image, the label (0-9) first and the 784 pixel values (0-255)
 * row by row after it.
 *
 * <p>Reading uses commons-csv. The header is detected: a first row whose first field is not a number is a header,
 * which must have 785 columns and start with {@code label}. Every row is checked — column count, missing
 * (empty) values, non-numeric values, labels outside 0-9 and pixels outside 0-255 — and the first problem is a
 * {@link DatasetFormatException} naming the file, the data row (0-based, the image index) and the line (1-based),
 * the column and what was expected. Nothing is skipped; only one empty line at the very end is tolerated.
 * Windows line ends and a UTF-8 byte-order mark are accepted. Files above 4 MB are read in pieces cut at line
 * ends, so a quoted field containing a line break is not supported (numeric data never has one).
 *
 * <p>Memory follows the rows actually parsed, never the file's size: each piece's arrays start at 64 rows and
 * double, and a line longer than {@value #MAX_LINE} bytes (a valid row is at most about 3 KB) is refused, so a
 * file of zeros or garbage costs no more than that. Only regular files are opened, and a file without a single
 * data row is refused ("no images").
 *
 * <pre>{@code
 * FashionMnistCsv.write(FashionMnist.load().train(), Path.of("fashion-mnist_train.csv"));  // IDX -> CSV
 * ImageSet train = FashionMnistCsv.read(Path.of("fashion-mnist_train.csv"));
 * }</pre>
 */
public final class FashionMnistCsv {
    /** File name of the Kaggle training CSV. */
    public static final String TRAIN_FILE = "fashion-mnist_train.csv";
    /** File name of the Kaggle test CSV. */
    public static final String TEST_FILE = "fashion-mnist_test.csv";

    private static final int ROWS = FashionMnist.ROWS;
    private static final int COLS = FashionMnist.COLS;
    private static final int PIXELS = ROWS * COLS;
    private static final int COLUMNS = PIXELS + 1;
    /** Longest line accepted, in bytes: twenty times the longest plain row (785 values of up to three digits). */
    static final int MAX_LINE = 1 << 16;
    /** Most rows one set can hold: its pixels are one array. */
    private static final int MAX_ROWS = Integer.MAX_VALUE / PIXELS - 1;
    /** Rows allocated per piece before the first doubling. */
    private static final int INITIAL_ROWS = 64;

    private FashionMnistCsv() {
    }

    /** Reads a Kaggle-layout CSV of 28x28 images; the set is named after the file. */
    public static ImageSet read(Path file) throws IOException {
        String name = file.getFileName().toString();
        name = name.equals(TRAIN_FILE) ? "train" : name.equals(TEST_FILE) ? "test" : name.replaceFirst("\\.csv$", "");
        return read(file, name);
    }

    /**
     * Reads a Kaggle-layout CSV of 28x28 images into a set called {@code name}. Large files are cut at line ends
     * into one piece per thread of {@link Parallel} and the pieces parsed at once, each by its own commons-csv
     * parser; errors still name the global data row and line, and the first error in file order wins.
     */
    public static ImageSet read(Path file, String name) throws IOException {
        long size = DataFiles.regularFileSize(file);
        int pieces = size < PARALLEL_THRESHOLD ? 1 : Parallel.threads();
        long[] starts = pieceStarts(file, size, pieces);
        Piece[] results = new Piece[pieces];
        try {
            Parallel.forRange(pieces, 1, (from, to) -> {
                for (int k = from; k < to; k++) {
                    try {
                        results[k] = parsePiece(file, starts[k], starts[k + 1], k == 0);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);   // carried out of the worker, unwrapped below
                    }
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        int count = 0;
        long lines = 0;
        for (int k = 0; k < pieces; k++) {
            Piece piece = results[k];
            if (piece.problem != null) {
                throw piece.problem.toException(file, count, lines);
            }
            if (piece.emptyLineAtEnd >= 0 && hasRecordsAfter(results, k)) {
                throw new Problem(Problem.LINE, 0, piece.emptyLineAtEnd, "empty line, expected a data row with "
                        + COLUMNS + " columns", null).toException(file, count, lines);
            }
            if (piece.count > MAX_ROWS - count) {
                throw new DatasetFormatException(file, "data row " + MAX_ROWS, "more than " + MAX_ROWS
                        + " rows, expected at most " + MAX_ROWS + " (the images of one set are one array)");
            }
            count += piece.count;
            lines += piece.lines;
        }
        if (count == 0) {
            throw new DatasetFormatException(file, "data rows", "no images: " + (lines == 0 ? "the file is empty"
                    : "the file has no data rows") + ", expected at least one row of " + COLUMNS + " columns (label,"
                    + " pixel1..pixel" + PIXELS + ")");
        }
        byte[] pixels = new byte[count * PIXELS];
        int[] labels = new int[count];
        int at = 0;
        for (Piece piece : results) {
            System.arraycopy(piece.pixels, 0, pixels, at * PIXELS, piece.count * PIXELS);
            System.arraycopy(piece.labels, 0, labels, at, piece.count);
            at += piece.count;
        }
        return ImageSet.owning(name, ROWS, COLS, FashionMnist.NUM_CLASSES, pixels, labels);
    }

    /** Files below this size are parsed by one thread. */
    private static final long PARALLEL_THRESHOLD = 1 << 22;

    /** The parsed rows of one piece of the file, or the first problem in it (rows and lines relative to it). */
    private record Piece(byte[] pixels, int[] labels, int count, long lines, long emptyLineAtEnd, Problem problem) {
    }

    /** A problem found in a piece; row and line are relative to the piece and made global once all are parsed. */
    private static final class Problem extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final int DATA_ROW = 0;
        static final int HEADER = 1;
        static final int LINE = 2;
        final int kind;
        final int row;
        final long line;
        final String problem;

        Problem(int kind, int row, long line, String problem, Throwable cause) {
            super(problem, cause, false, false);
            this.kind = kind;
            this.row = row;
            this.line = line;
            this.problem = problem;
        }

        DatasetFormatException toException(Path file, int rowBase, long lineBase) {
            long globalLine = lineBase + line;
            String record = switch (kind) {
                case HEADER -> "header (line " + globalLine + ")";
                case LINE -> "line " + globalLine;
                default -> "data row " + (rowBase + row) + " (line " + globalLine + ")";
            };
            return new DatasetFormatException(file, record, problem, getCause());
        }
    }

    private static boolean hasRecordsAfter(Piece[] results, int k) {
        for (int j = k + 1; j < results.length; j++) {
            if (results[j].lines > 0) {
                return true;
            }
        }
        return false;
    }

    /** Piece boundaries: {@code pieces + 1} offsets, each (but 0 and size) just after a line end. */
    private static long[] pieceStarts(Path file, long size, int pieces) throws IOException {
        long[] starts = new long[pieces + 1];
        starts[pieces] = size;
        if (pieces == 1) {
            return starts;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(1 << 14);
            for (int k = 1; k < pieces; k++) {
                long position = Math.max(starts[k - 1], size * k / pieces - 1);
                // No line end within MAX_LINE means an over-long line: the earlier piece reads on and refuses it.
                long searchEnd = Math.min(size, position + MAX_LINE + 1);
                long start = size;
                search:
                while (position < searchEnd) {
                    buffer.clear();
                    int n = channel.read(buffer, position);
                    if (n <= 0) {
                        break;
                    }
                    for (int i = 0; i < n; i++) {
                        if (buffer.get(i) == '\n') {
                            start = position + i + 1;
                            break search;
                        }
                    }
                    position += n;
                }
                starts[k] = start;
            }
        } catch (IOException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return starts;
    }

    private static Piece parsePiece(Path file, long start, long end, boolean first) throws IOException {
        CSVFormat format = CSVFormat.DEFAULT.builder().setIgnoreEmptyLines(false).get();
        int capacity = (int) Math.min(INITIAL_ROWS, (end - start) / (2 * COLUMNS - 1) + 1);
        byte[] pixels = new byte[capacity * PIXELS];
        int[] labels = new int[capacity];
        int count = 0;
        long lines = 0;
        long emptyLine = -1;
        if (start >= end) {
            return new Piece(pixels, labels, 0, 0, -1, null);
        }
        LineLimited lineLimit = null;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (first && end - start >= 3) {
                // A UTF-8 byte-order mark (spreadsheet exports write one) is not part of the first field.
                ByteBuffer bom = ByteBuffer.allocate(3);
                channel.read(bom, start);
                if (bom.get(0) == (byte) 0xEF && bom.get(1) == (byte) 0xBB && bom.get(2) == (byte) 0xBF) {
                    start += 3;
                }
            }
            channel.position(start);
            lineLimit = new LineLimited(new Limited(Channels.newInputStream(channel), end - start));
            Reader reader = new InputStreamReader(new BufferedInputStream(lineLimit, 1 << 16),
                    StandardCharsets.UTF_8);
            CSVParser parser = format.parse(reader);
            boolean header = first;
            for (CSVRecord record : parser) {
                long line = ++lines;
                if (emptyLine >= 0) {
                    throw new Problem(Problem.LINE, 0, emptyLine, "empty line, expected a data row with " + COLUMNS
                            + " columns", null);
                }
                if (record.size() == 1 && record.get(0).isBlank()) {
                    emptyLine = line;
                    continue;
                }
                if (header) {
                    header = false;
                    if (isHeader(record)) {
                        checkHeader(record, line);
                        continue;
                    }
                }
                if (record.size() != COLUMNS) {
                    throw new Problem(Problem.DATA_ROW, count, line, record.size() + " columns, expected " + COLUMNS
                            + " (label, pixel1..pixel" + PIXELS + ")", null);
                }
                if (count == labels.length) {
                    if (count == MAX_ROWS) {
                        throw new Problem(Problem.DATA_ROW, count, line, "more than " + MAX_ROWS + " rows, expected"
                                + " at most " + MAX_ROWS + " (the images of one set are one array)", null);
                    }
                    int grown = (int) Math.min(MAX_ROWS, count * 2L + 1);
                    labels = Arrays.copyOf(labels, grown);
                    pixels = Arrays.copyOf(pixels, grown * PIXELS);
                }
                int label = parse(count, line, record.get(0), "label");
                if (label > FashionMnist.NUM_CLASSES - 1) {
                    throw new Problem(Problem.DATA_ROW, count, line, "label " + label + ", expected 0-"
                            + (FashionMnist.NUM_CLASSES - 1), null);
                }
                labels[count] = label;
                int base = count * PIXELS;
                for (int p = 0; p < PIXELS; p++) {
                    int value = parse(count, line, record.get(p + 1), "pixel" + (p + 1));
                    if (value > 255) {
                        throw new Problem(Problem.DATA_ROW, count, line, "pixel" + (p + 1) + " is " + value
                                + ", expected 0-255", null);
                    }
                    pixels[base + p] = (byte) value;
                }
                count++;
            }
        } catch (Problem problem) {
            return new Piece(pixels, labels, count, lines, -1, lineLimit.firstOf(problem));
        } catch (UncheckedIOException e) {
            // commons-csv reports malformed input (e.g. an unclosed quote) as UncheckedIOException.
            return new Piece(pixels, labels, count, lines, -1, lineLimit.firstOf(new Problem(Problem.LINE, 0,
                    lines + 1, "malformed CSV: " + e.getCause().getMessage(), e)));
        } catch (IOException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (lineLimit != null && lineLimit.problem != null) {
            return new Piece(pixels, labels, count, lines, -1, lineLimit.problem);
        }
        return new Piece(pixels, labels, count, lines, emptyLine, null);
    }

    /**
     * Ends the stream at the first line longer than {@link #MAX_LINE} bytes and keeps that problem, so that the
     * parser never holds more than one such line and problems in earlier lines are still reported first.
     */
    private static final class LineLimited extends FilterInputStream {
        private long line = 1;
        private int sinceLineEnd;
        private boolean afterCarriageReturn;
        Problem problem;

        LineLimited(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            if (problem != null) {
                return -1;
            }
            int n = in.read(target, offset, length);
            for (int i = 0; i < n; i++) {
                byte b = target[offset + i];
                if (b == '\n' || b == '\r') {
                    // CR, LF and CRLF each end one line, as commons-csv counts them.
                    line += b == '\n' && afterCarriageReturn ? 0 : 1;
                    afterCarriageReturn = b == '\r';
                    sinceLineEnd = 0;
                    continue;
                }
                afterCarriageReturn = false;
                if (++sinceLineEnd > MAX_LINE) {
                    problem = new Problem(Problem.LINE, 0, line, "longer than " + MAX_LINE + " bytes without a line"
                            + " end, expected a data row of " + COLUMNS + " comma-separated integers", null);
                    return i > 0 ? i : -1;
                }
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            return Math.max(0, read(new byte[(int) Math.min(n, 1 << 13)]));
        }

        /** The over-long line if it comes no later than {@code found} (which the cut-off stream may have caused). */
        Problem firstOf(Problem found) {
            return problem != null && problem.line <= found.line ? problem : found;
        }
    }

    /** An input stream that ends after {@code remaining} bytes. */
    private static final class Limited extends FilterInputStream {
        private long remaining;

        Limited(InputStream in, long limit) {
            super(in);
            remaining = limit;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            remaining -= b >= 0 ? 1 : 0;
            return b;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(target, offset, (int) Math.min(length, remaining));
            remaining -= Math.max(n, 0);
            return n;
        }
    }

    private static boolean isHeader(CSVRecord record) {
        String firstField = record.get(0).strip();
        return firstField.isEmpty() || !(Character.isDigit(firstField.charAt(0)) || firstField.charAt(0) == '-');
    }

    private static void checkHeader(CSVRecord header, long line) {
        if (header.size() != COLUMNS || !header.get(0).strip().equalsIgnoreCase("label")) {
            throw new Problem(Problem.HEADER, 0, line, header.size() + " columns starting with '" + header.get(0)
                    + "', expected " + COLUMNS
                            + " columns: label,pixel1,...,pixel" + PIXELS, null);
        }
    }

    /**
     * A non-negative decimal integer, surrounding spaces allowed (trimmed here rather than by commons-csv, whose
     * trimming is a noticeable share of the read); sign, missing and non-numeric values are errors naming the column.
     */
    private static int parse(int row, long line, String field, String column) {
        int length = field.length();
        if (length > 0 && (field.charAt(0) == ' ' || field.charAt(length - 1) == ' ')) {
            field = field.strip();
            length = field.length();
        }
        if (length == 0) {
            throw new Problem(Problem.DATA_ROW, row, line, "missing value in column " + column
                    + ", expected an integer " + (column.equals("label") ? "0-9" : "0-255"), null);
        }
        if (length > 9) {
            throw new Problem(Problem.DATA_ROW, row, line, "value '" + field + "' in column " + column
                    + ", expected an integer " + (column.equals("label") ? "0-9" : "0-255"), null);
        }
        int value = 0;
        for (int i = 0; i < length; i++) {
            char c = field.charAt(i);
            if (c < '0' || c > '9') {
                String found = c == '-' && i == 0 && length > 1 ? "negative value '" + field + "'"
                        : "non-numeric value '" + field + "'";
                throw new Problem(Problem.DATA_ROW, row, line, found + " in column " + column
                        + ", expected an integer " + (column.equals("label") ? "0-9" : "0-255"), null);
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /**
     * Writes {@code set} (28x28 images) in the Kaggle layout, with a header and {@code \n} line ends, atomically
     * (temporary file, then rename). Integers need no quoting, so rows are formatted directly rather than through
     * a {@code CSVPrinter}; the result reads back with {@link #read}.
     */
    public static void write(ImageSet set, Path file) throws IOException {
        if (set.rows() != ROWS || set.cols() != COLS) {
            throw new IllegalArgumentException("the Kaggle layout holds 28x28 images, not " + set.rows() + "x"
                    + set.cols());
        }
        byte[] pixels = set.rawPixels();
        IdxFiles.writeAtomically(file, out -> {
            StringBuilder header = new StringBuilder("label");
            for (int p = 1; p <= PIXELS; p++) {
                header.append(",pixel").append(p);
            }
            header.append('\n');
            out.write(header.toString().getBytes(StandardCharsets.US_ASCII));
            byte[] row = new byte[COLUMNS * 4 + 1];
            for (int i = 0; i < set.size(); i++) {
                int at = writeInt(row, 0, set.label(i));
                int base = i * PIXELS;
                for (int p = 0; p < PIXELS; p++) {
                    row[at++] = ',';
                    at = writeInt(row, at, pixels[base + p] & 0xFF);
                }
                row[at++] = '\n';
                out.write(row, 0, at);
            }
        });
    }

    /**
     * Converts a loaded data set to the two Kaggle files, {@value #TRAIN_FILE} and {@value #TEST_FILE}, in
     * {@code directory} (created if needed), each written atomically. {@code FashionMnist.load(directory)} reads
     * them back to the same tensors.
     *
     * <pre>{@code
     * FashionMnistCsv.convert(FashionMnist.load(), Path.of("csv"));   // IDX -> CSV, about 133 MB + 22 MB
     * }</pre>
     *
     * @return the two files written, training first
     */
    public static java.util.List<Path> convert(FashionMnist data, Path directory) throws IOException {
        Path train = directory.resolve(TRAIN_FILE);
        Path test = directory.resolve(TEST_FILE);
        write(data.train(), train);
        write(data.test(), test);
        return java.util.List.of(train, test);
    }

    private static int writeInt(byte[] row, int at, int value) {
        if (value >= 100) {
            row[at++] = (byte) ('0' + value / 100);
        }
        if (value >= 10) {
            row[at++] = (byte) ('0' + value / 10 % 10);
        }
        row[at++] = (byte) ('0' + value % 10);
        return at;
    }
}
