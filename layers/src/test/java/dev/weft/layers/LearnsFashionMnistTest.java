package dev.weft.layers;

import dev.weft.core.Tensor;
import dev.weft.testing.TestData;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The layers learn: a small CNN trained with plain SGD (written out here, the optimizers live in {@code optim})
 * on 3,000 real Fashion-MNIST images for two epochs reaches well above chance (10%) on 1,000 test images.
 * (BatchNorm at momentum 0.99 has not yet forgotten its initial statistics after 120 steps, which inflates
 * the test loss more than the accuracy.) The IDX files are read directly so that this module does not depend on the
 * data module. Without the files the test is skipped, except on CI
 * ({@link TestData}).
 */
class LearnsFashionMnistTest {
    @Test
    void smallCnnWithPlainSgdBeatsChanceClearly() throws IOException {
        Path dir = TestData.fashionMnist();
        Tensor trainImages = images(dir, "train-images-idx3-ubyte.gz", 3000);
        int[] trainLabels = labels(dir, "train-labels-idx1-ubyte.gz", 3000);
        Tensor testImages = images(dir, "t10k-images-idx3-ubyte.gz", 1000);
        int[] testLabels = labels(dir, "t10k-labels-idx1-ubyte.gz", 1000);

        Sequential model = new Sequential(Models.IMAGE_SHAPE, 1L,
                new Conv2D(8, 3), new BatchNorm(), new ReLU(), new MaxPool2D(2),
                new Flatten(), new Dense(32), new ReLU(), new Dropout(0.1), new Dense(10));
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        int batch = 50;
        int[] batchLabels = new int[batch];
        for (int epoch = 0; epoch < 2; epoch++) {
            for (int from = 0; from < 3000; from += batch) {
                System.arraycopy(trainLabels, from, batchLabels, 0, batch);
                model.zeroGrad();
                loss.forward(model.forward(trainImages.slice(from, from + batch), true), batchLabels);
                model.backward(loss.backward());
                for (Parameter p : model.parameters()) {
                    float[] w = p.value().data();
                    float[] g = p.grad().data();
                    for (int i = 0; i < w.length; i++) {
                        w[i] -= 0.05f * g[i];
                    }
                }
            }
        }
        Evaluation test = model.evaluate(testImages, testLabels);
        System.out.println("small CNN, 2 epochs of 3,000 images, plain SGD: test " + test);
        assertThat(test.accuracy()).isGreaterThan(0.65);
        assertThat(test.loss()).isLessThan(1.5);
    }

    private static Tensor images(Path dir, String name, int count) throws IOException {
        try (DataInputStream in = open(dir.resolve(name))) {
            assertThat(in.readInt()).isEqualTo(0x803);
            in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            byte[] raw = new byte[count * rows * cols];
            in.readFully(raw);
            float[] pixels = new float[raw.length];
            for (int i = 0; i < raw.length; i++) {
                pixels[i] = (raw[i] & 0xff) / 255f;
            }
            return Tensor.of(pixels, count, 1, rows, cols);
        }
    }

    private static int[] labels(Path dir, String name, int count) throws IOException {
        try (DataInputStream in = open(dir.resolve(name))) {
            assertThat(in.readInt()).isEqualTo(0x801);
            in.readInt();
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = in.readUnsignedByte();
            }
            return labels;
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = Files.newInputStream(file);
        return new DataInputStream(new GZIPInputStream(raw, 1 << 16));
    }
}
