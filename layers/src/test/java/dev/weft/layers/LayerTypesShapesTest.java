package dev.weft.layers;

import dev.weft.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link LayerTypes.Entry#shapes()} says what building the layer gives, for every registered type. */
class LayerTypesShapesTest {

    @Test
    void everyTypesShapesMatchTheBuiltLayer() {
        List<LayerSpec> specs = List.of(
                LayerSpec.ofInts("Conv2D", 3, 3, 1, 0), LayerSpec.ofInts("Conv2D", 2, 4, 3, 1),
                LayerSpec.ofInts("Conv2D", 5, 1, 2, 0), LayerSpec.ofInts("Conv2D", 1, 7, 2, 1),
                LayerSpec.ofInts("MaxPool2D", 2, 2), LayerSpec.ofInts("MaxPool2D", 3, 1),
                LayerSpec.ofInts("Dense", 7), LayerSpec.ofInts("Flatten"), LayerSpec.ofInts("ReLU"),
                LayerSpec.ofFloats("Dropout", 0.25f), LayerSpec.ofFloats("BatchNorm", 0.9f, 1e-3f),
                LayerSpec.ofInts("GlobalAveragePool"), LayerSpec.ofInts("Residual", 3),
                LayerSpec.ofInts("Residual", 2));
        assertThat(specs.stream().map(LayerSpec::type).distinct())
                .containsExactlyInAnyOrderElementsOf(LayerTypes.names());
        List<int[]> inputs = List.of(new int[] {5}, new int[] {2, 7, 9}, new int[] {1, 3, 3}, new int[] {4, 12, 5});
        int checked = 0;
        for (LayerSpec spec : specs) {
            for (int[] in : inputs) {
                Layer layer = LayerTypes.create(spec);
                LayerTypes.Shapes shapes;
                try {
                    shapes = LayerTypes.find(spec.type()).shapes().apply(spec, in);
                } catch (IllegalArgumentException refused) {
                    assertThatThrownBy(() -> layer.build("l", in, new SplittableRandom(1L)))
                            .as(spec + " on " + Arrays.toString(in))
                            .isInstanceOf(IllegalArgumentException.class);
                    continue;
                }
                layer.build("l", in, new SplittableRandom(1L));
                String what = spec + " on " + Arrays.toString(in);
                assertThat(shapes.output()).as(what).containsExactly(layer.outputShape());
                assertThat(describe(shapes.parameters())).as(what).isEqualTo(describeParameters(layer));
                assertThat(describe(shapes.statistics())).as(what).isEqualTo(describeStatistics(layer));
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(20);
    }

    private static List<String> describe(List<LayerTypes.TensorShape> tensors) {
        List<String> out = new ArrayList<>();
        for (LayerTypes.TensorShape t : tensors) {
            out.add(t.name() + Arrays.toString(t.dimensions()));
        }
        return out;
    }

    private static List<String> describeParameters(Layer layer) {
        List<String> out = new ArrayList<>();
        for (Parameter p : layer.parameters()) {
            out.add(p.name() + Arrays.toString(p.value().shape()));
        }
        return out;
    }

    private static List<String> describeStatistics(Layer layer) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : layer.statistics().entrySet()) {
            out.add(e.getKey() + Arrays.toString(e.getValue().shape()));
        }
        return out;
    }
}
