package dev.weft.core;

import dev.weft.core.simd.Kernels;
import java.util.Arrays;

/**
 * Reductions along an axis and row-wise softmax, as the layers need them, built on {@link Kernels}.
 *
 * <p>A tensor of any rank is seen as a matrix {@code [rows, columns]} with {@code rows = dim(0)} and
 * {@code columns} the product of the other dimensions (so a batch of logits {@code [batch, classes]} has one row
 * per item). Row reductions are parallel over rows; column reductions add the rows in order. Either way each
 * result is computed in a fixed order, whatever the thread count.
 *
 * <pre>{@code
 * int[] predicted = TensorOps.argmaxRows(logits);        // [batch]
 * TensorOps.softmaxRows(logits, probabilities);           // each row sums to 1
 * TensorOps.addColumnSums(dOutput, bias.grad());          // db += sum over the batch of dY
 * }</pre>
 */
public final class TensorOps {
    /** Elements per unit of parallel work in row reductions. */
    private static final int GRAIN_ELEMENTS = 16384;

    private TensorOps() {
    }

    private static int columns(Tensor x) {
        return x.size() / x.dim(0);
    }

    private static int rowGrain(int columns) {
        return Math.max(1, GRAIN_ELEMENTS / Math.max(1, columns));
    }

    /**
     * The sum along {@code axis} of a matrix ({@code x} seen as {@code [rows, columns]}): axis 1 gives the row
     * sums {@code [rows]}, axis 0 the column sums {@code [columns]}.
     */
    public static Tensor sum(Tensor x, int axis) {
        if (axis == 1) {
            return sumRows(x);
        }
        if (axis == 0) {
            Tensor out = Tensor.zeros(columns(x));
            addColumnSums(x, out);
            return out;
        }
        throw new IllegalArgumentException("axis must be 0 (down the rows) or 1 (along each row), was " + axis
                + " for a tensor of shape " + Arrays.toString(x.shape()));
    }

    /** {@code out[i] = sum_j x[i, j]}, a new tensor {@code [rows]}. */
    public static Tensor sumRows(Tensor x) {
        int rows = x.dim(0);
        int columns = columns(x);
        Tensor out = Tensor.zeros(rows);
        float[] data = x.data();
        float[] result = out.data();
        Kernels kernels = Kernels.get();
        Parallel.forRange(rows, rowGrain(columns), (from, to) -> {
            for (int i = from; i < to; i++) {
                result[i] = kernels.sum(columns, data, x.offset() + i * columns);
            }
        });
        return out;
    }

    /**
     * {@code into[j] += sum_i x[i, j]} (accumulates, as parameter gradients do); {@code into} has
     * {@code columns} elements. Rows are added in order.
     */
    public static void addColumnSums(Tensor x, Tensor into) {
        int columns = columns(x);
        if (into.size() != columns) {
            throw new IllegalArgumentException("column sums of " + Arrays.toString(x.shape()) + " have " + columns
                    + " elements, the target " + Arrays.toString(into.shape()) + " has " + into.size());
        }
        Kernels kernels = Kernels.get();
        for (int i = 0; i < x.dim(0); i++) {
            kernels.add(columns, into.data(), into.offset(), x.data(), x.offset() + i * columns,
                    into.data(), into.offset());
        }
    }

    /** {@code out[i] = max_j x[i, j]}, a new tensor {@code [rows]}. */
    public static Tensor maxRows(Tensor x) {
        int rows = x.dim(0);
        int columns = columns(x);
        Tensor out = Tensor.zeros(rows);
        float[] result = out.data();
        Kernels kernels = Kernels.get();
        Parallel.forRange(rows, rowGrain(columns), (from, to) -> {
            for (int i = from; i < to; i++) {
                result[i] = kernels.max(columns, x.data(), x.offset() + i * columns);
            }
        });
        return out;
    }

    /** The column of the first largest element of each row (e.g. the predicted class of each item). */
    public static int[] argmaxRows(Tensor x) {
        int rows = x.dim(0);
        int columns = columns(x);
        int[] result = new int[rows];
        Kernels kernels = Kernels.get();
        Parallel.forRange(rows, rowGrain(columns), (from, to) -> {
            for (int i = from; i < to; i++) {
                result[i] = kernels.argmax(columns, x.data(), x.offset() + i * columns);
            }
        });
        return result;
    }

    /**
     * {@code out[i, j] = exp(x[i, j] - max_j x[i, j]) / sum_j exp(x[i, j] - max_j x[i, j])}: the softmax of each
     * row, shifted by the row's maximum so that no exp overflows. {@code out} (same size as {@code x}, may be
     * {@code x}) is overwritten.
     */
    public static void softmaxRows(Tensor x, Tensor out) {
        if (out.size() != x.size()) {
            throw new IllegalArgumentException("softmax of " + Arrays.toString(x.shape()) + " cannot be written to "
                    + Arrays.toString(out.shape()));
        }
        int rows = x.dim(0);
        int columns = columns(x);
        Kernels kernels = Kernels.get();
        Parallel.forRange(rows, rowGrain(columns), (from, to) -> {
            for (int i = from; i < to; i++) {
                int in = x.offset() + i * columns;
                int o = out.offset() + i * columns;
                float max = kernels.max(columns, x.data(), in);
                float total = kernels.expShifted(columns, x.data(), in, max, out.data(), o);
                kernels.scale(columns, 1f / total, out.data(), o);
            }
        });
    }
}
