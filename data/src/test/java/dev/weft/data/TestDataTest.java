package dev.weft.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** The rule for tests that need Fashion-MNIST, on injected directories: use it, skip without it, fail on CI. */
class TestDataTest {

    @TempDir
    Path tmp;

    @Test
    void findsTheFirstDirectoryHoldingTheData() throws IOException {
        Path full = tmp.resolve("full");
        Fixtures.writeIdxDirectory(full, 20, 10);
        assertThat(TestData.fashionMnist(List.of(tmp.resolve("none"), full), Map.of())).isEqualTo(full);
    }

    @Test
    void withoutTheDataTheTestIsSkippedWithTheWayToGetIt() {
        assertThatThrownBy(() -> TestData.fashionMnist(List.of(tmp), Map.of()))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("Fashion-MNIST not found in [" + tmp + "]")
                .hasMessageContaining("dataset-fashion-mnist").hasMessageContaining("FASHION_MNIST_DIR");
    }

    @Test
    void onCiAMissingDatasetFails() {
        assertThatThrownBy(() -> TestData.fashionMnist(List.of(tmp), Map.of("CI", "true")))
                .isInstanceOf(AssertionFailedError.class).hasMessageContaining("Fashion-MNIST not found");
    }
}
