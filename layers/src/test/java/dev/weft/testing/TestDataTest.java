package dev.weft.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
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
    void findsTheFirstDirectoryHoldingTheFourFiles() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Path full = Files.createDirectories(tmp.resolve("full"));
        for (String name : List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")) {
            Files.write(full.resolve(name), new byte[1]);
        }
        assertThat(TestData.fashionMnist(List.of(empty, full), Map.of())).isEqualTo(full);
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

    @Test
    void searchesFashionMnistDirFirstThenTheStudysPlaces() {
        Path home = Path.of("/home/someone");
        assertThat(TestData.places(Map.of("FASHION_MNIST_DIR", "/d"), null, home)).containsExactly(Path.of("/d"),
                Path.of("data", "fashion-mnist"), home.resolve(".cache/weft/fashion-mnist"),
                Path.of("/usr/share/datasets/fashion-mnist"));
        assertThat(TestData.places(Map.of(), "/a" + java.io.File.pathSeparator + "/b", home))
                .containsExactly(Path.of("/a"), Path.of("/b"));
    }
}
