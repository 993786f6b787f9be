package dev.weft.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.weft.testing.FuzzProperty;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the IDX reader: any pair of files gives an image set or an {@link IOException} (a
 * {@link DatasetFormatException} for a bad file), allocating at most a constant plus what the input holds once
 * decompressed. Seeds live in {@code IdxFilesFuzzTestInputs/read}; see docs/fuzzing.md.
 */
class IdxFilesFuzzTest {
    /** Headers, buffers and the gzip inflater's window. */
    private static final long ALLOWANCE = 16L << 20;

    /** DEFLATE expands a byte into at most about 1032; arrays grow by doubling, and labels become ints. */
    private static final long BYTES_PER_INPUT_BYTE = 2 * 1032 * 5;

    private static final Path IMAGES = temporaryFile("images.idx");
    private static final Path LABELS = temporaryFile("labels.idx");

    /**
     * The input is the image file's length (4 bytes, big-endian), the image file, then the label file; each may be
     * plain or gzip-compressed.
     */
    @FuzzTest
    @Timeout(10)
    void read(byte[] input) throws Exception {
        int imagesLength = input.length < 4 ? 0
                : (int) Math.min(input.length - 4, Integer.toUnsignedLong(ByteBuffer.wrap(input).getInt()));
        int labelsAt = Math.min(input.length, 4 + imagesLength);
        Files.write(IMAGES, Arrays.copyOfRange(input, Math.min(4, input.length), labelsAt));
        Files.write(LABELS, Arrays.copyOfRange(input, labelsAt, input.length));
        FuzzProperty.check(IOException.class, ALLOWANCE + BYTES_PER_INPUT_BYTE * input.length,
                () -> IdxFiles.read("fuzzed", IMAGES, LABELS, FashionMnist.NUM_CLASSES));
    }

    static Path temporaryFile(String name) {
        try {
            Path file = Files.createTempFile("weft-fuzz-", "-" + name);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
