package dev.weft.layers.onnx;

import dev.weft.core.Tensor;
import dev.weft.testing.TestData;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Keras-trained ONNX fixtures (test resources {@code onnx/*.onnx} with {@code *-expected.csv}: 200 rows of 10
 * logits, ONNX Runtime's output on test images 0..199) and the real test images they were run on, read from the
 * IDX file found by {@link TestData} (skipped without it, failing on CI).
 */
final class OnnxFixtures {
    private OnnxFixtures() {
    }

    /** Copies the resource {@code onnx/name} to a file in {@code dir} (resources may sit inside a jar). */
    static Path copy(String name, Path dir) throws IOException {
        Path file = dir.resolve(name);
        try (InputStream in = OnnxFixtures.class.getResourceAsStream("/onnx/" + name)) {
            assertThat(in).as("test resource onnx/" + name).isNotNull();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }

    /** The expected logits of fixture {@code model}, e.g. {@code "keras-bn-cnn"}: one row per image. */
    static float[][] expected(String model) throws IOException {
        try (InputStream in = OnnxFixtures.class.getResourceAsStream("/onnx/" + model + "-expected.csv")) {
            assertThat(in).as("test resource onnx/" + model + "-expected.csv").isNotNull();
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.US_ASCII)
                    .lines().filter(l -> !l.isBlank()).toList();
            float[][] rows = new float[lines.size()][];
            for (int i = 0; i < rows.length; i++) {
                String[] cells = lines.get(i).split(",");
                rows[i] = new float[cells.length];
                for (int j = 0; j < cells.length; j++) {
                    rows[i][j] = Float.parseFloat(cells[j]);
                }
            }
            return rows;
        }
    }

    /** The first {@code count} Fashion-MNIST test images {@code [count, 1, 28, 28]}, pixels = byte / 255. */
    static Tensor testImages(int count) throws IOException {
        Path dir = TestData.fashionMnist();
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(
                Files.newInputStream(dir.resolve("t10k-images-idx3-ubyte.gz")), 1 << 16))) {
            assertThat(in.readInt()).as("IDX image magic").isEqualTo(0x803);
            in.readInt();
            int rows = in.readInt();
            int columns = in.readInt();
            byte[] raw = new byte[count * rows * columns];
            in.readFully(raw);
            float[] pixels = new float[raw.length];
            for (int i = 0; i < raw.length; i++) {
                pixels[i] = (raw[i] & 0xFF) / 255f;
            }
            return Tensor.of(pixels, count, 1, rows, columns);
        }
    }
}
