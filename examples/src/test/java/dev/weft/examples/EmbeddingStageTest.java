package dev.weft.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EmbeddingStageTest {

    @Test
    void stratifiedSampleTakesUpToSoManyOfEachClassInIncreasingOrder() {
        // Class 0: 6 images, class 1: 4, class 2: 2 (fewer than asked: all of them).
        int[] labels = {0, 1, 0, 2, 1, 0, 0, 1, 0, 2, 1, 0};

        int[] sample = EmbeddingStage.stratifiedSample(labels, 3, 5);

        assertThat(sample).isSorted().doesNotHaveDuplicates().hasSize(3 + 3 + 2);
        assertThat(Arrays.stream(sample).filter(i -> labels[i] == 0).count()).isEqualTo(3);
        assertThat(Arrays.stream(sample).filter(i -> labels[i] == 1).count()).isEqualTo(3);
        assertThat(Arrays.stream(sample).filter(i -> labels[i] == 2).count()).isEqualTo(2);
        assertThat(EmbeddingStage.stratifiedSample(labels, 3, 5)).as("same seed").isEqualTo(sample);
    }
}
