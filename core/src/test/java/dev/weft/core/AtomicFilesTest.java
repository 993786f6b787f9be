package dev.weft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic writes: the content in place, no temporary file left, the syncs tolerated where not supported. */
class AtomicFilesTest {

    @TempDir
    Path tmp;

    @Test
    void writesTheContentAndLeavesNoTemporaryFile() throws IOException {
        Path target = tmp.resolve("sub/data.bin");
        Files.createDirectories(target.getParent());
        Files.write(target, new byte[] {9});

        AtomicFiles.write(target, out -> out.write(new byte[] {1, 2, 3}));

        assertThat(target).hasBinaryContent(new byte[] {1, 2, 3});
        try (Stream<Path> entries = Files.list(target.getParent())) {
            assertThat(entries).containsExactly(target);
        }
    }

    @Test
    void writesBytesIntoANewFolderAndLeavesNoTemporaryFile() throws IOException {
        Path target = tmp.resolve("new/model.bin");

        AtomicFiles.writeBytes(target, new byte[] {4, 5});

        assertThat(target).hasBinaryContent(new byte[] {4, 5});
        try (Stream<Path> entries = Files.list(target.getParent())) {
            assertThat(entries).containsExactly(target);
        }
    }

    @Test
    void syncsAFileAndItsFolder() throws IOException {
        Path file = Files.writeString(tmp.resolve("f.txt"), "x");

        assertThatCode(() -> AtomicFiles.syncFile(file)).doesNotThrowAnyException();
        assertThatCode(() -> AtomicFiles.syncDirectory(tmp)).doesNotThrowAnyException();
        assertThat(file).hasContent("x");
    }

    @Test
    void aFolderThatCannotBeOpenedForSyncingIsTolerated() {
        assertThatCode(() -> AtomicFiles.syncDirectory(tmp.resolve("missing"))).doesNotThrowAnyException();
    }
}
