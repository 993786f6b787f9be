package dev.weft.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;

/** Tiny generated Fashion-MNIST-shaped files for tests. */
final class Fixtures {
    private Fixtures() {
    }

    /** {@code count} random 28x28 images with labels {@code i % 10}, reproducible from the seed. */
    static ImageSet images(String name, int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] pixels = new byte[count * 784];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) random.nextInt(256);
        }
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i % 10;
        }
        return ImageSet.of(name, 28, 28, 10, pixels, labels);
    }

    /** IDX image file bytes with the given header fields and pixel payload. */
    static byte[] idxImages(int magic, int count, int rows, int cols, byte[] pixels) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(magic);
            out.writeInt(count);
            out.writeInt(rows);
            out.writeInt(cols);
            out.write(pixels);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** IDX label file bytes. */
    static byte[] idxLabels(int magic, int count, byte[] labels) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(magic);
            out.writeInt(count);
            out.write(labels);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] gzip(byte[] content) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Path write(Path file, byte[] content) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the four official-named gzip IDX files of a small train/test pair into {@code directory}. */
    static void writeIdxDirectory(Path directory, int trainCount, int testCount) throws IOException {
        IdxFiles.write(images("train", trainCount, 1), directory.resolve("train-images-idx3-ubyte.gz"),
                directory.resolve("train-labels-idx1-ubyte.gz"));
        IdxFiles.write(images("test", testCount, 2), directory.resolve("t10k-images-idx3-ubyte.gz"),
                directory.resolve("t10k-labels-idx1-ubyte.gz"));
    }

    /** A Kaggle-layout CSV text: header then the given rows. */
    static String csv(boolean header, String... rows) {
        StringBuilder text = new StringBuilder();
        if (header) {
            text.append("label");
            for (int p = 1; p <= 784; p++) {
                text.append(",pixel").append(p);
            }
            text.append('\n');
        }
        for (String row : rows) {
            text.append(row).append('\n');
        }
        return text.toString();
    }

    /** A CSV row: label, then 784 pixels all equal to {@code value} (as text). */
    static String row(String label, String value) {
        StringBuilder row = new StringBuilder(label);
        for (int p = 0; p < 784; p++) {
            row.append(',').append(value);
        }
        return row.toString();
    }

    /** Makes a named pipe with {@code mkfifo}; skips the test where there is none. */
    static Path namedPipe(Path file) throws IOException, InterruptedException {
        Process mkfifo;
        try {
            mkfifo = new ProcessBuilder("mkfifo", file.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("needs mkfifo: " + e.getMessage());
            throw e;
        }
        Assumptions.assumeTrue(mkfifo.waitFor() == 0 && Files.exists(file), "mkfifo failed");
        return file;
    }
}
