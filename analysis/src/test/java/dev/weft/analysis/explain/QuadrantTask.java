package dev.weft.analysis.explain;

import dev.weft.core.Tensor;
import dev.weft.layers.BatchNorm;
import dev.weft.layers.Conv2D;
import dev.weft.layers.Dense;
import dev.weft.layers.Dropout;
import dev.weft.layers.Flatten;
import dev.weft.layers.MaxPool2D;
import dev.weft.layers.Padding;
import dev.weft.layers.ReLU;
import dev.weft.layers.Sequential;
import dev.weft.layers.SoftmaxCrossEntropy;
import dev.weft.optim.Adam;
import java.util.SplittableRandom;

/**
 * A synthetic task whose answer lies in a known region, the top-left quadrant ({@link #inRegion}). Images are
 * 1x16x16, dim noise in [0, 0.2]. The top-left quadrant holds a bright 4x4 square (0.9 to 1) for class 1 and a bright
 * 1x6 line for class 0, at a random place; one of the other three quadrants holds a bright line too, in both
 * classes, as a distractor. So the classes differ only inside the top-left quadrant, a quarter of the image.
 */
final class QuadrantTask {
    static final int SIDE = 16;
    static final int HALF = SIDE / 2;
    static final int SQUARE = 4;
    static final int LINE = 6;

    /** The trained model, built once for all tests (training takes a fraction of a second). */
    private static Sequential trained;

    private QuadrantTask() {
    }

    /** Whether pixel {@code (y, x)} lies in the top-left quadrant, where the evidence for class 1 is. */
    static boolean inRegion(int y, int x) {
        return y < HALF && x < HALF;
    }

    /** {@code n} images {@code [n, 1, 16, 16]} with labels alternating 0, 1. */
    static Tensor images(int n, long seed, int[] labels) {
        SplittableRandom random = new SplittableRandom(seed);
        Tensor x = Tensor.zeros(n, 1, SIDE, SIDE);
        float[] v = x.data();
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            int base = i * SIDE * SIDE;
            for (int p = 0; p < SIDE * SIDE; p++) {
                v[base + p] = (float) (0.2 * random.nextDouble());
            }
            if (labels[i] == 1) {
                block(v, base, random.nextInt(HALF - SQUARE + 1), random.nextInt(HALF - SQUARE + 1), SQUARE,
                        SQUARE, random);
            } else {
                block(v, base, random.nextInt(HALF), random.nextInt(HALF - LINE + 1), 1, LINE, random);
            }
            int quadrant = 1 + random.nextInt(3);
            block(v, base, (quadrant / 2) * HALF + random.nextInt(HALF),
                    (quadrant % 2) * HALF + random.nextInt(HALF - LINE + 1), 1, LINE, random);
        }
        return x;
    }

    private static void block(float[] v, int base, int top, int left, int height, int width,
                              SplittableRandom random) {
        for (int y = top; y < top + height; y++) {
            for (int x = left; x < left + width; x++) {
                v[base + y * SIDE + x] = (float) (0.9 + 0.1 * random.nextDouble());
            }
        }
    }

    /** Conv - BN - ReLU - pool - conv - ReLU - flatten - dense - dropout - dense: every kind of layer explained. */
    static Sequential untrained(long seed) {
        return new Sequential(new int[] {1, SIDE, SIDE}, seed,
                new Conv2D(4, 3, 1, Padding.SAME), new BatchNorm(), new ReLU(), new MaxPool2D(2),
                new Conv2D(8, 3, 1, Padding.SAME), new ReLU(),
                new Flatten(), new Dense(16), new ReLU(), new Dropout(0.2), new Dense(2));
    }

    /** The model trained with Adam for 150 steps of 32 images, then asked to be above 95% on fresh images. */
    static synchronized Sequential trained() {
        if (trained == null) {
            Sequential model = untrained(7L);
            Adam adam = new Adam(3e-3f);
            SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
            int[] labels = new int[32];
            for (int step = 0; step < 150; step++) {
                Tensor x = images(32, 1000 + step, labels);
                model.zeroGrad();
                loss.forward(model.forward(x, true), labels);
                model.backward(loss.backward());
                adam.step(model.parameters());
            }
            int[] testLabels = new int[200];
            Tensor test = images(200, 99L, testLabels);
            double accuracy = model.evaluate(test, testLabels).accuracy();
            if (accuracy < 0.95) {
                throw new AssertionError("the quadrant model reached only " + accuracy + " accuracy");
            }
            trained = model;
        }
        return trained;
    }

    /** The share of the total of {@code map [n, 16, 16]}'s image {@code i} that lies in the top-left quadrant. */
    static double shareInRegion(Tensor map, int i) {
        double inside = 0;
        double total = 0;
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                double v = Math.abs(map.data()[map.offset() + (i * SIDE + y) * SIDE + x]);
                total += v;
                inside += inRegion(y, x) ? v : 0;
            }
        }
        return inside / total;
    }
}
