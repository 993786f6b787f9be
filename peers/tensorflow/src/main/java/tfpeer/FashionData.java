package tfpeer;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.BufferedInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Fashion-MNIST from the big-endian IDX gz files: images as floats in [0,1], NHWC with C=1. */
final class FashionData {
    final float[] images;   // n * 784
    final int[] labels;
    final int n;

    private FashionData(float[] images, int[] labels) {
        this.images = images;
        this.labels = labels;
        this.n = labels.length;
    }

    static FashionData load(Path dir, String prefix) throws IOException {
        float[] images;
        int count;
        try (DataInputStream in = open(dir.resolve(prefix + "-images-idx3-ubyte.gz"))) {
            int magic = in.readInt();
            if (magic != 0x00000803) {
                throw new IOException("bad image magic " + Integer.toHexString(magic));
            }
            count = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            if (rows != 28 || cols != 28) {
                throw new IOException("expected 28x28 images, got " + rows + "x" + cols);
            }
            byte[] raw = new byte[count * 784];
            in.readFully(raw);
            images = new float[raw.length];
            for (int i = 0; i < raw.length; i++) {
                images[i] = (raw[i] & 0xff) / 255f;
            }
        }
        int[] labels;
        try (DataInputStream in = open(dir.resolve(prefix + "-labels-idx1-ubyte.gz"))) {
            int magic = in.readInt();
            if (magic != 0x00000801) {
                throw new IOException("bad label magic " + Integer.toHexString(magic));
            }
            int c = in.readInt();
            if (c != count) {
                throw new IOException("label count " + c + " != image count " + count);
            }
            byte[] raw = new byte[c];
            in.readFully(raw);
            labels = new int[c];
            for (int i = 0; i < c; i++) {
                labels[i] = raw[i] & 0xff;
            }
        }
        return new FashionData(images, labels);
    }

    private static DataInputStream open(Path p) throws IOException {
        InputStream raw = Files.newInputStream(p);
        return new DataInputStream(new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16));
    }
}
