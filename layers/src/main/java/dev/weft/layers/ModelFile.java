package dev.weft.layers;

import dev.weft.core.AtomicFiles;
import dev.weft.core.Tensor;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Weft's model file format, version 1. All numbers are big-endian; strings are Java "modified UTF-8" with a
 * 2-byte length ({@link DataOutputStream#writeUTF}).
 *
 * <pre>
 * header   magic        8 bytes  "WEFTMODL"
 *          version      u32      1
 *          payloadSize  u64      bytes between the header and the checksum
 * payload  seed         i64      the seed the model was built with (Dropout masks derive from it)
 *          inputRank    u8, then inputRank × u32 dimensions
 *          layerCount   u32, then per layer its {@link LayerSpec}:
 *              type     utf      a type name registered in {@link LayerTypes}, e.g. "Conv2D"
 *              ints     u8 count, then i32 values   the integer settings, e.g. Conv2D: outChannels, kernel,
 *                                                    stride, padding (0 = VALID, 1 = SAME)
 *              floats   u8 count, then f32 values   the float settings, e.g. BatchNorm: momentum, epsilon
 *          tensorCount  u32, then per tensor (parameters layer by layer, then BatchNorm running statistics):
 *              name     utf      "conv2d_1/weights", ..., "batchnorm_1/runningMean"
 *              rank     u8, then rank × u32 dimensions
 *              values   f32 × product(dimensions)
 * trailer  crc32        u32      CRC-32 of every byte before it (header and payload)
 * </pre>
 *
 * Loading refuses anything but a regular file of at most {@link #MAX_FILE_SIZE} bytes before reading it (a named
 * pipe would block), then checks the magic number, the length and the CRC-32 before it interprets anything else
 * (the version included), so a flipped bit reads as a corrupt file. It then reads the layer specs and works out,
 * through {@link LayerTypes.Entry#shapes()}, every layer's output shape and every tensor's shape, refusing any
 * that does not fit an array; every tensor header must match, its values must be present, finite, and for a
 * variance non-negative. Only then are the layers built, so loading never allocates much more than the file holds.
 * Layer settings out of range (a dropout rate of 1, an infinite epsilon, a kernel of 0) are refused by the layer's
 * factory. Every problem is a {@link ModelFormatException} naming the file, the byte position, the layer or the
 * tensor; only a fully read model is returned. Neither saving nor loading names a layer class: each layer states
 * its settings ({@link Layer#spec()}) and the registry rebuilds it from them.
 */
public final class ModelFile {
    static final byte[] MAGIC = "WEFTMODL".getBytes(StandardCharsets.US_ASCII);
    /** The format version this class writes and reads. */
    public static final int VERSION = 1;
    static final int HEADER_SIZE = 8 + 4 + 8;
    /** The largest model file {@link #load} reads: its weights take as much memory again once loaded. */
    public static final long MAX_FILE_SIZE = 512L << 20;
    /** The most layers a model file may declare. */
    public static final int MAX_LAYERS = 10_000;

    private ModelFile() {
    }

    /** Writes {@code model} to {@code file} via a temporary file in the same folder and an atomic move. */
    public static void save(Sequential model, Path file) throws IOException {
        // A failure never leaves half a model behind: a temporary file beside the target, renamed over it.
        AtomicFiles.writeBytes(file, encode(model));
    }

    static byte[] encode(Sequential model) {
        try {
            ByteArrayOutputStream payloadBytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(payloadBytes);
            out.writeLong(model.seed());
            writeShape(out, model.inputShape());
            out.writeInt(model.layers().size());
            for (Layer layer : model.layers()) {
                writeLayer(out, layer);
            }
            List<String> names = new ArrayList<>();
            List<Tensor> tensors = new ArrayList<>();
            namedState(model, names, tensors);
            out.writeInt(tensors.size());
            for (int i = 0; i < tensors.size(); i++) {
                Tensor t = tensors.get(i);
                out.writeUTF(names.get(i));
                writeShape(out, t.shape());
                float[] data = t.data();
                for (int k = 0; k < t.size(); k++) {
                    out.writeFloat(data[t.offset() + k]);
                }
            }
            out.flush();
            byte[] payload = payloadBytes.toByteArray();

            ByteArrayOutputStream all = new ByteArrayOutputStream(HEADER_SIZE + payload.length + 4);
            DataOutputStream file = new DataOutputStream(all);
            file.write(MAGIC);
            file.writeInt(VERSION);
            file.writeLong(payload.length);
            file.write(payload);
            file.flush();
            CRC32 crc = new CRC32();
            crc.update(all.toByteArray());
            file.writeInt((int) crc.getValue());
            file.flush();
            return all.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
    }

    /** Names and tensors in file order: parameters layer by layer, then statistics layer by layer. */
    static void namedState(Sequential model, List<String> names, List<Tensor> tensors) {
        for (Layer layer : model.layers()) {
            for (Parameter p : layer.parameters()) {
                names.add(layer.name() + "/" + p.name());
                tensors.add(p.value());
            }
        }
        for (Layer layer : model.layers()) {
            for (Map.Entry<String, Tensor> e : layer.statistics().entrySet()) {
                names.add(layer.name() + "/" + e.getKey());
                tensors.add(e.getValue());
            }
        }
    }

    private static void writeShape(DataOutputStream out, int[] shape) throws IOException {
        out.writeByte(shape.length);
        for (int d : shape) {
            out.writeInt(d);
        }
    }

    private static void writeLayer(DataOutputStream out, Layer layer) throws IOException {
        LayerSpec spec = layer.spec().orElse(null);
        LayerTypes.Entry entry = spec == null ? null : LayerTypes.find(spec.type());
        if (entry == null || spec.ints().length != entry.intCount() || spec.floats().length != entry.floatCount()) {
            throw new IllegalArgumentException("cannot save layer " + layer.name() + " of type "
                    + layer.getClass().getName() + ": the model file knows only the layer types registered in "
                    + "LayerTypes (" + String.join(", ", LayerTypes.names()) + "), with their settings");
        }
        int[] ints = spec.ints();
        float[] floats = spec.floats();
        out.writeUTF(spec.type());
        out.writeByte(ints.length);
        for (int v : ints) {
            out.writeInt(v);
        }
        out.writeByte(floats.length);
        for (float v : floats) {
            out.writeFloat(v);
        }
    }

    /**
     * Reads a model; see the class comment for the checks made.
     *
     * @throws ModelFormatException for a file that is not a regular file of at most {@link #MAX_FILE_SIZE} bytes
     *                              or is not a valid model file
     * @throws IOException          if the file cannot be read
     */
    public static Sequential load(Path file) throws IOException {
        // Attributes first: opening a named pipe would block until a writer comes, and a device has no end.
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (!attributes.isRegularFile()) {
            throw new ModelFormatException(file, 0, "expected a regular file but found "
                    + (attributes.isDirectory() ? "a directory" : "a special file (a pipe, a device or a socket)"));
        }
        if (attributes.size() > MAX_FILE_SIZE) {
            throw new ModelFormatException(file, 0, "expected at most " + MAX_FILE_SIZE + " bytes but the file has "
                    + attributes.size());
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) MAX_FILE_SIZE + 1);
        }
        if (bytes.length > MAX_FILE_SIZE) {
            throw new ModelFormatException(file, MAX_FILE_SIZE, "expected at most " + MAX_FILE_SIZE
                    + " bytes but the file grew beyond that while it was read");
        }
        return decode(bytes, file);
    }

    static Sequential decode(byte[] bytes, Path file) throws ModelFormatException {
        Reader in = new Reader(bytes, file);
        if (bytes.length < MAGIC.length) {
            throw in.error(0, "truncated: expected at least " + (HEADER_SIZE + 4) + " bytes but the file has "
                    + bytes.length);
        }
        byte[] magic = Arrays.copyOf(bytes, MAGIC.length);
        if (!Arrays.equals(magic, MAGIC)) {
            throw in.error(0, "bad magic number: expected " + hex(MAGIC) + " (\"WEFTMODL\") but found " + hex(magic));
        }
        if (bytes.length < HEADER_SIZE + 4) {
            throw in.error(bytes.length, "truncated: expected at least " + (HEADER_SIZE + 4)
                    + " bytes but the file has " + bytes.length);
        }
        // The length comes before the checksum only to tell a truncated file from a corrupt one; the version and
        // the payload are interpreted after the checksum, so a flipped bit reads as corruption.
        long payloadSize = ByteBuffer.wrap(bytes).getLong(MAGIC.length + 4);
        long expectedLength = payloadSize < 0 || payloadSize > MAX_FILE_SIZE ? -1 : HEADER_SIZE + payloadSize + 4;
        if (expectedLength < 0 || bytes.length < expectedLength) {
            throw in.error(bytes.length, "truncated: the header announces "
                    + (expectedLength < 0 ? "a payload of " + payloadSize : String.valueOf(expectedLength))
                    + " bytes but the file has " + bytes.length);
        }
        if (bytes.length > expectedLength) {
            throw in.error(expectedLength, "unexpected data: the header announces " + expectedLength
                    + " bytes but the file has " + bytes.length);
        }
        int checksumAt = (int) (HEADER_SIZE + payloadSize);
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, checksumAt);
        int stored = ByteBuffer.wrap(bytes, checksumAt, 4).getInt();
        if (stored != (int) crc.getValue()) {
            throw in.error(checksumAt, String.format("checksum mismatch: expected CRC-32 %08x (computed) but "
                    + "found %08x (stored): the file is corrupt", (int) crc.getValue(), stored));
        }
        in.position = MAGIC.length;
        int version = in.readInt();
        if (version != VERSION) {
            throw in.error(MAGIC.length, "unsupported format version: expected " + VERSION + " but found " + version);
        }
        in.position = HEADER_SIZE;
        in.limit = checksumAt;

        long seed = in.readLong();
        int[] inputShape = in.readShape("input shape");
        int layerCount = in.readInt();
        // A layer's spec takes at least 4 bytes (an empty name and two counts), so the payload bounds the count.
        if (layerCount < 1 || layerCount > MAX_LAYERS || layerCount > (in.limit - in.position) / 4) {
            throw in.error(in.position - 4, "expected a layer count in [1, " + MAX_LAYERS + "] that the "
                    + (in.limit - in.position) + " remaining bytes can hold but found " + layerCount);
        }
        List<PositionedSpec> specs = new ArrayList<>();
        Layer[] layers = new Layer[layerCount];
        for (int i = 0; i < layerCount; i++) {
            specs.add(readSpec(in, i));
            layers[i] = create(in, specs.get(i), i);
        }
        List<TensorHeader> expected = expectedTensors(in, inputShape, specs);

        int tensorCount = in.readInt();
        if (tensorCount != expected.size()) {
            throw in.error(in.position - 4, "expected " + expected.size() + " tensors for this architecture but found "
                    + tensorCount);
        }
        float[][] values = new float[expected.size()][];
        for (int i = 0; i < values.length; i++) {
            values[i] = readTensor(in, expected.get(i));
        }
        if (in.position != in.limit) {
            throw in.error(in.position, "expected the checksum after the last tensor but found "
                    + (in.limit - in.position) + " more payload bytes");
        }

        // Every tensor the model allocates now has the shape of one just read from the file.
        Sequential model;
        try {
            model = new Sequential(inputShape, seed, layers);
        } catch (IllegalArgumentException e) {
            throw in.error(HEADER_SIZE, "the architecture does not fit together: " + e.getMessage());
        }
        List<String> names = new ArrayList<>();
        List<Tensor> tensors = new ArrayList<>();
        namedState(model, names, tensors);
        for (int i = 0; i < tensors.size(); i++) {
            TensorHeader header = expected.get(i);
            if (!names.get(i).equals(header.name()) || !Arrays.equals(tensors.get(i).shape(), header.dimensions())) {
                throw in.error(header.at(), "the registry's shapes disagree with the built model: expected "
                        + header.name() + " " + Arrays.toString(header.dimensions()) + " but the model has "
                        + names.get(i) + " " + Arrays.toString(tensors.get(i).shape()));
            }
        }
        model.setWeights(values);
        return model;
    }

    /** A layer's spec and the byte position it was read from, for messages. */
    private record PositionedSpec(LayerSpec spec, long at) {
    }

    /**
     * A tensor the architecture needs: its full name, shape, element count, whether it must be non-negative, and
     * the position of its layer's spec, for messages.
     */
    private record TensorHeader(String name, int[] dimensions, int size, boolean nonNegative, long at) {
    }

    /**
     * Walks the shapes of the layers {@code specs} describe from {@code inputShape} without building anything:
     * the tensors the built model will hold, in file order, each refused unless it fits an array.
     */
    private static List<TensorHeader> expectedTensors(Reader in, int[] inputShape, List<PositionedSpec> specs)
            throws ModelFormatException {
        requireSize(in, HEADER_SIZE + 8, "the input shape", inputShape);
        List<List<LayerTypes.TensorShape>> parameters = new ArrayList<>();
        List<List<LayerTypes.TensorShape>> statistics = new ArrayList<>();
        List<String> layerNames = new ArrayList<>();
        Map<String, Integer> counts = new HashMap<>();
        int[] shape = inputShape;
        for (int i = 0; i < specs.size(); i++) {
            LayerSpec spec = specs.get(i).spec();
            long at = specs.get(i).at();
            // The names Sequential gives: the type in lower case and a count per type.
            String prefix = spec.type().toLowerCase(Locale.ROOT);
            String name = prefix + "_" + counts.merge(prefix, 1, Integer::sum);
            LayerTypes.Shapes shapes;
            try {
                shapes = LayerTypes.find(spec.type()).shapes().apply(spec, shape);
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw in.error(at, "the architecture does not fit together: layer " + i + ": " + name
                        + " (" + spec.type() + ") cannot take input shape " + Arrays.toString(shape) + ": "
                        + e.getMessage());
            }
            shape = shapes.output();
            requireSize(in, at, "the output of layer " + i + " (" + name + ")", shape);
            layerNames.add(name);
            parameters.add(shapes.parameters());
            statistics.add(shapes.statistics());
        }
        List<TensorHeader> expected = new ArrayList<>();
        for (List<List<LayerTypes.TensorShape>> group : List.of(parameters, statistics)) {
            for (int i = 0; i < specs.size(); i++) {
                for (LayerTypes.TensorShape t : group.get(i)) {
                    String name = layerNames.get(i) + "/" + t.name();
                    long at = specs.get(i).at();
                    int size = requireSize(in, at, "tensor " + name, t.dimensions());
                    expected.add(new TensorHeader(name, t.dimensions(), size, t.nonNegative(), at));
                }
            }
        }
        return expected;
    }

    /** The number of elements of {@code shape}, refused unless it fits an array. */
    private static int requireSize(Reader in, long at, String what, int[] shape) throws ModelFormatException {
        long size = 1;
        for (int d : shape) {
            size *= d;
            if (d < 1 || size > Integer.MAX_VALUE) {
                throw in.error(at, what + " " + Arrays.toString(shape) + ": expected positive dimensions and at most "
                        + Integer.MAX_VALUE + " elements");
            }
        }
        return (int) size;
    }

    /** Reads one tensor whose name and shape must be {@code expected}'s; its values must be finite. */
    private static float[] readTensor(Reader in, TensorHeader expected) throws ModelFormatException {
        long at = in.position;
        String name = in.readUtf();
        int[] shape = in.readShape("tensor " + name);
        if (!name.equals(expected.name()) || !Arrays.equals(shape, expected.dimensions())) {
            throw in.error(at, "shape mismatch: expected tensor " + expected.name() + " "
                    + Arrays.toString(expected.dimensions()) + " but found " + name + " " + Arrays.toString(shape));
        }
        long valuesAt = in.position;
        in.require(4L * expected.size());
        float[] values = new float[expected.size()];
        for (int k = 0; k < values.length; k++) {
            float v = in.readFloat();
            if (!Float.isFinite(v) || (expected.nonNegative() && v < 0)) {
                throw in.error(valuesAt + 4L * k, "tensor " + name + " element " + k + ": expected a finite"
                        + (expected.nonNegative() ? ", non-negative" : "") + " value but found " + v);
            }
            values[k] = v;
        }
        return values;
    }

    private static PositionedSpec readSpec(Reader in, int index) throws ModelFormatException {
        long at = in.position;
        String type = in.readUtf();
        int[] ints = new int[in.readByte()];
        for (int i = 0; i < ints.length; i++) {
            ints[i] = in.readInt();
        }
        float[] floats = new float[in.readByte()];
        for (int i = 0; i < floats.length; i++) {
            floats[i] = in.readFloat();
        }
        LayerTypes.Entry entry = LayerTypes.find(type);
        if (entry == null) {
            throw in.error(at, "unknown layer type \"" + type + "\" for layer " + index + ": expected one of "
                    + String.join(", ", LayerTypes.names()));
        }
        in.expectCounts(at, type, ints, entry.intCount(), floats, entry.floatCount());
        return new PositionedSpec(new LayerSpec(type, ints, floats), at);
    }

    /** An unbuilt layer from {@code spec}: the factory refuses settings out of range, e.g. a rate of 1. */
    private static Layer create(Reader in, PositionedSpec read, int index) throws ModelFormatException {
        LayerSpec spec = read.spec();
        try {
            return LayerTypes.find(spec.type()).factory().apply(spec);
        } catch (IllegalArgumentException e) {
            throw in.error(read.at(), "invalid configuration of layer " + index + " (" + spec.type() + "): "
                    + e.getMessage());
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(String.format("%02x", b & 0xff));
        }
        return sb.toString();
    }

    /** Bounds-checked big-endian reads that report the byte position. */
    private static final class Reader {
        final ByteBuffer buffer;
        final Path file;
        long position;
        long limit;

        Reader(byte[] bytes, Path file) {
            this.buffer = ByteBuffer.wrap(bytes);
            this.file = file;
            this.limit = bytes.length;
        }

        ModelFormatException error(long at, String problem) {
            return new ModelFormatException(file, at, problem);
        }

        /** Refuses to go on unless {@code n} more bytes remain: checked before allocating room for them. */
        void require(long n) throws ModelFormatException {
            if (n > limit - position) {
                throw error(position, "truncated: expected " + n + " more bytes but only " + (limit - position)
                        + " remain");
            }
        }

        private int take(int n) throws ModelFormatException {
            if (position + n > limit) {
                throw error(position, "truncated: expected " + n + " more bytes but only " + (limit - position)
                        + " remain");
            }
            int at = (int) position;
            position += n;
            return at;
        }

        int readByte() throws ModelFormatException {
            return buffer.get(take(1)) & 0xff;
        }

        int readInt() throws ModelFormatException {
            return buffer.getInt(take(4));
        }

        long readLong() throws ModelFormatException {
            return buffer.getLong(take(8));
        }

        float readFloat() throws ModelFormatException {
            return buffer.getFloat(take(4));
        }

        String readUtf() throws ModelFormatException {
            int length = buffer.getShort(take(2)) & 0xffff;
            int at = take(length);
            byte[] raw = new byte[length];
            buffer.get(at, raw);
            return new String(raw, StandardCharsets.UTF_8);
        }

        int[] readShape(String what) throws ModelFormatException {
            long at = position;
            int rank = readByte();
            if (rank < 1 || rank > 4) {
                throw error(at, what + ": expected a rank from 1 to 4 but found " + rank);
            }
            int[] shape = new int[rank];
            for (int i = 0; i < rank; i++) {
                shape[i] = readInt();
                if (shape[i] < 1) {
                    throw error(position - 4, what + ": expected a positive dimension but found " + shape[i]);
                }
            }
            return shape;
        }

        void expectCounts(long at, String type, int[] ints, int intCount, float[] floats, int floatCount)
                throws ModelFormatException {
            if (ints.length != intCount || floats.length != floatCount) {
                throw error(at, type + ": expected " + intCount + " integer and " + floatCount
                        + " float settings but found " + ints.length + " and " + floats.length);
            }
        }
    }
}
