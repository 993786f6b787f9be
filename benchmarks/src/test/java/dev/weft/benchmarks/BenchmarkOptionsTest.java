package dev.weft.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.data.RecipeVariant;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The options {@link TrainThroughput} and {@link TimeToAccuracy} share ({@link BenchmarkOptions}). */
class BenchmarkOptionsTest {

    @Test
    void acceptsTheDeprecatedModelNameSeedWithAOneLineNote() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(err, true, StandardCharsets.UTF_8);

        assertThat(BenchmarkOptions.modelName("seed", stream)).isEqualTo("reference");
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("note: --model seed is deprecated")
                .contains("--model reference").hasLineCount(1);
    }

    @Test
    void namesTheReferenceAndWeftModelsAndRejectsOthers() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(err, true, StandardCharsets.UTF_8);

        assertThat(BenchmarkOptions.modelName("reference", stream)).isEqualTo("reference");
        assertThat(BenchmarkOptions.modelName("weft", stream)).isEqualTo("weft");
        assertThat(err.size()).isZero();
        assertThatThrownBy(() -> BenchmarkOptions.modelName("resnet", stream))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reference or weft");
    }

    @Test
    void handsSwitchesAloneAndOtherFlagsWithTheNextWord() {
        List<String> seen = new ArrayList<>();
        BenchmarkOptions.parse(new String[] {"--profile", "--seed", "7", "--data", "dir"}, Set.of("--profile"),
                (flag, value) -> seen.add(flag + "=" + value));
        assertThat(seen).containsExactly("--profile=null", "--seed=7", "--data=dir");
    }

    @Test
    void refusesAFlagWithoutItsValueAndAWordThatIsNotANumber() {
        assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--seed"}, Set.of(), (flag, value) -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--seed needs a value");
        assertThatThrownBy(() -> BenchmarkOptions.parse(new String[] {"--epochs", "seven"}, Set.of(),
                (flag, value) -> BenchmarkOptions.positive(flag, value)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--epochs expects a number, got 'seven'");
        assertThatThrownBy(() -> BenchmarkOptions.positive("--threads", "0"))
                .hasMessage("--threads must be at least 1, was 0");
    }

    @Test
    void namesVariantsOfTheWeftModelOnly() {
        assertThat(BenchmarkOptions.variant("onecycle")).isEqualTo(RecipeVariant.ONE_CYCLE);
        assertThatThrownBy(() -> BenchmarkOptions.variant("deeper")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--variant must be one of baseline, residual");
        assertThatThrownBy(() -> BenchmarkOptions.requireWeftFor(RecipeVariant.WIDE, "reference"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--model weft only");
        BenchmarkOptions.requireWeftFor(RecipeVariant.BASELINE, "reference");
    }
}
