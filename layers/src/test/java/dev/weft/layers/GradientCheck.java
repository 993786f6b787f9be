package dev.weft.layers;

import dev.weft.core.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Finite-difference check of a layer's backward pass.
 *
 * <p>The scalar under test is {@code L = Σ_i r_i · y_i}, summed in double, where {@code y = forward(x, true)} and
 * {@code r} is a fixed random tensor; so {@code dL/dy = r} is what backward receives. Every element {@code θ} of
 * the input and of every parameter is nudged both ways and compared with the central difference
 * {@code (L(θ + h) - L(θ - h)) / 2h}. An element passes when
 * {@code |analytic - numeric| <= absTol + relTol · max(|analytic|, |numeric|)}; a failure names the tensor and
 * the index.
 */
final class GradientCheck {
    private final double step;
    private final double absTol;
    private final double relTol;
    private int checked;

    GradientCheck(double step, double absTol, double relTol) {
        this.step = step;
        this.absTol = absTol;
        this.relTol = relTol;
    }

    /** Builds {@code layer} for {@code x}'s per-sample shape with a fixed seed. */
    static <L extends Layer> L built(L layer, int[] sampleShape) {
        layer.build(layer.type().toLowerCase() + "_1", sampleShape, new SplittableRandom(123));
        return layer;
    }

    /** Inputs in ±[low, high] with random signs: away from ReLU's kink at zero when {@code low > 0}. */
    static Tensor awayFromZero(int[] shape, float low, float high, long seed) {
        Tensor t = Tensor.zeros(shape);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < t.size(); i++) {
            float magnitude = (float) (low + (high - low) * random.nextDouble());
            t.data()[i] = random.nextBoolean() ? magnitude : -magnitude;
        }
        return t;
    }

    /** Distinct values spaced {@code gap} apart in random order: no ties within a pooling window. */
    static Tensor distinct(int[] shape, float gap, long seed) {
        Tensor t = Tensor.zeros(shape);
        int n = t.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        for (int i = 0; i < n; i++) {
            t.data()[i] = (order[i] - n / 2f) * gap;
        }
        return t;
    }

    /** Checks dL/dx and dL/dθ for every parameter θ of {@code layer} at input {@code x}. */
    int check(Layer layer, Tensor x) {
        Tensor y = layer.forward(x, true);
        Tensor r = Tensor.uniform(y.shape(), -1f, 1f, 99L);
        for (Parameter p : layer.parameters()) {
            p.zeroGrad();
        }
        Tensor dx = layer.backward(r).copy();
        List<Tensor> grads = new ArrayList<>();
        for (Parameter p : layer.parameters()) {
            grads.add(p.grad().copy());
        }
        compare("input", x, dx, () -> loss(layer, x, r));
        for (int k = 0; k < grads.size(); k++) {
            Parameter p = layer.parameters().get(k);
            compare(layer.name() + "/" + p.name(), p.value(), grads.get(k), () -> loss(layer, x, r));
        }
        return checked;
    }

    /** Compares {@code analytic} with central differences of {@code loss} over every element of {@code variable}. */
    void compare(String name, Tensor variable, Tensor analytic, java.util.function.DoubleSupplier loss) {
        float[] v = variable.data();
        for (int i = 0; i < variable.size(); i++) {
            int at = variable.offset() + i;
            float saved = v[at];
            v[at] = (float) (saved + step);
            double plus = loss.getAsDouble();
            v[at] = (float) (saved - step);
            double minus = loss.getAsDouble();
            v[at] = saved;
            double numeric = (plus - minus) / (2 * step);
            double a = analytic.data()[analytic.offset() + i];
            double tolerance = absTol + relTol * Math.max(Math.abs(a), Math.abs(numeric));
            assertThat(Math.abs(a - numeric))
                    .as("d%s[%d]: analytic %.6g vs numeric %.6g", name, i, a, numeric)
                    .isLessThanOrEqualTo(tolerance);
            checked++;
        }
    }

    static double loss(Layer layer, Tensor x, Tensor r) {
        return dot(layer.forward(x, true), r);
    }

    static double dot(Tensor y, Tensor r) {
        double s = 0;
        for (int i = 0; i < y.size(); i++) {
            s += (double) y.data()[y.offset() + i] * r.data()[r.offset() + i];
        }
        return s;
    }
}
