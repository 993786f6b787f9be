package dev.weft.layers.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The protobuf wire format, writing side, for the few field kinds ONNX needs: varints (wire type 0),
 * length-delimited bytes, strings and nested messages (wire type 2), and packed repeated floats and int64s. A field
 * starts with its key {@code (fieldNumber << 3) | wireType} as a varint; a varint holds seven bits per byte, low
 * bits first, with the top bit set on every byte but the last; floats are little-endian IEEE 754.
 */
final class ProtoWriter {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** The bytes written so far. */
    byte[] toByteArray() {
        return out.toByteArray();
    }

    private void key(int field, int wireType) {
        rawVarint(((long) field << 3) | wireType);
    }

    private void rawVarint(long value) {
        // Negative int64 values take ten bytes: the unsigned shift brings every bit out.
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    /** An int32, int64 or enum field. */
    ProtoWriter varint(int field, long value) {
        key(field, VARINT);
        rawVarint(value);
        return this;
    }

    /** A float field (fixed32). */
    ProtoWriter float32(int field, float value) {
        key(field, FIXED32);
        int bits = Float.floatToRawIntBits(value);
        for (int shift = 0; shift < 32; shift += 8) {
            out.write(bits >>> shift);
        }
        return this;
    }

    /** A bytes field. */
    ProtoWriter bytes(int field, byte[] value) {
        key(field, LENGTH_DELIMITED);
        rawVarint(value.length);
        out.writeBytes(value);
        return this;
    }

    /** A string field, UTF-8. */
    ProtoWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A nested message field. */
    ProtoWriter message(int field, ProtoWriter message) {
        return bytes(field, message.toByteArray());
    }

    /** The fields already written to {@code other}, appended as they are (protobuf fields may come in any order). */
    ProtoWriter append(ProtoWriter other) {
        out.writeBytes(other.toByteArray());
        return this;
    }

    /** A packed repeated int64 field. */
    ProtoWriter packedInt64(int field, long... values) {
        ProtoWriter body = new ProtoWriter();
        for (long v : values) {
            body.rawVarint(v);
        }
        return bytes(field, body.toByteArray());
    }

    /** {@code count} floats from {@code values[offset..]} as little-endian bytes (a TensorProto's raw_data). */
    static byte[] littleEndian(float[] values, int offset, int count) {
        byte[] bytes = new byte[4 * count];
        for (int i = 0; i < count; i++) {
            int bits = Float.floatToRawIntBits(values[offset + i]);
            for (int b = 0; b < 4; b++) {
                bytes[4 * i + b] = (byte) (bits >>> (8 * b));
            }
        }
        return bytes;
    }
}
