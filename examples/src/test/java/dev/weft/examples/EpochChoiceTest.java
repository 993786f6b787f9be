package dev.weft.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.examples.EpochBudget.LaterInference;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a budgeted epoch count is written into {@code metrics.json}: the formula's inputs, R model by model. */
class EpochChoiceTest {

    @Test
    void writesTheReserveModelByModelBesideItsSum() {
        // R = 2 x 20,000 / 8,000 + 2 x 4,000 / 2,000 = 5 + 4 = 9 s.
        EpochBudget.Decision decision = EpochBudget.choose(600, 100, 21, List.of(
                new LaterInference("reference", 20_000, 8000), new LaterInference("weft", 4_000, 2000)));

        Map<String, Object> json = EpochChoice.budget(decision, "./weft --epochs weft=23").json();

        assertThat(json).containsEntry("chosen_by", "budget").containsEntry("reserve_seconds", 9.0);
        assertThat(json.get("reserve_by_model")).isEqualTo(List.of(
                Map.of("model", "reference", "images", 20_000L, "images_per_second", 8000.0, "seconds", 5.0),
                Map.of("model", "weft", "images", 4_000L, "images_per_second", 2000.0, "seconds", 4.0)));
    }
}
