package dev.weft.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.data.FashionMnist;
import dev.weft.data.FashionMnistCsv;
import dev.weft.data.ImageSet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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
        assertThat(outBytes.toString(StandardCharsets.UTF_8)).contains("--out DIR", "--budget TIME", "--epochs N",
                "--epochs M=N", "--limit N", "--model M", "reference", "predict", "convert");
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
        assertThat(out()).isEmpty();
        assertThat(tmp.resolve("r")).doesNotExist();
        try (Stream<Path> entries = Files.list(tmp)) {
            assertThat(entries.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".r.partial"));
        }
    }

    @Test
    void aKaggleTestSetWithAHeaderAndNoRowsIsRefusedNamingTheFileBeforeTraining() throws IOException {
        Path data = Files.createDirectories(tmp.resolve("kaggle"));
        byte[] pixels = new byte[3 * FashionMnist.ROWS * FashionMnist.COLS];
        FashionMnistCsv.write(ImageSet.of("train", FashionMnist.ROWS, FashionMnist.COLS, FashionMnist.NUM_CLASSES,
                pixels, new int[] {0, 1, 2}), data.resolve(FashionMnistCsv.TRAIN_FILE));
        Path test = data.resolve(FashionMnistCsv.TEST_FILE);
        String header = Files.readAllLines(data.resolve(FashionMnistCsv.TRAIN_FILE)).get(0);
        Files.writeString(test, header + "\n");

        assertThat(run("--data", data.toString(), "--out", tmp.resolve("r").toString(), "--epochs", "1"))
                .isEqualTo(Main.USAGE);

        assertThat(err()).startsWith("weft: ").doesNotContain("\tat ", "Exception");
        // The message is wrapped at 100 columns, between words.
        assertThat(err().replaceAll("\\s+", " ")).contains(test.toString()).contains("no data rows");
        assertThat(err().strip()).as("one paragraph").doesNotContain(System.lineSeparator() + System.lineSeparator());
        assertThat(out()).doesNotContain("Training");
        assertThat(tmp.resolve("r")).doesNotExist();
    }

    @Test
    void predictWithoutImagesOrWithAMissingModelExplainsWhy() {
        assertThat(run("predict")).isEqualTo(Main.USAGE);
        assertThat(err()).contains("at least one image");

        errBytes.reset();
        assertThat(run("predict", "--model", tmp.resolve("none.weft").toString(), "x.png")).isEqualTo(Main.USAGE);
        assertThat(err()).contains("No model file");
    }

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void checkOptionsRefusesABadCommandLineBeforeAnythingIsInstalled() {
        assertThat(run(Main.CHECK_OPTIONS, "--epochs", "0")).isEqualTo(Main.USAGE);
        assertThat(err()).startsWith("weft: --epochs must be between 1 and");
        assertThat(out()).isEmpty();

        errBytes.reset();
        assertThat(run(Main.CHECK_OPTIONS, "--budget", "ten minutes")).isEqualTo(Main.USAGE);
        assertThat(err()).startsWith("weft: --budget expects a duration such as 600, 600s, 10m or 9m30s");
        assertThat(out()).isEmpty();

        errBytes.reset();
        assertThat(run(Main.CHECK_OPTIONS, "--data", tmp.resolve("nowhere").toString())).isEqualTo(Main.USAGE);
        assertThat(err()).startsWith("weft: --data ").contains("is not a folder");

        errBytes.reset();
        assertThat(run(Main.CHECK_OPTIONS, "convert", "--outt", "x")).isEqualTo(Main.USAGE);
        assertThat(err()).startsWith("weft: Unknown option '--outt' for convert");
        assertThat(out()).isEmpty();
    }

    @Test
    void checkOptionsRefusesAnOutFolderThatIsNotAReport() throws IOException {
        Path mine = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(mine.resolve("thesis.tex"), "precious");

        assertThat(run(Main.CHECK_OPTIONS, "--out", mine.toString())).isEqualTo(Main.USAGE);

        assertThat(err()).startsWith("weft: --out " + mine.toAbsolutePath()).contains("not a Weft report");
    }

    @Test
    void checkOptionsAcceptsAGoodCommandLineAndRunsNothing() {
        Path report = tmp.resolve("r");

        assertThat(run(Main.CHECK_OPTIONS, "--out", report.toString(), "--epochs", "1", "--threads", "0"))
                .isEqualTo(Main.OK);
        assertThat(run(Main.CHECK_OPTIONS, "convert", "--out", tmp.resolve("csv").toString())).isEqualTo(Main.OK);

        assertThat(out()).isEmpty();
        assertThat(err()).isEmpty();
        assertThat(tmp).isEmptyDirectory();
    }

    @Test
    void controlCharactersInAFileNameAreEscapedInTheMessage() {
        String name = tmp.resolve("evil\u001b[2J\nname").toString();

        assertThat(run("--data", name, "--out", tmp.resolve("r").toString())).isEqualTo(Main.USAGE);

        assertThat(err()).contains("evil\\u001B[2J\\nname").doesNotContain("\u001b")
                .startsWith("weft: --data ");
        assertThat(err().strip()).doesNotContain("\n" + "name");
        assertThat(out()).isEmpty();
    }

    @Test
    void aSecondStudyIntoTheSameFolderIsRefusedWithAMessage() throws IOException {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("fashion-mnist_train.csv"), "");   // present by name; never read here
        Files.writeString(data.resolve("fashion-mnist_test.csv"), "");
        Path report = tmp.resolve("r");
        try (Report running = Report.create(report, "T")) {
            assertThat(run("--data", data.toString(), "--out", report.toString())).isEqualTo(Main.USAGE);
            assertThat(err()).startsWith("weft: Another study is writing its report into " + report.toAbsolutePath());
            assertThat(out()).isEmpty();
            assertThat(running.dir()).exists();
        }
    }

    /** Runs the command line in a new JVM (a bad property fails a class's initialisation for good). */
    private static String[] runJava(List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new String[] {Integer.toString(process.exitValue()), stdout, stderr};
    }

    @ParameterizedTest
    @CsvSource({"-Dweft.threads=abc, -Dweft.threads must be a whole number",
        "-Dweft.threads=1000000, -Dweft.threads must be a whole number",
        "-Dweft.simd=maybe, -Dweft.simd must be true or false"})
    void aBadPropertyIsAOneLineUsageError(String property, String message) throws Exception {
        String[] result = runJava(List.of(property), Main.CHECK_OPTIONS, "--out", tmp.resolve("r").toString());

        assertThat(result[0]).isEqualTo(Integer.toString(Main.USAGE));
        assertThat(result[1]).isEmpty();
        assertThat(result[2]).startsWith("weft: " + message).doesNotContain("\tat ", "Exception");
    }

    @Test
    void aBadConvolutionPropertyIsAUsageErrorBeforeTheStudyStarts() throws Exception {
        String[] result = runJava(List.of("-Dweft.convolution=naive", "-Dweft.simd=false"), "--out",
                tmp.resolve("r").toString(), "--data", tmp.toString());

        assertThat(result[0]).isEqualTo(Integer.toString(Main.USAGE));
        assertThat(result[1]).isEmpty();
        assertThat(result[2]).contains("weft: -Dweft.convolution=naive is not an accepted value")
                .doesNotContain("\tat ", "Exception");
        assertThat(tmp.resolve("r")).doesNotExist();
    }
}
