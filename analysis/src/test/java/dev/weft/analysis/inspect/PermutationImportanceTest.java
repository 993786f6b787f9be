package dev.weft.analysis.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.weft.core.Tensor;
import dev.weft.layers.Dense;
import dev.weft.layers.Flatten;
import dev.weft.layers.Parameter;
import dev.weft.layers.Sequential;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PermutationImportanceTest {

    private static final int SIZE = 8;
    private static final int N = 400;

    /**
     * A linear model on 8x8 images that looks only at the top-left 4x4 square: class 1 when the square's sum
     * exceeds 8 (mean 0.5), else class 0. Every other weight is zero.
     */
    private static Sequential topLeftModel() {
        Sequential model = new Sequential(new int[] {1, SIZE, SIZE}, 1L, new Flatten(), new Dense(2));
        List<Parameter> parameters = model.parameters();
        Tensor weights = parameters.get(0).value();   // [2, 64]
        Tensor bias = parameters.get(1).value();      // [2]
        weights.fill(0f);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                weights.set(1f, 1, y * SIZE + x);
            }
        }
        bias.set(8f, 0);
        bias.set(0f, 1);
        return model;
    }

    /** Images whose top-left square is bright (label 1) or dark (label 0); the rest is noise. */
    private static Tensor images(int[] labels, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Tensor x = Tensor.zeros(labels.length, 1, SIZE, SIZE);
        for (int i = 0; i < labels.length; i++) {
            labels[i] = random.nextInt(2);
            for (int y = 0; y < SIZE; y++) {
                for (int c = 0; c < SIZE; c++) {
                    boolean inSquare = y < 4 && c < 4;
                    float v = inSquare ? (labels[i] == 1 ? 0.8f : 0.2f) + 0.1f * (float) random.nextDouble()
                            : (float) random.nextDouble();
                    x.set(v, i, 0, y, c);
                }
            }
        }
        return x;
    }

    @Test
    void onlyTheRegionTheModelLooksAtMatters() {
        Sequential model = topLeftModel();
        int[] labels = new int[N];
        Tensor x = images(labels, 21);
        PermutationImportance importance = PermutationImportance.of(model, x, labels, 4, 2, 42L);
        assertThat(importance.baselineAccuracy()).isEqualTo(1.0);
        // Shuffling the square pairs each image with a random other one: about half the labels then disagree.
        assertThat(importance.at(0, 0)).isCloseTo(0.5, within(0.1));
        assertThat(importance.at(3, 3)).isEqualTo(importance.at(0, 0));
        // Regions with zero weight cannot change a prediction: exactly no drop.
        assertThat(importance.at(0, 4)).isZero();
        assertThat(importance.at(7, 7)).isZero();
        assertThat(importance.at(4, 0)).isZero();
        assertThat(importance.map()).hasSize(SIZE * SIZE);
    }

    @Test
    void sameSeedGivesTheSameMapAndTheInputIsUnchanged() {
        Sequential model = topLeftModel();
        int[] labels = new int[N];
        Tensor x = images(labels, 22);
        float[] before = x.toArray();
        double[] first = PermutationImportance.of(model, x, labels, 3, 1, 7L).map();
        double[] again = PermutationImportance.of(model, x, labels, 3, 1, 7L).map();
        assertThat(again).containsExactly(first);
        assertThat(x.toArray()).containsExactly(before);
    }

    @Test
    void edgeSquaresAreSmallerWhenThePatchDoesNotDivideTheImage() {
        Sequential model = topLeftModel();
        int[] labels = new int[N];
        Tensor x = images(labels, 23);
        // Patch 3 on 8 pixels: squares start at 0, 3 and 6, the last one 2 pixels wide; every pixel of a
        // square gets the square's drop. Square (0,0) holds 9 of the 16 signal pixels: enough to flip labels.
        PermutationImportance importance = PermutationImportance.of(model, x, labels, 3, 1, 9L);
        assertThat(importance.at(0, 0)).isGreaterThan(0.05);
        assertThat(importance.at(2, 2)).isEqualTo(importance.at(0, 0));
        assertThat(importance.at(6, 6)).isZero();
        assertThat(importance.at(7, 7)).isEqualTo(importance.at(6, 6));
        assertThat(importance.patch()).isEqualTo(3);
    }

    @Test
    void rejectsAPatchLargerThanTheImage() {
        Sequential model = topLeftModel();
        int[] labels = new int[4];
        Tensor x = images(labels, 24);
        assertThatThrownBy(() -> PermutationImportance.of(model, x, labels, 9, 1, 1L))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("patch size 9 must be 1..8");
    }
}
