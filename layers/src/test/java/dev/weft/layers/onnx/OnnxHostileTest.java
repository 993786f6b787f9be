package dev.weft.layers.onnx;

import dev.weft.layers.BatchNorm;
import dev.weft.layers.Conv2D;
import dev.weft.layers.Dense;
import dev.weft.layers.Flatten;
import dev.weft.layers.MaxPool2D;
import dev.weft.layers.ModelFormatException;
import dev.weft.layers.ReLU;
import dev.weft.layers.Sequential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * A malformed or unsupported ONNX file is refused with a {@link ModelFormatException} naming the file (and the
 * node, where one is at fault); never with another exception or an {@code Error}, and never after allocating what
 * a hostile length asks for.
 */
class OnnxHostileTest {
    @TempDir
    Path dir;

    private final Path file = Path.of("model.onnx");

    /** A small model with every kind of tensor and attribute the exporter writes. */
    private static byte[] small() {
        Sequential model = OnnxRuntimeOracle.withTrainedLookingBatchNorms(new Sequential(new int[] {1, 6, 6}, 1L,
                new Conv2D(2, 3), new BatchNorm(), new ReLU(), new MaxPool2D(2), new Flatten(), new Dense(3)), 2L);
        return OnnxExport.encode(model);
    }

    @Test
    void theSmallModelItselfImports() throws Exception {
        assertThat(OnnxImport.decode(file, small()).layers()).hasSize(6);
    }

    @Test
    void everyTruncationIsRefused() {
        byte[] bytes = small();
        for (int length = 0; length < bytes.length; length++) {
            byte[] prefix = Arrays.copyOf(bytes, length);
            int shown = length;
            assertThatThrownBy(() -> OnnxImport.decode(file, prefix))
                    .as("the first %d of %d bytes", shown, bytes.length)
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageStartingWith(file.toString());
        }
    }

    @Test
    void aFlippedBitGivesAModelOrAModelFormatExceptionNeverAnythingElse() {
        byte[] bytes = small();
        SplittableRandom random = new SplittableRandom(3L);
        int refused = 0;
        for (int trial = 0; trial < 3000; trial++) {
            byte[] flipped = bytes.clone();
            int position = random.nextInt(bytes.length);
            int bit = random.nextInt(8);
            flipped[position] ^= (byte) (1 << bit);
            try {
                OnnxImport.decode(file, flipped);
            } catch (ModelFormatException expected) {
                refused++;
            } catch (Throwable other) {
                fail("bit " + bit + " of byte " + position + " flipped: " + other, other);
            }
        }
        assertThat(refused).as("flips refused (most flips outside the weights break the file)").isGreaterThan(100);
    }

    @Test
    void aLengthBeyondTheFileIsRefusedBeforeAnythingIsAllocated() {
        // ModelProto.graph (field 7, length-delimited) claiming 2^62 bytes.
        byte[] bytes = {0x3a, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
                (byte) 0x80, (byte) 0x80, 0x40};
        assertThatThrownBy(() -> OnnxImport.decode(file, bytes))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("claims 4611686018427387904 bytes but its message has 0 left");
    }

    @Test
    void aVarintOfElevenBytesIsRefused() {
        byte[] bytes = new byte[12];
        Arrays.fill(bytes, (byte) 0xFF);
        assertThatThrownBy(() -> OnnxImport.decode(file, bytes))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("longer than ten bytes");
    }

    @Test
    void tensorDimensionsLargerThanItsDataAreRefusedBeforeAllocating() {
        ProtoWriter tensor = new ProtoWriter().packedInt64(1, 1 << 30, 1 << 30).varint(2, OnnxGraph.FLOAT)
                .string(8, "huge").bytes(9, new byte[4]);
        byte[] bytes = new ProtoWriter().message(7, new ProtoWriter().message(5, tensor)).toByteArray();
        assertThatThrownBy(() -> OnnxImport.decode(file, bytes))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("tensor 'huge' has dimensions [1073741824, 1073741824]: too large");

        ProtoWriter short_ = new ProtoWriter().packedInt64(1, 1 << 20).varint(2, OnnxGraph.FLOAT)
                .string(8, "short").bytes(9, new byte[4]);
        byte[] shortBytes = new ProtoWriter().message(7, new ProtoWriter().message(5, short_)).toByteArray();
        assertThatThrownBy(() -> OnnxImport.decode(file, shortBytes))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("tensor 'short' has 4 bytes of raw data, expected 4194304");
    }

    @Test
    void moreNodesThanTheCapAreRefusedWhileReading() {
        // Decoded, a node takes far more memory than its bytes: the count is capped, not left to the heap.
        HandBuiltGraph graph = new HandBuiltGraph();
        String previous = "input";
        for (int i = 0; i <= OnnxGraph.MAX_ENTRIES; i++) {
            graph.node("Identity", "i" + i, new String[] {previous});
            previous = "i" + i;
        }
        byte[] bytes = graph.build(4);
        assertThatThrownBy(() -> OnnxImport.decode(file, bytes))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("more than " + OnnxGraph.MAX_ENTRIES + " nodes");
    }

    @Test
    void aLongIntegerListIsRefusedBeforeItGrowsEightfold() {
        long[] many = new long[OnnxGraph.MAX_INTS + 1];
        byte[] bytes = new HandBuiltGraph().node("Relu", "r", new String[] {"input"}, HandBuiltGraph.ints("x", many))
                .build(4);
        assertThatThrownBy(() -> OnnxImport.decode(file, bytes))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("attribute 'ints' has more than " + OnnxGraph.MAX_INTS + " values");
    }

    @Test
    void anUnsupportedOperatorIsRefusedNamingTheNode() {
        byte[] bytes = replace(small(), "Relu", "Tanh");
        assertThatThrownBy(() -> OnnxImport.decode(file, bytes))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("node 'relu_1' (Tanh): operator Tanh is not supported");
    }

    @Test
    void anUnsupportedAttributeIsRefusedNamingTheNode() {
        byte[] bytes = replace(small(), "dilations", "dilationz");
        assertThatThrownBy(() -> OnnxImport.decode(file, bytes))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("node 'conv2d_1' (Conv): attribute 'dilationz' is not supported");
    }

    @Test
    void anEmptyFileADirectoryAndAnOversizedFileAreRefused() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.onnx"));
        assertThatThrownBy(() -> Sequential.importOnnx(empty))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("empty.onnx at byte 0: the file is empty");
        assertThatThrownBy(() -> Sequential.importOnnx(dir))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("expected a regular file");
        Path big = dir.resolve("big.onnx");
        try (RandomAccessFile sparse = new RandomAccessFile(big.toFile(), "rw")) {
            sparse.setLength(OnnxImport.MAX_FILE_SIZE + 1);   // sparse: takes no disk space
        }
        assertThatThrownBy(() -> Sequential.importOnnx(big))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("expected at most");
    }

    /** {@code bytes} with every occurrence of the ASCII string {@code from} replaced by {@code to}, of equal length. */
    private static byte[] replace(byte[] bytes, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.US_ASCII);
        byte[] t = to.getBytes(StandardCharsets.US_ASCII);
        byte[] out = bytes.clone();
        int found = 0;
        for (int i = 0; i + f.length <= out.length; i++) {
            if (Arrays.equals(out, i, i + f.length, f, 0, f.length)) {
                System.arraycopy(t, 0, out, i, t.length);
                found++;
            }
        }
        assertThat(found).as("occurrences of " + from).isPositive();
        return out;
    }
}
