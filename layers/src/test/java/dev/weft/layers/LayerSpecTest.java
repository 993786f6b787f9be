package dev.weft.layers;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every layer states its settings, and the registry rebuilds an equal layer from them. */
class LayerSpecTest {

    /** One layer of each registered type, with settings other than the defaults where it has any. */
    private static List<Layer> oneOfEach() {
        return List.of(new Conv2D(7, 5, 2, Padding.SAME), new MaxPool2D(3, 2), new Dense(11), new Flatten(),
                new ReLU(), new Dropout(0.25), new BatchNorm(0.9f, 1e-5f), new GlobalAveragePool(),
                new Residual(5));
    }

    @Test
    void theRegistryKnowsEveryLayerTypeInTheOrderErrorMessagesList() {
        assertThat(LayerTypes.names()).containsExactly("Conv2D", "MaxPool2D", "Dense", "Flatten", "ReLU", "Dropout",
                "BatchNorm", "GlobalAveragePool", "Residual");
        assertThat(oneOfEach()).extracting(Layer::type).containsExactlyElementsOf(LayerTypes.names());
    }

    @Test
    void everyLayerIsRebuiltFromItsSpec() {
        for (Layer layer : oneOfEach()) {
            LayerSpec spec = layer.spec().orElseThrow();
            assertThat(spec.type()).isEqualTo(layer.type());
            Layer rebuilt = LayerTypes.create(spec);
            assertThat(rebuilt).isInstanceOf(layer.getClass()).isNotSameAs(layer);
            assertThat(rebuilt.spec()).as(layer.type()).contains(spec);
        }
    }

    @Test
    void specsHoldTheSettingsInFileOrder() {
        assertThat(new Conv2D(7, 5, 2, Padding.SAME).spec().orElseThrow())
                .isEqualTo(LayerSpec.ofInts("Conv2D", 7, 5, 2, 1));
        assertThat(new BatchNorm(0.9f, 1e-5f).spec().orElseThrow())
                .isEqualTo(LayerSpec.ofFloats("BatchNorm", 0.9f, 1e-5f));
        assertThat(new Flatten().spec().orElseThrow().toString()).isEqualTo("Flatten ints [] floats []");
    }

    @Test
    void createRejectsAnUnknownTypeWrongCountsAndRefusedSettings() {
        assertThatThrownBy(() -> LayerTypes.create(LayerSpec.ofInts("Conv3D", 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown layer type \"Conv3D\"")
                .hasMessageContaining("Conv2D, MaxPool2D");
        assertThatThrownBy(() -> LayerTypes.create(LayerSpec.ofInts("Dense", 1, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Dense: expected 1 integer and 0 float settings but found 2 and 0");
        assertThatThrownBy(() -> LayerTypes.create(LayerSpec.ofInts("Conv2D", 8, 3, 1, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Conv2D padding: expected 0 (VALID) or 1 (SAME) but found 2");
    }

    @Test
    void specsCopyTheirArrays() {
        int[] ints = {4};
        LayerSpec spec = new LayerSpec("Dense", ints, new float[0]);
        ints[0] = 5;
        spec.ints()[0] = 6;
        assertThat(spec.ints()).containsExactly(4);
    }
}
