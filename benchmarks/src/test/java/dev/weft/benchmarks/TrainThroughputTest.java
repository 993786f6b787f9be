package dev.weft.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The {@code --model} option of {@link TrainThroughput}: reference or weft, and the deprecated name seed. */
class TrainThroughputTest {

    @Test
    void acceptsTheDeprecatedModelNameSeedWithAOneLineNote() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(err, true, StandardCharsets.UTF_8);

        assertThat(TrainThroughput.modelName("seed", stream)).isEqualTo("reference");
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("note: --model seed is deprecated")
                .contains("--model reference").hasLineCount(1);
    }

    @Test
    void namesTheReferenceAndWeftModelsAndRejectsOthers() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(err, true, StandardCharsets.UTF_8);

        assertThat(TrainThroughput.modelName("reference", stream)).isEqualTo("reference");
        assertThat(TrainThroughput.modelName("weft", stream)).isEqualTo("weft");
        assertThat(err.size()).isZero();
        assertThatThrownBy(() -> TrainThroughput.modelName("resnet", stream))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reference or weft");
    }
}
