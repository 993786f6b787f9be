package dev.weft.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.layers.*;
import dev.weft.optim.*;
import dev.weft.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's library example ("Using Weft from your project"), run on a slice of the real data: 3,000 training
 * images and 2 epochs instead of 60,000 and 10 keep the test short. The code between the markers below is the
 * README's, line for line, except the lines {@link #CHANGED} lists; a second test checks that, so the README and
 * this test cannot drift apart. It needs only weft-data and what it brings (optim, layers, core).
 */
class ReadmeExampleTest {

    /** README line -> the line this test runs instead (comments and indentation ignored). */
    private static final Map<String, String> CHANGED = Map.of(
            "FashionMnist data = FashionMnist.load();",
            "FashionMnist data = FashionMnist.load(TestData.fashionMnist());",
            "ImageSet train = data.train(), test = data.test();",
            "ImageSet train = data.train().first(3_000), test = data.test().first(1_000);",
            ".fit(train, 10, 64);",
            ".fit(train, 2, 64);",
            "model.save(Path.of(\"fashion-cnn.weft\"));",
            "model.save(dir.resolve(\"fashion-cnn.weft\"));");

    @Test
    void theReadmeExampleBuildsTrainsEvaluatesAndSavesAModel(@TempDir Path dir) throws IOException {
        // README example begins
        FashionMnist data = FashionMnist.load(TestData.fashionMnist());
        ImageSet train = data.train().first(3_000), test = data.test().first(1_000);
        Sequential model = new Sequential(new int[] {1, 28, 28}, 42L,
                new Conv2D(32, 3), new ReLU(), new MaxPool2D(2),
                new Conv2D(64, 3), new ReLU(), new MaxPool2D(2),
                new Flatten(), new Dense(128), new ReLU(), new Dropout(0.5), new Dense(10));
        System.out.println(model.summary());

        History history = new Trainer(model, new Adam())
                .withSeed(42L)
                .withValidationSplit(0.1)
                .withCallbacks(new EarlyStopping(Monitor.VALIDATION_LOSS, 3))
                .fit(train, 2, 64);

        Evaluation score = model.evaluate(test.images(), test.labels());
        System.out.printf("test accuracy %.2f%%%n", 100 * score.accuracy());
        model.save(dir.resolve("fashion-cnn.weft"));
        // README example ends

        assertThat(history.epochs()).hasSize(2);
        assertThat(score.accuracy()).as("test accuracy after 2 epochs on 3,000 images").isGreaterThan(0.65);
        Sequential again = Sequential.load(dir.resolve("fashion-cnn.weft"));
        assertThat(again.predict(test.images(0, 32))).containsExactly(model.predict(test.images(0, 32)));
    }

    @Test
    void theReadmeShowsExactlyTheCodeThisTestRuns() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        int section = readme.indexOf("## Using Weft from your project");
        assertThat(section).as("the README's library section").isNotNegative();
        int start = readme.indexOf("```java\n", section) + "```java\n".length();
        List<String> shown = new ArrayList<>();
        for (String line : code(readme.substring(start, readme.indexOf("```", start)))) {
            if (!line.startsWith("import ")) {
                shown.add(CHANGED.getOrDefault(line, line));
            }
        }

        String source = Files.readString(Path.of("src/test/java/dev/weft/data/ReadmeExampleTest.java"));
        int from = source.indexOf("// README example begins\n") + "// README example begins\n".length();
        List<String> run = code(source.substring(from, source.indexOf("// README example ends")));

        assertThat(run).as("the README's example (left) and the code this test runs (right)")
                .containsExactlyElementsOf(shown);
    }

    /** The non-blank lines of {@code text}, trimmed, without end-of-line comments. */
    private static List<String> code(String text) {
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            int comment = line.indexOf("//");
            String code = (comment >= 0 ? line.substring(0, comment) : line).trim();
            if (!code.isEmpty()) {
                lines.add(code);
            }
        }
        return lines;
    }
}
