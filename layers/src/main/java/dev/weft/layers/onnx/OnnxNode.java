package dev.weft.layers.onnx;

import dev.weft.layers.ModelFormatException;
import dev.weft.layers.onnx.OnnxGraph.Attribute;
import dev.weft.layers.onnx.OnnxGraph.Node;
import dev.weft.layers.onnx.OnnxGraph.OnnxTensor;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * One node of a graph being imported, with what {@link NodeConverter} asks of it: its attributes (with ONNX's
 * defaults when absent, and a refusal of any it does not read) and its constant inputs (checked for type, rank
 * and finite values). Every refusal is a {@link ModelFormatException} at the node's byte offset, naming it.
 */
final class OnnxNode {
    private final Path file;
    private final OnnxGraph graph;
    private final Node node;
    private final int index;
    /** Every value read by a node or the graph output. */
    private final Set<String> consumed;

    OnnxNode(Path file, OnnxGraph graph, Node node, int index, Set<String> consumed) {
        this.file = file;
        this.graph = graph;
        this.node = node;
        this.index = index;
        this.consumed = consumed;
    }

    String opType() {
        return node.opType();
    }

    String domain() {
        return node.domain();
    }

    List<String> inputs() {
        return node.inputs();
    }

    List<String> outputs() {
        return node.outputs();
    }

    /** A refusal of this node: the file, its byte offset, its name and operator, and {@code problem}. */
    ModelFormatException refuse(String problem) {
        return new ModelFormatException(file, node.position(), node.describe(index) + ": " + problem);
    }

    /** Refuses the node if it has attributes other than {@code allowed}. */
    void allowOnly(String... allowed) throws ModelFormatException {
        for (String name : node.attributes().keySet()) {
            if (!Arrays.asList(allowed).contains(name)) {
                throw refuse("attribute '" + name + "' is not supported" + (allowed.length == 0 ? ""
                        : "; Weft reads " + String.join(", ", allowed)));
            }
        }
    }

    long intAttribute(String name, long otherwise) {
        Attribute a = node.attributes().get(name);
        return a == null ? otherwise : a.i();
    }

    float floatAttribute(String name, float otherwise) {
        Attribute a = node.attributes().get(name);
        return a == null ? otherwise : a.f();
    }

    long[] intsAttribute(String name, long... otherwise) {
        Attribute a = node.attributes().get(name);
        return a == null ? otherwise : a.ints();
    }

    String stringAttribute(String name, String otherwise) {
        Attribute a = node.attributes().get(name);
        return a == null || a.s() == null ? otherwise : a.s();
    }

    /** Whether input {@code i} is given (ONNX marks a skipped optional input with an empty name). */
    boolean hasInput(int i) {
        return node.inputs().size() > i && !node.inputs().get(i).isEmpty();
    }

    /** The constant (initializer) that is input {@code i}. */
    OnnxTensor constant(int i, String role) throws ModelFormatException {
        if (!hasInput(i)) {
            throw refuse("has no " + role + " (input " + i + ")");
        }
        OnnxTensor t = graph.initializers().get(node.inputs().get(i));
        if (t == null) {
            throw refuse(role + " '" + node.inputs().get(i) + "' is not a constant (initializer)");
        }
        return t;
    }

    /** The constant that is input {@code i}, with float values of one of the given ranks, all finite. */
    OnnxTensor floatConstant(int i, String role, int... ranks) throws ModelFormatException {
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

    /** A float constant of {@code size} values shaped {@code [size]} or {@code [1, size]}. */
    float[] vector(int i, String role, int size) throws ModelFormatException {
        OnnxTensor t = floatConstant(i, role, 1, 2);
        if (t.size() != size || (t.dims().length == 2 && t.dims()[0] != 1)) {
            throw refuse(role + " '" + t.name() + "' has dimensions " + Arrays.toString(t.dims())
                    + ", expected [" + size + "]");
        }
        return t.floats();
    }

    /** Refuses the node if an output after the first feeds another node or the graph output. */
    void requireUnusedExtraOutputs() throws ModelFormatException {
        for (String extra : node.outputs().subList(1, node.outputs().size())) {
            if (extra.isEmpty()) {
                continue;
            }
            if (consumed.contains(extra)) {
                throw refuse("its output '" + extra + "' is used; Weft gives only the first");
            }
        }
    }
}
