package dev.weft.layers;

import dev.weft.core.AtomicFiles;
import dev.weft.core.Tensor;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * Loading reads the whole file, checks magic, version, length and checksum before parsing, rebuilds the
 * architecture through {@link LayerTypes}, and checks every tensor's name and shape against it; only a fully read
 * model is returned. Neither saving nor loading names a layer class: each layer states its settings
 * ({@link Layer#spec()}) and the registry rebuilds it from them.
 */
public final class ModelFile {
    static final byte[] MAGIC = "WEFTMODL".getBytes(StandardCharsets.US_ASCII);
    /** The format version this class writes and reads. */
    public static final int VERSION = 1;
    static final int HEADER_SIZE = 8 + 4 + 8;

    private ModelFile() {
    }

    /** Writes {@code model} to {@code file} via a temporary file in the same folder and an atomic move. */
    public static void save(Sequential model, Path file) throws IOException {
        byte[] bytes = encode(model);
        Path absolute = file.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        // A temporary file beside the target with the permissions a new file gets there (not createTempFile's 600),
        // renamed over the target: a failure never leaves half a model behind.
        Path tmp = AtomicFiles.createTemporary(dir, absolute.getFileName().toString());
        try {
            Files.write(tmp, bytes);
            AtomicFiles.moveIntoPlace(tmp, absolute);
        } finally {
            Files.deleteIfExists(tmp);
        }
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

    /** Reads a model; see the class comment for the checks made. */
    public static Sequential load(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return decode(bytes, file);
    }

    static Sequential decode(byte[] bytes, Path file) throws ModelFormatException {
        Reader in = new Reader(bytes, file);
        if (bytes.length < MAGIC.length) {
            throw in.error(0, "truncated: expected at least " + HEADER_SIZE + " header bytes but the file has "
                    + bytes.length);
        }
        byte[] magic = Arrays.copyOf(bytes, MAGIC.length);
        if (!Arrays.equals(magic, MAGIC)) {
            throw in.error(0, "bad magic number: expected " + hex(MAGIC) + " (\"WEFTMODL\") but found " + hex(magic));
        }
        in.position = MAGIC.length;
        int version = in.readInt();
        if (version != VERSION) {
            throw in.error(MAGIC.length, "unsupported format version: expected " + VERSION + " but found " + version);
        }
        long payloadSize = in.readLong();
        long expectedLength = HEADER_SIZE + payloadSize + 4;
        if (payloadSize < 0 || bytes.length < expectedLength) {
            throw in.error(bytes.length, "truncated: the header announces " + expectedLength
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
        in.limit = checksumAt;

        long seed = in.readLong();
        int[] inputShape = in.readShape("input shape");
        int layerCount = in.readInt();
        if (layerCount < 1 || layerCount > 10_000) {
            throw in.error(in.position - 4, "expected a layer count in [1, 10000] but found " + layerCount);
        }
        Layer[] layers = new Layer[layerCount];
        for (int i = 0; i < layerCount; i++) {
            layers[i] = readLayer(in, i);
        }
        Sequential model;
        long archEnd = in.position;
        try {
            model = new Sequential(inputShape, seed, layers);
        } catch (IllegalArgumentException e) {
            throw in.error(archEnd, "the architecture does not fit together: " + e.getMessage());
        }
        List<String> names = new ArrayList<>();
        List<Tensor> tensors = new ArrayList<>();
        namedState(model, names, tensors);
        int tensorCount = in.readInt();
        if (tensorCount != tensors.size()) {
            throw in.error(in.position - 4, "expected " + tensors.size() + " tensors for this architecture but found "
                    + tensorCount);
        }
        float[][] values = new float[tensors.size()][];
        for (int i = 0; i < tensors.size(); i++) {
            long at = in.position;
            String name = in.readUtf();
            int[] shape = in.readShape("tensor " + name);
            int[] expected = tensors.get(i).shape();
            if (!name.equals(names.get(i)) || !Arrays.equals(shape, expected)) {
                throw in.error(at, "shape mismatch: expected tensor " + names.get(i) + " " + Arrays.toString(expected)
                        + " but found " + name + " " + Arrays.toString(shape));
            }
            values[i] = new float[tensors.get(i).size()];
            for (int k = 0; k < values[i].length; k++) {
                values[i][k] = in.readFloat();
            }
        }
        if (in.position != in.limit) {
            throw in.error(in.position, "expected the checksum after the last tensor but found "
                    + (in.limit - in.position) + " more payload bytes");
        }
        model.setWeights(values);
        return model;
    }

    private static Layer readLayer(Reader in, int index) throws ModelFormatException {
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
        try {
            return entry.factory().apply(new LayerSpec(type, ints, floats));
        } catch (IllegalArgumentException e) {
            throw in.error(at, "invalid configuration of layer " + index + " (" + type + "): " + e.getMessage());
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
