package dev.weft.layers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The registry of layer types a model file can hold: type name to the number of settings it stores and the
 * factory that rebuilds the layer from its {@link LayerSpec}. {@link ModelFile} writes each layer's
 * {@link Layer#spec()} and reads it back through this table, so it never names a layer class.
 *
 * <p>Adding a layer: write its class (with {@code type()}, {@code spec()}, a static {@code fromSpec} and a static
 * {@code shapes}), add one
 * line to the table below, a gradient check in {@code LayerGradientTest}, and a row in {@code docs/layers.md}.
 * The order of the table is the order {@link #names()} lists the types in error messages.
 */
public final class LayerTypes {
    /**
     * One registered type.
     *
     * @param name       the type name, as {@link Layer#type()} and the model file spell it
     * @param intCount   how many integer settings its spec has
     * @param floatCount how many float settings its spec has
     * @param factory    builds a new, unbuilt layer from a spec with those counts; throws
     *                   {@link IllegalArgumentException} for settings the layer refuses
     * @param shapes     given a spec the factory accepts and a per-sample input shape, what the layer would hold
     *                   once built, worked out without allocating it; throws {@link IllegalArgumentException} for
     *                   an input shape the layer cannot take
     */
    public record Entry(String name, int intCount, int floatCount, Function<LayerSpec, Layer> factory,
                        BiFunction<LayerSpec, int[], Shapes> shapes) {
    }

    /**
     * What a layer holds for one input shape: its per-sample output shape and the shapes of its tensors in the
     * order {@link Layer#parameters()} and {@link Layer#statistics()} list them. {@link ModelFile} compares them
     * with a file's tensor headers before it builds anything, so a file cannot make it allocate more than it holds.
     *
     * @param output     the per-sample output shape
     * @param parameters the trainable parameters
     * @param statistics the non-trainable statistics
     */
    public record Shapes(int[] output, List<TensorShape> parameters, List<TensorShape> statistics) {
        /** A layer without tensors. */
        static Shapes of(int[] output) {
            return new Shapes(output, List.of(), List.of());
        }
    }

    /**
     * One tensor of a layer.
     *
     * @param name        the tensor's name within the layer, e.g. {@code "weights"}
     * @param dimensions  its shape
     * @param nonNegative whether every value must be at least zero (a variance)
     */
    public record TensorShape(String name, int[] dimensions, boolean nonNegative) {
        static TensorShape of(String name, int... dimensions) {
            return new TensorShape(name, dimensions, false);
        }
    }

    private static final Map<String, Entry> TYPES = table(
            new Entry("Conv2D", 4, 0, Conv2D::fromSpec, Conv2D::shapes),
            new Entry("MaxPool2D", 2, 0, MaxPool2D::fromSpec, MaxPool2D::shapes),
            new Entry("Dense", 1, 0, Dense::fromSpec, Dense::shapes),
            new Entry("Flatten", 0, 0, spec -> new Flatten(), Flatten::shapes),
            new Entry("ReLU", 0, 0, spec -> new ReLU(), (spec, in) -> Shapes.of(in)),
            new Entry("Dropout", 0, 1, Dropout::fromSpec, (spec, in) -> Shapes.of(in)),
            new Entry("BatchNorm", 0, 2, BatchNorm::fromSpec, BatchNorm::shapes),
            new Entry("GlobalAveragePool", 0, 0, spec -> new GlobalAveragePool(), GlobalAveragePool::shapes),
            new Entry("Residual", 1, 0, Residual::fromSpec, Residual::shapes));

    private LayerTypes() {
    }

    private static Map<String, Entry> table(Entry... entries) {
        Map<String, Entry> map = new LinkedHashMap<>();
        for (Entry e : entries) {
            map.put(e.name(), e);
        }
        return Collections.unmodifiableMap(map);
    }

    /** The registered type names, in registration order. */
    public static List<String> names() {
        return new ArrayList<>(TYPES.keySet());
    }

    /** The registration of {@code type}, or {@code null} if no such type is registered. */
    public static Entry find(String type) {
        return TYPES.get(type);
    }

    /**
     * A new, unbuilt layer from {@code spec}.
     *
     * @throws IllegalArgumentException if the type is not registered, the spec has the wrong number of settings,
     *                                  or the layer refuses them
     */
    public static Layer create(LayerSpec spec) {
        Entry entry = find(spec.type());
        if (entry == null) {
            throw new IllegalArgumentException("unknown layer type \"" + spec.type() + "\": expected one of "
                    + String.join(", ", names()));
        }
        if (spec.ints().length != entry.intCount() || spec.floats().length != entry.floatCount()) {
            throw new IllegalArgumentException(spec.type() + ": expected " + entry.intCount() + " integer and "
                    + entry.floatCount() + " float settings but found " + spec.ints().length + " and "
                    + spec.floats().length);
        }
        return entry.factory().apply(spec);
    }
}
