package dev.weft.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the tests find the real Fashion-MNIST files, and what they do without them (the rule every module's tests
 * follow): look in {@code $FASHION_MNIST_DIR}, then {@code ./data/fashion-mnist}, the user cache and
 * {@code /usr/share/datasets/fashion-mnist} (the study's places); if none holds the four IDX files, skip the test
 * with a message saying how to get them, except on CI ({@code CI=true}), where a missing dataset fails.
 *
 * <p>Shared by every module's tests through weft-layers' test jar (layers is the lowest module whose tests read
 * the data), so the rule is written once.
 *
 * <p>The system property {@value #DIRS_PROPERTY} (a path list, e.g. {@code -Dweft.test.fashionMnistDirs=/tmp/none}
 * through {@code -Dweft.test.jvm=...}) replaces the places searched, to see the rule at work on a machine that has
 * the data.
 */
public final class TestData {

    /** System property replacing the directories searched, separated by {@link File#pathSeparator}. */
    public static final String DIRS_PROPERTY = "weft.test.fashionMnistDirs";

    private static final List<String> IDX_FILES = List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");

    private TestData() {
    }

    /** The directory with the four Fashion-MNIST IDX files; skips (or on CI fails) the calling test without it. */
    public static Path fashionMnist() {
        return fashionMnist(places(System.getenv(), System.getProperty(DIRS_PROPERTY),
                Path.of(System.getProperty("user.home"))), System.getenv());
    }

    /** The directories searched, in order. */
    static List<Path> places(Map<String, String> environment, String override, Path home) {
        List<Path> places = new ArrayList<>();
        if (override != null) {
            for (String dir : override.split(File.pathSeparator)) {
                places.add(Path.of(dir));
            }
            return places;
        }
        String env = environment.get("FASHION_MNIST_DIR");
        if (env != null && !env.isBlank()) {
            places.add(Path.of(env));
        }
        places.add(Path.of("data", "fashion-mnist"));
        places.add(home.resolve(".cache/weft/fashion-mnist"));
        places.add(Path.of("/usr/share/datasets/fashion-mnist"));
        return places;
    }

    /** The first of {@code places} holding the four IDX files; else skips, or fails when {@code CI} is "true". */
    static Path fashionMnist(List<Path> places, Map<String, String> environment) {
        for (Path dir : places) {
            if (IDX_FILES.stream().allMatch(name -> Files.isRegularFile(dir.resolve(name)))) {
                return dir;
            }
        }
        String message = "Fashion-MNIST not found in " + places + ": install the Debian package "
                + "dataset-fashion-mnist (as .ci/run does) or set FASHION_MNIST_DIR";
        if ("true".equals(environment.get("CI"))) {
            Assertions.fail(message + " (CI=true: the tests that read it must run)");
        }
        // Said on the console too: a class whose @BeforeAll aborts is counted as no test at all, not as skipped.
        System.err.println("weft tests: " + message + "; skipping the tests that read it");
        Assumptions.assumeTrue(false, message);
        throw new AssertionError("unreachable: assumeTrue(false) aborts the test");
    }
}
