package dev.weft.examples;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.weft.testing.FuzzProperty;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes image input as {@code predict} reads a file: any bytes give a 28x28 input or a {@link UsageException}
 * (the CLI's refusal), allocating at most what an image of {@link ImageInput#WORKING_SIDE} pixels a side costs plus
 * a multiple of the file's size. The JDK's decoders are not instrumented, so coverage guides the fuzzer through
 * {@link ImageInput} only. Seeds live in {@code ImageInputFuzzTestInputs/load}; see docs/fuzzing.md.
 */
class ImageInputFuzzTest {
    /**
     * A decoded image of at most WORKING_SIDE squared pixels, at up to 8 bytes a pixel (16-bit RGBA), its grey
     * levels, floats and crop (4 + 4 + 8 bytes a pixel), and the decoders' row buffers.
     */
    private static final long ALLOWANCE = 32L * ImageInput.WORKING_SIDE * ImageInput.WORKING_SIDE + (32L << 20);

    private static final Path FILE = temporaryFile();

    @FuzzTest
    @Timeout(10)
    void load(byte[] input) throws Exception {
        Files.write(FILE, input);
        FuzzProperty.check(UsageException.class, ALLOWANCE + 64L * input.length, () -> ImageInput.load(FILE));
    }

    private static Path temporaryFile() {
        try {
            Path file = Files.createTempFile("weft-fuzz-", ".image");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
