package dev.weft.layers;

import dev.weft.core.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ModelFileTest {
    @TempDir
    Path dir;

    private static Sequential trainedSmallCnn() {
        Sequential model = TinyModels.smallCnn(11L);
        // A few training passes so that the BatchNorm running statistics are not their initial values.
        for (int i = 0; i < 3; i++) {
            model.forward(Tensor.uniform(new int[] {8, 1, 12, 12}, 0f, 1f, i), true);
        }
        return model;
    }

    @Test
    void saveThenLoadGivesIdenticalPredictions() throws IOException {
        Sequential model = trainedSmallCnn();
        Path file = dir.resolve("model.weft");
        model.save(file);
        Sequential loaded = Sequential.load(file);
        Tensor x = Tensor.uniform(new int[] {10, 1, 12, 12}, 0f, 1f, 5L);
        assertThat(loaded.predictProbabilities(x).toArray()).containsExactly(model.predictProbabilities(x).toArray());
        assertThat(loaded.copyWeights()).isDeepEqualTo(model.copyWeights());
        assertThat(loaded.summary()).isEqualTo(model.summary());
        assertThat(loaded.seed()).isEqualTo(11L);
    }

    @Test
    void aSavedModelGetsTheUmasksPermissionsAndNoTemporaryFileIsLeft() throws IOException {
        Sequential model = TinyModels.smallCnn(3L);
        Path file = dir.resolve("model.weft");
        model.save(file);
        try (var names = Files.list(dir)) {
            assertThat(names.map(p -> p.getFileName().toString())).containsExactly("model.weft");
        }
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
                "file permissions are POSIX only");
        Path plain = Files.createFile(dir.resolve("plain.txt"));
        assertThat(Files.getPosixFilePermissions(file)).as("the permissions of a file created as usual here")
                .isEqualTo(Files.getPosixFilePermissions(plain));
    }

    @Test
    void everyLayerTypeRoundTrips() throws IOException {
        for (Sequential model : new Sequential[] {Models.referenceCnn(3L), Models.weftCnn(3L), TinyModels.gapCnn(3L)}) {
            Path file = dir.resolve("m.weft");
            model.save(file);
            Sequential loaded = Sequential.load(file);
            assertThat(loaded.copyWeights()).isDeepEqualTo(model.copyWeights());
            assertThat(loaded.summary()).isEqualTo(model.summary());
        }
    }

    @Test
    void saveReplacesAnExistingFileAndLeavesNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("model.weft");
        Models.referenceCnn(1L).save(file);
        Sequential second = Models.referenceCnn(2L);
        second.save(file);
        assertThat(Sequential.load(file).copyWeights()).isDeepEqualTo(second.copyWeights());
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void rejectsABadMagicNumber() throws IOException {
        byte[] bytes = ModelFile.encode(Models.referenceCnn(1L));
        bytes[0] = 'X';
        assertThatThrownBy(() -> load(bytes))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("bad.weft at byte 0").hasMessageContaining("bad magic number")
                .hasMessageContaining("expected 574546544d4f444c").hasMessageContaining("found 5845");
    }

    @Test
    void rejectsAnotherFormatVersion() throws IOException {
        byte[] bytes = ModelFile.encode(Models.referenceCnn(1L));
        ByteBuffer.wrap(bytes).putInt(8, 2);
        withFreshChecksum(bytes);
        assertThatThrownBy(() -> load(bytes))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("at byte 8").hasMessageContaining("expected 1 but found 2");
    }

    @Test
    void rejectsATruncatedFile() throws IOException {
        byte[] bytes = ModelFile.encode(Models.referenceCnn(1L));
        assertThatThrownBy(() -> load(Arrays.copyOf(bytes, bytes.length / 2)))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("truncated")
                .hasMessageContaining("announces " + bytes.length + " bytes but the file has " + bytes.length / 2);
        assertThatThrownBy(() -> load(Arrays.copyOf(bytes, 5)))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> load(Arrays.copyOf(bytes, 14)))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> load(new byte[0]))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("truncated");
    }

    @Test
    void rejectsTrailingBytes() throws IOException {
        byte[] bytes = ModelFile.encode(Models.referenceCnn(1L));
        assertThatThrownBy(() -> load(Arrays.copyOf(bytes, bytes.length + 3)))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("unexpected data");
    }

    @Test
    void rejectsAChecksumMismatch() throws IOException {
        byte[] bytes = ModelFile.encode(Models.referenceCnn(1L));
        bytes[bytes.length / 2] ^= 0x10;   // one bit of a weight
        assertThatThrownBy(() -> load(bytes))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("at byte " + (bytes.length - 4)).hasMessageContaining("checksum mismatch");
    }

    @Test
    void rejectsAnUnknownLayerType() throws IOException {
        byte[] bytes = ModelFile.encode(Models.referenceCnn(1L));
        int at = indexOf(bytes, "Flatten");
        System.arraycopy("Flutten".getBytes(StandardCharsets.US_ASCII), 0, bytes, at, 7);
        assertThatThrownBy(() -> load(withFreshChecksum(bytes)))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("at byte " + (at - 2)).hasMessageContaining("unknown layer type \"Flutten\"")
                .hasMessageContaining("expected one of");
    }

    @Test
    void rejectsATensorWhoseShapeDoesNotMatchTheArchitecture() throws IOException {
        byte[] bytes = ModelFile.encode(Models.referenceCnn(1L));
        // The last Dense layer's configuration says 10 outputs; its tensors say so too. Change the tensor's
        // shape header [10, 128] to [10, 127] and re-checksum: the architecture and the weights disagree.
        int name = indexOf(bytes, "dense_2/weights");
        int shapeAt = name + "dense_2/weights".length();
        assertThat(bytes[shapeAt]).isEqualTo((byte) 2);
        ByteBuffer.wrap(bytes).putInt(shapeAt + 5, 127);
        assertThatThrownBy(() -> load(withFreshChecksum(bytes)))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("at byte " + (name - 2)).hasMessageContaining("shape mismatch")
                .hasMessageContaining("expected tensor dense_2/weights [10, 128] but found dense_2/weights [10, 127]");
    }

    @Test
    void rejectsAnArchitectureThatDoesNotFitTogether() throws IOException {
        byte[] bytes = ModelFile.encode(Models.referenceCnn(1L));
        // Remove the Flatten layer's effect by renaming it to ReLU would change lengths; instead, make the
        // first Conv2D's kernel 30x30, which cannot fit a 28x28 image.
        int at = indexOf(bytes, "Conv2D") + "Conv2D".length();
        assertThat(bytes[at]).isEqualTo((byte) 4);
        ByteBuffer.wrap(bytes).putInt(at + 1 + 4, 30);
        assertThatThrownBy(() -> load(withFreshChecksum(bytes)))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("does not fit").hasMessageContaining("conv2d_1 (Conv2D)");
    }

    @Test
    void refusesToSaveLayersItDoesNotKnow() {
        Layer custom = new AbstractLayer() {
            @Override
            public String type() {
                return "Custom";
            }

            @Override
            protected int[] initialize(int[] inputShape, java.util.random.RandomGenerator random) {
                return inputShape;
            }

            @Override
            public Tensor forward(Tensor input, boolean training) {
                return input;
            }

            @Override
            public Tensor backward(Tensor dOutput) {
                return dOutput;
            }
        };
        Sequential model = new Sequential(new int[] {4}, 1L, custom, new Dense(2));
        assertThatThrownBy(() -> model.save(dir.resolve("x.weft")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("custom_1");
        assertThat(dir.resolve("x.weft")).doesNotExist();
    }

    @Test
    void aFailedSaveLeavesThePreviousFileIntact() throws IOException {
        Path file = dir.resolve("model.weft");
        Sequential good = new Sequential(new int[] {4}, 1L, new Dense(2));
        good.save(file);
        byte[] before = Files.readAllBytes(file);
        Layer custom = new AbstractLayer() {
            @Override
            public String type() {
                return "Custom";
            }

            @Override
            protected int[] initialize(int[] inputShape, java.util.random.RandomGenerator random) {
                return inputShape;
            }

            @Override
            public Tensor forward(Tensor input, boolean training) {
                return input;
            }

            @Override
            public Tensor backward(Tensor dOutput) {
                return dOutput;
            }
        };
        Sequential unsavable = new Sequential(new int[] {4}, 1L, custom, new Dense(2));
        assertThatThrownBy(() -> unsavable.save(file)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    private Sequential load(byte[] bytes) throws IOException {
        Path file = dir.resolve("bad.weft");
        Files.write(file, bytes);
        return Sequential.load(file);
    }

    /** {@code bytes} with the CRC-32 trailer recomputed, so that a check after the checksum's sees the change. */
    static byte[] withFreshChecksum(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());
        return bytes;
    }

    /** Where the ASCII text {@code needle} first stands in {@code haystack}. */
    static int indexOf(byte[] haystack, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + n.length <= haystack.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (haystack[i + j] != n[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError(needle + " not found");
    }
}
