package dev.weft.layers;

import dev.weft.core.Tensor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Model files written before the layer registry existed (by the code of commit b3c9261) still load, give the
 * logits they gave then, and are written back byte for byte: format version 1 did not change.
 *
 * <ul>
 *   <li>{@code small-cnn-v1.weft}: {@code TinyModels.smallCnn(11)} after three training forwards on
 *       {@code Tensor.uniform([8,1,12,12], 0, 1, i)}, i = 0..2 (so its BatchNorm statistics have moved);</li>
 *   <li>{@code gap-cnn-v1.weft}: {@code TinyModels.gapCnn(3)} as built.</li>
 * </ul>
 * Beside each, {@code .logits}: its inference logits on {@code Tensor.uniform([4,1,12,12], 0, 1, 5)}, one row per
 * sample, written with the SIMD kernels. Tolerance 1e-5 absolute: the scalar kernels sum in another order, which
 * moves logits of order 1 by a few float ulps.
 */
class ModelFileFixtureTest {
    private static final double TOLERANCE = 1e-5;

    @Test
    void aTrainedModelWrittenBeforeTheRegistryLoadsAndGivesItsLogits() throws IOException {
        checkFixture("small-cnn-v1");
    }

    @Test
    void aModelWithGlobalAveragePoolingWrittenBeforeTheRegistryLoadsAndGivesItsLogits() throws IOException {
        checkFixture("gap-cnn-v1");
    }

    @Test
    void todaysWriterWritesTheSameBytesAsTheWriterBeforeTheRegistry() throws IOException {
        // Weights drawn from the seed, no training: the same on every machine, kernels or JDK.
        assertThat(ModelFile.encode(TinyModels.gapCnn(3L))).isEqualTo(resource("gap-cnn-v1.weft"));
    }

    private static void checkFixture(String name) throws IOException {
        byte[] bytes = resource(name + ".weft");
        Sequential model = ModelFile.decode(bytes, Path.of(name + ".weft"));
        assertThat(ModelFile.encode(model)).as("written back").isEqualTo(bytes);

        Tensor logits = model.forward(Tensor.uniform(new int[] {4, 1, 12, 12}, 0f, 1f, 5L), false);
        String[] rows = new String(resource(name + ".logits"), StandardCharsets.US_ASCII).strip().split("\n");
        int classes = logits.dim(1);
        assertThat(rows).hasSize(4);
        for (int n = 0; n < 4; n++) {
            String[] values = rows[n].split(" ");
            assertThat(values).hasSize(classes);
            for (int c = 0; c < classes; c++) {
                assertThat(logits.data()[logits.offset() + n * classes + c]).as("%s logit [%d, %d]", name, n, c)
                        .isCloseTo(Float.parseFloat(values[c]), within((float) TOLERANCE));
            }
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ModelFileFixtureTest.class.getResourceAsStream(name)) {
            assertThat(in).as("test resource " + name).isNotNull();
            return in.readAllBytes();
        }
    }
}
