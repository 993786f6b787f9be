package dev.weft.layers;

import dev.weft.core.Tensor;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Bookkeeping shared by Weft's layers: the name, the shapes, the check that an input matches the shape the layer
 * was built for, and the check that {@code backward} follows a training forward of the same batch size.
 */
public abstract class AbstractLayer implements Layer {
    private String name;
    private int[] inputShape;
    private int[] outputShape;
    /** Batch size of the last training forward; 0 when there has been none. */
    private int trainingBatch;
    /** Whether backward must compute dInput (false for a model's first layer). */
    protected boolean inputGradientNeeded = true;

    @Override
    public final void build(String name, int[] inputShape, RandomGenerator random) {
        if (this.inputShape != null) {
            throw new IllegalStateException(name + " (" + type() + "): this layer instance is already built as "
                    + this.name + "; a layer belongs to one model");
        }
        int[] out;
        try {
            out = initialize(inputShape.clone(), random);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " (" + type() + ") cannot take input shape "
                    + Arrays.toString(inputShape) + ": " + e.getMessage(), e);
        }
        this.name = name;
        this.inputShape = inputShape.clone();
        this.outputShape = out.clone();
    }

    /** Creates parameters for {@code inputShape} and returns the per-sample output shape. */
    protected abstract int[] initialize(int[] inputShape, RandomGenerator random);

    @Override
    public String name() {
        return name == null ? type() : name;
    }

    @Override
    public int[] inputShape() {
        requireBuilt();
        return inputShape.clone();
    }

    @Override
    public int[] outputShape() {
        requireBuilt();
        return outputShape.clone();
    }

    @Override
    public void setInputGradientNeeded(boolean needed) {
        inputGradientNeeded = needed;
    }

    /** Number of elements of one input sample. */
    protected final int inputSampleSize() {
        return product(inputShape);
    }

    /** Number of elements of one output sample. */
    protected final int outputSampleSize() {
        return product(outputShape);
    }

    static int product(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** {@code [batch, shape...]}. */
    static int[] withBatch(int batch, int[] shape) {
        int[] s = new int[shape.length + 1];
        s[0] = batch;
        System.arraycopy(shape, 0, s, 1, shape.length);
        return s;
    }

    private void requireBuilt() {
        if (inputShape == null) {
            throw new IllegalStateException(type() + " is not built yet: add it to a Sequential model");
        }
    }

    /**
     * Checks that {@code input} is {@code [batch, inputShape...]}, records the batch size of a training pass, and
     * returns the batch size.
     */
    protected final int beginForward(Tensor input, boolean training) {
        requireBuilt();
        int[] shape = input.shape();
        if (shape.length != inputShape.length + 1
                || !Arrays.equals(Arrays.copyOfRange(shape, 1, shape.length), inputShape)) {
            throw new IllegalArgumentException(name() + " (" + type() + "): expected input [batch, "
                    + Arrays.toString(inputShape).replaceAll("[\\[\\]]", "") + "] but got " + Arrays.toString(shape));
        }
        if (training) {
            trainingBatch = shape[0];
        }
        return shape[0];
    }

    /**
     * Checks that a training forward came first and that {@code dOutput} is {@code [batch, outputShape...]} for its
     * batch size; returns the batch size.
     */
    protected final int beginBackward(Tensor dOutput) {
        requireBuilt();
        if (trainingBatch == 0) {
            throw new IllegalStateException(name() + " (" + type() + "): backward() needs a forward(input, true) "
                    + "before it (inference forwards keep nothing for backward)");
        }
        dOutput.requireShape(name() + " (" + type() + ") backward dOutput", withBatch(trainingBatch, outputShape));
        return trainingBatch;
    }

    @Override
    public String toString() {
        return name() + " (" + type() + ")";
    }
}
