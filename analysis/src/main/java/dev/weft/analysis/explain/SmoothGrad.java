package dev.weft.analysis.explain;

import dev.weft.core.Tensor;
import dev.weft.layers.Sequential;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * SmoothGrad (Smilkov, Thorat, Kim, Viégas and Wattenberg, 2017): the input gradient averaged over noisy copies
 * of the input, {@code (1/N) Σ_k ∂ logit_c(x + ε_k) / ∂x} with {@code ε_k ~ N(0, σ²)} and
 * {@code σ = noise · (max(x) - min(x))}, which removes much of the pixel-to-pixel noise of a plain saliency map
 * (the paper recommends a noise level of 10-20% and about 50 samples). The noise comes from a generator seeded with
 * {@code seed}, so the same call gives the same map.
 *
 * <pre>{@code
 * Tensor smooth = SmoothGrad.of(model, images, predicted, 25, 0.15, 42L);   // [n, 1, 28, 28]
 * Tensor maps = Saliency.magnitude(smooth);
 * }</pre>
 */
public final class SmoothGrad {

    private SmoothGrad() {
    }

    /**
     * The averaged gradient of each image's class logit, same shape as {@code images [n, ...]}.
     *
     * @param samples noisy copies per image (one batch of that size per image)
     * @param noise   the noise's standard deviation as a share of the image's value range
     */
    public static Tensor of(Sequential model, Tensor images, int[] classes, int samples, double noise, long seed) {
        if (samples < 1 || !(noise >= 0)) {
            throw new IllegalArgumentException("SmoothGrad needs samples >= 1 and noise >= 0, got " + samples + ", "
                    + noise);
        }
        int n = images.dim(0);
        if (classes.length != n) {
            throw new IllegalArgumentException(n + " images but " + classes.length + " classes");
        }
        GradientModel gradients = GradientModel.of(model);
        int size = images.size() / n;
        int[] batchShape = images.shape();
        batchShape[0] = samples;
        Tensor result = Tensor.zeros(images.shape());
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = images.data();
        for (int i = 0; i < n; i++) {
            int from = images.offset() + i * size;
            float low = Float.POSITIVE_INFINITY;
            float high = Float.NEGATIVE_INFINITY;
            for (int p = 0; p < size; p++) {
                low = Math.min(low, x[from + p]);
                high = Math.max(high, x[from + p]);
            }
            double sigma = noise * (high - low);
            Tensor noisy = Tensor.zeros(batchShape);
            float[] v = noisy.data();
            for (int k = 0; k < samples; k++) {
                for (int p = 0; p < size; p++) {
                    v[k * size + p] = (float) (x[from + p] + sigma * random.nextGaussian());
                }
            }
            int[] repeated = new int[samples];
            Arrays.fill(repeated, classes[i]);
            float[] g = gradients.backward(noisy, repeated).inputGradient().data();
            float[] out = result.data();
            for (int p = 0; p < size; p++) {
                double sum = 0;
                for (int k = 0; k < samples; k++) {
                    sum += g[k * size + p];
                }
                out[i * size + p] = (float) (sum / samples);
            }
        }
        return result;
    }
}
