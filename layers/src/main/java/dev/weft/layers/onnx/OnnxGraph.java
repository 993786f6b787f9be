package dev.weft.layers.onnx;

import dev.weft.layers.ModelFormatException;
import dev.weft.layers.onnx.ProtoReader.LongList;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of an ONNX {@code ModelProto} that import needs, decoded from its protobuf bytes: the default-domain
 * opset, the graph's inputs and outputs with their shapes, its nodes in order and its initializers. Field numbers
 * are those of {@code onnx.proto}; fields not listed there are skipped, as protobuf readers do.
 *
 * @param opset       the version of the default ({@code ""} or {@code "ai.onnx"}) operator set, 0 if none is named
 * @param inputs      the graph inputs (initializers may be listed among them, as older files do)
 * @param outputs     the graph outputs
 * @param nodes       the nodes, in the file's (topological) order
 * @param initializers the constant tensors by name
 */
record OnnxGraph(long opset, List<ValueInfo> inputs, List<ValueInfo> outputs, List<Node> nodes,
                 Map<String, OnnxTensor> initializers) {

    /** The most nodes, initializers, graph inputs or outputs read: decoded, each takes more memory than its bytes. */
    static final int MAX_ENTRIES = 100_000;
    /** The most inputs, outputs or attributes of one node. */
    static final int MAX_PER_NODE = 1_000;
    /** The most values of an integer-list attribute (Weft's have 2 or 4). */
    static final int MAX_INTS = 64;
    /** The most dimensions of a tensor or value. */
    static final int MAX_RANK = 16;

    /** TensorProto data types import reads. */
    static final int FLOAT = 1;
    static final int INT64 = 7;

    /**
     * A graph input or output.
     *
     * @param name the value's name
     * @param dims its shape, -1 for a symbolic or unknown dimension; null if the file gives no shape
     */
    record ValueInfo(String name, long[] dims) {
    }

    /**
     * One node.
     *
     * @param position   byte offset of the node in the file, for error messages
     */
    record Node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                Map<String, Attribute> attributes, int position) {
        /** How error messages name the node: its name (or index) and operator. */
        String describe(int index) {
            return "node " + (name.isEmpty() ? "#" + index : "'" + name + "'") + " (" + opType + ")";
        }
    }

    /**
     * One attribute; which value field is meaningful depends on {@code type} (AttributeProto.AttributeType:
     * 1 FLOAT, 2 INT, 3 STRING, 4 TENSOR, 6 FLOATS, 7 INTS).
     */
    record Attribute(String name, int type, float f, long i, String s, long[] ints, OnnxTensor t) {
    }

    /** A constant tensor: {@code floats} for FLOAT data, {@code longs} for INT64 data (the other is null). */
    record OnnxTensor(String name, int[] dims, float[] floats, long[] longs) {
        int size() {
            return floats != null ? floats.length : longs.length;
        }
    }

    /** Decodes a {@code ModelProto} held in {@code bytes}. */
    static OnnxGraph parse(Path file, byte[] bytes) throws ModelFormatException {
        ProtoReader model = new ProtoReader(file, bytes, 0, bytes.length);
        long opset = 0;
        ProtoReader graph = null;
        while (model.hasMore()) {
            int field = model.field();
            if (field == 7) {                       // ModelProto.graph
                model.expect(ProtoWriter.LENGTH_DELIMITED, "ModelProto.graph");
                graph = model.message();
            } else if (field == 8) {                // ModelProto.opset_import
                model.expect(ProtoWriter.LENGTH_DELIMITED, "ModelProto.opset_import");
                ProtoReader set = model.message();
                String domain = "";
                long version = 0;
                while (set.hasMore()) {
                    int f = set.field();
                    if (f == 1) {
                        set.expect(ProtoWriter.LENGTH_DELIMITED, "OperatorSetIdProto.domain");
                        domain = set.string();
                    } else if (f == 2) {
                        set.expect(ProtoWriter.VARINT, "OperatorSetIdProto.version");
                        version = set.varint();
                    } else {
                        set.skip();
                    }
                }
                if (domain.isEmpty() || domain.equals("ai.onnx")) {
                    opset = version;
                }
            } else {
                model.skip();
            }
        }
        if (graph == null) {
            throw new ModelFormatException(file, 0, "no graph found: not an ONNX model (ModelProto field 7 missing)");
        }
        return parseGraph(graph, opset);
    }

    private static OnnxGraph parseGraph(ProtoReader graph, long opset) throws ModelFormatException {
        List<ValueInfo> inputs = new ArrayList<>();
        List<ValueInfo> outputs = new ArrayList<>();
        List<Node> nodes = new ArrayList<>();
        Map<String, OnnxTensor> initializers = new LinkedHashMap<>();
        while (graph.hasMore()) {
            int field = graph.field();
            switch (field) {
                case 1 -> nodes.add(node(counted(graph, nodes.size(), "nodes")));
                case 5 -> {
                    OnnxTensor t = TensorProtoReader.read(counted(graph, initializers.size(), "initializers"));
                    initializers.put(t.name(), t);
                }
                case 11 -> inputs.add(valueInfo(counted(graph, inputs.size(), "graph inputs")));
                case 12 -> outputs.add(valueInfo(counted(graph, outputs.size(), "graph outputs")));
                case 15 -> throw graph.error("sparse initializers are not supported");
                default -> graph.skip();
            }
        }
        return new OnnxGraph(opset, inputs, outputs, nodes, initializers);
    }

    /** {@code reader}, once it is sure that one more of {@code what} stays within {@link #MAX_ENTRIES}. */
    private static ProtoReader counted(ProtoReader reader, int count, String what) throws ModelFormatException {
        return limited(reader, count, MAX_ENTRIES, what);
    }

    private static ProtoReader limited(ProtoReader reader, int count, int max, String what)
            throws ModelFormatException {
        if (count >= max) {
            throw reader.error("more than " + max + " " + what + ", more than Weft reads");
        }
        return reader;
    }

    private static Node node(ProtoReader parent) throws ModelFormatException {
        parent.expect(ProtoWriter.LENGTH_DELIMITED, "GraphProto.node");
        int position = parent.position();
        ProtoReader node = parent.message();
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        Map<String, Attribute> attributes = new LinkedHashMap<>();
        String name = "";
        String opType = "";
        String domain = "";
        while (node.hasMore()) {
            int field = node.field();
            switch (field) {
                case 1 -> inputs.add(string(limited(node, inputs.size(), MAX_PER_NODE, "node inputs"),
                        "NodeProto.input"));
                case 2 -> outputs.add(string(limited(node, outputs.size(), MAX_PER_NODE, "node outputs"),
                        "NodeProto.output"));
                case 3 -> name = string(node, "NodeProto.name");
                case 4 -> opType = string(node, "NodeProto.op_type");
                case 5 -> {
                    Attribute a = attribute(limited(node, attributes.size(), MAX_PER_NODE, "node attributes"));
                    attributes.put(a.name(), a);
                }
                case 7 -> domain = string(node, "NodeProto.domain");
                default -> node.skip();
            }
        }
        return new Node(name, opType, domain, inputs, outputs, attributes, position);
    }

    static String string(ProtoReader reader, String what) throws ModelFormatException {
        reader.expect(ProtoWriter.LENGTH_DELIMITED, what);
        return reader.string();
    }

    private static Attribute attribute(ProtoReader parent) throws ModelFormatException {
        parent.expect(ProtoWriter.LENGTH_DELIMITED, "NodeProto.attribute");
        ProtoReader a = parent.message();
        String name = "";
        int type = 0;
        float f = 0;
        long i = 0;
        String s = null;
        LongList ints = new LongList("attribute 'ints'", MAX_INTS);
        OnnxTensor t = null;
        while (a.hasMore()) {
            int field = a.field();
            switch (field) {
                case 1 -> name = string(a, "AttributeProto.name");
                case 2 -> {
                    a.expect(ProtoWriter.FIXED32, "AttributeProto.f");
                    f = a.fixed32();
                }
                case 3 -> {
                    a.expect(ProtoWriter.VARINT, "AttributeProto.i");
                    i = a.varint();
                }
                case 4 -> s = string(a, "AttributeProto.s");
                case 5 -> t = TensorProtoReader.read(a);
                case 8 -> a.int64s(ints);
                case 20 -> {
                    a.expect(ProtoWriter.VARINT, "AttributeProto.type");
                    type = a.intVarint("attribute type", 0, 100);
                }
                default -> a.skip();
            }
        }
        return new Attribute(name, type, f, i, s, ints.toArray(), t);
    }

    private static ValueInfo valueInfo(ProtoReader parent) throws ModelFormatException {
        parent.expect(ProtoWriter.LENGTH_DELIMITED, "ValueInfoProto");
        ProtoReader info = parent.message();
        String name = "";
        long[] dims = null;
        while (info.hasMore()) {
            int field = info.field();
            if (field == 1) {
                name = string(info, "ValueInfoProto.name");
            } else if (field == 2) {                        // TypeProto
                ProtoReader type = messageField(info, "ValueInfoProto.type");
                while (type.hasMore()) {
                    if (type.field() == 1) {                // TypeProto.tensor_type
                        ProtoReader tensor = messageField(type, "TypeProto.tensor_type");
                        while (tensor.hasMore()) {
                            if (tensor.field() == 2) {      // TypeProto.Tensor.shape
                                dims = shape(messageField(tensor, "TypeProto.Tensor.shape"));
                            } else {
                                tensor.skip();
                            }
                        }
                    } else {
                        type.skip();
                    }
                }
            } else {
                info.skip();
            }
        }
        return new ValueInfo(name, dims);
    }

    static ProtoReader messageField(ProtoReader reader, String what) throws ModelFormatException {
        reader.expect(ProtoWriter.LENGTH_DELIMITED, what);
        return reader.message();
    }

    private static long[] shape(ProtoReader shape) throws ModelFormatException {
        LongList dims = new LongList("a value's shape", MAX_RANK);
        while (shape.hasMore()) {
            if (shape.field() == 1) {                       // TensorShapeProto.dim
                ProtoReader dim = messageField(shape, "TensorShapeProto.dim");
                long value = -1;
                while (dim.hasMore()) {
                    if (dim.field() == 1) {                 // dim_value; dim_param (2) leaves it symbolic
                        dim.expect(ProtoWriter.VARINT, "Dimension.dim_value");
                        value = dim.varint();
                    } else {
                        dim.skip();
                    }
                }
                dims.add(value);
            } else {
                shape.skip();
            }
        }
        return dims.toArray();
    }
}
