package dev.weft.layers.onnx;

import ai.onnxruntime.OrtException;
import dev.weft.core.Tensor;
import dev.weft.layers.BatchNorm;
import dev.weft.layers.Conv2D;
import dev.weft.layers.Dense;
import dev.weft.layers.Dropout;
import dev.weft.layers.Flatten;
import dev.weft.layers.GlobalAveragePool;
import dev.weft.layers.MaxPool2D;
import dev.weft.layers.Models;
import dev.weft.layers.Padding;
import dev.weft.layers.ReLU;
import dev.weft.layers.Residual;
import dev.weft.layers.Sequential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.weft.layers.onnx.OnnxRuntimeOracle.maxDifference;
import static dev.weft.layers.onnx.OnnxRuntimeOracle.withTrainedLookingBatchNorms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A model exported by Weft runs in ONNX Runtime and gives Weft's logits to {@value #TOLERANCE} on generated
 * 28x28 images in [0, 1]; importing the export gives back the same model.
 */
class OnnxExportTest {
    static final double TOLERANCE = 1e-4;

    @TempDir
    Path dir;

    private final Tensor images = Tensor.uniform(new int[] {16, 1, 28, 28}, 0f, 1f, 7L);

    private double exportAndCompare(Sequential model, String name) throws IOException, OrtException {
        Path file = dir.resolve(name + ".onnx");
        model.exportOnnx(file);
        Tensor logits = model.forward(images, false);
        double largest = 0;
        for (float v : logits.toArray()) {
            largest = Math.max(largest, Math.abs(v));
        }
        assertThat(largest).as("the largest |logit| (logits near zero would make the comparison vacuous)")
                .isGreaterThan(0.05);
        double difference = maxDifference(logits, OnnxRuntimeOracle.run(file, images));
        System.out.printf("%s exported: max |logit difference| Weft vs ONNX Runtime %.3g (largest |logit| %.3g)%n",
                name, difference, largest);
        return difference;
    }

    @Test
    void referenceCnnRunsInOnnxRuntimeWithWeftsLogits() throws Exception {
        assertThat(exportAndCompare(Models.referenceCnn(3L), "reference-cnn")).isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void weftCnnWithTrainedBatchNormsRunsInOnnxRuntimeWithWeftsLogits() throws Exception {
        Sequential model = withTrainedLookingBatchNorms(Models.weftCnn(4L), 5L);
        assertThat(exportAndCompare(model, "weft-cnn")).isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void samePaddingConvolutionsRunInOnnxRuntimeWithWeftsLogits() throws Exception {
        // Stride 2 on an even size pads one row and column more at the bottom and right than at the top and left.
        Sequential model = new Sequential(Models.IMAGE_SHAPE, 6L,
                new Conv2D(8, 3, 1, Padding.SAME), new ReLU(),
                new Conv2D(8, 3, 2, Padding.SAME), new ReLU(),
                new Conv2D(4, 4, 2, Padding.SAME),
                new Flatten(), new Dense(10));
        assertThat(exportAndCompare(model, "same-padding")).isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void globalAveragePoolModelRunsInOnnxRuntimeWithWeftsLogits() throws Exception {
        Sequential model = withTrainedLookingBatchNorms(new Sequential(Models.IMAGE_SHAPE, 8L,
                new Conv2D(8, 3), new BatchNorm(), new ReLU(), new MaxPool2D(3, 2),
                new Conv2D(16, 3), new ReLU(), new GlobalAveragePool(),
                new Dense(12), new BatchNorm(), new ReLU(), new Dropout(0.4), new Dense(10)), 9L);
        assertThat(exportAndCompare(model, "global-average-pool")).isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void residualBlockRunsInOnnxRuntimeAsItsBodyAndAnAdd() throws Exception {
        Sequential model = withTrainedLookingBatchNorms(new Sequential(Models.IMAGE_SHAPE, 14L,
                new Conv2D(6, 3), new BatchNorm(), new ReLU(), new MaxPool2D(2),
                new Residual(3), new ReLU(), new Residual(3), new ReLU(),
                new Flatten(), new Dense(10)), 15L);
        assertThat(exportAndCompare(model, "residual")).isLessThanOrEqualTo(TOLERANCE);
    }

    @Test
    void theBatchIsSymbolic() throws Exception {
        Sequential model = Models.referenceCnn(10L);
        Path file = dir.resolve("batch.onnx");
        model.exportOnnx(file);
        Tensor three = images.slice(0, 3);
        assertThat(OnnxRuntimeOracle.run(file, three)).hasSize(30);
        assertThat(OnnxRuntimeOracle.run(file, images)).hasSize(160);
    }

    @Test
    void importingTheExportGivesTheSameLogits() throws Exception {
        Sequential model = withTrainedLookingBatchNorms(Models.weftCnn(11L), 12L);
        Path file = dir.resolve("round-trip.onnx");
        model.exportOnnx(file);
        Sequential back = Sequential.importOnnx(file);

        assertThat(back.inputShape()).containsExactly(1, 28, 28);
        assertThat(back.parameters()).hasSize(model.parameters().size());   // Dropout left out, nothing else
        assertThat(back.forward(images, false).toArray()).containsExactly(model.forward(images, false).toArray());
    }

    @Test
    void exportReplacesTheFileAtomicallyAndLeavesNoTemporaryFile() throws Exception {
        Path file = dir.resolve("model.onnx");
        Files.writeString(file, "an older file");
        Models.referenceCnn(13L).exportOnnx(file);

        assertThat(Sequential.importOnnx(file).outputShape()).containsExactly(10);
        try (var listing = Files.list(dir)) {
            assertThat(listing).containsExactly(file);
        }
    }

    @Test
    void aLayerWithoutAnOnnxFormIsRefusedNamingIt() {
        Sequential model = new Sequential(new int[] {4}, 1L, new Dense(2), new dev.weft.layers.Layer() {
            private int[] shape;

            public void build(String name, int[] inputShape, java.util.random.RandomGenerator random) {
                shape = inputShape;
            }

            public String type() {
                return "Custom";
            }

            public String name() {
                return "custom_1";
            }

            public int[] inputShape() {
                return shape;
            }

            public int[] outputShape() {
                return shape;
            }

            public Tensor forward(Tensor input, boolean training) {
                return input;
            }

            public Tensor backward(Tensor dOutput) {
                return dOutput;
            }
        });
        assertThatThrownBy(() -> model.exportOnnx(dir.resolve("custom.onnx")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("custom_1 (Custom)");
        assertThat(dir.resolve("custom.onnx")).doesNotExist();
    }
}
