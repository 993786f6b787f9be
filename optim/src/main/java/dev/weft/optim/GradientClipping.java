package dev.weft.optim;

import dev.weft.core.Tensor;
import dev.weft.core.simd.Kernels;
import dev.weft.layers.Parameter;
import java.util.List;

/**
 * Gradient clipping by global norm (Pascanu, Mikolov and Bengio, "On the difficulty of training recurrent neural
 * networks", 2013; the same rule as {@code tf.clip_by_global_norm} and {@code torch.nn.utils.clip_grad_norm_}).
 *
 * <p>With {@code g} all gradients concatenated into one vector and {@code ||g|| = sqrt(sum g_i^2)}: if
 * {@code ||g|| > maxNorm}, every gradient is scaled by {@code maxNorm / ||g||}, which keeps its direction and caps
 * its length; otherwise nothing changes.
 */
public final class GradientClipping {

    private GradientClipping() {
    }

    /** The L2 norm of all gradients taken together; the sum of squares is accumulated in double. */
    public static double globalNorm(List<Parameter> parameters) {
        Kernels kernels = Kernels.get();
        double sumOfSquares = 0;
        for (Parameter p : parameters) {
            Tensor g = p.grad();
            // Per-parameter partial sums in float (a few hundred thousand terms at most), totals in double.
            sumOfSquares += kernels.dot(g.size(), g.data(), g.offset(), g.data(), g.offset());
        }
        return Math.sqrt(sumOfSquares);
    }

    /**
     * Scales all gradients so that their global norm is at most {@code maxNorm}.
     *
     * @return the global norm before clipping (useful to log)
     * @throws IllegalArgumentException if {@code maxNorm} is not positive and finite
     */
    public static double clipByGlobalNorm(List<Parameter> parameters, double maxNorm) {
        if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("maxNorm must be positive and finite, was " + maxNorm);
        }
        double norm = globalNorm(parameters);
        if (norm > maxNorm) {
            float factor = (float) (maxNorm / norm);
            Kernels kernels = Kernels.get();
            for (Parameter p : parameters) {
                Tensor g = p.grad();
                kernels.scale(g.size(), factor, g.data(), g.offset());
            }
        }
        return norm;
    }
}
