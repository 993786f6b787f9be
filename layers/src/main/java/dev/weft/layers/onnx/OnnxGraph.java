package dev.weft.layers.onnx;

import dev.weft.layers.ModelFormatException;
import dev.weft.layers.onnx.ProtoReader.FloatList;
import dev.weft.layers.onnx.ProtoReader.LongList;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
                case 1 -> nodes.add(node(graph));
                case 5 -> {
                    OnnxTensor t = tensor(graph);
                    initializers.put(t.name(), t);
                }
                case 11 -> inputs.add(valueInfo(graph));
                case 12 -> outputs.add(valueInfo(graph));
                case 15 -> throw graph.error("sparse initializers are not supported");
                default -> graph.skip();
            }
        }
        return new OnnxGraph(opset, inputs, outputs, nodes, initializers);
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
                case 1 -> inputs.add(string(node, "NodeProto.input"));
                case 2 -> outputs.add(string(node, "NodeProto.output"));
                case 3 -> name = string(node, "NodeProto.name");
                case 4 -> opType = string(node, "NodeProto.op_type");
                case 5 -> {
                    Attribute a = attribute(node);
                    attributes.put(a.name(), a);
                }
                case 7 -> domain = string(node, "NodeProto.domain");
                default -> node.skip();
            }
        }
        return new Node(name, opType, domain, inputs, outputs, attributes, position);
    }

    private static String string(ProtoReader reader, String what) throws ModelFormatException {
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
        LongList ints = new LongList();
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
                case 5 -> t = tensor(a);
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

    private static ProtoReader messageField(ProtoReader reader, String what) throws ModelFormatException {
        reader.expect(ProtoWriter.LENGTH_DELIMITED, what);
        return reader.message();
    }

    private static long[] shape(ProtoReader shape) throws ModelFormatException {
        LongList dims = new LongList();
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

    /** A TensorProto with FLOAT or INT64 data, its element count checked against the data present. */
    private static OnnxTensor tensor(ProtoReader parent) throws ModelFormatException {
        parent.expect(ProtoWriter.LENGTH_DELIMITED, "TensorProto");
        int position = parent.position();
        ProtoReader t = parent.message();
        LongList dimList = new LongList();
        int dataType = 0;
        String name = "";
        FloatList floatData = new FloatList();
        LongList int64Data = new LongList();
        ProtoReader raw = null;
        while (t.hasMore()) {
            int field = t.field();
            switch (field) {
                case 1 -> t.int64s(dimList);
                case 2 -> {
                    t.expect(ProtoWriter.VARINT, "TensorProto.data_type");
                    dataType = t.intVarint("TensorProto.data_type", 0, 1000);
                }
                case 4 -> t.floats(floatData);
                case 7 -> {
                    t.int64s(int64Data);
                }
                case 8 -> name = string(t, "TensorProto.name");
                case 9 -> raw = messageField(t, "TensorProto.raw_data");
                case 3, 5, 6, 10, 11 -> throw t.error("tensor field " + field
                        + " (segment or a data type other than float and int64) is not supported");
                case 13, 14 -> throw t.error("tensor data stored outside the file (external data) is not supported");
                default -> t.skip();
            }
        }
        String what = "tensor '" + name + "'";
        if (dataType != FLOAT && dataType != INT64) {
            throw new ModelFormatException(parent.file(), position, what + " has data type " + dataType
                    + ", expected 1 (float) or 7 (int64)");
        }
        long[] dims = dimList.toArray();
        int[] intDims = new int[dims.length];
        long count = 1;
        for (int i = 0; i < dims.length; i++) {
            // Each element takes at least one byte of the file, so a count beyond its size cannot be right.
            if (dims[i] < 0 || dims[i] > Integer.MAX_VALUE || (count *= dims[i]) > Integer.MAX_VALUE) {
                throw new ModelFormatException(parent.file(), position, what + " has dimensions "
                        + Arrays.toString(dims) + ": too large or negative");
            }
            intDims[i] = (int) dims[i];
        }
        int elementSize = dataType == FLOAT ? 4 : 8;
        if (raw != null) {
            if (raw.available() != count * elementSize) {
                throw new ModelFormatException(parent.file(), position, what + " has " + raw.available()
                        + " bytes of raw data, expected " + count * elementSize + " for dimensions "
                        + Arrays.toString(dims));
            }
            byte[] data = raw.remaining();
            ByteBuffer buffer = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            if (dataType == FLOAT) {
                float[] values = new float[(int) count];
                buffer.asFloatBuffer().get(values);
                return new OnnxTensor(name, intDims, values, null);
            }
            long[] values = new long[(int) count];
            buffer.asLongBuffer().get(values);
            return new OnnxTensor(name, intDims, null, values);
        }
        float[] floats = floatData.toArray();
        long[] longs = int64Data.toArray();
        int found = dataType == FLOAT ? floats.length : longs.length;
        if (found != count) {
            throw new ModelFormatException(parent.file(), position, what + " holds " + found
                    + " values, expected " + count + " for dimensions " + Arrays.toString(dims));
        }
        return dataType == FLOAT ? new OnnxTensor(name, intDims, floats, null) : new OnnxTensor(name, intDims, null, longs);
    }
}
