package dev.weft.layers.onnx;

import dev.weft.layers.BatchNorm;
import dev.weft.layers.Conv2D;
import dev.weft.layers.Dense;
import dev.weft.layers.Flatten;
import dev.weft.layers.GlobalAveragePool;
import dev.weft.layers.Layer;
import dev.weft.layers.MaxPool2D;
import dev.weft.layers.ModelFile;
import dev.weft.layers.ModelFormatException;
import dev.weft.layers.ReLU;
import dev.weft.layers.Sequential;
import dev.weft.layers.onnx.OnnxGraph.Node;
import dev.weft.layers.onnx.OnnxGraph.OnnxTensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
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
    private OnnxNode node;
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
        // Every value some node or the graph output reads, for the check that extra outputs go unused.
        Set<String> consumed = new HashSet<>();
        nodes.forEach(n -> consumed.addAll(n.inputs()));
        graph.outputs().forEach(o -> consumed.add(o.name()));
        for (index = 0; index < nodes.size(); index++) {
            node = new OnnxNode(file, graph, nodes.get(index), index, consumed);
            String op = node.opType();
            if (!node.domain().isEmpty() && !node.domain().equals("ai.onnx")) {
                throw node.refuse("operator domain '" + node.domain() + "' is not supported");
            }
            if (transposed != null && !Set.of("Flatten", "Reshape", "Identity", "Dropout").contains(op)) {
                throw node.refuse("follows a Transpose; Weft takes a Transpose only where it reorders a flatten");
            }
            if (channelsLastRows != null && !Set.of("Gemm", "MatMul", "Identity", "Dropout").contains(op)) {
                throw node.refuse("follows a channels-last flatten, expected the Gemm or MatMul it feeds");
            }
            if (!op.equals("Add")) {
                matMulBias = null;   // an Add is a bias only right after its MatMul
                requireChained();
            }
            try {
                convertNode(op);
            } catch (IllegalArgumentException e) {
                throw node.refuse(e.getMessage());   // a layer refusing its settings or shape
            }
            node.requireUnusedExtraOutputs();
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
            case "Conv" -> add(LayerNodes.conv(node, shape));
            case "Relu" -> {
                node.allowOnly();
                add(new ReLU(), shape);
            }
            case "MaxPool" -> add(LayerNodes.maxPool(node, shape));
            case "BatchNormalization" -> add(LayerNodes.batchNorm(node, shape));
            case "Flatten" -> {
                node.allowOnly("axis");
                if (node.intAttribute("axis", 1) != 1) {
                    throw node.refuse("axis " + node.intAttribute("axis", 1) + " is not supported, expected 1");
                }
                flatten();
            }
            case "Reshape" -> reshape();
            case "Transpose" -> transpose();
            case "Gemm" -> gemm();
            case "MatMul" -> matMul();
            case "Add" -> addBias();
            case "GlobalAveragePool" -> {
                node.allowOnly();
                requireRank(3);
                add(new GlobalAveragePool(), new int[] {shape[0]});
            }
            case "Softmax" -> softmax();
            case "Dropout" -> node.allowOnly("ratio", "seed");
            case "Identity" -> node.allowOnly();
            default -> throw node.refuse("operator " + op + " is not supported; Weft imports Conv, Relu, MaxPool, "
                    + "BatchNormalization, Flatten, Reshape, Transpose (before a flatten), Gemm, MatMul + Add, "
                    + "GlobalAveragePool, Softmax (last), Dropout and Identity");
        }
    }

    private void requireChained() throws ModelFormatException {
        if (node.inputs().isEmpty() || !node.inputs().get(0).equals(current) || node.outputs().isEmpty()) {
            throw node.refuse("takes " + node.inputs() + " and gives " + node.outputs() + ", expected to take '"
                    + current + "' (the output of the node before it): Weft runs a chain of layers");
        }
    }

    private void requireRank(int rank) throws ModelFormatException {
        LayerNodes.requireRank(node, shape, rank);
    }

    private void add(LayerNodes.Converted converted) throws ModelFormatException {
        add(converted.layer(), converted.outputShape());
        fills.add(converted.fill());
    }

    private void add(Layer layer, int[] outputShape) throws ModelFormatException {
        if (layers.size() == ModelFile.MAX_LAYERS) {
            throw node.refuse("the model would have more than " + ModelFile.MAX_LAYERS + " layers");
        }
        layers.add(layer);
        shape = outputShape;
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
                throw node.refuse("its input " + Arrays.toString(shape)
                        + " has more elements per sample than an array holds");
            }
        }
        return (int) product;
    }

    private void reshape() throws ModelFormatException {
        node.allowOnly("allowzero");
        OnnxTensor target = node.constant(1, "shape");
        int features = features();
        long[] s = target.longs();
        boolean flattens = s != null && s.length == 2 && node.intAttribute("allowzero", 0) == 0
                && (s[0] == 0 || s[0] == -1) && (s[1] == -1 || s[1] == features) && !(s[0] == -1 && s[1] == -1);
        if (!flattens) {
            throw node.refuse("reshapes to " + (s == null ? "a float tensor" : Arrays.toString(s))
                    + "; Weft reads only a flatten to [N, -1] or [-1, " + features + "]");
        }
        flatten();
    }

    private void transpose() throws ModelFormatException {
        node.allowOnly("perm");
        if (shape.length != 3 || !Arrays.equals(node.intsAttribute("perm"), new long[] {0, 2, 3, 1})) {
            throw node.refuse("perm " + Arrays.toString(node.intsAttribute("perm")) + " is not supported; Weft "
                    + "reads only perm 0,2,3,1 (to channels-last) right before a flatten");
        }
        transposed = shape;
    }

    private void gemm() throws ModelFormatException {
        node.allowOnly("alpha", "beta", "transA", "transB");
        long transB = node.intAttribute("transB", 0);
        if (node.floatAttribute("alpha", 1f) != 1f || node.floatAttribute("beta", 1f) != 1f
                || node.intAttribute("transA", 0) != 0 || (transB != 0 && transB != 1)) {
            throw node.refuse("alpha and beta must be 1, transA 0 and transB 0 or 1");
        }
        requireRank(1);
        OnnxTensor b = node.floatConstant(1, "weight", 2);
        int outFeatures = transB == 1 ? b.dims()[0] : b.dims()[1];
        dense(b, transB == 1, node.hasInput(2) ? node.vector(2, "bias", outFeatures) : new float[outFeatures]);
    }

    private void matMul() throws ModelFormatException {
        node.allowOnly();
        requireRank(1);
        OnnxTensor b = node.floatConstant(1, "weight", 2);
        matMulBias = new float[b.dims()[1]];
        dense(b, false, matMulBias);
    }

    /** The Add of a bias right after a MatMul: {@code Y = X·B + c}. */
    private void addBias() throws ModelFormatException {
        node.allowOnly();
        int chained = node.inputs().indexOf(current);
        if (matMulBias == null || node.inputs().size() != 2 || chained < 0 || node.outputs().isEmpty()) {
            throw node.refuse("Weft reads Add only as the bias of the MatMul right before it");
        }
        float[] bias = node.vector(1 - chained, "bias", matMulBias.length);
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
            throw node.refuse("weight dimensions " + Arrays.toString(b.dims()) + " do not fit " + shape[0]
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
            LayerNodes.copy(weights, dense.weights().value());
            LayerNodes.copy(bias, dense.bias().value());
        });
        add(dense, new int[] {outFeatures});
    }

    private void softmax() throws ModelFormatException {
        node.allowOnly("axis");
        long axis = node.intAttribute("axis", -1);
        if (index != graph.nodes().size() - 1 || shape.length != 1 || (axis != -1 && axis != 1)) {
            throw node.refuse("Weft reads Softmax only as the last node, over the classes (axis -1 or 1)");
        }
        // Dropped: the model then outputs the logits, and predictProbabilities gives the softmax of them.
    }
}
