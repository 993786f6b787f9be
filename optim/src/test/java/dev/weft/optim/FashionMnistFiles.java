package dev.weft.optim;

import dev.weft.testing.TestData;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * A small test-local reader of the Fashion-MNIST IDX files (gzip; big-endian header: magic 2051 for images with
 * count, rows, columns; magic 2049 for labels with count), so optim's tests need no other module. The real
 * reader, with its error handling, is {@code dev.weft.data.FashionMnist}.
 */
final class FashionMnistFiles {

    private FashionMnistFiles() {
    }

    /**
     * The first {@code n} images of the training set ({@code "train"}) or of the test set ({@code "t10k"}); skips
     * the calling test when the files are missing ({@link TestData}).
     */
    static Dataset load(String split, int n) throws IOException {
        Path dir = TestData.fashionMnist();
        byte[] pixels;
        int rows;
        int columns;
        try (DataInputStream in = open(dir.resolve(split + "-images-idx3-ubyte.gz"))) {
            expect(in.readInt(), 2051, split + " images");
            int count = in.readInt();
            rows = in.readInt();
            columns = in.readInt();
            if (n > count) {
                throw new IOException(split + " images: asked for " + n + " but the file holds " + count);
            }
            pixels = new byte[n * rows * columns];
            in.readFully(pixels);
        }
        int[] labels = new int[n];
        try (DataInputStream in = open(dir.resolve(split + "-labels-idx1-ubyte.gz"))) {
            expect(in.readInt(), 2049, split + " labels");
            int count = in.readInt();
            if (n > count) {
                throw new IOException(split + " labels: asked for " + n + " but the file holds " + count);
            }
            for (int i = 0; i < n; i++) {
                labels[i] = in.readUnsignedByte();
            }
        }
        return new Images(pixels, labels, rows, columns);
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = Files.newInputStream(file);
        return new DataInputStream(new GZIPInputStream(raw, 1 << 16));
    }

    private static void expect(int magic, int expected, String what) throws IOException {
        if (magic != expected) {
            throw new IOException(what + ": magic number " + magic + ", expected " + expected);
        }
    }

    /** Grey images kept as bytes, scaled to [0, 1] one sample at a time. */
    private record Images(byte[] pixels, int[] labels, int rows, int columns) implements Dataset {
        @Override
        public int size() {
            return labels.length;
        }

        @Override
        public int[] sampleShape() {
            return new int[] {1, rows, columns};
        }

        @Override
        public int numClasses() {
            return 10;
        }

        @Override
        public int label(int index) {
            return labels[index];
        }

        @Override
        public void copySample(int index, float[] destination, int offset) {
            int size = rows * columns;
            int from = index * size;
            for (int i = 0; i < size; i++) {
                destination[offset + i] = (pixels[from + i] & 0xFF) * (1f / 255f);
            }
        }
    }
}
