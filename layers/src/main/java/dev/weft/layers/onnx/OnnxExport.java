package dev.weft.layers.onnx;

import dev.weft.core.AtomicFiles;
import dev.weft.core.Tensor;
import dev.weft.core.conv.ConvGeometry;
import dev.weft.layers.BatchNorm;
import dev.weft.layers.Conv2D;
import dev.weft.layers.Dense;
import dev.weft.layers.Dropout;
import dev.weft.layers.Flatten;
import dev.weft.layers.GlobalAveragePool;
import dev.weft.layers.Layer;
import dev.weft.layers.MaxPool2D;
import dev.weft.layers.Padding;
import dev.weft.layers.ReLU;
import dev.weft.layers.Residual;
import dev.weft.layers.Sequential;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a {@link Sequential} as an ONNX model (IR version 7, opset 13) for inference: input {@code input}
 * {@code [batch, inputShape...]} with a symbolic batch, output {@code logits [batch, classes]}, one node per layer
 * and the weights as initializers (little-endian raw data):
 *
 * <table>
 * <caption>Layers written</caption>
 * <tr><th>Weft</th><th>ONNX</th></tr>
 * <tr><td>{@link Conv2D}</td><td>Conv, with the pads VALID or SAME gives (SAME puts an odd extra row at the
 *     bottom and column at the right, as ONNX's SAME_UPPER and Keras do)</td></tr>
 * <tr><td>{@link ReLU}</td><td>Relu</td></tr>
 * <tr><td>{@link MaxPool2D}</td><td>MaxPool</td></tr>
 * <tr><td>{@link BatchNorm}</td><td>BatchNormalization in inference form (running mean and variance, epsilon)</td></tr>
 * <tr><td>{@link Dense}</td><td>Gemm with transB = 1 (Weft stores weights {@code [out, in]})</td></tr>
 * <tr><td>{@link Flatten}</td><td>Flatten, axis 1</td></tr>
 * <tr><td>{@link GlobalAveragePool}</td><td>GlobalAveragePool then Flatten (ONNX keeps the 1x1 spatial axes)</td></tr>
 * <tr><td>{@link Residual}</td><td>its body's nodes (named {@code residual_1/conv1}, ...), then Add of the block's
 * input and the body's output</td></tr>
 * <tr><td>{@link Dropout}</td><td>nothing: it does nothing at inference</td></tr>
 * </table>
 */
public final class OnnxExport {
    /** The ONNX operator set version written. */
    public static final int OPSET = 13;
    /** The IR version that goes with {@link #OPSET}. */
    static final int IR_VERSION = 7;

    // AttributeProto.AttributeType values.
    private static final int FLOAT = 1;
    private static final int INT = 2;
    private static final int INTS = 7;

    /** A node waiting to be written: its output is its name, except the last node's, which is the graph output. */
    private record NodeSpec(String opType, String name, List<String> inputs, ProtoWriter attributes) {
    }

    private final List<NodeSpec> nodes = new ArrayList<>();
    private final List<ProtoWriter> initializers = new ArrayList<>();
    private String current = "input";

    private OnnxExport() {
    }

    /**
     * Writes {@code model} to {@code file} atomically (a temporary file beside it, then a rename), as
     * {@link Sequential#save} does.
     *
     * @throws IllegalArgumentException if the model holds a layer type this class does not know
     */
    public static void write(Sequential model, Path file) throws IOException {
        AtomicFiles.writeBytes(file, encode(model));
    }

    /** The ONNX {@code ModelProto} bytes of {@code model}. */
    static byte[] encode(Sequential model) {
        OnnxExport export = new OnnxExport();
        for (Layer layer : model.layers()) {
            export.layer(layer, layer.name());
        }
        if (export.nodes.isEmpty()) {
            export.node("Identity", "identity", List.of(export.current));
        }
        // Field numbers are onnx.proto's: GraphProto node 1, name 2, initializer 5, input 11, output 12; NodeProto
        // input 1, output 2, name 3, op_type 4, attribute 5; ModelProto ir_version 1, producer_name 2, graph 7,
        // opset_import 8 (OperatorSetIdProto domain 1, version 2).
        ProtoWriter graph = new ProtoWriter();
        for (int i = 0; i < export.nodes.size(); i++) {
            NodeSpec spec = export.nodes.get(i);
            ProtoWriter node = new ProtoWriter();
            for (String input : spec.inputs()) {
                node.string(1, input);
            }
            node.string(2, i == export.nodes.size() - 1 ? "logits" : spec.name());
            node.string(3, spec.name());
            node.string(4, spec.opType());
            node.append(spec.attributes());
            graph.message(1, node);
        }
        graph.string(2, "weft");
        for (ProtoWriter tensor : export.initializers) {
            graph.message(5, tensor);
        }
        graph.message(11, valueInfo("input", model.inputShape()));
        graph.message(12, valueInfo("logits", model.outputShape()));

        ProtoWriter out = new ProtoWriter()
                .varint(1, IR_VERSION)
                .string(2, "weft")
                .message(7, graph)
                .message(8, new ProtoWriter().string(1, "").varint(2, OPSET));
        return out.toByteArray();
    }

    /** Adds the nodes of {@code layer}, named {@code name} (and its initializers {@code name/...}). */
    private void layer(Layer layer, String name) {
        if (layer instanceof Conv2D conv) {
            int[] in = conv.inputShape();
            int k = conv.kernel();
            int s = conv.stride();
            ConvGeometry g = conv.padding() == Padding.SAME
                    ? ConvGeometry.same(1, in[0], in[1], in[2], conv.outChannels(), k, k, s)
                    : ConvGeometry.valid(1, in[0], in[1], in[2], conv.outChannels(), k, k, s);
            long padBottom = conv.padding() == Padding.SAME
                    ? Math.max(0, (g.outHeight() - 1) * s + k - in[1]) - g.padTop() : 0;
            long padRight = conv.padding() == Padding.SAME
                    ? Math.max(0, (g.outWidth() - 1) * s + k - in[2]) - g.padLeft() : 0;
            ProtoWriter node = node("Conv", name, List.of(current,
                    initializer(name + "/weights", conv.weights().value()),
                    initializer(name + "/bias", conv.bias().value())));
            ints(node, "kernel_shape", k, k);
            ints(node, "strides", s, s);
            ints(node, "pads", g.padTop(), g.padLeft(), padBottom, padRight);
            ints(node, "dilations", 1, 1);
            integer(node, "group", 1);
        } else if (layer instanceof ReLU) {
            node("Relu", name, List.of(current));
        } else if (layer instanceof MaxPool2D pool) {
            ProtoWriter node = node("MaxPool", name, List.of(current));
            ints(node, "kernel_shape", pool.pool(), pool.pool());
            ints(node, "strides", pool.stride(), pool.stride());
        } else if (layer instanceof BatchNorm norm) {
            ProtoWriter node = node("BatchNormalization", name, List.of(current,
                    initializer(name + "/gamma", norm.parameters().get(0).value()),
                    initializer(name + "/beta", norm.parameters().get(1).value()),
                    initializer(name + "/runningMean", norm.runningMean()),
                    initializer(name + "/runningVariance", norm.runningVariance())));
            real(node, "epsilon", norm.epsilon());
            real(node, "momentum", norm.momentum());
        } else if (layer instanceof Dense dense) {
            ProtoWriter node = node("Gemm", name, List.of(current,
                    initializer(name + "/weights", dense.weights().value()),
                    initializer(name + "/bias", dense.bias().value())));
            integer(node, "transB", 1);
        } else if (layer instanceof Flatten) {
            flatten(name);
        } else if (layer instanceof GlobalAveragePool) {
            node("GlobalAveragePool", name, List.of(current));
            flatten(name + "/flatten");
        } else if (layer instanceof Residual residual) {
            // Y = X + F(X): the body's nodes from the block's input, then the sum with that input.
            String input = current;
            for (Layer part : residual.body()) {
                layer(part, name + "/" + part.name());
            }
            node("Add", name, List.of(input, current));
        } else if (!(layer instanceof Dropout)) {
            throw new IllegalArgumentException("layer " + name + " (" + layer.type() + ") has no ONNX form; "
                    + "Weft exports Conv2D, ReLU, MaxPool2D, BatchNorm, Dense, Flatten, GlobalAveragePool, Residual and"
                    + " Dropout");
        }
    }

    private void flatten(String name) {
        ProtoWriter node = node("Flatten", name, List.of(current));
        integer(node, "axis", 1);
    }

    /**
     * Adds a node reading {@code inputs}, whose output (named as the node) becomes the current value; returns the
     * writer its attributes go to.
     */
    private ProtoWriter node(String opType, String name, List<String> inputs) {
        ProtoWriter attributes = new ProtoWriter();
        nodes.add(new NodeSpec(opType, name, inputs, attributes));
        current = name;
        return attributes;
    }

    // AttributeProto: name 1, f 2, i 3, ints 8, type 20.
    private static void ints(ProtoWriter node, String name, long... values) {
        node.message(5, new ProtoWriter().string(1, name).varint(20, INTS).packedInt64(8, values));
    }

    private static void integer(ProtoWriter node, String name, long value) {
        node.message(5, new ProtoWriter().string(1, name).varint(20, INT).varint(3, value));
    }

    private static void real(ProtoWriter node, String name, float value) {
        node.message(5, new ProtoWriter().string(1, name).varint(20, FLOAT).float32(2, value));
    }

    /**
     * Adds {@code t} as a float initializer named {@code name}; returns the name. TensorProto: dims 1,
     * data_type 2, name 8, raw_data 9 (little-endian).
     */
    private String initializer(String name, Tensor t) {
        long[] dims = new long[t.shape().length];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = t.shape()[i];
        }
        initializers.add(new ProtoWriter()
                .packedInt64(1, dims)
                .varint(2, OnnxGraph.FLOAT)
                .string(8, name)
                .bytes(9, ProtoWriter.littleEndian(t.data(), t.offset(), t.size())));
        return name;
    }

    /**
     * A ValueInfoProto (name 1, type 2) for a float tensor {@code [batch, sample...]} with a symbolic batch:
     * TypeProto.tensor_type 1 holds elem_type 1 and shape 2, whose dims (1) have dim_value 1 or dim_param 2.
     */
    private static ProtoWriter valueInfo(String name, int[] sample) {
        ProtoWriter shape = new ProtoWriter().message(1, new ProtoWriter().string(2, "batch"));
        for (int d : sample) {
            shape.message(1, new ProtoWriter().varint(1, d));
        }
        ProtoWriter tensorType = new ProtoWriter().varint(1, OnnxGraph.FLOAT).message(2, shape);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
    }
}
