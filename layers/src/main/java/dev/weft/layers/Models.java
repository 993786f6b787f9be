package dev.weft.layers;


/** Ready-made networks for 1x28x28 grey images and 10 classes (Fashion-MNIST). */
public final class Models {
    private Models() {
    }

    /** Per-sample input shape of the ready-made models. */
    public static final int[] IMAGE_SHAPE = {1, 28, 28};

    /**
     * The reference study's network: Conv2D 32 3x3 - ReLU - MaxPool 2 - Conv2D 64 3x3 - ReLU - MaxPool 2 -
     * Conv2D 128 3x3 - ReLU - Flatten (1152) - Dense 128 - ReLU - Dropout 0.5 - Dense 10; valid padding, stride 1;
     * weights initialised as Keras initialises them (Glorot-uniform), since the study built it with Keras.
     * 241,546 parameters, about 6.5 MFLOP per image forward.
     */
    public static Sequential referenceCnn(long seed) {
        Initializer keras = Initializer.GLOROT_UNIFORM;
        return new Sequential(IMAGE_SHAPE, seed,
                new Conv2D(32, 3).withInitializer(keras), new ReLU(), new MaxPool2D(2),
                new Conv2D(64, 3).withInitializer(keras), new ReLU(), new MaxPool2D(2),
                new Conv2D(128, 3).withInitializer(keras), new ReLU(),
                new Flatten(),
                new Dense(128).withInitializer(keras), new ReLU(), new Dropout(0.5),
                new Dense(10).withInitializer(keras));
    }

    /**
     * The former name of {@link #referenceCnn}, kept for one release.
     *
     * @deprecated "seed" now means only the random seed; use {@link #referenceCnn}.
     */
    @Deprecated(forRemoval = true)
    public static Sequential seedCnn(long seed) {
        return referenceCnn(seed);
    }

    /**
     * Weft's better network: two VGG-style blocks of two batch-normalised 3x3 convolutions each (32 then 64
     * channels, valid padding), max pooling after each block, then Dense 256 - BatchNorm - ReLU - Dropout 0.3 -
     * Dense 10. About 20 MFLOP per image forward (about 3x the reference network), so it still trains quickly on two
     * cores. Shapes: 28 -> 26 -> 24 -> 12 -> 10 -> 8 -> 4; 64x4x4 = 1024 features.
     */
    public static Sequential weftCnn(long seed) {
        return new Sequential(IMAGE_SHAPE, seed,
                new Conv2D(32, 3, 1, Padding.VALID), new BatchNorm(), new ReLU(),
                new Conv2D(32, 3, 1, Padding.VALID), new BatchNorm(), new ReLU(),
                new MaxPool2D(2),
                new Conv2D(64, 3, 1, Padding.VALID), new BatchNorm(), new ReLU(),
                new Conv2D(64, 3, 1, Padding.VALID), new BatchNorm(), new ReLU(),
                new MaxPool2D(2),
                new Flatten(),
                new Dense(256), new BatchNorm(), new ReLU(), new Dropout(0.3),
                new Dense(10));
    }
}
