package dev.weft.layers.onnx;

import dev.weft.core.Pooling;
import dev.weft.core.Tensor;
import dev.weft.core.conv.ConvGeometry;
import dev.weft.layers.BatchNorm;
import dev.weft.layers.Conv2D;
import dev.weft.layers.Dense;
import dev.weft.layers.Flatten;
import dev.weft.layers.GlobalAveragePool;
import dev.weft.layers.Layer;
import dev.weft.layers.MaxPool2D;
import dev.weft.layers.ModelFormatException;
import dev.weft.layers.Padding;
import dev.weft.layers.ReLU;
import dev.weft.layers.Sequential;
import dev.weft.layers.onnx.OnnxGraph.Node;
import dev.weft.layers.onnx.OnnxGraph.OnnxTensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Turns a chain of ONNX nodes into Weft layers, one node at a time, tracking the per-sample shape:
 *
 * <table>
 * <caption>Operators read</caption>
 * <tr><th>ONNX</th><th>Weft</th><th>accepted attributes</th></tr>
 * <tr><td>Conv</td><td>{@link Conv2D}</td><td>square kernel, equal strides, dilations 1, group 1, pads all 0
 *     (VALID) or as Weft's SAME computes them, auto_pad NOTSET, VALID or SAME_UPPER</td></tr>
 * <tr><td>Relu</td><td>{@link ReLU}</td><td></td></tr>
 * <tr><td>MaxPool</td><td>{@link MaxPool2D}</td><td>square kernel, equal strides, no padding, ceil_mode 0</td></tr>
 * <tr><td>BatchNormalization</td><td>{@link BatchNorm} with the file's epsilon</td><td>inference form</td></tr>
 * <tr><td>Flatten, Reshape to [N, -1]</td><td>{@link Flatten}</td><td>axis 1</td></tr>
 * <tr><td>Transpose perm 0,2,3,1 before a flatten</td><td>none: the next Gemm or MatMul's weight rows are
 *     permuted so that Weft's channel-first flatten meets them in the order they expect</td><td></td></tr>
 * <tr><td>Gemm</td><td>{@link Dense}</td><td>alpha = beta = 1, transA 0, transB 0 or 1</td></tr>
 * <tr><td>MatMul, optionally + Add of a bias</td><td>{@link Dense}</td><td></td></tr>
 * <tr><td>GlobalAveragePool</td><td>{@link GlobalAveragePool}</td><td></td></tr>
 * <tr><td>Softmax, only as the last node</td><td>dropped: a Weft model outputs logits;
 *     {@link Sequential#predictProbabilities} applies the softmax</td><td>axis -1 or 1</td></tr>
 * <tr><td>Dropout, Identity</td><td>nothing (inference)</td><td></td></tr>
 * </table>
 */
final class NodeConverter {
    private final Path file;
    private final OnnxGraph graph;
    private final int[] inputShape;
    private final List<Layer> layers = new ArrayList<>();
    /** Weight copies, run once the model has built the layers. */
    private final List<Runnable> fills = new ArrayList<>();

    private String current;
    private int[] shape;
    private Node node;
    private int index;
    /** [C, H, W] of a Transpose to channels-last that waits for its flatten, else null. */
    private int[] transposed;
    /** [C, H, W] of a channels-last flatten whose Gemm or MatMul has yet to come, else null. */
    private int[] channelsLastRows;
    /** The bias of a MatMul just converted, which an Add may fill; null otherwise. */
    private float[] matMulBias;

    NodeConverter(Path file, OnnxGraph graph, String inputName, int[] inputShape) {
        this.file = file;
        this.graph = graph;
        this.inputShape = inputShape;
        this.current = inputName;
        this.shape = inputShape;
    }

    Sequential convert(String outputName) throws ModelFormatException {
        List<Node> nodes = graph.nodes();
        for (index = 0; index < nodes.size(); index++) {
            node = nodes.get(index);
            String op = node.opType();
            if (!node.domain().isEmpty() && !node.domain().equals("ai.onnx")) {
                throw refuse("operator domain '" + node.domain() + "' is not supported");
            }
            if (transposed != null && !Set.of("Flatten", "Reshape", "Identity", "Dropout").contains(op)) {
                throw refuse("follows a Transpose; Weft takes a Transpose only where it reorders a flatten");
            }
            if (channelsLastRows != null && !Set.of("Gemm", "MatMul", "Identity", "Dropout").contains(op)) {
                throw refuse("follows a channels-last flatten, expected the Gemm or MatMul it feeds");
            }
            if (!op.equals("Add")) {
                matMulBias = null;   // an Add is a bias only right after its MatMul
                requireChained();
            }
            try {
                convertNode(op);
            } catch (IllegalArgumentException e) {
                throw refuse(e.getMessage());   // a layer refusing its settings or shape
            }
            requireUnusedExtraOutputs();
            current = node.outputs().get(0);
        }
        if (transposed != null || channelsLastRows != null) {
            throw new ModelFormatException(file, 0, "the graph ends after a Transpose without its flatten and Gemm");
        }
        if (!current.equals(outputName)) {
            throw new ModelFormatException(file, 0, "the graph output '" + outputName
                    + "' is not the output of the last node ('" + current + "'): Weft runs a chain of layers");
        }
        if (layers.isEmpty()) {
            throw new ModelFormatException(file, 0, "the graph has no node Weft turns into a layer");
        }
        Sequential model;
        try {
            model = new Sequential(inputShape, 0L, layers.toArray(new Layer[0]));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, 0, "the layers do not fit together: " + e.getMessage());
        }
        fills.forEach(Runnable::run);
        return model;
    }

    private void convertNode(String op) throws ModelFormatException {
        switch (op) {
            case "Conv" -> conv();
            case "Relu" -> {
                attributes();
                add(new ReLU(), shape);
            }
            case "MaxPool" -> maxPool();
            case "BatchNormalization" -> batchNorm();
            case "Flatten" -> {
                attributes("axis");
                if (intAttribute("axis", 1) != 1) {
                    throw refuse("axis " + intAttribute("axis", 1) + " is not supported, expected 1");
                }
                flatten();
            }
            case "Reshape" -> reshape();
            case "Transpose" -> transpose();
            case "Gemm" -> gemm();
            case "MatMul" -> matMul();
            case "Add" -> addBias();
            case "GlobalAveragePool" -> {
                attributes();
                requireRank(3);
                add(new GlobalAveragePool(), new int[] {shape[0]});
            }
            case "Softmax" -> softmax();
            case "Dropout" -> attributes("ratio", "seed");
            case "Identity" -> attributes();
            default -> throw refuse("operator " + op + " is not supported; Weft imports Conv, Relu, MaxPool, "
                    + "BatchNormalization, Flatten, Reshape, Transpose (before a flatten), Gemm, MatMul + Add, "
                    + "GlobalAveragePool, Softmax (last), Dropout and Identity");
        }
    }

    private ModelFormatException refuse(String problem) {
        return new ModelFormatException(file, node.position(), node.describe(index) + ": " + problem);
    }

    private void requireChained() throws ModelFormatException {
        if (node.inputs().isEmpty() || !node.inputs().get(0).equals(current) || node.outputs().isEmpty()) {
            throw refuse("takes " + node.inputs() + " and gives " + node.outputs() + ", expected to take '" + current
                    + "' (the output of the node before it): Weft runs a chain of layers");
        }
    }

    private void requireUnusedExtraOutputs() throws ModelFormatException {
        for (String extra : node.outputs().subList(1, node.outputs().size())) {
            if (extra.isEmpty()) {
                continue;
            }
            boolean used = graph.outputs().stream().anyMatch(o -> o.name().equals(extra))
                    || graph.nodes().stream().anyMatch(n -> n.inputs().contains(extra));
            if (used) {
                throw refuse("its second output '" + extra + "' is used; Weft gives only the first");
            }
        }
    }

    private void requireRank(int rank) throws ModelFormatException {
        if (shape.length != rank) {
            throw refuse("its input has per-sample shape " + Arrays.toString(shape) + ", expected rank " + rank);
        }
    }

    private void add(Layer layer, int[] outputShape) {
        layers.add(layer);
        shape = outputShape;
    }

    /** Refuses the node if it has attributes other than {@code allowed}. */
    private void attributes(String... allowed) throws ModelFormatException {
        for (String name : node.attributes().keySet()) {
            if (!Arrays.asList(allowed).contains(name)) {
                throw refuse("attribute '" + name + "' is not supported" + (allowed.length == 0 ? ""
                        : "; Weft reads " + String.join(", ", allowed)));
            }
        }
    }

    private long intAttribute(String name, long otherwise) {
        OnnxGraph.Attribute a = node.attributes().get(name);
        return a == null ? otherwise : a.i();
    }

    private float floatAttribute(String name, float otherwise) {
        OnnxGraph.Attribute a = node.attributes().get(name);
        return a == null ? otherwise : a.f();
    }

    private long[] intsAttribute(String name, long... otherwise) {
        OnnxGraph.Attribute a = node.attributes().get(name);
        return a == null ? otherwise : a.ints();
    }

    private String stringAttribute(String name, String otherwise) {
        OnnxGraph.Attribute a = node.attributes().get(name);
        return a == null || a.s() == null ? otherwise : a.s();
    }

    /** The constant (initializer) that is input {@code i}, with float values of the given ranks, all finite. */
    private OnnxTensor floatConstant(int i, String role, int... ranks) throws ModelFormatException {
        OnnxTensor t = constant(i, role);
        if (t.floats() == null || Arrays.stream(ranks).noneMatch(r -> r == t.dims().length)) {
            throw refuse(role + " '" + t.name() + "' is " + (t.floats() == null ? "int64" : "float")
                    + " with dimensions " + Arrays.toString(t.dims()) + ", expected float of rank "
                    + Arrays.toString(ranks));
        }
        for (float v : t.floats()) {
            if (!Float.isFinite(v)) {
                throw refuse(role + " '" + t.name() + "' holds " + v + ", expected finite values");
            }
        }
        return t;
    }

    private OnnxTensor constant(int i, String role) throws ModelFormatException {
        if (node.inputs().size() <= i || node.inputs().get(i).isEmpty()) {
            throw refuse("has no " + role + " (input " + i + ")");
        }
        OnnxTensor t = graph.initializers().get(node.inputs().get(i));
        if (t == null) {
            throw refuse(role + " '" + node.inputs().get(i) + "' is not a constant (initializer)");
        }
        return t;
    }

    private boolean hasInput(int i) {
        return node.inputs().size() > i && !node.inputs().get(i).isEmpty();
    }

    /** A float constant of {@code size} values shaped [size] or [1, size]. */
    private float[] vector(int i, String role, int size) throws ModelFormatException {
        OnnxTensor t = floatConstant(i, role, 1, 2);
        if (t.size() != size || (t.dims().length == 2 && t.dims()[0] != 1)) {
            throw refuse(role + " '" + t.name() + "' has dimensions " + Arrays.toString(t.dims())
                    + ", expected [" + size + "]");
        }
        return t.floats();
    }

    private static void copy(float[] values, Tensor into) {
        System.arraycopy(values, 0, into.data(), into.offset(), values.length);
    }

    private void conv() throws ModelFormatException {
        attributes("kernel_shape", "strides", "pads", "dilations", "group", "auto_pad");
        requireRank(3);
        OnnxTensor w = floatConstant(1, "weight", 4);
        int[] d = w.dims();
        int outChannels = d[0];
        int kernel = d[2];
        if (d[1] != shape[0] || d[2] != d[3] || outChannels < 1 || kernel < 1) {
            throw refuse("weight dimensions " + Arrays.toString(d) + ", expected [outChannels, " + shape[0]
                    + ", k, k] (a square kernel)");
        }
        long[] strides = intsAttribute("strides", 1, 1);
        long[] dilations = intsAttribute("dilations", 1, 1);
        long[] pads = intsAttribute("pads", 0, 0, 0, 0);
        if (!Arrays.equals(intsAttribute("kernel_shape", kernel, kernel), new long[] {kernel, kernel})
                || strides.length != 2 || strides[0] != strides[1] || strides[0] < 1 || strides[0] > shape[1]
                || !Arrays.equals(dilations, new long[] {1, 1}) || intAttribute("group", 1) != 1 || pads.length != 4) {
            throw refuse("kernel_shape, strides, dilations, group or pads not supported: Weft convolves with a "
                    + "square kernel, equal strides, dilation 1 and group 1");
        }
        int stride = (int) strides[0];
        ConvGeometry same = ConvGeometry.same(1, shape[0], shape[1], shape[2], outChannels, kernel, kernel, stride);
        long padBottom = Math.max(0, (same.outHeight() - 1) * stride + kernel - shape[1]) - same.padTop();
        long padRight = Math.max(0, (same.outWidth() - 1) * stride + kernel - shape[2]) - same.padLeft();
        long[] samePads = {same.padTop(), same.padLeft(), padBottom, padRight};
        String autoPad = stringAttribute("auto_pad", "NOTSET");
        Padding padding;
        if ((autoPad.equals("NOTSET") || autoPad.equals("VALID")) && Arrays.equals(pads, new long[4])) {
            padding = Padding.VALID;
        } else if (autoPad.equals("SAME_UPPER") || (autoPad.equals("NOTSET") && Arrays.equals(pads, samePads))) {
            padding = Padding.SAME;
        } else {
            throw refuse("auto_pad " + autoPad + " with pads " + Arrays.toString(pads) + " is neither VALID "
                    + "(no padding) nor SAME as Weft pads " + Arrays.toString(samePads));
        }
        if (padding == Padding.VALID && kernel > Math.min(shape[1], shape[2])) {
            throw refuse("kernel " + kernel + " is larger than the input " + Arrays.toString(shape));
        }
        float[] bias = hasInput(2) ? vector(2, "bias", outChannels) : new float[outChannels];
        Conv2D conv = new Conv2D(outChannels, kernel, stride, padding);
        ConvGeometry g = padding == Padding.SAME ? same
                : ConvGeometry.valid(1, shape[0], shape[1], shape[2], outChannels, kernel, kernel, stride);
        fills.add(() -> {
            copy(w.floats(), conv.weights().value());
            copy(bias, conv.bias().value());
        });
        add(conv, new int[] {outChannels, g.outHeight(), g.outWidth()});
    }

    private void maxPool() throws ModelFormatException {
        attributes("kernel_shape", "strides", "pads", "ceil_mode", "dilations", "storage_order", "auto_pad");
        requireRank(3);
        long[] kernel = intsAttribute("kernel_shape");
        long[] strides = intsAttribute("strides", 1, 1);
        String autoPad = stringAttribute("auto_pad", "NOTSET");
        if (kernel.length != 2 || kernel[0] != kernel[1] || kernel[0] < 1 || kernel[0] > Math.min(shape[1], shape[2])
                || strides.length != 2 || strides[0] != strides[1] || strides[0] < 1 || strides[0] > shape[1]
                || !Arrays.equals(intsAttribute("pads", 0, 0, 0, 0), new long[4])
                || !Arrays.equals(intsAttribute("dilations", 1, 1), new long[] {1, 1})
                || intAttribute("ceil_mode", 0) != 0 || intAttribute("storage_order", 0) != 0
                || !(autoPad.equals("NOTSET") || autoPad.equals("VALID"))) {
            throw refuse("kernel_shape " + Arrays.toString(kernel) + ", strides " + Arrays.toString(strides)
                    + ", padding, dilation or ceil_mode not supported: Weft pools square windows within the image");
        }
        int pool = (int) kernel[0];
        int stride = (int) strides[0];
        add(new MaxPool2D(pool, stride), new int[] {shape[0], Pooling.outputSize(shape[1], pool, stride),
                Pooling.outputSize(shape[2], pool, stride)});
    }

    private void batchNorm() throws ModelFormatException {
        attributes("epsilon", "momentum", "training_mode", "spatial");
        if (shape.length != 1 && shape.length != 3) {
            throw refuse("its input has per-sample shape " + Arrays.toString(shape) + ", expected [features] or "
                    + "[channels, height, width]");
        }
        if (intAttribute("training_mode", 0) != 0 || intAttribute("spatial", 1) != 1) {
            throw refuse("training_mode 1 or spatial 0 is not supported, expected the inference form");
        }
        int channels = shape[0];
        float[] scale = vector(1, "scale", channels);
        float[] bias = vector(2, "bias", channels);
        float[] mean = vector(3, "mean", channels);
        float[] variance = vector(4, "variance", channels);
        for (float v : variance) {
            if (v < 0) {
                throw refuse("variance holds " + v + ", expected values >= 0");
            }
        }
        float epsilon = floatAttribute("epsilon", 1e-5f);
        if (!(epsilon > 0 && epsilon < Float.POSITIVE_INFINITY)) {
            throw refuse("epsilon " + epsilon + ", expected a finite value > 0");
        }
        BatchNorm norm = new BatchNorm(0.99f, epsilon);
        fills.add(() -> {
            copy(scale, norm.parameters().get(0).value());
            copy(bias, norm.parameters().get(1).value());
            copy(mean, norm.runningMean());
            copy(variance, norm.runningVariance());
        });
        add(norm, shape);
    }

    /** A Flatten (none if the sample is a vector already); after a channels-last Transpose, remembers its order. */
    private void flatten() throws ModelFormatException {
        if (transposed != null) {
            channelsLastRows = transposed;
            transposed = null;
        }
        if (shape.length > 1) {
            add(new Flatten(), new int[] {features()});
        }
    }

    /** Elements per sample of the current value. */
    private int features() throws ModelFormatException {
        long product = 1;
        for (int d : shape) {
            product *= d;
            if (product > Integer.MAX_VALUE) {
                throw refuse("its input " + Arrays.toString(shape) + " has more elements per sample than an array holds");
            }
        }
        return (int) product;
    }

    private void reshape() throws ModelFormatException {
        attributes("allowzero");
        OnnxTensor target = constant(1, "shape");
        int features = features();
        long[] s = target.longs();
        boolean flattens = s != null && s.length == 2 && intAttribute("allowzero", 0) == 0
                && (s[0] == 0 || s[0] == -1) && (s[1] == -1 || s[1] == features) && !(s[0] == -1 && s[1] == -1);
        if (!flattens) {
            throw refuse("reshapes to " + (s == null ? "a float tensor" : Arrays.toString(s))
                    + "; Weft reads only a flatten to [N, -1] or [-1, " + features + "]");
        }
        flatten();
    }

    private void transpose() throws ModelFormatException {
        attributes("perm");
        if (shape.length != 3 || !Arrays.equals(intsAttribute("perm"), new long[] {0, 2, 3, 1})) {
            throw refuse("perm " + Arrays.toString(intsAttribute("perm")) + " is not supported; Weft reads only "
                    + "perm 0,2,3,1 (to channels-last) right before a flatten");
        }
        transposed = shape;
    }

    private void gemm() throws ModelFormatException {
        attributes("alpha", "beta", "transA", "transB");
        long transB = intAttribute("transB", 0);
        if (floatAttribute("alpha", 1f) != 1f || floatAttribute("beta", 1f) != 1f || intAttribute("transA", 0) != 0
                || (transB != 0 && transB != 1)) {
            throw refuse("alpha and beta must be 1, transA 0 and transB 0 or 1");
        }
        requireRank(1);
        OnnxTensor b = floatConstant(1, "weight", 2);
        int outFeatures = transB == 1 ? b.dims()[0] : b.dims()[1];
        dense(b, transB == 1, hasInput(2) ? vector(2, "bias", outFeatures) : new float[outFeatures]);
    }

    private void matMul() throws ModelFormatException {
        attributes();
        requireRank(1);
        OnnxTensor b = floatConstant(1, "weight", 2);
        matMulBias = new float[b.dims()[1]];
        dense(b, false, matMulBias);
    }

    /** The Add of a bias right after a MatMul: {@code Y = X·B + c}. */
    private void addBias() throws ModelFormatException {
        attributes();
        int chained = node.inputs().indexOf(current);
        if (matMulBias == null || node.inputs().size() != 2 || chained < 0 || node.outputs().isEmpty()) {
            throw refuse("Weft reads Add only as the bias of the MatMul right before it");
        }
        float[] bias = vector(1 - chained, "bias", matMulBias.length);
        for (int i = 0; i < bias.length; i++) {
            matMulBias[i] += bias[i];
        }
        matMulBias = null;
    }

    /**
     * A Dense from B ({@code [in, out]}, or {@code [out, in]} when {@code transposed}). After a channels-last
     * flatten, input row {@code (h·W + w)·C + c} of B is what Weft's channel-first flatten delivers at
     * {@code c·H·W + h·W + w}, so rows are moved there.
     */
    private void dense(OnnxTensor b, boolean transposedB, float[] bias) throws ModelFormatException {
        int inFeatures = transposedB ? b.dims()[1] : b.dims()[0];
        int outFeatures = transposedB ? b.dims()[0] : b.dims()[1];
        if (inFeatures != shape[0] || outFeatures < 1) {
            throw refuse("weight dimensions " + Arrays.toString(b.dims()) + " do not fit " + shape[0]
                    + " input features");
        }
        int[] chw = channelsLastRows;
        channelsLastRows = null;
        float[] values = b.floats();
        float[] weights = new float[outFeatures * inFeatures];
        int area = chw == null ? 1 : chw[1] * chw[2];
        for (int in = 0; in < inFeatures; in++) {
            int row = chw == null ? in : (in % area) * chw[0] + in / area;
            for (int out = 0; out < outFeatures; out++) {
                weights[out * inFeatures + in] = transposedB ? values[out * inFeatures + row]
                        : values[row * outFeatures + out];
            }
        }
        Dense dense = new Dense(outFeatures);
        fills.add(() -> {
            copy(weights, dense.weights().value());
            copy(bias, dense.bias().value());
        });
        add(dense, new int[] {outFeatures});
    }

    private void softmax() throws ModelFormatException {
        attributes("axis");
        long axis = intAttribute("axis", -1);
        if (index != graph.nodes().size() - 1 || shape.length != 1 || (axis != -1 && axis != 1)) {
            throw refuse("Weft reads Softmax only as the last node, over the classes (axis -1 or 1)");
        }
        // Dropped: the model then outputs the logits, and predictProbabilities gives the softmax of them.
    }
}
