package dev.weft.layers.onnx;

import dev.weft.core.Pooling;
import dev.weft.core.Tensor;
import dev.weft.core.conv.ConvGeometry;
import dev.weft.layers.BatchNorm;
import dev.weft.layers.Conv2D;
import dev.weft.layers.Layer;
import dev.weft.layers.MaxPool2D;
import dev.weft.layers.ModelFormatException;
import dev.weft.layers.Padding;
import dev.weft.layers.onnx.OnnxGraph.OnnxTensor;

import java.util.Arrays;

/**
 * The operators that become one Weft layer each, with weights: Conv, MaxPool and BatchNormalization. Each function
 * checks the node's attributes and constants against the per-sample input shape and returns the layer, its output
 * shape and the copy of its weights, which runs once the model has built the layer.
 */
final class LayerNodes {
    private LayerNodes() {
    }

    /**
     * A converted node.
     *
     * @param layer       the new, unbuilt layer
     * @param outputShape its per-sample output shape
     * @param fill        copies the node's constants into the layer once it is built
     */
    record Converted(Layer layer, int[] outputShape, Runnable fill) {
    }

    static void requireRank(OnnxNode node, int[] shape, int rank) throws ModelFormatException {
        if (shape.length != rank) {
            throw node.refuse("its input has per-sample shape " + Arrays.toString(shape) + ", expected rank " + rank);
        }
    }

    static void copy(float[] values, Tensor into) {
        System.arraycopy(values, 0, into.data(), into.offset(), values.length);
    }

    /** A Conv node on a per-sample input {@code shape [channels, height, width]}. */
    static Converted conv(OnnxNode node, int[] shape) throws ModelFormatException {
        node.allowOnly("kernel_shape", "strides", "pads", "dilations", "group", "auto_pad");
        requireRank(node, shape, 3);
        OnnxTensor w = node.floatConstant(1, "weight", 4);
        int[] d = w.dims();
        int outChannels = d[0];
        int kernel = d[2];
        if (d[1] != shape[0] || d[2] != d[3] || outChannels < 1 || kernel < 1) {
            throw node.refuse("weight dimensions " + Arrays.toString(d) + ", expected [outChannels, " + shape[0]
                    + ", k, k] (a square kernel)");
        }
        long[] strides = node.intsAttribute("strides", 1, 1);
        long[] dilations = node.intsAttribute("dilations", 1, 1);
        long[] pads = node.intsAttribute("pads", 0, 0, 0, 0);
        if (!Arrays.equals(node.intsAttribute("kernel_shape", kernel, kernel), new long[] {kernel, kernel})
                || strides.length != 2 || strides[0] != strides[1] || strides[0] < 1 || strides[0] > shape[1]
                || !Arrays.equals(dilations, new long[] {1, 1}) || node.intAttribute("group", 1) != 1
                || pads.length != 4) {
            throw node.refuse("kernel_shape, strides, dilations, group or pads not supported: Weft convolves with a "
                    + "square kernel, equal strides, dilation 1 and group 1");
        }
        int stride = (int) strides[0];
        ConvGeometry same = ConvGeometry.same(1, shape[0], shape[1], shape[2], outChannels, kernel, kernel, stride);
        long padBottom = Math.max(0, (same.outHeight() - 1) * stride + kernel - shape[1]) - same.padTop();
        long padRight = Math.max(0, (same.outWidth() - 1) * stride + kernel - shape[2]) - same.padLeft();
        long[] samePads = {same.padTop(), same.padLeft(), padBottom, padRight};
        String autoPad = node.stringAttribute("auto_pad", "NOTSET");
        Padding padding;
        if ((autoPad.equals("NOTSET") || autoPad.equals("VALID")) && Arrays.equals(pads, new long[4])) {
            padding = Padding.VALID;
        } else if (autoPad.equals("SAME_UPPER") || (autoPad.equals("NOTSET") && Arrays.equals(pads, samePads))) {
            padding = Padding.SAME;
        } else {
            throw node.refuse("auto_pad " + autoPad + " with pads " + Arrays.toString(pads) + " is neither VALID "
                    + "(no padding) nor SAME as Weft pads " + Arrays.toString(samePads));
        }
        if (padding == Padding.VALID && kernel > Math.min(shape[1], shape[2])) {
            throw node.refuse("kernel " + kernel + " is larger than the input " + Arrays.toString(shape));
        }
        float[] bias = node.hasInput(2) ? node.vector(2, "bias", outChannels) : new float[outChannels];
        Conv2D conv = new Conv2D(outChannels, kernel, stride, padding);
        ConvGeometry g = padding == Padding.SAME ? same
                : ConvGeometry.valid(1, shape[0], shape[1], shape[2], outChannels, kernel, kernel, stride);
        return new Converted(conv, new int[] {outChannels, g.outHeight(), g.outWidth()}, () -> {
            copy(w.floats(), conv.weights().value());
            copy(bias, conv.bias().value());
        });
    }

    /** A MaxPool node on a per-sample input {@code shape [channels, height, width]}. */
    static Converted maxPool(OnnxNode node, int[] shape) throws ModelFormatException {
        node.allowOnly("kernel_shape", "strides", "pads", "ceil_mode", "dilations", "storage_order", "auto_pad");
        requireRank(node, shape, 3);
        long[] kernel = node.intsAttribute("kernel_shape");
        long[] strides = node.intsAttribute("strides", 1, 1);
        String autoPad = node.stringAttribute("auto_pad", "NOTSET");
        if (kernel.length != 2 || kernel[0] != kernel[1] || kernel[0] < 1 || kernel[0] > Math.min(shape[1], shape[2])
                || strides.length != 2 || strides[0] != strides[1] || strides[0] < 1 || strides[0] > shape[1]
                || !Arrays.equals(node.intsAttribute("pads", 0, 0, 0, 0), new long[4])
                || !Arrays.equals(node.intsAttribute("dilations", 1, 1), new long[] {1, 1})
                || node.intAttribute("ceil_mode", 0) != 0 || node.intAttribute("storage_order", 0) != 0
                || !(autoPad.equals("NOTSET") || autoPad.equals("VALID"))) {
            throw node.refuse("kernel_shape " + Arrays.toString(kernel) + ", strides " + Arrays.toString(strides)
                    + ", padding, dilation or ceil_mode not supported: Weft pools square windows within the image");
        }
        int pool = (int) kernel[0];
        int stride = (int) strides[0];
        return new Converted(new MaxPool2D(pool, stride), new int[] {shape[0],
                Pooling.outputSize(shape[1], pool, stride), Pooling.outputSize(shape[2], pool, stride)}, () -> { });
    }

    /** A BatchNormalization node on a per-sample input {@code [features]} or {@code [channels, height, width]}. */
    static Converted batchNorm(OnnxNode node, int[] shape) throws ModelFormatException {
        node.allowOnly("epsilon", "momentum", "training_mode", "spatial");
        if (shape.length != 1 && shape.length != 3) {
            throw node.refuse("its input has per-sample shape " + Arrays.toString(shape) + ", expected [features] or "
                    + "[channels, height, width]");
        }
        if (node.intAttribute("training_mode", 0) != 0 || node.intAttribute("spatial", 1) != 1) {
            throw node.refuse("training_mode 1 or spatial 0 is not supported, expected the inference form");
        }
        int channels = shape[0];
        float[] scale = node.vector(1, "scale", channels);
        float[] bias = node.vector(2, "bias", channels);
        float[] mean = node.vector(3, "mean", channels);
        float[] variance = node.vector(4, "variance", channels);
        for (float v : variance) {
            if (v < 0) {
                throw node.refuse("variance holds " + v + ", expected values >= 0");
            }
        }
        float epsilon = node.floatAttribute("epsilon", 1e-5f);
        if (!(epsilon > 0 && epsilon < Float.POSITIVE_INFINITY)) {
            throw node.refuse("epsilon " + epsilon + ", expected a finite value > 0");
        }
        BatchNorm norm = new BatchNorm(0.99f, epsilon);
        return new Converted(norm, shape, () -> {
            copy(scale, norm.parameters().get(0).value());
            copy(bias, norm.parameters().get(1).value());
            copy(mean, norm.runningMean());
            copy(variance, norm.runningVariance());
        });
    }
}
