package dev.weft.data;

import static dev.weft.data.Fixtures.gzip;
import static dev.weft.data.Fixtures.idxImages;
import static dev.weft.data.Fixtures.idxLabels;
import static dev.weft.data.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class IdxFilesTest {
    @TempDir
    Path dir;

    private final byte[] threeImages = new byte[3 * 784];
    private final byte[] threeLabels = {0, 5, 9};

    IdxFilesTest() {
        for (int i = 0; i < threeImages.length; i++) {
            threeImages[i] = (byte) (i * 7);
        }
    }

    private ImageSet read(Path images, Path labels) throws IOException {
        return IdxFiles.read("t", images, labels, 10, 28, 28, null, null);
    }

    @Test
    void readsGzipAndPlainFilesAlike() throws IOException {
        Path gzImages = write(dir.resolve("i.gz"), gzip(idxImages(2051, 3, 28, 28, threeImages)));
        Path gzLabels = write(dir.resolve("l.gz"), gzip(idxLabels(2049, 3, threeLabels)));
        Path images = write(dir.resolve("i"), idxImages(2051, 3, 28, 28, threeImages));
        Path labels = write(dir.resolve("l"), idxLabels(2049, 3, threeLabels));

        ImageSet fromGzip = read(gzImages, gzLabels);
        ImageSet plain = read(images, labels);

        assertThat(fromGzip.labels()).containsExactly(0, 5, 9);
        assertThat(plain.labels()).containsExactly(0, 5, 9);
        for (int i = 0; i < 3; i++) {
            assertThat(fromGzip.pixels(i)).isEqualTo(Arrays.copyOfRange(threeImages, i * 784, (i + 1) * 784));
            assertThat(plain.pixels(i)).isEqualTo(fromGzip.pixels(i));
        }
    }

    @Test
    void writeThenReadGivesTheSameImagesAndLabels() throws IOException {
        ImageSet original = Fixtures.images("x", 25, 7);
        IdxFiles.write(original, dir.resolve("images.gz"), dir.resolve("labels"));

        ImageSet back = IdxFiles.read("x", dir.resolve("images.gz"), dir.resolve("labels"), 10);

        assertThat(back.labels()).isEqualTo(original.labels());
        assertThat(back.images(0, 25).allClose(original.images(0, 25), 0f, 0f)).isTrue();
    }

    @Test
    void rejectsWrongMagicNamingTheFile() {
        Path labelsAsImages = write(dir.resolve("swapped.gz"), gzip(idxLabels(2049, 3, threeLabels)));
        Path labels = write(dir.resolve("l"), idxLabels(2049, 3, threeLabels));

        assertThatThrownBy(() -> read(labelsAsImages, labels))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("swapped.gz").hasMessageContaining("header")
                .hasMessageContaining("magic number 2049 (this is a label file), expected 2051");
    }

    @Test
    void rejectsImagesOfTheWrongSize() {
        Path images = write(dir.resolve("i"), idxImages(2051, 3, 24, 32, new byte[3 * 24 * 32]));
        Path labels = write(dir.resolve("l"), idxLabels(2049, 3, threeLabels));

        assertThatThrownBy(() -> read(images, labels))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("dimensions 3 images of 24x32, expected 28x28 images");
    }

    @Test
    void rejectsDifferentCountsOfImagesAndLabels() {
        Path images = write(dir.resolve("i"), idxImages(2051, 3, 28, 28, threeImages));
        Path labels = write(dir.resolve("l"), idxLabels(2049, 2, new byte[] {1, 2}));

        assertThatThrownBy(() -> read(images, labels))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("2 labels, but i has 3 images; expected one label per image");
    }

    @Test
    void rejectsAPlainFileThatEndsEarlyNamingTheImage() {
        byte[] content = idxImages(2051, 3, 28, 28, threeImages);
        Path images = write(dir.resolve("i"), Arrays.copyOf(content, 16 + 784 + 100));
        Path labels = write(dir.resolve("l"), idxLabels(2049, 3, threeLabels));

        assertThatThrownBy(() -> read(images, labels))
                .isInstanceOf(DatasetFormatException.class)
                .satisfies(e -> assertThat(((DatasetFormatException) e).record()).isEqualTo("image 1"))
                .hasMessageContaining("header announces 3 images");
    }

    @Test
    void rejectsTruncatedGzip() {
        byte[] compressed = gzip(idxImages(2051, 3, 28, 28, threeImages));
        Path images = write(dir.resolve("i.gz"), Arrays.copyOf(compressed, compressed.length / 2));
        Path labels = write(dir.resolve("l"), idxLabels(2049, 3, threeLabels));

        assertThatThrownBy(() -> read(images, labels))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("i.gz").hasMessageContaining("truncated gzip");
    }

    @Test
    void rejectsGzipCutInItsTrailer() {
        byte[] compressed = gzip(idxImages(2051, 3, 28, 28, threeImages));
        Path images = write(dir.resolve("i.gz"), Arrays.copyOf(compressed, compressed.length - 4));
        Path labels = write(dir.resolve("l"), idxLabels(2049, 3, threeLabels));

        assertThatThrownBy(() -> read(images, labels))
                .isInstanceOf(DatasetFormatException.class).hasMessageContaining("gzip");
    }

    @Test
    void rejectsCorruptGzip() {
        byte[] compressed = gzip(idxImages(2051, 3, 28, 28, threeImages));
        for (int i = 20; i < compressed.length - 8; i += 3) {
            compressed[i] ^= (byte) 0x5A;
        }
        Path images = write(dir.resolve("i.gz"), compressed);
        Path labels = write(dir.resolve("l"), idxLabels(2049, 3, threeLabels));

        assertThatThrownBy(() -> read(images, labels))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("i.gz").hasMessageMatching("(?s).*(corrupt|truncated) gzip.*");
    }

    @Test
    void rejectsCorruptedContentThroughTheGzipChecksum() {
        // Flip one bit in a stored (uncompressed) deflate block: inflating still works, only the CRC-32 catches it.
        byte[] content = idxImages(2051, 3, 28, 28, threeImages);
        byte[] compressed = storedGzip(content);
        compressed[10 + 5 + 100] ^= 1;
        Path images = write(dir.resolve("i.gz"), compressed);
        Path labels = write(dir.resolve("l"), idxLabels(2049, 3, threeLabels));

        assertThatThrownBy(() -> read(images, labels))
                .isInstanceOf(DatasetFormatException.class).hasMessageContaining("corrupt gzip");
    }

    @Test
    void rejectsALabelOutsideZeroToNineNamingItsIndex() {
        Path images = write(dir.resolve("i"), idxImages(2051, 3, 28, 28, threeImages));
        Path labels = write(dir.resolve("l"), idxLabels(2049, 3, new byte[] {1, 10, 2}));

        assertThatThrownBy(() -> read(images, labels))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("l: label 1: value 10, expected 0-9");
    }

    @Test
    void rejectsDataAfterTheLastImage() {
        byte[] content = idxImages(2051, 3, 28, 28, Arrays.copyOf(threeImages, 3 * 784 + 5));
        Path images = write(dir.resolve("i"), content);
        Path labels = write(dir.resolve("l"), idxLabels(2049, 3, threeLabels));

        assertThatThrownBy(() -> read(images, labels))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("unexpected data after the last image");
    }

    @Test
    void rejectsAFileShorterThanItsHeader() {
        Path images = write(dir.resolve("i"), new byte[] {0, 0, 8, 3, 0});
        Path labels = write(dir.resolve("l"), idxLabels(2049, 3, threeLabels));

        assertThatThrownBy(() -> read(images, labels))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("file ends after 5 bytes, expected the 16-byte IDX image header");
    }

    @Test
    void rejectsAGzipFileWithABrokenHeader() throws IOException {
        Path images = write(dir.resolve("i.gz"), new byte[] {0x1f, (byte) 0x8b, 8});
        Path labels = write(dir.resolve("l"), idxLabels(2049, 3, threeLabels));

        assertThatThrownBy(() -> read(images, labels))
                .isInstanceOf(DatasetFormatException.class).hasMessageContaining("gzip header");
        assertThat(Files.exists(images)).isTrue();
    }

    /** A gzip member holding {@code content} in one stored (uncompressed) deflate block. */
    private static byte[] storedGzip(byte[] content) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(content);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(10 + 5 + content.length + 8)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 255});
        b.put((byte) 1).putShort((short) content.length).putShort((short) ~content.length);
        b.put(content);
        b.putInt((int) crc.getValue()).putInt(content.length);
        return b.array();
    }

    @Test
    void aLabelHeaderAnnouncing2To31LabelsFailsBeforeAllocatingForThem() {
        Path labels = write(dir.resolve("l"), idxLabels(2049, Integer.MAX_VALUE, new byte[0]));

        assertThatThrownBy(() -> IdxFiles.readLabels(labels, 10, null))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("l: label 0: file ends at label 0 (byte 8), but the header announces "
                        + Integer.MAX_VALUE + " labels");
    }

    @Test
    void aGzipLabelHeaderAnnouncing2To31LabelsFailsBeforeAllocatingForThem() {
        Path labels = write(dir.resolve("l.gz"), gzip(idxLabels(2049, Integer.MAX_VALUE, new byte[0])));

        assertThatThrownBy(() -> IdxFiles.readLabels(labels, 10, null))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("l.gz: label 0: file ends at label 0 (byte 8), but the header announces "
                        + Integer.MAX_VALUE + " labels")
                .hasMessageContaining("gzip file is truncated");
    }

    @Test
    void anImageHeaderAnnouncingTwoGigabytesInSixteenBytesFailsBeforeAllocatingForThem() {
        int count = Integer.MAX_VALUE / 784 - 1;
        byte[] header = idxImages(2051, count, 28, 28, new byte[0]);
        Path plain = write(dir.resolve("i"), header);
        Path gzipped = write(dir.resolve("i.gz"), gzip(header));

        for (Path images : new Path[] {plain, gzipped}) {
            assertThatThrownBy(() -> IdxFiles.readImages(images, 28, 28, null)).as(images.toString())
                    .isInstanceOf(DatasetFormatException.class)
                    .hasMessageContaining("image 0: file ends at image 0 (byte 16), but the header announces "
                            + count + " images");
        }
    }

    @Test
    void dimensionsWhoseProductOverflowsALongAreRefusedAsTooLarge() {
        // Found by IdxFilesFuzzTest: 23,644 x 1,549,556,828 x 1,549,556,828 wrapped around to a negative size.
        Path images = write(dir.resolve("i"), idxImages(2051, 0x5c5c, 0x5c5c5c5c, 0x5c5c5c5c, new byte[0]));

        assertThatThrownBy(() -> IdxFiles.readImages(images, 0, 0, null))
                .isInstanceOf(DatasetFormatException.class).hasMessageContaining("do not fit in one array");
    }

    @Test
    void aGzipFileShorterThanItsHeaderSaysIsReadUpToItsEndThenRefused() {
        byte[] content = idxImages(2051, 3, 28, 28, threeImages);
        Path images = write(dir.resolve("i.gz"), gzip(Arrays.copyOf(content, 16 + 2 * 784 + 5)));
        Path labels = write(dir.resolve("l"), idxLabels(2049, 3, threeLabels));

        assertThatThrownBy(() -> read(images, labels))
                .isInstanceOf(DatasetFormatException.class)
                .satisfies(e -> assertThat(((DatasetFormatException) e).record()).isEqualTo("image 2"))
                .hasMessageContaining("file ends at image 2 (byte 1589), but the header announces 3 images");
    }

    @Test
    void refusesAnImageFileWithNoImages() {
        Path images = write(dir.resolve("i"), idxImages(2051, 0, 28, 28, new byte[0]));
        Path labels = write(dir.resolve("l"), idxLabels(2049, 0, new byte[0]));

        assertThatThrownBy(() -> read(images, labels))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("i: header: no images: the header announces 0 images, expected at least one");
    }

    @Test
    void refusesALabelFileWithNoLabels() {
        Path labels = write(dir.resolve("l.gz"), gzip(idxLabels(2049, 0, new byte[0])));

        assertThatThrownBy(() -> IdxFiles.readLabels(labels, 10, null))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("l.gz: header: no labels");
    }

    @Test
    void refusesADirectoryGivenAsADataFile() throws IOException {
        Path images = Files.createDirectory(dir.resolve("i"));
        Path labels = write(dir.resolve("l"), idxLabels(2049, 3, threeLabels));

        assertThatThrownBy(() -> read(images, labels))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("i: file: a directory, expected a regular data file");
    }

    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // a blocked open is not interruptible
    void refusesANamedPipeWithoutWaitingForAWriter() throws Exception {
        Path pipe = Fixtures.namedPipe(dir.resolve("pipe"));
        Path labels = write(dir.resolve("l"), idxLabels(2049, 3, threeLabels));

        assertThatThrownBy(() -> read(pipe, labels))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("pipe: file: not a regular file (a named pipe, device or socket)");
    }

    @Test
    void refusesADevice() {
        Path device = Path.of("/dev/zero");
        assumeTrue(Files.exists(device), "needs /dev/zero");

        assertThatThrownBy(() -> IdxFiles.readLabels(device, 10, null))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("/dev/zero: file: not a regular file");
    }
}
