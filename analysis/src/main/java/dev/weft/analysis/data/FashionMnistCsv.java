package dev.weft.analysis.data;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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

    private FashionMnistCsv() {
    }

    /** Reads a Kaggle-layout CSV of 28x28 images; the set is named after the file. */
    public static ImageSet read(Path file) {
        String name = file.getFileName().toString();
        name = name.equals(TRAIN_FILE) ? "train" : name.equals(TEST_FILE) ? "test" : name.replaceFirst("\\.csv$", "");
        return read(file, name);
    }

    /** Reads a Kaggle-layout CSV of 28x28 images into a set called {@code name}. */
    public static ImageSet read(Path file, String name) {
        CSVFormat format = CSVFormat.DEFAULT.builder()
                .setIgnoreEmptyLines(false)
                .get();
        byte[] pixels = new byte[PIXELS * 1024];
        int[] labels = new int[1024];
        int count = 0;
        long emptyLine = -1;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             CSVParser parser = format.parse(reader)) {
            boolean first = true;
            for (CSVRecord record : parser) {
                long line = record.getRecordNumber();
                if (emptyLine >= 0) {
                    throw new DatasetFormatException(file, "line " + emptyLine,
                            "empty line, expected a data row with " + COLUMNS + " columns");
                }
                if (record.size() == 1 && record.get(0).isBlank()) {
                    emptyLine = line;
                    continue;
                }
                if (first) {
                    first = false;
                    if (isHeader(record)) {
                        checkHeader(file, record);
                        continue;
                    }
                }
                String where = "data row " + count + " (line " + line + ")";
                if (record.size() != COLUMNS) {
                    throw new DatasetFormatException(file, where, record.size() + " columns, expected " + COLUMNS
                            + " (label, pixel1..pixel" + PIXELS + ")");
                }
                if (count == labels.length) {
                    labels = Arrays.copyOf(labels, count * 2);
                    pixels = Arrays.copyOf(pixels, count * 2 * PIXELS);
                }
                int label = parse(file, where, record.get(0), "label");
                if (label > FashionMnist.NUM_CLASSES - 1) {
                    throw new DatasetFormatException(file, where, "label " + label + ", expected 0-"
                            + (FashionMnist.NUM_CLASSES - 1));
                }
                labels[count] = label;
                int base = count * PIXELS;
                for (int p = 0; p < PIXELS; p++) {
                    int value = parse(file, where, record.get(p + 1), "pixel" + (p + 1));
                    if (value > 255) {
                        throw new DatasetFormatException(file, where, "pixel" + (p + 1) + " is " + value
                                + ", expected 0-255");
                    }
                    pixels[base + p] = (byte) value;
                }
                count++;
            }
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("file not found: " + file, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            // commons-csv reports malformed input (e.g. an unclosed quote) as UncheckedIOException.
            throw new DatasetFormatException(file, "near line " + (count + 1), "malformed CSV: "
                    + e.getCause().getMessage(), e);
        }
        return ImageSet.owning(name, ROWS, COLS, FashionMnist.NUM_CLASSES,
                pixels.length == count * PIXELS ? pixels : Arrays.copyOf(pixels, count * PIXELS),
                Arrays.copyOf(labels, count));
    }

    private static boolean isHeader(CSVRecord record) {
        String firstField = record.get(0).strip();
        return firstField.isEmpty() || !(Character.isDigit(firstField.charAt(0)) || firstField.charAt(0) == '-');
    }

    private static void checkHeader(Path file, CSVRecord header) {
        if (header.size() != COLUMNS || !header.get(0).strip().equalsIgnoreCase("label")) {
            throw new DatasetFormatException(file, "header (line " + header.getRecordNumber() + ")",
                    header.size() + " columns starting with '" + header.get(0) + "', expected " + COLUMNS
                            + " columns: label,pixel1,...,pixel" + PIXELS);
        }
    }

    /**
     * A non-negative decimal integer, surrounding spaces allowed (trimmed here rather than by commons-csv, which
     * costs 15% of the read); sign, missing and non-numeric values are errors naming the column.
     */
    private static int parse(Path file, String where, String field, String column) {
        int length = field.length();
        if (length > 0 && (field.charAt(0) == ' ' || field.charAt(length - 1) == ' ')) {
            field = field.strip();
            length = field.length();
        }
        if (length == 0) {
            throw new DatasetFormatException(file, where, "missing value in column " + column
                    + ", expected an integer " + (column.equals("label") ? "0-9" : "0-255"));
        }
        if (length > 9) {
            throw new DatasetFormatException(file, where, "value '" + field + "' in column " + column
                    + ", expected an integer " + (column.equals("label") ? "0-9" : "0-255"));
        }
        int value = 0;
        for (int i = 0; i < length; i++) {
            char c = field.charAt(i);
            if (c < '0' || c > '9') {
                String found = c == '-' && i == 0 && length > 1 ? "negative value '" + field + "'"
                        : "non-numeric value '" + field + "'";
                throw new DatasetFormatException(file, where, found + " in column " + column
                        + ", expected an integer " + (column.equals("label") ? "0-9" : "0-255"));
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
    public static void write(ImageSet set, Path file) {
        if (set.rows() != ROWS || set.cols() != COLS) {
            throw new IllegalArgumentException("the Kaggle layout holds 28x28 images, not " + set.rows() + "x"
                    + set.cols());
        }
        byte[] pixels = set.rawPixels();
        AtomicFiles.write(file, out -> {
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
