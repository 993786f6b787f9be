package dev.weft.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.data.FashionMnist;
import dev.weft.data.ImageSet;
import dev.weft.layers.Conv2D;
import dev.weft.layers.Dense;
import dev.weft.layers.Dropout;
import dev.weft.layers.Evaluation;
import dev.weft.layers.Flatten;
import dev.weft.layers.MaxPool2D;
import dev.weft.layers.ReLU;
import dev.weft.layers.Sequential;
import dev.weft.optim.Adam;
import dev.weft.optim.EarlyStopping;
import dev.weft.optim.History;
import dev.weft.optim.Monitor;
import dev.weft.optim.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Using Weft from your project" example, step by step, on a slice of the real data (the README
 * trains on all 60,000 images for 10 epochs; here 3,000 images and 2 epochs keep the test short).
 */
class ReadmeExampleTest {

    @Test
    void theReadmeExampleBuildsTrainsEvaluatesAndSavesAModel(@TempDir Path dir) throws Exception {
        FashionMnist data = FashionMnist.load();
        ImageSet train = data.train().first(3_000);
        ImageSet test = data.test().first(1_000);

        Sequential model = new Sequential(new int[] {1, 28, 28}, 42L,
                new Conv2D(32, 3), new ReLU(), new MaxPool2D(2),
                new Conv2D(64, 3), new ReLU(), new MaxPool2D(2),
                new Flatten(), new Dense(128), new ReLU(), new Dropout(0.5), new Dense(10));
        assertThat(model.summary()).contains("conv2d_1", "dense_2");

        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        History history = new Trainer(model, new Adam())
                .withSeed(42L)
                .withValidationSplit(0.1)
                .withCallbacks(new EarlyStopping(Monitor.VALIDATION_LOSS, 3))
                .withOutput(new PrintStream(progress, true, StandardCharsets.UTF_8))
                .fit(train, 2, 64);
        assertThat(history.epochs()).hasSize(2);

        Evaluation evaluation = Trainer.evaluate(model, test);
        assertThat(evaluation.accuracy()).as("test accuracy after 2 epochs on 3,000 images").isGreaterThan(0.65);

        Path file = dir.resolve("fashion-cnn.weft");
        model.save(file);
        Sequential again = Sequential.load(file);
        assertThat(again.predict(test.images(0, 32))).containsExactly(model.predict(test.images(0, 32)));
    }
}
