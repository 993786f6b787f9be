package dev.weft.layers.onnx;

import dev.weft.core.Tensor;
import dev.weft.layers.Sequential;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two CNNs trained with Keras and written to ONNX elsewhere (one with BatchNormalization and SAME padding, both
 * with Keras' channels-last Transpose before the flatten), imported into Weft, give ONNX Runtime's logits on the
 * first 200 Fashion-MNIST test images to 1e-4 and the same predicted class on every row.
 */
class OnnxFixtureTest {
    static final double TOLERANCE = 1e-4;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"keras-reference-cnn", "keras-bn-cnn"})
    void importedKerasModelGivesTheExpectedLogits(String name) throws IOException {
        float[][] expected = OnnxFixtures.expected(name);
        assertThat(expected).hasNumberOfRows(200);
        Tensor images = OnnxFixtures.testImages(expected.length);
        Sequential model = Sequential.importOnnx(OnnxFixtures.copy(name + ".onnx", dir));

        Tensor logits = model.forward(images, false);
        int[] predicted = model.predict(images);
        double maxDifference = 0;
        for (int row = 0; row < expected.length; row++) {
            int expectedClass = 0;
            for (int c = 0; c < 10; c++) {
                float got = logits.data()[logits.offset() + row * 10 + c];
                maxDifference = Math.max(maxDifference, Math.abs(got - expected[row][c]));
                expectedClass = expected[row][c] > expected[row][expectedClass] ? c : expectedClass;
            }
            assertThat(predicted[row]).as("predicted class of test image %d", row).isEqualTo(expectedClass);
        }
        System.out.printf("%s imported: max |logit difference| %.3g over 200 test images%n", name, maxDifference);
        assertThat(maxDifference).isLessThanOrEqualTo(TOLERANCE);
    }
}
