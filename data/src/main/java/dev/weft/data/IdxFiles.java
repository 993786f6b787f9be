package dev.weft.data;

import dev.weft.core.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * Reads and writes the IDX format of (Fashion-)MNIST, gzip-compressed or plain (recognised by content, not name).
 *
 * <p>Image files: big-endian ints {@code 2051} (magic: unsigned bytes, 3 dimensions), count, rows, cols, then
 * {@code count*rows*cols} pixel bytes. Label files: {@code 2049} (1 dimension), count, then one byte per label.
 * Reading streams straight from the inflater into the one pixel array the {@link ImageSet} keeps, and never allocates
 * for what the header announces before the bytes are there: a plain file must be as long as its header says before
 * its array is made, and a gzip file (whose decompressed size is known only by inflating it) is read into an array
 * that starts at 1 MB and doubles as bytes arrive, up to the announced size. Only regular files are opened. An empty
 * set (count 0) is refused. Every deviation is a {@link DatasetFormatException} naming the file and the image, label
 * or header field; data after the last record is an error too (it also makes gzip check its CRC trailer).
 *
 * <pre>{@code
 * ImageSet train = IdxFiles.read("train", dir.resolve("train-images-idx3-ubyte.gz"),
 *                                dir.resolve("train-labels-idx1-ubyte.gz"), 10);
 * IdxFiles.write(train, out.resolve("images.gz"), out.resolve("labels.gz"));
 * }</pre>
 */
public final class IdxFiles {
    /** Magic number of an image file: unsigned bytes (0x08), three dimensions. */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of a label file: unsigned bytes (0x08), one dimension. */
    public static final int LABELS_MAGIC = 0x00000801;

    private static final int CHUNK = 1 << 20;

    /** Decoded image file. */
    record Images(int count, int rows, int cols, byte[] pixels) {
    }

    private IdxFiles() {
    }

    /**
     * Reads an image file and its label file into one set, checking that the counts agree and every label is in
     * {@code [0, numClasses)}.
     */
    public static ImageSet read(String name, Path imagesFile, Path labelsFile, int numClasses) throws IOException {
        return read(name, imagesFile, labelsFile, numClasses, 0, 0, null, null);
    }

    static ImageSet read(String name, Path imagesFile, Path labelsFile, int numClasses, int rows, int cols,
                         MessageDigest imagesDigest, MessageDigest labelsDigest) throws IOException {
        Images images = readImages(imagesFile, rows, cols, imagesDigest);
        int[] labels = readLabels(labelsFile, numClasses, labelsDigest);
        if (labels.length != images.count()) {
            throw new DatasetFormatException(labelsFile, "header",
                    labels.length + " labels, but " + imagesFile.getFileName() + " has " + images.count()
                            + " images; expected one label per image");
        }
        return ImageSet.owning(name, images.rows(), images.cols(), numClasses, images.pixels(), labels);
    }

    /**
     * Reads an image file. {@code expectedRows}/{@code expectedCols} of 0 accept any size. {@code digest}, if not
     * null, is updated with the decompressed bytes.
     */
    static Images readImages(Path file, int expectedRows, int expectedCols, MessageDigest digest)
            throws IOException {
        try (Source source = Source.open(file)) {
            byte[] header = source.header(16, "IDX image header (magic, count, rows, cols)", IMAGES_MAGIC,
                    "IDX images");
            int count = intAt(header, 4);
            int rows = intAt(header, 8);
            int cols = intAt(header, 12);
            if (count < 0 || rows < 1 || cols < 1
                    || (expectedRows > 0 && rows != expectedRows) || (expectedCols > 0 && cols != expectedCols)) {
                String expected = expectedRows > 0 ? expectedRows + "x" + expectedCols + " images" : "positive sizes";
                throw source.error("header", "dimensions " + count + " images of " + rows + "x" + cols
                        + ", expected " + expected);
            }
            // Each product of two ints fits a long; the second is taken only when the first fits an int.
            long imageSize = (long) rows * cols;
            long total = imageSize > Integer.MAX_VALUE ? Long.MAX_VALUE : count * imageSize;
            if (total > Integer.MAX_VALUE - 16) {
                throw source.error("header", count + " images of " + rows + "x" + cols
                        + " do not fit in one array (at most 2^31 pixels)");
            }
            if (count == 0) {
                throw source.error("header", "no images: the header announces 0 images, expected at least one");
            }
            if (digest != null) {
                digest.update(header);
            }
            byte[] pixels = source.readRecords((int) total, rows * cols, "image", digest);
            source.expectEnd(count, "image");
            return new Images(count, rows, cols, pixels);
        }
    }

    /** Reads a label file, checking every label against {@code [0, numClasses)}. */
    static int[] readLabels(Path file, int numClasses, MessageDigest digest) throws IOException {
        try (Source source = Source.open(file)) {
            byte[] header = source.header(8, "IDX label header (magic, count)", LABELS_MAGIC, "IDX labels");
            int count = intAt(header, 4);
            if (count < 0) {
                throw source.error("header", "label count " + count + ", expected a non-negative count");
            }
            if (count == 0) {
                throw source.error("header", "no labels: the header announces 0 labels, expected at least one");
            }
            if (digest != null) {
                digest.update(header);
            }
            byte[] raw = source.readRecords(count, 1, "label", digest);
            source.expectEnd(count, "label");
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = raw[i] & 0xFF;
                if (labels[i] >= numClasses) {
                    throw source.error("label " + i, "value " + labels[i] + ", expected 0-" + (numClasses - 1));
                }
            }
            return labels;
        }
    }

    private static String describeMagic(int magic) {
        if (magic == IMAGES_MAGIC) {
            return " (this is an image file)";
        }
        if (magic == LABELS_MAGIC) {
            return " (this is a label file)";
        }
        return "";
    }

    private static int intAt(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }

    /**
     * Writes {@code set} as an image file and a label file (gzip-compressed if the name ends in {@code .gz}),
     * each atomically.
     */
    public static void write(ImageSet set, Path imagesFile, Path labelsFile) throws IOException {
        writeAtomically(imagesFile, out -> {
            try (OutputStream o = maybeGzip(imagesFile, out); DataOutputStream data = new DataOutputStream(o)) {
                data.writeInt(IMAGES_MAGIC);
                data.writeInt(set.size());
                data.writeInt(set.rows());
                data.writeInt(set.cols());
                data.write(set.rawPixels());
            }
        });
        writeAtomically(labelsFile, out -> {
            try (OutputStream o = maybeGzip(labelsFile, out); DataOutputStream data = new DataOutputStream(o)) {
                data.writeInt(LABELS_MAGIC);
                data.writeInt(set.size());
                for (int label : set.labels()) {
                    data.writeByte(label);
                }
            }
        });
    }

    /** {@link AtomicFiles#write}, failing with a checked {@link IOException} that names the file. */
    static void writeAtomically(Path file, AtomicFiles.Content content) throws IOException {
        try {
            AtomicFiles.write(file, content);
        } catch (UncheckedIOException e) {
            throw new IOException(e.getMessage(), e.getCause());
        }
    }

    private static OutputStream maybeGzip(Path file, OutputStream out) throws IOException {
        return file.getFileName().toString().endsWith(".gz") ? new GZIPOutputStream(out, 1 << 16) : out;
    }

    /** A decompressed byte stream that knows its file and how far it has got, for error messages. */
    private static final class Source implements AutoCloseable {
        private final Path file;
        private final InputStream in;
        private final boolean gzip;
        private final long fileSize;
        private long position;
        private int headerSize;
        private int recordSize;

        private Source(Path file, InputStream in, boolean gzip, long fileSize) {
            this.file = file;
            this.in = in;
            this.gzip = gzip;
            this.fileSize = fileSize;
        }

        static Source open(Path file) throws IOException {
            long fileSize = DataFiles.regularFileSize(file);
            InputStream raw = null;
            try {
                raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
                raw.mark(2);
                boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
                raw.reset();
                InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
                return new Source(file, in, gzip, fileSize);
            } catch (NoSuchFileException e) {
                closeQuietly(raw);
                throw new NoSuchFileException(file.toString(), null, "file not found");
            } catch (EOFException | ZipException e) {
                closeQuietly(raw);
                throw new DatasetFormatException(file, "gzip header", "corrupt or truncated gzip header ("
                        + e.getMessage() + "), expected a gzip member", e);
            } catch (IOException e) {
                closeQuietly(raw);
                throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }

        /** Reads the header, checking the magic number as soon as its four bytes are there. */
        byte[] header(int size, String what, int expectedMagic, String kind) throws IOException {
            byte[] header = new byte[size];
            int n = fill(header, 0, size, "header");
            if (n >= 4 && intAt(header, 0) != expectedMagic) {
                int magic = intAt(header, 0);
                throw error("header", "magic number " + magic + describeMagic(magic) + ", expected "
                        + expectedMagic + " (" + kind + ")" + compressionNote());
            }
            if (n < size) {
                throw error("header", "file ends after " + n + " bytes, expected the " + size + "-byte " + what);
            }
            headerSize = size;
            return header;
        }

        /**
         * Reads {@code length} bytes of records. A plain file shorter than that is refused before anything is
         * allocated; a gzip stream is read into an array that doubles as bytes arrive, so a header announcing more
         * than the stream holds costs at most twice what the stream really has.
         */
        byte[] readRecords(int length, int recordSize, String recordName, MessageDigest digest) throws IOException {
            this.recordSize = recordSize;
            if (!gzip && fileSize - headerSize < length) {
                throw truncated((int) Math.max(0, fileSize - headerSize), length, recordName);
            }
            byte[] target = new byte[gzip ? Math.min(length, CHUNK) : length];
            int n = 0;
            while (true) {
                n += fill(target, n, target.length - n, null);
                if (n < target.length || target.length == length) {
                    break;
                }
                target = Arrays.copyOf(target, (int) Math.min(length, 2L * target.length));
            }
            if (n < length) {
                throw truncated(n, length, recordName);
            }
            if (digest != null) {
                digest.update(target);
            }
            return target;
        }

        private DatasetFormatException truncated(int present, int length, String recordName) {
            int records = length / recordSize;
            return error(recordName + " " + present / recordSize, "file ends at " + recordName + " "
                    + present / recordSize + " (byte " + (headerSize + present) + "), but the header announces "
                    + records + " " + recordName + "s (" + (headerSize + (long) length) + " bytes)" + (gzip
                    ? "; the gzip file is truncated or was compressed from a truncated file"
                    : "; the file is truncated"));
        }

        void expectEnd(int records, String recordName) throws IOException {
            int next;
            try {
                next = in.read();
            } catch (IOException e) {
                throw translate(e, "after the last " + recordName);
            }
            if (next != -1) {
                throw error("byte " + position, "unexpected data after the last " + recordName
                        + ", expected the file to end after " + records + " " + recordName + "s");
            }
        }

        /** Reads up to {@code length} bytes, returning fewer only at end of stream. */
        private int fill(byte[] target, int offset, int length, String where) throws IOException {
            int done = 0;
            try {
                while (done < length) {
                    int n = in.read(target, offset + done, Math.min(CHUNK, length - done));
                    if (n < 0) {
                        break;
                    }
                    done += n;
                    position += n;
                }
            } catch (IOException e) {
                throw translate(e, where);
            }
            return done;
        }

        private IOException translate(IOException e, String where) {
            String record = where != null ? where : recordAt(position);
            if (e instanceof EOFException) {
                return new DatasetFormatException(file, record, "truncated gzip: the compressed data ends after "
                        + position + " decompressed bytes (" + e.getMessage() + "); expected a complete gzip stream",
                        e);
            }
            if (e instanceof ZipException) {
                return new DatasetFormatException(file, record, "corrupt gzip data near decompressed byte "
                        + position + " (" + e.getMessage() + "); expected a valid gzip stream", e);
            }
            return new IOException("cannot read " + file + " at byte " + position + ": " + e.getMessage(), e);
        }

        private String recordAt(long byteOffset) {
            if (recordSize == 0 || byteOffset < headerSize) {
                return "header";
            }
            return (recordSize == 1 ? "label " : "image ") + (byteOffset - headerSize) / recordSize
                    + " (byte " + byteOffset + ")";
        }

        DatasetFormatException error(String record, String problem) {
            return new DatasetFormatException(file, record, problem);
        }

        String compressionNote() {
            return gzip ? "" : " (the file is not gzip-compressed; a gzip file starts with bytes 1f 8b)";
        }

        @Override
        public void close() {
            closeQuietly(in);
        }

        private static void closeQuietly(InputStream stream) {
            if (stream != null) {
                try {
                    stream.close();
                } catch (IOException ignored) {
                    // Nothing was written; a failed close of a read stream loses nothing.
                }
            }
        }
    }
}
