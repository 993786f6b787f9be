package dev.weft.optim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.core.Tensor;
import dev.weft.layers.Evaluation;
import dev.weft.layers.Models;
import dev.weft.layers.Sequential;
import java.io.IOException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Trains the reference study's CNN on real Fashion-MNIST images and checks it learns: a few thousand
 * training images, two epochs, evaluated on the first 1000 test images. Chance is 10%; the full study reaches
 * about 91% after 10 epochs on 60,000 images, so 70% here is a clear, not a flaky, bar.
 */
class EndToEndTest {

    @Test
    void referenceCnnLearnsFashionMnist() throws IOException {
        Dataset train = FashionMnistFiles.load("train", 4000);
        Dataset test = FashionMnistFiles.load("t10k", 1000);
        Sequential model = Models.referenceCnn(42);

        History history = new Trainer(model, new Adam()).quiet().withSeed(42).fit(train, 2, 64);
        int[] labels = new int[test.size()];
        Tensor images = test.batch(IntStream.range(0, test.size()).toArray(), 0, test.size(), labels);
        Evaluation result = model.evaluate(images, labels);

        System.out.printf("end-to-end: %s; test %s; %.0f images/s%n", history.last(), result,
                history.last().imagesPerSecond());
        assertThat(history.trainLoss()[1]).isLessThan(history.trainLoss()[0]);
        assertThat(result.accuracy()).isGreaterThan(0.70);
    }
}
