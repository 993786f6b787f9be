package dev.weft.analysis.explain;

import dev.weft.core.Tensor;
import dev.weft.layers.Sequential;

/**
 * Input-gradient saliency (Simonyan, Vedaldi and Zisserman, "Deep Inside Convolutional Networks", 2014): how much
 * the score of a class changes per unit change of each input pixel, {@code S = ∂ logit_c(x) / ∂x}, from one
 * backward pass. The map shown is its magnitude, the largest {@code |S|} over channels at each pixel
 * ({@link #magnitude}).
 *
 * <pre>{@code
 * int[] predicted = model.predict(images);
 * Tensor gradients = Saliency.of(model, images, predicted);   // [n, 1, 28, 28], signed
 * Tensor maps = Saliency.magnitude(gradients);                 // [n, 28, 28], for an overlay
 * }</pre>
 */
public final class Saliency {

    private Saliency() {
    }

    /**
     * {@code ∂ logit[i, classes[i]] / ∂ images[i]} for each image of {@code images [n, channels, height, width]}
     * (any input shape the model takes), same shape as {@code images}.
     */
    public static Tensor of(Sequential model, Tensor images, int[] classes) {
        return GradientModel.of(model).backward(images, classes).inputGradient();
    }

    /**
     * The saliency map of each sample: {@code max_c |g[i, c, y, x]|}, {@code [n, height, width]}, from gradients
     * (or attributions) {@code [n, channels, height, width]}.
     */
    public static Tensor magnitude(Tensor gradients) {
        if (gradients.rank() != 4) {
            throw new IllegalArgumentException("expected gradients [n, channels, height, width] but got rank "
                    + gradients.rank());
        }
        int n = gradients.dim(0);
        int channels = gradients.dim(1);
        int pixels = gradients.dim(2) * gradients.dim(3);
        float[] g = gradients.data();
        int offset = gradients.offset();
        Tensor map = Tensor.zeros(n, gradients.dim(2), gradients.dim(3));
        float[] m = map.data();
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < channels; c++) {
                int base = offset + (i * channels + c) * pixels;
                for (int p = 0; p < pixels; p++) {
                    m[i * pixels + p] = Math.max(m[i * pixels + p], Math.abs(g[base + p]));
                }
            }
        }
        return map;
    }
}
