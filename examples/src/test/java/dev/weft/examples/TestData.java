package dev.weft.examples;

import dev.weft.data.FashionMnist;
import dev.weft.data.FashionMnistLoader;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the tests find the real Fashion-MNIST files, and what they do without them (the rule every module's tests
 * follow): look where the study looks ({@link FashionMnistLoader#candidates()}: {@code $FASHION_MNIST_DIR}, then
 * {@code ./data/fashion-mnist}, the user cache, {@code /usr/share/datasets/fashion-mnist}); if none holds the data,
 * skip the test with a message saying how to get it, except on CI ({@code CI=true}), where a missing dataset fails.
 *
 * <p>The system property {@value #DIRS_PROPERTY} (a path list, given through {@code -Dweft.test.jvm=...}) replaces
 * the places searched, to see the rule at work on a machine that has the data.
 */
final class TestData {

    /** System property replacing the directories searched, separated by {@link File#pathSeparator}. */
    static final String DIRS_PROPERTY = "weft.test.fashionMnistDirs";

    private TestData() {
    }

    /** The directory holding Fashion-MNIST; skips (or on CI fails) the calling test without it. */
    static Path fashionMnist() {
        String override = System.getProperty(DIRS_PROPERTY);
        List<Path> places = new ArrayList<>();
        if (override != null) {
            for (String dir : override.split(File.pathSeparator)) {
                places.add(Path.of(dir));
            }
        } else {
            places.addAll(FashionMnistLoader.fromSystem().candidates().keySet());
        }
        return fashionMnist(places, System.getenv());
    }

    /** The first of {@code places} holding the data; else skips, or fails when {@code CI} is "true". */
    static Path fashionMnist(List<Path> places, Map<String, String> environment) {
        for (Path dir : places) {
            if (FashionMnist.isIn(dir)) {
                return dir;
            }
        }
        String message = "Fashion-MNIST not found in " + places + ": install the Debian package "
                + "dataset-fashion-mnist (as .ci/run does) or set FASHION_MNIST_DIR";
        if ("true".equals(environment.get("CI"))) {
            Assertions.fail(message + " (CI=true: the tests that read it must run)");
        }
        Assumptions.assumeTrue(false, message);
        throw new AssertionError("unreachable: assumeTrue(false) aborts the test");
    }
}
