package dev.weft.layers;

import dev.weft.core.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Inference of a {@link Conv2D} or {@link Dense} followed by a {@link BatchNorm} (and optionally a {@link ReLU}) as
 * one layer: the batch normalisation folded into the weights and bias (Jacob et al., 2018, "Quantization and
 * Training of Neural Networks for Efficient Integer-Arithmetic-Only Inference", section 3.2). With the running
 * statistics μ, σ² and {@code s[o] = γ[o] / sqrt(σ²[o] + ε)} per output channel {@code o}:
 * <pre>
 *   BN(W·x + b)[o] = s[o]·(W[o]·x + b[o] - μ[o]) + β[o] = (s[o]·W[o])·x + (s[o]·(b[o] - μ[o]) + β[o])
 * </pre>
 * so the layer runs once with {@code W'[o] = s[o]·W[o]} and {@code b'[o] = s[o]·(b[o] - μ[o]) + β[o]}, the ReLU
 * applied as the output is written, and the BatchNorm's pass over the activations is saved. The results agree with
 * the layers run one by one to rounding (the scale is applied to each weight instead of to each sum).
 *
 * <p>The folded weights are computed on every call, into the calling thread's scratch: that reads each weight once,
 * against a batch's worth of multiply-adds per weight in the layer itself, and the fold can never be stale after
 * training, {@link Sequential#setWeights} or loading. Runs only at inference, from {@link InferenceRunner}.
 */
final class FoldedBatchNorm implements InferenceRunner.Step {
    private final Conv2D conv;
    private final Dense dense;
    private final BatchNorm batchNorm;
    private final boolean relu;
    /** This thread's folded weights and bias, shaped as the layer's own. */
    private final ThreadLocal<Folded> folded;

    private record Folded(Tensor weights, Tensor bias) {
    }

    /**
     * @param layer     a {@link Conv2D} or {@link Dense} whose output channels are the batch norm's channels
     * @param batchNorm the BatchNorm right after it
     * @param relu      whether a ReLU follows the BatchNorm and runs here too
     */
    FoldedBatchNorm(Layer layer, BatchNorm batchNorm, boolean relu) {
        this.conv = layer instanceof Conv2D c ? c : null;
        this.dense = layer instanceof Dense d ? d : null;
        if (conv == null && dense == null) {
            throw new IllegalArgumentException("only a Conv2D or a Dense takes a BatchNorm folded in, not " + layer);
        }
        this.batchNorm = batchNorm;
        this.relu = relu;
        Parameter weights = conv != null ? conv.weights() : dense.weights();
        int[] weightShape = weights.value().shape();
        int[] biasShape = (conv != null ? conv.bias() : dense.bias()).value().shape();
        this.folded = ThreadLocal.withInitial(() -> new Folded(Tensor.zeros(weightShape), Tensor.zeros(biasShape)));
    }

    /**
     * The pairs of consecutive {@code layers} that fold: a Conv2D or a Dense, then a BatchNorm; none unless
     * {@code enabled}. Only the list itself is looked at, never layers inside a layer.
     */
    static List<Sequential.FusedPair> pairs(List<Layer> layers, boolean enabled) {
        List<Sequential.FusedPair> pairs = new ArrayList<>();
        for (int i = 0; enabled && i + 1 < layers.size(); i++) {
            Layer layer = layers.get(i);
            if ((layer instanceof Conv2D || layer instanceof Dense) && layers.get(i + 1) instanceof BatchNorm) {
                pairs.add(new Sequential.FusedPair(layer, layers.get(i + 1)));
            }
        }
        return Collections.unmodifiableList(pairs);
    }

    @Override
    public Tensor forward(Tensor input) {
        Folded f = fold();
        return conv != null ? conv.infer(input, f.weights(), f.bias(), relu)
                : dense.infer(input, f.weights(), f.bias(), relu);
    }

    /** {@code W'[o] = s[o]·W[o]}, {@code b'[o] = s[o]·(b[o] - μ[o]) + β[o]} from the current parameters. */
    private Folded fold() {
        Folded f = folded.get();
        Tensor w = (conv != null ? conv.weights() : dense.weights()).value();
        Tensor b = (conv != null ? conv.bias() : dense.bias()).value();
        float[] gamma = batchNorm.gamma().value().data();
        float[] beta = batchNorm.beta().value().data();
        float[] mean = batchNorm.runningMean().data();
        float[] variance = batchNorm.runningVariance().data();
        float epsilon = batchNorm.epsilon();
        int channels = b.size();
        int perChannel = w.size() / channels;
        float[] wIn = w.data();
        float[] wOut = f.weights().data();
        float[] bOut = f.bias().data();
        for (int o = 0; o < channels; o++) {
            // The same scale as BatchNorm's own inference pass computes.
            float s = (float) (gamma[o] / Math.sqrt(variance[o] + epsilon));
            int row = o * perChannel;
            for (int j = 0; j < perChannel; j++) {
                wOut[row + j] = wIn[w.offset() + row + j] * s;
            }
            bOut[o] = (float) (((double) b.data()[b.offset() + o] - mean[o]) * s + beta[o]);
        }
        return f;
    }
}
