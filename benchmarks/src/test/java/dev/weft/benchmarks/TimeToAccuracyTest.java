package dev.weft.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.optim.EpochMetrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link TimeToAccuracy}'s options and its record of when each target was first reached (times injected). */
class TimeToAccuracyTest {

    private static EpochMetrics epoch(int epoch, double validationAccuracy) {
        return new EpochMetrics(epoch, 0.3, 0.9, 0.25, validationAccuracy, 1e-3f, 20, 2500);
    }

    @Test
    void recordsTheFirstEpochReachingEachTargetAndSaysWhichWereNot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TimeToAccuracy.Progress progress = new TimeToAccuracy.Progress(new double[] {0.9, 0.93, 0.95}, false,
                new PrintStream(bytes, true, StandardCharsets.UTF_8));

        progress.epochEnded(epoch(1, 0.88), 21.0);
        progress.epochEnded(epoch(2, 0.915), 41.5);
        progress.epochEnded(epoch(3, 0.905), 62.0);
        progress.epochEnded(epoch(4, 0.931), 82.25);

        String summary = progress.summary();
        assertThat(summary).contains("validation accuracy 0.9 reached after 41.5 s, epoch 2",
                "validation accuracy 0.93 reached after 82.3 s, epoch 4", "validation accuracy 0.95 not reached",
                "seconds_to_0.9=41.5", "seconds_to_0.95=not_reached");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("epoch 3: 62.0 s, validation accuracy 90.50%");
    }

    @Test
    void stopsOnlyWhenAskedAndEveryTargetIsReached() {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        TimeToAccuracy.Progress stopping = new TimeToAccuracy.Progress(new double[] {0.9, 0.93}, true, quiet);
        assertThat(stopping.epochEnded(epoch(1, 0.91), 20)).isFalse();
        assertThat(stopping.epochEnded(epoch(2, 0.94), 40)).isTrue();

        TimeToAccuracy.Progress running = new TimeToAccuracy.Progress(new double[] {0.9}, false, quiet);
        assertThat(running.epochEnded(epoch(1, 0.99), 20)).isFalse();
    }

    @Test
    void trainsTheStudysWeftRecipeUnlessToldOtherwise() {
        TimeToAccuracy defaults = new TimeToAccuracy();
        defaults.parse(new String[0]);
        assertThat(defaults.recipe().name()).isEqualTo("weft");
        assertThat(defaults.recipe().epochs()).isEqualTo(14);
        assertThat(defaults.targets()).containsExactly(0.93, 0.94);

        TimeToAccuracy reference = new TimeToAccuracy();
        reference.parse(new String[] {"--model", "reference", "--targets", "0.91, 0.9"});
        assertThat(reference.recipe().name()).isEqualTo("reference");
        assertThat(reference.recipe().epochs()).isEqualTo(10);
        assertThat(reference.targets()).containsExactly(0.9, 0.91);
    }

    @Test
    void trainsTheWeftRecipeWithTheVariantGiven() {
        TimeToAccuracy residual = new TimeToAccuracy();
        residual.parse(new String[] {"--variant", "residual", "--epochs", "7"});
        assertThat(residual.recipe().variant()).isEqualTo(dev.weft.data.RecipeVariant.RESIDUAL);
        assertThat(residual.recipe().epochs()).isEqualTo(7);
        assertThatThrownBy(() -> new TimeToAccuracy().parse(new String[] {"--model", "reference", "--variant",
                "wide"})).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--model weft only");
    }

    @Test
    void rejectsTargetsOutsideZeroToOne() {
        assertThatThrownBy(() -> TimeToAccuracy.targets("93,94")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("between 0 and 1");
        assertThatThrownBy(() -> new TimeToAccuracy().parse(new String[] {"--epochs", "0"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
    }
}
