package dev.weft.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.weft.testing.FuzzProperty;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the Kaggle CSV reader: any file gives an image set or an {@link IOException} (a
 * {@link DatasetFormatException} for a bad file), allocating at most a constant plus a multiple of the file's size.
 * Seeds live in {@code FashionMnistCsvFuzzTestInputs/read}; see docs/fuzzing.md.
 */
class FashionMnistCsvFuzzTest {
    /** A piece's first rows (64 images) and the parser's buffers, line included. */
    private static final long ALLOWANCE = 16L << 20;

    /** A row of 785 fields takes at least 1,570 bytes and is held as 784 bytes, an int and parsed strings. */
    private static final long BYTES_PER_INPUT_BYTE = 64;

    private static final Path FILE = IdxFilesFuzzTest.temporaryFile("fashion.csv");

    @FuzzTest
    @Timeout(10)
    void read(byte[] input) throws Exception {
        Files.write(FILE, input);
        FuzzProperty.check(IOException.class, ALLOWANCE + BYTES_PER_INPUT_BYTE * input.length,
                () -> FashionMnistCsv.read(FILE, "fuzzed"));
    }
}
