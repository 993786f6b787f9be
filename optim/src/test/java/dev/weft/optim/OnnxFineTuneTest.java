package dev.weft.optim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.core.Tensor;
import dev.weft.layers.Evaluation;
import dev.weft.layers.Sequential;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CNN trained with Keras (two epochs), imported from ONNX (the fixture in weft-layers' test resources), goes on
 * learning in Weft: one epoch of the Weft {@link Trainer} with Adam at a small rate on the first 5,000 training
 * images raises its accuracy on the first 2,000 test images. Skipped without the real data, failing on CI.
 */
class OnnxFineTuneTest {
    @TempDir
    Path dir;

    @Test
    void importedKerasModelFineTunedForOneEpochGetsMoreAccurate() throws IOException {
        Dataset train = FashionMnistFiles.load("train", 5_000);
        Dataset test = FashionMnistFiles.load("t10k", 2_000);
        Path file = dir.resolve("keras-reference-cnn.onnx");
        try (InputStream in = OnnxFineTuneTest.class.getResourceAsStream("/onnx/keras-reference-cnn.onnx")) {
            assertThat(in).as("weft-layers test resource onnx/keras-reference-cnn.onnx").isNotNull();
            Files.copy(in, file);
        }
        Sequential model = Sequential.importOnnx(file);
        int[] labels = new int[test.size()];
        Tensor images = test.batch(IntStream.range(0, test.size()).toArray(), 0, test.size(), labels);

        Evaluation before = model.evaluate(images, labels);
        new Trainer(model, new Adam(1e-4f)).quiet().withSeed(1).fit(train, 1, 64);
        Evaluation after = model.evaluate(images, labels);

        System.out.printf("Keras CNN imported from ONNX: test %s before, %s after one epoch in Weft%n", before, after);
        assertThat(after.accuracy()).isGreaterThan(before.accuracy());
    }
}
