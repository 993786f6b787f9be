package dev.weft.layers.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes small ONNX models node by node (with the exporter's {@link ProtoWriter}), to test import on operators
 * and attribute combinations that Weft's own exports do not contain. Opset 13; input {@code input} with a symbolic
 * batch; the last node's output is the graph output.
 */
final class HandBuiltGraph {
    private final ProtoWriter graph = new ProtoWriter();
    private String last = "input";

    /** Adds a node reading {@code inputs}; attributes are AttributeProto writers. */
    HandBuiltGraph node(String opType, String name, String[] inputs, ProtoWriter... attributes) {
        ProtoWriter node = new ProtoWriter();
        for (String input : inputs) {
            node.string(1, input);
        }
        node.string(2, name).string(3, name).string(4, opType);
        for (ProtoWriter a : attributes) {
            node.message(5, a);
        }
        graph.message(1, node);
        last = name;
        return this;
    }

    /** A float initializer. */
    HandBuiltGraph floats(String name, float[] values, long... dims) {
        graph.message(5, new ProtoWriter().packedInt64(1, dims).varint(2, OnnxGraph.FLOAT).string(8, name)
                .bytes(9, ProtoWriter.littleEndian(values, 0, values.length)));
        return this;
    }

    /** An int64 initializer, written as int64_data (not raw), the other way ONNX stores values. */
    HandBuiltGraph longs(String name, long[] values, long... dims) {
        graph.message(5, new ProtoWriter().packedInt64(1, dims).varint(2, OnnxGraph.INT64).string(8, name)
                .packedInt64(7, values));
        return this;
    }

    static ProtoWriter ints(String name, long... values) {
        return new ProtoWriter().string(1, name).varint(20, 7).packedInt64(8, values);
    }

    static ProtoWriter integer(String name, long value) {
        return new ProtoWriter().string(1, name).varint(20, 2).varint(3, value);
    }

    /** The model, its input {@code [batch, sample...]}. */
    byte[] build(int... sample) {
        ProtoWriter shape = new ProtoWriter().message(1, new ProtoWriter().string(2, "N"));
        for (int d : sample) {
            shape.message(1, new ProtoWriter().varint(1, d));
        }
        ProtoWriter type = new ProtoWriter().message(1, new ProtoWriter().varint(1, OnnxGraph.FLOAT).message(2, shape));
        ProtoWriter g = new ProtoWriter().append(graph).string(2, "hand-built")
                .message(11, new ProtoWriter().string(1, "input").message(2, type))
                .message(12, new ProtoWriter().string(1, last));
        return new ProtoWriter().varint(1, 7).message(7, g)
                .message(8, new ProtoWriter().string(1, "").varint(2, 13)).toByteArray();
    }

    /** {@link #build} written to {@code file}. */
    Path write(Path file, int... sample) throws IOException {
        return Files.write(file, build(sample));
    }
}
