package dev.weft.optim;

import static dev.weft.optim.OptimizerTest.parameter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.weft.layers.Parameter;
import java.util.List;
import org.junit.jupiter.api.Test;

class GradientClippingTest {

    /** Two parameters whose gradients [3, 0] and [4] form one vector of norm 5. */
    private static List<Parameter> gradientsOfNormFive() {
        Parameter a = parameter("a", 0f, 0f);
        Parameter b = parameter("b", 0f);
        a.grad().set(3f, 0);
        b.grad().set(4f, 0);
        return List.of(a, b);
    }

    @Test
    void globalNormSpansAllParameters() {
        assertThat(GradientClipping.globalNorm(gradientsOfNormFive())).isEqualTo(5.0);
    }

    @Test
    void clippingScalesEveryGradientByTheSameFactor() {
        List<Parameter> ps = gradientsOfNormFive();
        double before = GradientClipping.clipByGlobalNorm(ps, 1.0);
        assertThat(before).isEqualTo(5.0);
        assertThat(ps.get(0).grad().get(0)).isCloseTo(0.6f, within(1e-7f));
        assertThat(ps.get(0).grad().get(1)).isZero();
        assertThat(ps.get(1).grad().get(0)).isCloseTo(0.8f, within(1e-7f));
        assertThat(GradientClipping.globalNorm(ps)).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void gradientsWithinTheLimitAreUntouched() {
        List<Parameter> ps = gradientsOfNormFive();
        GradientClipping.clipByGlobalNorm(ps, 5.0);
        assertThat(ps.get(0).grad().get(0)).isEqualTo(3f);
        assertThat(ps.get(1).grad().get(0)).isEqualTo(4f);
    }

    @Test
    void rejectsNonPositiveLimit() {
        assertThatThrownBy(() -> GradientClipping.clipByGlobalNorm(gradientsOfNormFive(), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxNorm");
    }
}
