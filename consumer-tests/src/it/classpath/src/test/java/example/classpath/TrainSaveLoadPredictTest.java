package example.classpath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.Tensor;
import dev.weft.core.simd.Kernels;
import dev.weft.data.ImageSet;
import dev.weft.layers.Sequential;
import dev.weft.optim.Adam;
import dev.weft.optim.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weft as a class path user meets it: this test and Weft's jars are on the class path (Weft's module descriptors
 * are ignored there); the bars model is trained, saved, loaded and asked to predict.
 */
class TrainSaveLoadPredictTest {

    @Test
    void weftRunsInTheUnnamedModuleWithItsSimdKernels() {
        assertFalse(getClass().getModule().isNamed(), "this project is on the class path");
        assertFalse(Tensor.class.getModule().isNamed(), "on the class path Weft is in the unnamed module too");
        assertTrue(Kernels.get().name().startsWith("simd"),
                "--add-modules jdk.incubator.vector selects the Vector API kernels, got " + Kernels.get().name());
    }

    @Test
    void aTrainedModelLearnsTheBarsAndPredictsTheSameAfterSaveAndLoad(@TempDir Path dir) throws Exception {
        ImageSet train = Bars.draw(600, 1L), test = Bars.draw(300, 2L);
        Sequential model = Bars.model(7L);
        new Trainer(model, new Adam(0.01f)).withSeed(7L).quiet().fit(train, 5, 32);

        // Three clean shapes with light noise: a model that learned anything gets nearly all of them.
        double accuracy = model.evaluate(test.images(), test.labels()).accuracy();
        assertTrue(accuracy >= 0.9, "test accuracy " + accuracy + " should be at least 0.9");

        Path file = dir.resolve("bars.weft");
        model.save(file);
        Sequential loaded = Sequential.load(file);
        float[] expected = model.predictProbabilities(test.images()).data();
        assertArrayEquals(expected, loaded.predictProbabilities(test.images()).data(), 0f,
                "a loaded model gives the saved model's probabilities, bit for bit");

        int[] alone = loaded.predict(test.images());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<int[]>> answers = new ArrayList<>();
            for (int thread = 0; thread < 4; thread++) {
                answers.add(pool.submit(() -> loaded.predict(test.images())));
            }
            for (Future<int[]> answer : answers) {
                assertArrayEquals(alone, answer.get(), "four threads predicting at once agree with one");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
