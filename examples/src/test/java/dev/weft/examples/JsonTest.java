package dev.weft.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void escapesQuotesBackslashesAndControlCharacters() {
        String text = Json.write(Map.of("k", "a\"b\\c\nd\u0001"));

        assertThat(text).contains("\"a\\\"b\\\\c\\nd\\u0001\"");
        assertThat(MiniJson.parse(text)).isEqualTo(Map.of("k", "a\"b\\c\nd\u0001"));
    }

    @Test
    void writesNonFiniteNumbersAsNull() {
        assertThat(Json.write(List.of(1.5, Double.NaN, Double.POSITIVE_INFINITY))).isEqualTo("[1.5, null, null]\n");
    }

    @Test
    void roundTripsNestedObjectsInOrder() {
        Map<String, Object> o = Json.object();
        o.put("b", 1);
        o.put("a", List.of(Map.of("x", true), Json.array(new double[] {0.25, 1e-7})));
        o.put("empty", Json.object());

        Object back = MiniJson.parse(Json.write(o));

        assertThat(back).isInstanceOf(Map.class);
        assertThat(List.copyOf(((Map<?, ?>) back).keySet())).isEqualTo(List.of("b", "a", "empty"));
        assertThat(((Map<?, ?>) back).get("a")).isEqualTo(List.of(Map.of("x", true), List.of(0.25, 1e-7)));
    }
}
