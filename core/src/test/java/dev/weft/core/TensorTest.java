package dev.weft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TensorTest {

    @Test
    void reshapeIsAViewSharingStorage() {
        Tensor t = Tensor.zeros(2, 3);
        Tensor r = t.reshape(3, -1);
        r.set(5f, 2, 1);
        assertThat(r.shape()).containsExactly(3, 2);
        assertThat(t.get(1, 2)).isEqualTo(5f);
    }

    @Test
    void reshapeToAnotherSizeNamesBothShapes() {
        assertThatThrownBy(() -> Tensor.zeros(2, 3).reshape(4, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[2, 3]").hasMessageContaining("[4, 2]");
    }

    @Test
    void sameSeedGivesSameTensor() {
        Tensor a = Tensor.normal(new int[] {3, 5}, 0f, 1f, 7L);
        Tensor b = Tensor.normal(new int[] {3, 5}, 0f, 1f, 7L);
        assertThat(a.toArray()).containsExactly(b.toArray());
        assertThat(a.allClose(Tensor.normal(new int[] {3, 5}, 0f, 1f, 8L), 1e-6f, 0f)).isFalse();
    }

    @Test
    void sliceViewsItemsAlongTheFirstAxis() {
        Tensor t = Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 3, 2);
        Tensor s = t.slice(1, 3);
        assertThat(s.shape()).containsExactly(2, 2);
        assertThat(s.get(0, 0)).isEqualTo(2f);
        assertThat(s.toString()).isEqualTo("Tensor[2, 2] [[2.000, 3.000], [4.000, 5.000]]");
    }

    @Test
    void requireShapeNamesExpectedAndActual() {
        assertThatThrownBy(() -> Tensor.zeros(4).requireShape("bias", 3))
                .hasMessage("bias: expected shape [3] but got [4]");
    }
}
