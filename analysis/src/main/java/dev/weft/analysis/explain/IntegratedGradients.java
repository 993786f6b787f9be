package dev.weft.analysis.explain;

import dev.weft.core.Tensor;
import dev.weft.layers.Sequential;
import java.util.Arrays;

/**
 * Integrated gradients (Sundararajan, Taly and Yan, "Axiomatic Attribution for Deep Networks", 2017): the gradient
 * of the class logit integrated along the straight path from a baseline {@code x'} to the input {@code x},
 * <pre>
 * IG_p(x) = (x_p - x'_p) · ∫₀¹ ∂F(x' + α(x - x')) / ∂x_p dα,      F = logit of the class,
 * </pre>
 * computed with the trapezoid rule on {@code m} equal steps, {@code α_k = k/m} for {@code k = 0..m} (weights 1/2 at
 * both ends, 1 inside, all divided by m): {@code m + 1} gradients, evaluated as one batch per input.
 *
 * <p><b>Completeness:</b> the attributions sum to {@code F(x) - F(x')} exactly for the integral and up to the
 * quadrature error for the sum, which shrinks as {@code m} grows (the paper suggests 20 to 300 steps): at a ReLU or
 * max-pooling kink on the path the integrand jumps, and the trapezoid rule is exact only between kinks. The tests
 * check the sum within 2% of {@code |F(x) - F(x')|} at {@link #DEFAULT_STEPS}.
 *
 * <pre>{@code
 * Tensor ig = IntegratedGradients.of(model, images, predicted, null, IntegratedGradients.DEFAULT_STEPS);
 * }</pre>
 */
public final class IntegratedGradients {

    /** Trapezoid steps used when the caller has no reason to choose. */
    public static final int DEFAULT_STEPS = 64;

    private IntegratedGradients() {
    }

    /**
     * The attributions of each image's class logit, same shape as {@code images [n, ...]}.
     *
     * @param baseline one sample of the model's input shape, the "absence of signal" to integrate from; null for
     *                 zeros (a black image)
     * @param steps    the number of trapezoid steps {@code m} (at least 1)
     */
    public static Tensor of(Sequential model, Tensor images, int[] classes, Tensor baseline, int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("integrated gradients need at least 1 step, got " + steps);
        }
        int n = images.dim(0);
        if (classes.length != n) {
            throw new IllegalArgumentException(n + " images but " + classes.length + " classes");
        }
        int size = images.size() / n;
        float[] base = baseline == null ? new float[size] : baseline.toArray();
        if (base.length != size) {
            throw new IllegalArgumentException("the baseline has " + base.length + " values but one input has "
                    + size);
        }
        GradientModel gradients = GradientModel.of(model);
        int[] pathShape = images.shape();
        pathShape[0] = steps + 1;
        Tensor path = Tensor.zeros(pathShape);
        Tensor result = Tensor.zeros(images.shape());
        float[] x = images.data();
        float[] p = path.data();
        float[] out = result.data();
        int[] repeated = new int[steps + 1];
        for (int i = 0; i < n; i++) {
            int from = images.offset() + i * size;
            for (int k = 0; k <= steps; k++) {
                float alpha = (float) k / steps;
                for (int j = 0; j < size; j++) {
                    p[k * size + j] = base[j] + alpha * (x[from + j] - base[j]);
                }
            }
            Arrays.fill(repeated, classes[i]);
            float[] g = gradients.backward(path, repeated).inputGradient().data();
            for (int j = 0; j < size; j++) {
                // Trapezoid rule: (1/m)·(g_0/2 + g_1 + ... + g_{m-1} + g_m/2), summed in double.
                double integral = (g[j] + g[steps * size + j]) / 2.0;
                for (int k = 1; k < steps; k++) {
                    integral += g[k * size + j];
                }
                out[i * size + j] = (float) ((x[from + j] - base[j]) * integral / steps);
            }
        }
        return result;
    }
}
