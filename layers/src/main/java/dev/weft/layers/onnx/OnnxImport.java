package dev.weft.layers.onnx;

import dev.weft.layers.ModelFormatException;
import dev.weft.layers.Sequential;
import dev.weft.layers.onnx.OnnxGraph.ValueInfo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads an ONNX model into a {@link Sequential}: the file is read under a size cap, decoded by a hand-written
 * protobuf reader ({@link OnnxGraph}) that checks every length against the bytes present, and its nodes are
 * turned into Weft layers one by one ({@link NodeConverter}). The graph must be a chain: one input
 * {@code [N, C, H, W]} (or {@code [N, features]}) with a symbolic or fixed batch, each node taking the previous
 * node's output and constant tensors (initializers), one output. See {@link NodeConverter} for the operators and
 * attributes accepted; anything else is refused naming the node.
 *
 * <p>Every problem, from a truncated file to an unsupported operator, is a {@link ModelFormatException} naming the
 * file, the byte offset (of the node, for a node that cannot be converted) and what was found and expected.
 */
public final class OnnxImport {
    /** The largest input dimension read (height, width or channels), keeping every shape far from overflow. */
    static final int MAX_DIMENSION = 1 << 16;
    /** The most elements per input sample. */
    static final long MAX_SAMPLE_SIZE = 1L << 26;

    /** The largest ONNX file read, as for Weft's own model files. */
    public static final long MAX_FILE_SIZE = 512L << 20;

    private OnnxImport() {
    }

    /**
     * Reads the ONNX model in {@code file}.
     *
     * @throws ModelFormatException if the file is not a regular file under {@link #MAX_FILE_SIZE}, is not valid
     *                              protobuf, or holds an operator, attribute or graph shape Weft cannot run
     * @throws IOException          if the file cannot be read
     */
    public static Sequential read(Path file) throws IOException {
        // Attributes first: opening a named pipe would block until a writer comes, and a device has no end.
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (!attributes.isRegularFile()) {
            throw new ModelFormatException(file, 0, "expected a regular file but found "
                    + (attributes.isDirectory() ? "a directory" : "a special file (a pipe, a device or a socket)"));
        }
        if (attributes.size() > MAX_FILE_SIZE) {
            throw new ModelFormatException(file, 0, "expected at most " + MAX_FILE_SIZE
                    + " bytes but the file has " + attributes.size());
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) MAX_FILE_SIZE + 1);
        }
        if (bytes.length > MAX_FILE_SIZE) {
            throw new ModelFormatException(file, MAX_FILE_SIZE, "expected at most " + MAX_FILE_SIZE
                    + " bytes but the file grew beyond that while it was read");
        }
        return decode(file, bytes);
    }

    /** Decodes the bytes of an ONNX model read from {@code file}. */
    static Sequential decode(Path file, byte[] bytes) throws ModelFormatException {
        if (bytes.length == 0) {
            throw new ModelFormatException(file, 0, "the file is empty, expected an ONNX model");
        }
        OnnxGraph graph = OnnxGraph.parse(file, bytes);
        if (graph.opset() < 1) {
            throw new ModelFormatException(file, 0, "the model names no version of the default operator set "
                    + "(opset_import for domain \"\"), expected e.g. 13");
        }
        List<ValueInfo> inputs = new ArrayList<>();
        for (ValueInfo input : graph.inputs()) {
            if (!graph.initializers().containsKey(input.name())) {
                inputs.add(input);
            }
        }
        if (inputs.size() != 1 || graph.outputs().size() != 1) {
            throw new ModelFormatException(file, 0, "the graph has " + inputs.size() + " inputs and "
                    + graph.outputs().size() + " outputs, expected one of each");
        }
        ValueInfo input = inputs.get(0);
        long[] dims = input.dims();
        if (dims == null || dims.length < 2) {
            throw new ModelFormatException(file, 0, "input '" + input.name() + "' has shape "
                    + (dims == null ? "unknown" : Arrays.toString(dims))
                    + ", expected [batch, channels, height, width] or [batch, features]");
        }
        int[] sample = new int[dims.length - 1];
        long size = 1;
        for (int i = 1; i < dims.length; i++) {
            size *= Math.max(1, Math.min(dims[i], MAX_DIMENSION));
            if (dims[i] < 1 || dims[i] > MAX_DIMENSION || size > MAX_SAMPLE_SIZE) {
                throw new ModelFormatException(file, 0, "input '" + input.name() + "' has shape "
                        + Arrays.toString(dims) + ": every dimension but the batch must be fixed, from 1 to "
                        + MAX_DIMENSION + ", and a sample at most " + MAX_SAMPLE_SIZE + " elements");
            }
            sample[i - 1] = (int) dims[i];
        }
        return new NodeConverter(file, graph, input.name(), sample).convert(graph.outputs().get(0).name());
    }
}
