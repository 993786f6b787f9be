package dev.weft.layers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static dev.weft.layers.ModelFileTest.indexOf;
import static dev.weft.layers.ModelFileTest.withFreshChecksum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Model files made to hurt: each is refused with a {@link ModelFormatException} before it costs memory. */
class ModelFileHostileTest {
    /** What a refused file may cost beyond its own bytes: the parser's bookkeeping, not the declared tensors. */
    private static final long ALLOCATION_ALLOWANCE = 16L << 20;

    @TempDir
    Path dir;

    @Test
    void aFlippedVersionBitReadsAsCorruptNotAsAnotherVersion() {
        byte[] bytes = ModelFile.encode(TinyModels.gapCnn(1L));
        bytes[11] ^= 0x40;   // version 1 becomes 65
        assertThatThrownBy(() -> decode(bytes))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("checksum mismatch")
                .hasMessageNotContaining("version");
    }

    @Test
    void aDenseOfTwoBillionOutputsInATinyFileIsRefusedWithoutAllocating() {
        byte[] bytes = file(new int[] {4}, spec -> {
            spec.layer("Dense", new int[] {2_000_000_000}, new float[0]);
            spec.out.writeInt(2);
        });
        assertThat(bytes.length).isLessThan(64);
        assertRefusedCheaply(bytes, "dense_1/weights [2000000000, 4]");
    }

    @Test
    void aDenseWhoseWeightsFitAnArrayButAreNotInTheFileIsRefusedWithoutAllocating() {
        // 400 million floats would be 1.6 GB: the header says so, the file does not hold them.
        byte[] bytes = file(new int[] {4}, spec -> {
            spec.layer("Dense", new int[] {100_000_000}, new float[0]);
            spec.out.writeInt(2);
            spec.tensorHeader("dense_1/weights", 100_000_000, 4);
        });
        assertRefusedCheaply(bytes, "truncated");
    }

    @Test
    void aHugeFilterIsRefusedWithoutAllocating() {
        byte[] overflowing = file(new int[] {1, 28, 28}, spec -> {
            spec.layer("Conv2D", new int[] {8, 1_000_000, 1, 1}, new float[0]);
            spec.out.writeInt(2);
        });
        assertRefusedCheaply(overflowing, "conv2d_1/weights [8, 1, 1000000, 1000000]");
        byte[] absent = file(new int[] {1, 28, 28}, spec -> {
            spec.layer("Conv2D", new int[] {1, 40_000, 1, 1}, new float[0]);
            spec.out.writeInt(2);
            spec.tensorHeader("conv2d_1/weights", 1, 1, 40_000, 40_000);
        });
        assertRefusedCheaply(absent, "truncated");
        byte[] valid = file(new int[] {1, 28, 28}, spec -> spec.layer("Conv2D", new int[] {1, 29, 1, 0}, new float[0]));
        assertRefusedCheaply(valid, "conv2d_1 (Conv2D) cannot take input shape [1, 28, 28]");
    }

    @Test
    void extremeWindowSettingsGiveAModelOrAModelFormatException() {
        int[] extremes = {1, 2, 3, 27, 28, 29, 1 << 30, Integer.MAX_VALUE};
        int files = 0;
        for (int kernel : extremes) {
            for (int stride : extremes) {
                for (int padding = 0; padding < 2; padding++) {
                    expectOnlyFormatErrors(withZeroWeights(LayerSpec.ofInts("Conv2D", 2, kernel, stride, padding)),
                            "Conv2D kernel " + kernel + " stride " + stride + " padding " + padding);
                    files++;
                }
                expectOnlyFormatErrors(withZeroWeights(LayerSpec.ofInts("MaxPool2D", kernel, stride)),
                        "MaxPool2D pool " + kernel + " stride " + stride);
            }
        }
        assertThat(files).isEqualTo(128);
    }

    /** A file with one layer on a 1x28x28 input and zero weights of the shapes the registry expects, if any. */
    private static byte[] withZeroWeights(LayerSpec spec) {
        return file(new int[] {1, 28, 28}, payload -> {
            payload.layer(spec.type(), spec.ints(), spec.floats());
            LayerTypes.Shapes shapes;
            try {
                shapes = LayerTypes.find(spec.type()).shapes().apply(spec, new int[] {1, 28, 28});
            } catch (IllegalArgumentException refused) {
                payload.out.writeInt(0);
                return;
            }
            payload.out.writeInt(shapes.parameters().size());
            for (LayerTypes.TensorShape t : shapes.parameters()) {
                // The values, or the first megabyte of them when there are more: the reader must notice.
                long bytes = 4;
                for (int d : t.dimensions()) {
                    bytes = Math.min(bytes * d, 1 << 20);
                }
                payload.tensorHeader(spec.type().toLowerCase(Locale.ROOT) + "_1/" + t.name(), t.dimensions());
                payload.out.write(new byte[(int) bytes]);
            }
        });
    }

    @Test
    void tenThousandLayersInASmallFileAreRefused() {
        byte[] bytes = fileWithLayerCount(new int[] {4}, spec -> {
            spec.out.writeInt(10_000);
            spec.layer("ReLU", new int[0], new float[0]);
        });
        assertRefusedCheaply(bytes, "layer count");
        byte[] tooMany = fileWithLayerCount(new int[] {4}, spec -> spec.out.writeInt(10_001));
        assertRefusedCheaply(tooMany, "layer count in [1, 10000]");
    }

    @Test
    void anInputTooLargeForAnArrayIsRefused() {
        byte[] bytes = file(new int[] {60_000, 60_000}, spec -> spec.layer("Flatten", new int[0], new float[0]));
        assertRefusedCheaply(bytes, "the input shape [60000, 60000]: expected positive dimensions and at most "
                + Integer.MAX_VALUE + " elements");
    }

    @Test
    void nonFiniteWeightsAreRefusedNamingTheTensor() {
        Sequential model = TinyModels.smallCnn(1L);
        model.layers().get(8).parameters().get(0).value().data()[7] = Float.NaN;
        assertThatThrownBy(() -> decode(ModelFile.encode(model))).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("tensor dense_1/weights element 7").hasMessageContaining("finite")
                .hasMessageContaining("NaN");
        Sequential infinite = TinyModels.smallCnn(1L);
        infinite.layers().get(0).parameters().get(1).value().data()[0] = Float.NEGATIVE_INFINITY;
        assertThatThrownBy(() -> decode(ModelFile.encode(infinite))).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("tensor conv2d_1/bias element 0").hasMessageContaining("-Infinity");
    }

    @Test
    void nonFiniteStatisticsAndANegativeVarianceAreRefusedNamingTheTensor() {
        Sequential model = TinyModels.smallCnn(1L);
        ((BatchNorm) model.layers().get(1)).runningMean().data()[2] = Float.POSITIVE_INFINITY;
        assertThatThrownBy(() -> decode(ModelFile.encode(model))).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("tensor batchnorm_1/runningMean element 2");
        Sequential negative = TinyModels.smallCnn(1L);
        ((BatchNorm) negative.layers().get(5)).runningVariance().data()[3] = -0.5f;
        assertThatThrownBy(() -> decode(ModelFile.encode(negative))).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("tensor batchnorm_2/runningVariance element 3")
                .hasMessageContaining("non-negative").hasMessageContaining("-0.5");
    }

    @Test
    void batchNormSettingsOutOfRangeAreRefusedNamingTheLayer() {
        for (float[] settings : new float[][] {{0.99f, Float.POSITIVE_INFINITY}, {0.99f, Float.NaN}, {0.99f, 0f},
                {0.99f, -1e-3f}, {1f, 1e-3f}, {Float.NaN, 1e-3f}, {-0.1f, 1e-3f}}) {
            byte[] bytes = ModelFile.encode(TinyModels.smallCnn(1L));
            int at = indexOf(bytes, "BatchNorm") + "BatchNorm".length() + 2;
            ByteBuffer.wrap(bytes).putFloat(at, settings[0]).putFloat(at + 4, settings[1]);
            assertThatThrownBy(() -> decode(withFreshChecksum(bytes)))
                    .as(Arrays.toString(settings)).isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("invalid configuration of layer 1 (BatchNorm)");
        }
    }

    @Test
    void dropoutRatesAndIntegerSettingsOutOfRangeAreRefusedNamingTheLayer() {
        for (float rate : new float[] {1f, -0.1f, Float.NaN, Float.POSITIVE_INFINITY}) {
            byte[] bytes = ModelFile.encode(TinyModels.smallCnn(1L));
            int at = indexOf(bytes, "Dropout") + "Dropout".length() + 2;
            ByteBuffer.wrap(bytes).putFloat(at, rate);
            assertThatThrownBy(() -> decode(withFreshChecksum(bytes))).as("rate " + rate)
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("invalid configuration of layer 11 (Dropout)");
        }
        // Conv2D ints: outChannels, kernel, stride, padding.
        for (int[] setting : new int[][] {{0, 0}, {1, 0}, {2, 0}, {2, -3}, {3, 2}, {3, -1}}) {
            byte[] bytes = ModelFile.encode(TinyModels.smallCnn(1L));
            int at = indexOf(bytes, "Conv2D") + "Conv2D".length() + 1;
            ByteBuffer.wrap(bytes).putInt(at + 4 * setting[0], setting[1]);
            assertThatThrownBy(() -> decode(withFreshChecksum(bytes))).as(Arrays.toString(setting))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("invalid configuration of layer 0 (Conv2D)");
        }
        for (int[] setting : new int[][] {{0, 0}, {1, -2}}) {
            byte[] bytes = ModelFile.encode(TinyModels.smallCnn(1L));
            int at = indexOf(bytes, "MaxPool2D") + "MaxPool2D".length() + 1;
            ByteBuffer.wrap(bytes).putInt(at + 4 * setting[0], setting[1]);
            assertThatThrownBy(() -> decode(withFreshChecksum(bytes))).as(Arrays.toString(setting))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("invalid configuration of layer 3 (MaxPool2D)");
        }
    }

    @Test
    void aDirectoryIsRefusedAsAModelFile() {
        assertThatThrownBy(() -> Sequential.load(dir)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("expected a regular file but found a directory");
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // a blocked open is not interruptible
    void aNamedPipeIsRefusedWithoutOpeningIt() throws Exception {
        Path pipe = dir.resolve("model.weft");
        Process mkfifo;
        try {
            mkfifo = new ProcessBuilder("mkfifo", pipe.toString()).inheritIO().start();
        } catch (IOException e) {
            assumeTrue(false, "mkfifo is not available: " + e.getMessage());
            return;
        }
        assumeTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo failed");
        // Opening a pipe with no writer blocks forever: the timeout turns that into a failure.
        assertThatThrownBy(() -> Sequential.load(pipe)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("expected a regular file but found a special file");
    }

    @Test
    void aFileOverTheSizeCapIsRefusedBeforeItIsRead() throws IOException {
        Path big = dir.resolve("big.weft");
        try (RandomAccessFile sparse = new RandomAccessFile(big.toFile(), "rw")) {
            sparse.setLength(ModelFile.MAX_FILE_SIZE + 1);
        }
        long before = allocatedBytes();
        assertThatThrownBy(() -> Sequential.load(big)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("expected at most " + ModelFile.MAX_FILE_SIZE + " bytes");
        assertThat(allocatedBytes() - before).isLessThan(ALLOCATION_ALLOWANCE);
    }

    @Test
    void truncationsAndBitFlipsOfAGoodFileOnlyEverGiveModelFormatException() {
        byte[] good = ModelFile.encode(TinyModels.smallCnn(5L));
        for (int length = 0; length < good.length; length++) {
            expectOnlyFormatErrors(Arrays.copyOf(good, length), "truncated to " + length);
        }
        for (int bit = 0; bit < 8 * good.length; bit++) {
            byte[] flipped = good.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            expectOnlyFormatErrors(flipped, "bit " + bit + " flipped");
        }
        // With a fresh checksum the flip reaches the parser: every bit of the architecture, one bit of each weight.
        int firstTensor = indexOf(good, "conv2d_1/weights");
        for (int i = ModelFile.HEADER_SIZE; i < good.length - 4; i++) {
            for (int bit = 0; bit < 8; bit++) {
                if (i >= firstTensor && bit != i % 8) {
                    continue;
                }
                byte[] flipped = good.clone();
                flipped[i] ^= (byte) (1 << bit);
                expectOnlyFormatErrors(withFreshChecksum(flipped), "byte " + i + " bit " + bit + " re-checksummed");
            }
        }
    }

    @Test
    void randomPayloadsBehindAValidHeaderOnlyEverGiveModelFormatException() {
        SplittableRandom random = new SplittableRandom(17L);
        byte[] good = ModelFile.encode(TinyModels.gapCnn(5L));
        for (int trial = 0; trial < 3000; trial++) {
            byte[] payload = Arrays.copyOfRange(good, ModelFile.HEADER_SIZE, good.length - 4);
            // Keep a random prefix of the real payload and fill the rest with noise, so parsing gets somewhere.
            int keep = random.nextInt(payload.length + 1);
            for (int i = keep; i < payload.length; i++) {
                payload[i] = (byte) random.nextInt(256);
            }
            if (random.nextBoolean()) {
                payload = Arrays.copyOf(payload, random.nextInt(payload.length + 1));
            }
            expectOnlyFormatErrors(wrap(payload), "trial " + trial);
        }
    }

    private static void expectOnlyFormatErrors(byte[] bytes, String what) {
        try {
            decode(bytes);
        } catch (ModelFormatException expected) {
            // The one way a bad file may fail.
        } catch (Throwable t) {
            fail(what + ": expected a ModelFormatException or success but got " + t, t);
        }
    }

    private static void assertRefusedCheaply(byte[] bytes, String message) {
        long before = allocatedBytes();
        assertThatThrownBy(() -> decode(bytes)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining(message);
        assertThat(allocatedBytes() - before).as("bytes allocated while refusing").isLessThan(ALLOCATION_ALLOWANCE);
    }

    private static long allocatedBytes() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "this JVM does not count allocated bytes");
        return threads.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    private static Sequential decode(byte[] bytes) throws ModelFormatException {
        return ModelFile.decode(bytes, Path.of("hostile.weft"));
    }

    /** Writes the payload of a hand-made model file after its seed and input shape. */
    private interface PayloadWriter {
        void write(Payload payload) throws IOException;
    }

    private static final class Payload {
        final DataOutputStream out;

        Payload(DataOutputStream out) {
            this.out = out;
        }

        void layer(String type, int[] ints, float[] floats) throws IOException {
            out.writeUTF(type);
            out.writeByte(ints.length);
            for (int v : ints) {
                out.writeInt(v);
            }
            out.writeByte(floats.length);
            for (float v : floats) {
                out.writeFloat(v);
            }
        }

        void tensorHeader(String name, int... shape) throws IOException {
            out.writeUTF(name);
            out.writeByte(shape.length);
            for (int d : shape) {
                out.writeInt(d);
            }
        }
    }

    /** A file with one layer count written for the writer (it writes the layers and what follows). */
    private static byte[] file(int[] inputShape, PayloadWriter writer) {
        return fileWithLayerCount(inputShape, payload -> {
            payload.out.writeInt(1);
            writer.write(payload);
        });
    }

    /** A file whose writer writes everything after the input shape, the layer count included. */
    private static byte[] fileWithLayerCount(int[] inputShape, PayloadWriter writer) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeLong(1L);
            out.writeByte(inputShape.length);
            for (int d : inputShape) {
                out.writeInt(d);
            }
            writer.write(new Payload(out));
            out.flush();
            return wrap(bytes.toByteArray());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Header, payload and a correct checksum. */
    private static byte[] wrap(byte[] payload) {
        ByteBuffer buffer = ByteBuffer.allocate(ModelFile.HEADER_SIZE + payload.length + 4);
        buffer.put(ModelFile.MAGIC).putInt(ModelFile.VERSION).putLong(payload.length).put(payload);
        return withFreshChecksum(buffer.array());
    }
}
