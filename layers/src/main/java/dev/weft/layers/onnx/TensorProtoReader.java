package dev.weft.layers.onnx;

import dev.weft.layers.ModelFormatException;
import dev.weft.layers.onnx.OnnxGraph.OnnxTensor;
import dev.weft.layers.onnx.ProtoReader.FloatList;
import dev.weft.layers.onnx.ProtoReader.LongList;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Decodes an ONNX {@code TensorProto} (dims 1, data_type 2, float_data 4, int64_data 7, name 8, raw_data 9): float
 * or int64 values, stored raw (little-endian) or as repeated fields. The element count, the product of the
 * dimensions, must fit an array and equal the values present, and it is checked before the values are copied.
 * Segments, other data types and external data are refused.
 */
final class TensorProtoReader {
    /** The most values of an int64 tensor stored as int64_data: Weft reads int64 tensors only as shapes. */
    static final int MAX_INT64_VALUES = 1_024;

    private TensorProtoReader() {
    }

    /** A TensorProto with FLOAT or INT64 data, its element count checked against the data present. */
    static OnnxTensor read(ProtoReader parent) throws ModelFormatException {
        parent.expect(ProtoWriter.LENGTH_DELIMITED, "TensorProto");
        int position = parent.position();
        ProtoReader t = parent.message();
        LongList dimList = new LongList("tensor dimensions", OnnxGraph.MAX_RANK);
        int dataType = 0;
        String name = "";
        FloatList floatData = new FloatList();
        LongList int64Data = new LongList("int64_data", MAX_INT64_VALUES);
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
                case 7 -> t.int64s(int64Data);
                case 8 -> name = OnnxGraph.string(t, "TensorProto.name");
                case 9 -> raw = OnnxGraph.messageField(t, "TensorProto.raw_data");
                case 3, 5, 6, 10, 11 -> throw t.error("tensor field " + field
                        + " (segment or a data type other than float and int64) is not supported");
                case 13, 14 -> throw t.error("tensor data stored outside the file (external data) is not supported");
                default -> t.skip();
            }
        }
        String what = "tensor '" + name + "'";
        if (dataType != OnnxGraph.FLOAT && dataType != OnnxGraph.INT64) {
            throw new ModelFormatException(parent.file(), position, what + " has data type " + dataType
                    + ", expected 1 (float) or 7 (int64)");
        }
        long[] dims = dimList.toArray();
        int[] intDims = new int[dims.length];
        long count = 1;
        for (int i = 0; i < dims.length; i++) {
            // The count must fit an array; below, it is compared with the data present before anything is allocated.
            if (dims[i] < 0 || dims[i] > Integer.MAX_VALUE || (count *= dims[i]) > Integer.MAX_VALUE) {
                throw new ModelFormatException(parent.file(), position, what + " has dimensions "
                        + Arrays.toString(dims) + ": too large or negative");
            }
            intDims[i] = (int) dims[i];
        }
        int elementSize = dataType == OnnxGraph.FLOAT ? 4 : 8;
        if (raw != null) {
            if (raw.available() != count * elementSize) {
                throw new ModelFormatException(parent.file(), position, what + " has " + raw.available()
                        + " bytes of raw data, expected " + count * elementSize + " for dimensions "
                        + Arrays.toString(dims));
            }
            ByteBuffer buffer = raw.littleEndianView();
            if (dataType == OnnxGraph.FLOAT) {
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
        int found = dataType == OnnxGraph.FLOAT ? floats.length : longs.length;
        if (found != count) {
            throw new ModelFormatException(parent.file(), position, what + " holds " + found
                    + " values, expected " + count + " for dimensions " + Arrays.toString(dims));
        }
        return dataType == OnnxGraph.FLOAT ? new OnnxTensor(name, intDims, floats, null)
                : new OnnxTensor(name, intDims, null, longs);
    }
}
