package dev.weft.layers;


/** Small models with every kind of layer, cheap enough to run many times in tests. */
final class TinyModels {
    private TinyModels() {
    }

    static final int[] INPUT = {1, 12, 12};

    /** 1x12x12 -> conv 4 -> BN -> ReLU -> pool -> conv 6 same -> BN -> ReLU -> flatten -> dense 16 -> BN -> ReLU -> dropout -> dense 5. */
    static Sequential smallCnn(long seed) {
        return new Sequential(INPUT, seed,
                new Conv2D(4, 3), new BatchNorm(), new ReLU(), new MaxPool2D(2),
                new Conv2D(6, 3, 1, Padding.SAME), new BatchNorm(), new ReLU(),
                new Flatten(), new Dense(16), new BatchNorm(), new ReLU(), new Dropout(0.3),
                new Dense(5));
    }

    /** The same with global average pooling instead of flattening. */
    static Sequential gapCnn(long seed) {
        return new Sequential(INPUT, seed,
                new Conv2D(4, 3, 2, Padding.SAME), new ReLU(), new MaxPool2D(3, 1),
                new GlobalAveragePool(), new Dense(5));
    }
}
