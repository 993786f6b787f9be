package dev.weft.layers;

import dev.weft.core.Tensor;

import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Inverted dropout: in training each element is kept with probability {@code 1 - rate} and scaled by
 * {@code 1 / (1 - rate)}, otherwise zeroed, so that inference is the identity (the input tensor itself is returned).
 * The mask is drawn from a generator seeded when the model is built, so the same model seed gives the same masks.
 * The generator's position is not saved in model files: a loaded model draws its masks afresh from the seed.
 */
public final class Dropout extends AbstractLayer {
    private final float rate;
    private SplittableRandom random;

    // Training state: the mask (0 or 1/(1-rate) per element) and reused buffers.
    private float[] mask;
    private Tensor output;
    private Tensor dInput;
    /** For gradient checks: reuse the last mask instead of drawing a new one. */
    boolean freezeMask;

    /** Drops each element with probability {@code rate} in [0, 1). */
    public Dropout(double rate) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("Dropout rate must be in [0, 1), got " + rate);
        }
        this.rate = (float) rate;
    }

    @Override
    public String type() {
        return "Dropout";
    }

    /** Settings: rate. */
    @Override
    public Optional<LayerSpec> spec() {
        return Optional.of(LayerSpec.ofFloats(type(), rate));
    }

    /** The layer {@link #spec()} describes. */
    static Dropout fromSpec(LayerSpec spec) {
        return new Dropout(spec.floats()[0]);
    }

    /** Probability that an element is zeroed in training. */
    public float rate() {
        return rate;
    }

    @Override
    protected int[] initialize(int[] in, RandomGenerator generator) {
        random = new SplittableRandom(generator.nextLong());
        return in;
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        int batch = beginForward(x, training);
        if (!training) {
            return x;
        }
        if (output == null || output.dim(0) != batch) {
            output = Tensor.zeros(x.shape());
            dInput = Tensor.zeros(x.shape());
            mask = new float[x.size()];
            freezeMask = false;
        }
        float scale = 1f / (1f - rate);
        if (!freezeMask) {
            for (int i = 0; i < mask.length; i++) {
                mask[i] = random.nextFloat() >= rate ? scale : 0f;
            }
        }
        float[] in = x.data();
        float[] out = output.data();
        int off = x.offset();
        for (int i = 0; i < mask.length; i++) {
            out[i] = in[off + i] * mask[i];
        }
        return output;
    }

    @Override
    public Tensor backward(Tensor dOutput) {
        beginBackward(dOutput);
        // dX = dY ⊙ mask   (mask = 0 or 1/(1-rate))
        float[] dY = dOutput.data();
        float[] dX = dInput.data();
        int off = dOutput.offset();
        for (int i = 0; i < mask.length; i++) {
            dX[i] = dY[off + i] * mask[i];
        }
        return dInput;
    }
}
