package dev.weft.layers.onnx;

import dev.weft.layers.ModelFormatException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The protobuf wire format, reading side, over one message held in memory: {@code bytes[position..end)}. Every
 * length is checked against the bytes that remain before anything is allocated or skipped, so a hostile length
 * fails at once instead of asking for gigabytes; every varint is at most ten bytes; group wire types (3 and 4,
 * unused by ONNX) are refused. Any problem is a {@link ModelFormatException} naming the file and the byte offset.
 */
final class ProtoReader {
    private final Path file;
    private final byte[] bytes;
    private final int end;
    private int position;
    private int wireType;

    ProtoReader(Path file, byte[] bytes, int from, int end) {
        this.file = file;
        this.bytes = bytes;
        this.position = from;
        this.end = end;
    }

    /** The file being read. */
    Path file() {
        return file;
    }

    /** Byte offset of the next field, for error messages. */
    int position() {
        return position;
    }

    /** A format error at the current position. */
    ModelFormatException error(String problem) {
        return new ModelFormatException(file, position, problem);
    }

    /** Whether another field follows. */
    boolean hasMore() {
        return position < end;
    }

    /** Reads the next field's key and returns its field number; its wire type is then {@link #wireType()}. */
    int field() throws ModelFormatException {
        int start = position;
        long key = varint();
        int type = (int) (key & 7);
        long number = key >>> 3;
        if (number < 1 || number > 0x1FFFFFFF) {
            throw new ModelFormatException(file, start, "field number " + number + " is out of protobuf's range");
        }
        if (type != ProtoWriter.VARINT && type != ProtoWriter.FIXED64 && type != ProtoWriter.LENGTH_DELIMITED
                && type != ProtoWriter.FIXED32) {
            throw new ModelFormatException(file, start, "field " + number + " has wire type " + type
                    + ", expected 0, 1, 2 or 5: not an ONNX model, or a damaged one");
        }
        wireType = type;
        return (int) number;
    }

    /** The wire type of the field just read by {@link #field()}. */
    int wireType() {
        return wireType;
    }

    /** A varint of up to ten bytes. */
    long varint() throws ModelFormatException {
        long value = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (position >= end) {
                throw error("a varint runs past the end of its message");
            }
            int b = bytes[position++];
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw error("a varint is longer than ten bytes");
    }

    /** A varint that must fit an {@code int} and lie in [min, max]. */
    int intVarint(String what, long min, long max) throws ModelFormatException {
        int start = position;
        long v = varint();
        if (v < min || v > max) {
            throw new ModelFormatException(file, start, what + " is " + v + ", expected " + min + " to " + max);
        }
        return (int) v;
    }

    /** A little-endian fixed32 field's value as a float. */
    float fixed32() throws ModelFormatException {
        require(4, "a fixed32 value");
        int bits = 0;
        for (int b = 0; b < 4; b++) {
            bits |= (bytes[position++] & 0xFF) << (8 * b);
        }
        return Float.intBitsToFloat(bits);
    }

    /** The length of a length-delimited field, checked against the bytes that remain. */
    private int length() throws ModelFormatException {
        int start = position;
        long length = varint();
        if (length < 0 || length > end - position) {
            throw new ModelFormatException(file, start, "a field claims " + Long.toUnsignedString(length)
                    + " bytes but its message has " + (end - position) + " left: the file is truncated or damaged");
        }
        return (int) length;
    }

    private void require(int count, String what) throws ModelFormatException {
        if (end - position < count) {
            throw error(what + " needs " + count + " bytes but " + (end - position) + " are left");
        }
    }

    /** A nested message: a reader over its bytes; this reader moves past them. */
    ProtoReader message() throws ModelFormatException {
        int length = length();
        ProtoReader nested = new ProtoReader(file, bytes, position, position + length);
        position += length;
        return nested;
    }

    /** A string field (UTF-8). */
    String string() throws ModelFormatException {
        int length = length();
        String s = new String(bytes, position, length, StandardCharsets.UTF_8);
        position += length;
        return s;
    }

    /** A bytes field as a reader over them (no copy). */
    ProtoReader bytesField() throws ModelFormatException {
        return message();
    }

    /** The unread bytes of this reader as a little-endian buffer over the same memory (no copy). */
    ByteBuffer littleEndianView() {
        ByteBuffer view = ByteBuffer.wrap(bytes, position, end - position).slice().order(ByteOrder.LITTLE_ENDIAN);
        position = end;
        return view;
    }

    /** Number of unread bytes. */
    int available() {
        return end - position;
    }

    /** Skips the value of a field this reader does not need. */
    void skip() throws ModelFormatException {
        switch (wireType) {
            case ProtoWriter.VARINT -> varint();
            case ProtoWriter.FIXED64 -> {
                require(8, "a fixed64 value");
                position += 8;
            }
            case ProtoWriter.FIXED32 -> {
                require(4, "a fixed32 value");
                position += 4;
            }
            default -> {
                int length = length();   // read before adding: `position += length()` would add to the old position
                position += length;
            }
        }
    }

    /** Adds a repeated int64 field's values (packed or one per field) to {@code list}. */
    void int64s(LongList list) throws ModelFormatException {
        if (wireType == ProtoWriter.VARINT) {
            add(list, varint());
        } else if (wireType == ProtoWriter.LENGTH_DELIMITED) {
            ProtoReader packed = message();
            while (packed.hasMore()) {
                add(list, packed.varint());
            }
        } else {
            throw error("a repeated integer field has wire type " + wireType + ", expected 0 or 2");
        }
    }

    private void add(LongList list, long value) throws ModelFormatException {
        if (list.size == list.max) {
            throw error(list.what + " has more than " + list.max + " values, more than Weft reads");
        }
        list.add(value);
    }

    /** Adds a repeated float field's values (packed or one per field) to {@code list}. */
    void floats(FloatList list) throws ModelFormatException {
        if (wireType == ProtoWriter.FIXED32) {
            list.add(fixed32());
        } else if (wireType == ProtoWriter.LENGTH_DELIMITED) {
            ProtoReader packed = message();
            if (packed.available() % 4 != 0) {
                throw error("packed floats take " + packed.available() + " bytes, not a multiple of 4");
            }
            while (packed.hasMore()) {
                list.add(packed.fixed32());
            }
        } else {
            throw error("a repeated float field has wire type " + wireType + ", expected 5 or 2");
        }
    }

    /** Checks that the field just read has {@code expected} wire type. */
    void expect(int expected, String what) throws ModelFormatException {
        if (wireType != expected) {
            throw error(what + " has wire type " + wireType + ", expected " + expected);
        }
    }

    /**
     * A growable list of longs, at most {@code max} long: a one-byte varint becomes eight bytes here, so without a
     * cap a file could ask for eight times its size.
     */
    static final class LongList {
        private final String what;
        private final int max;
        private long[] values = new long[8];
        private int size;

        LongList(String what, int max) {
            this.what = what;
            this.max = max;
        }

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, 2 * size);
            }
            values[size++] = v;
        }

        long[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }

    /** A growable list of floats, as {@link LongList}. */
    static final class FloatList {
        private float[] values = new float[8];
        private int size;

        void add(float v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, 2 * size);
            }
            values[size++] = v;
        }

        int size() {
            return size;
        }

        float[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
