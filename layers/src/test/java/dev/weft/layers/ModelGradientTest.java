package dev.weft.layers;

import dev.weft.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole chain, model plus loss, against finite differences: every parameter of a tiny CNN with every layer
 * type gets dLoss/dθ from {@link Sequential#backward} and is compared with central differences of the mean
 * cross-entropy. h = 1e-3; tolerance 2e-3 + 5e-2·|g| (ReLU and max pooling are piecewise linear, so an
 * occasional nudge near a kink is the main error source; the inputs are fixed so the check is deterministic).
 */
class ModelGradientTest {

    @Test
    void wholeModelBackwardMatchesFiniteDifferences() {
        Sequential model = new Sequential(new int[] {2, 9, 9}, 5L,
                new Conv2D(3, 3), new BatchNorm(), new ReLU(), new MaxPool2D(2),
                new Flatten(), new Dense(6), new ReLU(), new Dense(4));
        Tensor x = Tensor.uniform(new int[] {3, 2, 9, 9}, -1f, 1f, 6L);
        int[] labels = {1, 3, 0};
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        model.zeroGrad();
        loss.forward(model.forward(x, true), labels);
        model.backward(loss.backward());
        GradientCheck check = new GradientCheck(1e-3, 2e-3, 5e-2);
        List<Parameter> parameters = model.parameters();
        for (int k = 0; k < parameters.size(); k++) {
            Parameter p = parameters.get(k);
            check.compare("param" + k + "/" + p.name(), p.value(), p.grad().copy(),
                    () -> new SoftmaxCrossEntropy().forward(model.forward(x, true), labels));
        }
    }

    @Test
    void theInputGradientMatchesFiniteDifferencesWithAndWithoutFusion() {
        for (boolean fusion : new boolean[] {true, false}) {
            // Conv2D + ReLU first, so the first layer's backward is the fused one when fusion is on.
            Sequential model = new Sequential(new int[] {2, 9, 9}, 5L,
                    new Conv2D(3, 3), new ReLU(), new MaxPool2D(2),
                    new Flatten(), new Dense(6), new BatchNorm(), new ReLU(), new Dense(4))
                    .withFusion(fusion);
            Tensor x = Tensor.uniform(new int[] {3, 2, 9, 9}, -1f, 1f, 6L);
            int[] labels = {1, 3, 0};
            SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
            loss.forward(model.forward(x, true), labels);
            Tensor dx = model.backwardToInput(loss.backward()).copy();
            assertThat(dx.shape()).containsExactly(3, 2, 9, 9);
            new GradientCheck(1e-3, 2e-3, 5e-2).compare("input (fusion " + fusion + ")", x, dx,
                    () -> new SoftmaxCrossEntropy().forward(model.forward(x, true), labels));
        }
    }

    @Test
    void theFirstLayerSkipsItsInputGradientInAPlainBackward() {
        Sequential model = new Sequential(new int[] {4}, 5L, new Dense(3));
        Tensor x = Tensor.uniform(new int[] {2, 4}, -1f, 1f, 1L);
        model.forward(x, true);
        assertThat(model.backwardToInput(Tensor.filled(1f, 2, 3))).isNotNull();
        model.forward(x, true);
        model.backward(Tensor.filled(1f, 2, 3));
        assertThat(model.layers().get(0).backward(Tensor.filled(1f, 2, 3))).as("after a plain backward").isNull();
    }
}
