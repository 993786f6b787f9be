package dev.weft.layers;

import java.util.random.RandomGenerator;

/**
 * How a {@link Conv2D} or {@link Dense} layer draws its initial weights (biases start at zero). {@code fanIn} is
 * the number of inputs each output sums over ({@code inChannels·kernel²} or {@code inFeatures}), {@code fanOut}
 * the number of outputs each input feeds ({@code outChannels·kernel²} or {@code outFeatures}).
 *
 * <pre>{@code
 * new Dense(128).withInitializer(Initializer.GLOROT_UNIFORM)   // as Keras would start it
 * }</pre>
 */
public enum Initializer {
    /** Normal with {@code std = sqrt(2 / fanIn)} (He et al., 2015): the default, made for ReLU networks. */
    HE_NORMAL {
        @Override
        void fill(float[] weights, int fanIn, int fanOut, RandomGenerator random) {
            double std = Math.sqrt(2.0 / fanIn);
            for (int i = 0; i < weights.length; i++) {
                weights[i] = (float) (random.nextGaussian() * std);
            }
        }
    },
    /**
     * Uniform in {@code [-limit, limit)} with {@code limit = sqrt(6 / (fanIn + fanOut))} (Glorot and Bengio,
     * 2010): Keras's default for its Conv2D and Dense layers.
     */
    GLOROT_UNIFORM {
        @Override
        void fill(float[] weights, int fanIn, int fanOut, RandomGenerator random) {
            double limit = Math.sqrt(6.0 / (fanIn + fanOut));
            for (int i = 0; i < weights.length; i++) {
                weights[i] = (float) ((2 * random.nextDouble() - 1) * limit);
            }
        }
    };

    /** Overwrites {@code weights} with draws from {@code random}, in index order. */
    abstract void fill(float[] weights, int fanIn, int fanOut, RandomGenerator random);
}
