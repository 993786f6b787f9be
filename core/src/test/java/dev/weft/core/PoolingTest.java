package dev.weft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Max pooling against {@link NaivePooling}: values, winners and gradients must be identical. */
class PoolingTest {
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    @ParameterizedTest(name = "{0}x{1}x{2}x{3} pool={4} stride={5} threads={6}")
    @CsvSource({
        "1, 1, 4, 4, 2, 2, 1",
        "3, 5, 26, 26, 2, 2, 2",
        "2, 3, 11, 13, 2, 2, 2",
        "2, 4, 9, 9, 3, 2, 2",
        "1, 2, 7, 10, 3, 3, 1",
        "64, 32, 26, 26, 2, 2, 2"})
    void forwardAndBackwardMatchTheNaiveDefinition(int batch, int channels, int height, int width, int pool,
                                                   int stride, int threads) {
        Parallel.setThreads(threads);
        // A view with a nonzero offset, and rounded values so that ties occur.
        float[] storage = Tensor.uniform(new int[] {5 + batch * channels * height * width}, -4f, 4f, 1L).data();
        for (int i = 0; i < storage.length; i++) {
            storage[i] = Math.round(storage[i]);
        }
        Tensor input = Tensor.view(storage, 5, batch, channels, height, width);
        int outH = Pooling.outputSize(height, pool, stride);
        int outW = Pooling.outputSize(width, pool, stride);
        Tensor output = Tensor.zeros(batch, channels, outH, outW);
        Tensor expected = Tensor.zeros(batch, channels, outH, outW);
        int[] winners = new int[output.size()];
        int[] expectedWinners = new int[output.size()];
        Pooling.maxForward(input, pool, stride, output, winners);
        NaivePooling.maxForward(input, pool, stride, expected, expectedWinners);
        assertThat(Arrays.mismatch(output.toArray(), expected.toArray())).as("first differing output").isEqualTo(-1);
        assertThat(Arrays.mismatch(winners, expectedWinners)).as("first differing winner").isEqualTo(-1);

        Tensor dOutput = Tensor.uniform(output.shape(), -1f, 1f, 2L);
        Tensor dInput = Tensor.filled(Float.NaN, input.shape());
        Tensor expectedDInput = Tensor.zeros(input.shape());
        Pooling.maxBackward(dOutput, winners, dInput);
        NaivePooling.maxBackward(dOutput, expectedWinners, expectedDInput);
        assertThat(Arrays.mismatch(dInput.toArray(), expectedDInput.toArray())).as("first differing dInput")
                .isEqualTo(-1);
    }

    @Test
    void rejectsAWindowLargerThanTheImage() {
        assertThatThrownBy(() -> Pooling.outputSize(2, 3, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("larger");
    }
}
