package dev.weft.layers;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.weft.testing.FuzzProperty;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the model file reader: any bytes give a model or a {@link ModelFormatException}, allocating at most a
 * constant plus a small multiple of the file's size. Seeds live in {@code ModelFileFuzzTestInputs/decode}; see
 * docs/fuzzing.md for how to fuzz for longer.
 */
class ModelFileFuzzTest {
    /** The parser's bookkeeping; the model itself holds one float per four bytes of the file. */
    private static final long ALLOWANCE = 16L << 20;

    private static final Path FILE = Path.of("fuzzed.weft");

    /**
     * The input is a model file whose length field and CRC-32 are made to match when it starts with the magic
     * number, so the fuzzer explores the payload instead of being stopped by the checksum at every mutation
     * (truncated and corrupt files are ModelFileTest's and ModelFileHostileTest's cases).
     */
    @FuzzTest
    @Timeout(10)
    void decode(byte[] input) throws Exception {
        byte[] bytes = withMatchingLengthAndChecksum(input);
        FuzzProperty.check(ModelFormatException.class, ALLOWANCE + 16L * bytes.length,
                () -> ModelFile.decode(bytes, FILE));
    }

    private static byte[] withMatchingLengthAndChecksum(byte[] input) {
        if (input.length < ModelFile.HEADER_SIZE + 4
                || !Arrays.equals(input, 0, ModelFile.MAGIC.length, ModelFile.MAGIC, 0, ModelFile.MAGIC.length)) {
            return input;
        }
        byte[] bytes = Arrays.copyOf(input, input.length);
        ByteBuffer.wrap(bytes).putLong(ModelFile.MAGIC.length + 4, bytes.length - ModelFile.HEADER_SIZE - 4L);
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());
        return bytes;
    }
}
