package dev.weft.layers;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a layer is without its weights: its type name and its settings, integers and floats in a fixed order, as
 * {@link ModelFile} stores them. {@link Layer#spec()} gives a layer's spec; {@link LayerTypes#create} builds a new,
 * unbuilt layer from one. For example {@code new Conv2D(64, 3, 1, Padding.SAME)} has the spec
 * {@code Conv2D ints [64, 3, 1, 1] floats []}, and creating a layer from that spec gives the same convolution.
 *
 * @param type   the layer's {@link Layer#type()}, e.g. {@code "Conv2D"}
 * @param ints   the integer settings (copied in and out)
 * @param floats the float settings (copied in and out)
 */
public record LayerSpec(String type, int[] ints, float[] floats) {
    /** A spec; the arrays are copied. */
    public LayerSpec {
        Objects.requireNonNull(type, "type");
        ints = ints.clone();
        floats = floats.clone();
    }

    /** A spec with integer settings only. */
    public static LayerSpec ofInts(String type, int... ints) {
        return new LayerSpec(type, ints, new float[0]);
    }

    /** A spec with float settings only. */
    public static LayerSpec ofFloats(String type, float... floats) {
        return new LayerSpec(type, new int[0], floats);
    }

    /** A copy of the integer settings. */
    @Override
    public int[] ints() {
        return ints.clone();
    }

    /** A copy of the float settings. */
    @Override
    public float[] floats() {
        return floats.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LayerSpec s && type.equals(s.type) && Arrays.equals(ints, s.ints)
                && Arrays.equals(floats, s.floats);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, Arrays.hashCode(ints), Arrays.hashCode(floats));
    }

    @Override
    public String toString() {
        return type + " ints " + Arrays.toString(ints) + " floats " + Arrays.toString(floats);
    }
}
