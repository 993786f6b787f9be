package dev.weft.core.simd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code weft.simd} property: true, false or unset; anything else is an error naming it. */
class KernelsProviderTest {

    @Test
    void acceptsTrueFalseAndUnsetInAnyCase() {
        assertThat(KernelsProvider.flag(null)).isEmpty();
        assertThat(KernelsProvider.flag(" ")).isEmpty();
        assertThat(KernelsProvider.flag("TRUE")).isEqualTo("true");
        assertThat(KernelsProvider.flag(" false ")).isEqualTo("false");
    }

    @ParameterizedTest
    @ValueSource(strings = {"maybe", "1", "off", "yes"})
    void refusesAnyOtherValueNamingTheProperty(String value) {
        assertThatThrownBy(() -> KernelsProvider.flag(value)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-Dweft.simd").hasMessageContaining("'" + value + "'");
    }
}
