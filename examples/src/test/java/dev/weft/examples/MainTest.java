package dev.weft.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's contract: exit codes and one-paragraph messages, never a stack trace. */
class MainTest {

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(outBytes, true, StandardCharsets.UTF_8),
                new PrintStream(errBytes, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpPrintsTheOptionsAndSucceeds() {
        assertThat(run("--help")).isZero();
        assertThat(outBytes.toString(StandardCharsets.UTF_8)).contains("--out DIR", "--epochs N", "--limit N",
                "--model M", "reference", "predict", "convert");
    }

    @Test
    void theDeprecatedModelNameSeedPrintsAOneLineNoteOnStandardError() {
        assertThat(run("--model", "seed", "--help")).isZero();
        assertThat(err()).isEqualTo(StudyOptions.SEED_ALIAS_NOTE + System.lineSeparator());
    }

    @Test
    void anUnknownOptionExitsWithUsageAndAMessage() {
        assertThat(run("--epoch", "3")).isEqualTo(Main.USAGE);
        assertThat(err()).startsWith("weft: Unknown option '--epoch'").doesNotContain("Exception", "\tat ");
    }

    @Test
    void anUnknownCommandExitsWithUsage() {
        assertThat(run("train")).isEqualTo(Main.USAGE);
        assertThat(err()).contains("Unknown command 'train'");
    }

    @Test
    void aDataFolderThatDoesNotExistExitsWithAMessage() {
        assertThat(run("--data", tmp.resolve("nowhere").toString(), "--out", tmp.resolve("r").toString()))
                .isEqualTo(Main.USAGE);
        assertThat(err()).contains("is not a folder").doesNotContain("\tat ");
        assertThat(tmp.resolve("r")).doesNotExist();
    }

    @Test
    void aDataFolderWithoutTheDataExitsWithAMessageAndLeavesNoReport() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));

        assertThat(run("--data", empty.toString(), "--out", tmp.resolve("r").toString())).isEqualTo(Main.USAGE);

        assertThat(err()).contains("weft:").contains(empty.toString()).doesNotContain("\tat ");
        assertThat(tmp.resolve("r")).doesNotExist();
        assertThat(tmp.resolve(".r.partial")).doesNotExist();
    }

    @Test
    void predictWithoutImagesOrWithAMissingModelExplainsWhy() {
        assertThat(run("predict")).isEqualTo(Main.USAGE);
        assertThat(err()).contains("at least one image");

        errBytes.reset();
        assertThat(run("predict", "--model", tmp.resolve("none.weft").toString(), "x.png")).isEqualTo(Main.USAGE);
        assertThat(err()).contains("No model file");
    }
}
