package dev.weft.core;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A dense float32 tensor of rank 1 to 4, stored row-major and contiguous in one {@code float[]}.
 *
 * <p>Images are laid out NCHW everywhere in Weft: {@code [batch, channels, height, width]}. Dense activations are
 * {@code [batch, features]}. A tensor may be a view onto part of a larger array ({@link #offset()}), which makes
 * {@link #reshape} and {@link #slice} free: they share storage with the original.
 *
 * <pre>{@code
 * Tensor x = Tensor.normal(new int[] {64, 1, 28, 28}, 0f, 1f, 42L);
 * Tensor flat = x.reshape(64, 784);      // a view, no copy
 * float first = x.get(0, 0, 0, 0);
 * }</pre>
 *
 * <p>Kernels work on the raw storage: {@link #data()} with {@link #offset()} and {@link #size()}.
 */
public final class Tensor {
    private final float[] data;
    private final int offset;
    private final int[] shape;
    private final int size;

    private Tensor(float[] data, int offset, int[] shape) {
        this.shape = shape.clone();
        this.size = checkedSize(this.shape);
        if (offset < 0 || offset + size > data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " at offset " + offset
                    + " needs " + size + " elements but the array has " + data.length);
        }
        this.data = data;
        this.offset = offset;
    }

    private static int checkedSize(int[] shape) {
        if (shape.length < 1 || shape.length > 4) {
            throw new IllegalArgumentException("rank must be 1 to 4, was " + shape.length + " for shape " + Arrays.toString(shape));
        }
        long n = 1;
        for (int d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException("every dimension must be at least 1: " + Arrays.toString(shape));
            }
            n *= d;
            if (n > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has too many elements");
            }
        }
        return (int) n;
    }

    /** A tensor of zeros. */
    public static Tensor zeros(int... shape) {
        return new Tensor(new float[checkedSize(shape)], 0, shape);
    }

    /** A tensor whose every element is {@code value}. */
    public static Tensor filled(float value, int... shape) {
        Tensor t = zeros(shape);
        Arrays.fill(t.data, value);
        return t;
    }

    /** Wraps {@code data} (no copy); its length must equal the product of {@code shape}. */
    public static Tensor of(float[] data, int... shape) {
        if (data.length != checkedSize(shape)) {
            throw new IllegalArgumentException("array of " + data.length + " elements does not fit shape " + Arrays.toString(shape));
        }
        return new Tensor(data, 0, shape);
    }

    /** A view of {@code data} starting at {@code offset} (no copy). */
    public static Tensor view(float[] data, int offset, int... shape) {
        return new Tensor(data, offset, shape);
    }

    /** Uniform samples in {@code [low, high)} from a seeded generator: the same seed gives the same tensor. */
    public static Tensor uniform(int[] shape, float low, float high, long seed) {
        Tensor t = zeros(shape);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < t.size; i++) {
            t.data[i] = (float) (low + (high - low) * random.nextDouble());
        }
        return t;
    }

    /** Normal samples (Box-Muller) with the given mean and standard deviation from a seeded generator. */
    public static Tensor normal(int[] shape, float mean, float std, long seed) {
        Tensor t = zeros(shape);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < t.size; i += 2) {
            double u1 = 1.0 - random.nextDouble();
            double u2 = random.nextDouble();
            double r = Math.sqrt(-2.0 * Math.log(u1));
            t.data[i] = (float) (mean + std * r * Math.cos(2 * Math.PI * u2));
            if (i + 1 < t.size) {
                t.data[i + 1] = (float) (mean + std * r * Math.sin(2 * Math.PI * u2));
            }
        }
        return t;
    }

    /** The backing array; element {@code i} of this tensor is {@code data()[offset() + i]}. */
    public float[] data() {
        return data;
    }

    /** Where this tensor starts in {@link #data()}. */
    public int offset() {
        return offset;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** Size of dimension {@code axis}; negative axes count from the end. */
    public int dim(int axis) {
        return shape[axis < 0 ? shape.length + axis : axis];
    }

    public int rank() {
        return shape.length;
    }

    /** Number of elements. */
    public int size() {
        return size;
    }

    /** Whether this tensor has exactly {@code otherShape}. */
    public boolean hasShape(int... otherShape) {
        return Arrays.equals(shape, otherShape);
    }

    /** Throws {@link IllegalArgumentException} naming both shapes unless this tensor has {@code expected}. */
    public Tensor requireShape(String what, int... expected) {
        if (!hasShape(expected)) {
            throw new IllegalArgumentException(what + ": expected shape " + Arrays.toString(expected)
                    + " but got " + Arrays.toString(shape));
        }
        return this;
    }

    /** A view with a new shape and the same elements; one dimension may be -1 and is then inferred. */
    public Tensor reshape(int... newShape) {
        int[] resolved = newShape.clone();
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < resolved.length; i++) {
            if (resolved[i] == -1 && unknown < 0) {
                unknown = i;
            } else {
                known *= resolved[i];
            }
        }
        if (unknown >= 0 && known > 0 && size % known == 0) {
            resolved[unknown] = (int) (size / known);
        }
        if (checkedSize(resolved) != size) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " (" + size
                    + " elements) to " + Arrays.toString(newShape));
        }
        return new Tensor(data, offset, resolved);
    }

    /** A view of items {@code [from, to)} along the first axis (for example a mini-batch). */
    public Tensor slice(int from, int to) {
        if (from < 0 || to > shape[0] || from >= to) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") is outside the first axis of "
                    + Arrays.toString(shape));
        }
        int[] s = shape.clone();
        s[0] = to - from;
        return new Tensor(data, offset + from * (size / shape[0]), s);
    }

    /** The element at the given indices (one per dimension). */
    public float get(int... indices) {
        return data[offset + flatIndex(indices)];
    }

    /** Sets the element at the given indices (one per dimension). */
    public void set(float value, int... indices) {
        data[offset + flatIndex(indices)] = value;
    }

    private int flatIndex(int[] indices) {
        if (indices.length != shape.length) {
            throw new IllegalArgumentException("expected " + shape.length + " indices for shape "
                    + Arrays.toString(shape) + " but got " + indices.length);
        }
        int flat = 0;
        for (int i = 0; i < shape.length; i++) {
            if (indices[i] < 0 || indices[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(indices) + " is outside shape "
                        + Arrays.toString(shape));
            }
            flat = flat * shape[i] + indices[i];
        }
        return flat;
    }

    /** A fresh contiguous copy. */
    public Tensor copy() {
        return new Tensor(toArray(), 0, shape);
    }

    /** The elements as a new array. */
    public float[] toArray() {
        return Arrays.copyOfRange(data, offset, offset + size);
    }

    /** Copies {@code source}'s elements into this tensor; the shapes must match. */
    public void copyFrom(Tensor source) {
        requireShape("copyFrom", source.shape);
        System.arraycopy(source.data, source.offset, data, offset, size);
    }

    /** Sets every element to {@code value}. */
    public void fill(float value) {
        Arrays.fill(data, offset, offset + size, value);
    }

    /**
     * Whether both tensors have the same shape and every pair of elements satisfies
     * {@code |a - b| <= absTol + relTol * |b|} (NaN never equals anything).
     */
    public boolean allClose(Tensor other, float absTol, float relTol) {
        if (!Arrays.equals(shape, other.shape)) {
            return false;
        }
        for (int i = 0; i < size; i++) {
            float a = data[offset + i];
            float b = other.data[other.offset + i];
            if (!(Math.abs(a - b) <= absTol + relTol * Math.abs(b))) {
                return false;
            }
        }
        return true;
    }

    /** Shape and, for up to 64 elements, the values nested by dimension; larger tensors show the first few. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(Arrays.toString(shape));
        if (size <= 64) {
            sb.append(' ');
            appendNested(sb, 0, 0);
        } else {
            sb.append(" [");
            for (int i = 0; i < 8; i++) {
                sb.append(i == 0 ? "" : ", ").append(format(data[offset + i]));
            }
            sb.append(", ... ").append(size - 8).append(" more]");
        }
        return sb.toString();
    }

    private int appendNested(StringBuilder sb, int axis, int start) {
        sb.append('[');
        int stride = 1;
        for (int i = axis + 1; i < shape.length; i++) {
            stride *= shape[i];
        }
        for (int i = 0; i < shape[axis]; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            if (axis == shape.length - 1) {
                sb.append(format(data[offset + start + i]));
            } else {
                appendNested(sb, axis + 1, start + i * stride);
            }
        }
        sb.append(']');
        return start;
    }

    private static String format(float v) {
        return String.format(java.util.Locale.ROOT, "%.4g", v);
    }
}
