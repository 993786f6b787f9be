package dev.weft.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publishing never loses a complete report: failed moves (injected) leave the previous report in place and the new
 * one where the message says; a second study into the same folder is refused; each run has its own folder.
 */
class ReportFolderTest {

    @TempDir
    Path tmp;

    private Path out() {
        return tmp.resolve("report");
    }

    /** Publishes a first report holding {@code old.txt}. */
    private void previousReport() throws IOException {
        Report first = Report.create(out(), "T");
        Files.writeString(first.file("old.txt"), "old");
        first.publish();
    }

    /** The real rename, except that the first move onto {@code failing} throws. */
    private static ReportFolder.Move failingOnceInto(Path failing) {
        boolean[] failed = {false};
        return (source, target) -> {
            if (target.equals(failing) && !failed[0]) {
                failed[0] = true;
                throw new IOException("injected: cannot rename onto " + target);
            }
            ReportFolder.RENAME.move(source, target);
        };
    }

    @Test
    void aFailedMoveIntoPlaceRestoresThePreviousReportAndKeepsTheNewOne() throws IOException {
        previousReport();
        Report report = Report.create(out(), "T");
        Files.writeString(report.file("new.txt"), "new");
        Path work = report.dir();

        assertThatThrownBy(() -> report.publish(failingOnceInto(out().toAbsolutePath())))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("previous report is back in place")
                .hasMessageContaining("kept in " + work);
        report.close();

        assertThat(out().resolve("old.txt")).hasContent("old");
        assertThat(work.resolve("new.txt")).hasContent("new");
        assertThat(work.resolve("index.html")).exists();
    }

    @Test
    void whenThePreviousReportCannotBePutBackEitherTheMessageSaysWhereBothAre() throws IOException {
        previousReport();
        Report report = Report.create(out(), "T");
        Files.writeString(report.file("new.txt"), "new");
        Path work = report.dir();

        Throwable thrown = catchThrowable(
                () -> report.publish((source, target) -> {
                    if (target.equals(out().toAbsolutePath())) {
                        throw new IOException("injected");
                    }
                    ReportFolder.RENAME.move(source, target);
                }));
        report.close();

        assertThat(thrown).isInstanceOf(UncheckedIOException.class).hasMessageContaining("new one in " + work);
        Path old = Path.of(thrown.getMessage().replaceAll(".*previous report is in (.*) and the new one.*", "$1"));
        assertThat(old.resolve("old.txt")).hasContent("old");
        assertThat(work.resolve("new.txt")).hasContent("new");
    }

    @Test
    void aPreviousReportThatCannotBeMovedAsideStaysAndTheNewOneIsKept() throws IOException {
        previousReport();
        Report report = Report.create(out(), "T");
        Files.writeString(report.file("new.txt"), "new");
        Path work = report.dir();

        assertThatThrownBy(() -> report.publish((source, target) -> {
            throw new IOException("injected: a mount point");
        })).isInstanceOf(UncheckedIOException.class).hasMessageContaining("could not be moved aside")
                .hasMessageContaining(work.toString());
        report.close();

        assertThat(out().resolve("old.txt")).hasContent("old");
        assertThat(work.resolve("new.txt")).hasContent("new");
    }

    @Test
    void aFirstReportThatCannotBeMovedIntoPlaceIsKept() throws IOException {
        Report report = Report.create(out(), "T");
        Path work = report.dir();

        assertThatThrownBy(() -> report.publish(failingOnceInto(out().toAbsolutePath())))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("it is kept in " + work);
        report.close();

        assertThat(work.resolve("index.html")).exists();
        assertThat(out()).doesNotExist();
    }

    @Test
    void aSecondStudyIntoTheSameFolderIsRefusedWhileTheFirstRuns() throws IOException {
        Report first = Report.create(out(), "T");

        assertThatThrownBy(() -> Report.create(out(), "T")).isInstanceOf(UsageException.class)
                .hasMessageContaining("Another study is writing its report into " + out().toAbsolutePath())
                .hasMessageContaining(".report.lock");
        assertThat(first.dir()).exists();

        first.publish();
        Report.create(out(), "T").publish();   // the lock went with the first report
        assertThat(out().resolve("index.html")).exists();
    }

    @Test
    void eachRunHasItsOwnTemporaryFolderAndAFailedRunDeletesIt() {
        Report first = Report.create(out(), "T");
        Path firstWork = first.dir();
        first.close();
        Report second = Report.create(out(), "T");

        assertThat(firstWork).doesNotExist();
        assertThat(second.dir()).isNotEqualTo(firstWork).exists();
        assertThat(second.dir().getFileName().toString()).matches("\\.report\\.partial-[0-9a-z]+");
        second.close();
    }

    @Test
    void theFoldersOfKilledRunsAreDeletedButNotAFolderWithoutTheMarker() throws IOException {
        Path killed = Files.createDirectories(tmp.resolve(".report.partial-abc"));
        Files.writeString(killed.resolve(Report.MARKER), "");
        Path legacy = Files.createDirectories(tmp.resolve(".report.partial"));
        Files.writeString(legacy.resolve(Report.MARKER), "");
        Path someoneElses = Files.createDirectories(tmp.resolve(".report.partial-def"));
        Path otherReport = Files.createDirectories(tmp.resolve(".report.x.partial-abc"));
        Files.writeString(otherReport.resolve(Report.MARKER), "");

        Report.create(out(), "T").close();

        assertThat(killed).doesNotExist();
        assertThat(legacy).doesNotExist();
        assertThat(someoneElses).exists();
        assertThat(otherReport).exists();
    }

    @Test
    void aPublishedReportLeavesNoHiddenFolderBehind() throws IOException {
        previousReport();
        Report.create(out(), "T").publish();

        try (Stream<Path> entries = Files.list(tmp)) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("report",
                    ".report.lock");
        }
    }
}
