package dev.weft.data;

import static dev.weft.data.Fixtures.csv;
import static dev.weft.data.Fixtures.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistCsvTest {
    @TempDir
    Path dir;

    private Path file(String content) throws IOException {
        return Files.writeString(dir.resolve("fashion-mnist_train.csv"), content);
    }

    @Test
    void idxToCsvAndBackGivesTheSameTensors() throws IOException {
        ImageSet original = Fixtures.images("train", 30, 11);
        IdxFiles.write(original, dir.resolve("images.gz"), dir.resolve("labels.gz"));
        ImageSet fromIdx = IdxFiles.read("train", dir.resolve("images.gz"), dir.resolve("labels.gz"), 10);

        FashionMnistCsv.write(fromIdx, dir.resolve("out.csv"));
        ImageSet fromCsv = FashionMnistCsv.read(dir.resolve("out.csv"));

        assertThat(fromCsv.labels()).isEqualTo(original.labels());
        assertThat(fromCsv.images(0, 30).allClose(original.images(0, 30), 0f, 0f)).isTrue();
        assertThat(fromCsv.flat(0, 30).allClose(fromIdx.flat(0, 30), 0f, 0f)).isTrue();
    }

    @Test
    void writesTheKaggleLayout() throws IOException {
        FashionMnistCsv.write(Fixtures.images("x", 2, 3), dir.resolve("out.csv"));

        var lines = Files.readAllLines(dir.resolve("out.csv"));
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("label,pixel1,pixel2,").endsWith(",pixel784");
        assertThat(lines.get(1).split(",")).hasSize(785);
        assertThat(lines.get(2)).startsWith("1,");
    }

    @Test
    void writingLeavesNoTemporaryFileAndReplacesTheTarget() throws IOException {
        Files.writeString(dir.resolve("out.csv"), "old");
        FashionMnistCsv.write(Fixtures.images("x", 3, 3), dir.resolve("out.csv"));

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(dir.resolve("out.csv"));
        }
        assertThat(FashionMnistCsv.read(dir.resolve("out.csv")).size()).isEqualTo(3);
    }

    @Test
    void theWrittenFileGetsTheUmasksPermissionsNotPrivateTemporaryOnes() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
                "file permissions are POSIX only");
        Path plain = Files.createFile(dir.resolve("plain.txt"));

        FashionMnistCsv.write(Fixtures.images("x", 2, 3), dir.resolve("out.csv"));

        assertThat(Files.getPosixFilePermissions(dir.resolve("out.csv")))
                .as("the permissions of a file created as usual here")
                .isEqualTo(Files.getPosixFilePermissions(plain));
    }

    @Test
    void detectsTheHeaderAndReadsFilesWithoutOne() throws IOException {
        ImageSet withHeader = FashionMnistCsv.read(file(csv(true, row("3", "7"), row("9", "255"))));
        ImageSet without = FashionMnistCsv.read(Files.writeString(dir.resolve("b.csv"),
                csv(false, row("3", "7"), row("9", "255"))));

        assertThat(withHeader.labels()).containsExactly(3, 9);
        assertThat(without.labels()).containsExactly(3, 9);
        assertThat(without.pixel(1, 27, 27)).isEqualTo(255);
        assertThat(withHeader.name()).isEqualTo("train");
    }

    @Test
    void toleratesSpacesAroundValuesAndOneTrailingEmptyLine() throws IOException {
        ImageSet set = FashionMnistCsv.read(file(csv(true, row(" 4", "12 ")) + "\n"));

        assertThat(set.labels()).containsExactly(4);
        assertThat(set.pixel(0, 0, 0)).isEqualTo(12);
    }

    @Test
    void readsWindowsLineEndsAndAByteOrderMark() throws IOException {
        String text = "\uFEFF" + csv(true, row("2", "9"), row("7", "0")).replace("\n", "\r\n");

        ImageSet set = FashionMnistCsv.read(file(text));

        assertThat(set.labels()).containsExactly(2, 7);
        assertThat(set.pixel(0, 27, 27)).isEqualTo(9);
    }

    @Test
    void rejectsARowWithTheWrongNumberOfColumns() throws IOException {
        Path file = file(csv(true, row("1", "0"), row("2", "0") + ",5"));

        assertThatThrownBy(() -> FashionMnistCsv.read(file))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("fashion-mnist_train.csv: data row 1 (line 3): 786 columns, expected 785");
    }

    @Test
    void rejectsAMissingValueNamingRowAndColumn() throws IOException {
        Path file = file(csv(true, row("1", "0").replaceFirst(",0,0,", ",0,,")));

        assertThatThrownBy(() -> FashionMnistCsv.read(file))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("data row 0 (line 2): missing value in column pixel2, expected an integer 0-255");
    }

    @Test
    void rejectsANonNumericValue() throws IOException {
        Path file = file(csv(true, row("1", "0"), row("1", "0").replaceFirst(",0$", ",abc")));

        assertThatThrownBy(() -> FashionMnistCsv.read(file))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("data row 1 (line 3): non-numeric value 'abc' in column pixel784");
    }

    @Test
    void rejectsAFractionalValue() throws IOException {
        Path file = file(csv(true, row("1", "0.5")));

        assertThatThrownBy(() -> FashionMnistCsv.read(file))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("non-numeric value '0.5' in column pixel1");
    }

    @Test
    void rejectsAPixelAbove255() throws IOException {
        Path file = file(csv(true, row("1", "256")));

        assertThatThrownBy(() -> FashionMnistCsv.read(file))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("data row 0 (line 2): pixel1 is 256, expected 0-255");
    }

    @Test
    void rejectsANegativePixel() throws IOException {
        Path file = file(csv(true, row("1", "-1")));

        assertThatThrownBy(() -> FashionMnistCsv.read(file))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("negative value '-1' in column pixel1, expected an integer 0-255");
    }

    @Test
    void rejectsALabelOutsideZeroToNine() throws IOException {
        Path file = file(csv(false, row("0", "1"), row("10", "1")));

        assertThatThrownBy(() -> FashionMnistCsv.read(file))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("data row 1 (line 2): label 10, expected 0-9");
    }

    @Test
    void rejectsAMissingLabel() throws IOException {
        Path file = file(csv(true, row("", "1")));

        assertThatThrownBy(() -> FashionMnistCsv.read(file))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("missing value in column label, expected an integer 0-9");
    }

    @Test
    void rejectsAHeaderOfTheWrongLayout() throws IOException {
        Path file = file("pixel1,label\n");

        assertThatThrownBy(() -> FashionMnistCsv.read(file))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("header (line 1): 2 columns starting with 'pixel1', expected 785 columns");
    }

    @Test
    void rejectsAnEmptyLineBetweenRows() throws IOException {
        Path file = file(csv(true, row("1", "0")) + "\n" + row("2", "0") + "\n");

        assertThatThrownBy(() -> FashionMnistCsv.read(file))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("line 3: empty line");
    }

    @Test
    void rejectsAnUnclosedQuote() throws IOException {
        Path file = file(csv(true, row("1", "0")) + "\"2,3\n");

        assertThatThrownBy(() -> FashionMnistCsv.read(file)).isInstanceOf(DatasetFormatException.class);
    }

    @Test
    void aFileLargeEnoughToBeReadInParallelPiecesReadsBackInOrder() throws IOException {
        ImageSet original = Fixtures.images("train", 3000, 21);
        FashionMnistCsv.write(original, dir.resolve("big.csv"));

        ImageSet back = FashionMnistCsv.read(dir.resolve("big.csv"));

        assertThat(back.labels()).isEqualTo(original.labels());
        assertThat(back.flat(0, 3000).allClose(original.flat(0, 3000), 0f, 0f)).isTrue();
    }

    @Test
    void errorsInALaterPieceNameTheGlobalRowAndLine() throws IOException {
        ImageSet original = Fixtures.images("train", 3000, 21);
        FashionMnistCsv.write(original, dir.resolve("big.csv"));
        java.util.List<String> lines = new java.util.ArrayList<>(Files.readAllLines(dir.resolve("big.csv")));
        lines.set(2902, lines.get(2902).replaceFirst(",[0-9]+$", ",999"));
        lines.set(2950, lines.get(2950).replaceFirst(",[0-9]+$", ",x"));
        Files.write(dir.resolve("big.csv"), lines);

        assertThatThrownBy(() -> FashionMnistCsv.read(dir.resolve("big.csv")))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("big.csv: data row 2901 (line 2903): pixel784 is 999, expected 0-255");
    }

    @Test
    void refusesAHeaderWithoutRowsNamingTheFile() throws IOException {
        Path file = file(csv(true));

        assertThatThrownBy(() -> FashionMnistCsv.read(file))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("fashion-mnist_train.csv: data rows: no images: the file has no data rows");
    }

    @Test
    void refusesAnEmptyFile() throws IOException {
        Path file = file("");

        assertThatThrownBy(() -> FashionMnistCsv.read(file))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("no images: the file is empty");
    }

    @Test
    void aSparseThreeGigabyteFileIsRefusedWithoutAllocatingItsSize() throws IOException {
        Path file = dir.resolve("sparse.csv");
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(3L << 30);   // zeros without a line end, and no disk used
        }

        assertThatThrownBy(() -> FashionMnistCsv.read(file))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("sparse.csv: line 1: longer than " + FashionMnistCsv.MAX_LINE + " bytes");
    }

    @Test
    void refusesAnOverlongLineNamingIt() throws IOException {
        Path file = file(csv(true, row("1", "0")) + "1" + ",0".repeat(40_000) + "\n" + row("2", "0") + "\n");

        assertThatThrownBy(() -> FashionMnistCsv.read(file))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("fashion-mnist_train.csv: line 3: longer than 65536 bytes without a line end");
    }

    @Test
    void countsLinesEndedByCarriageReturnsWhenRefusingAnOverlongLine() throws IOException {
        Path file = file(csv(true).replace("\n", "\r") + row("1", "0") + "\r" + "0".repeat(70_000));

        assertThatThrownBy(() -> FashionMnistCsv.read(file))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("line 3: longer than");
    }

    @Test
    void aProblemBeforeAnOverlongLineIsReportedFirst() throws IOException {
        Path file = file(csv(true, row("1", "0"), row("1", "256")) + "0".repeat(70_000));

        assertThatThrownBy(() -> FashionMnistCsv.read(file))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("data row 1 (line 3): pixel1 is 256");
    }

    @Test
    void refusesADirectory() throws IOException {
        Path directory = Files.createDirectory(dir.resolve("fashion-mnist_test.csv"));

        assertThatThrownBy(() -> FashionMnistCsv.read(directory))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("fashion-mnist_test.csv: file: a directory");
    }

    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // a blocked open is not interruptible
    void refusesANamedPipeWithoutWaitingForAWriter() throws Exception {
        Path pipe = Fixtures.namedPipe(dir.resolve("pipe.csv"));

        assertThatThrownBy(() -> FashionMnistCsv.read(pipe))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("pipe.csv: file: not a regular file");
    }
}
