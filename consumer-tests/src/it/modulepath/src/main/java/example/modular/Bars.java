package example.modular;

import dev.weft.data.ImageSet;
import dev.weft.layers.Conv2D;
import dev.weft.layers.Dense;
import dev.weft.layers.Flatten;
import dev.weft.layers.MaxPool2D;
import dev.weft.layers.ReLU;
import dev.weft.layers.Sequential;
import java.util.Random;

/** The data and the model: 8x8 grey images of one bar each, horizontal (class 0), vertical (1) or diagonal (2). */
public final class Bars {
    public static final int SIZE = 8;
    public static final int CLASSES = 3;

    private Bars() {
    }

    /** {@code count} noisy bar images drawn with {@code seed}. */
    public static ImageSet draw(int count, long seed) {
        Random random = new Random(seed);
        byte[] pixels = new byte[count * SIZE * SIZE];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            int label = random.nextInt(CLASSES);
            int at = 1 + random.nextInt(SIZE - 2);
            labels[i] = label;
            for (int row = 0; row < SIZE; row++) {
                for (int col = 0; col < SIZE; col++) {
                    boolean on = switch (label) {
                        case 0 -> row == at;
                        case 1 -> col == at;
                        default -> Math.floorMod(col - row, SIZE) == at;
                    };
                    int value = (on ? 200 : 0) + random.nextInt(40);
                    pixels[(i * SIZE + row) * SIZE + col] = (byte) value;
                }
            }
        }
        return ImageSet.of("bars", SIZE, SIZE, CLASSES, pixels, labels);
    }

    /** A small CNN for the bars: one convolution, one pooling, one dense layer. */
    public static Sequential model(long seed) {
        return new Sequential(new int[] {1, SIZE, SIZE}, seed,
                new Conv2D(4, 3), new ReLU(), new MaxPool2D(2), new Flatten(), new Dense(CLASSES));
    }
}
