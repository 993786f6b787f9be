import dev.weft.data.FashionMnistCsv;
import dev.weft.data.ImageSet;
import dev.weft.layers.BatchNorm;
import dev.weft.layers.Conv2D;
import dev.weft.layers.Dense;
import dev.weft.layers.Flatten;
import dev.weft.layers.MaxPool2D;
import dev.weft.layers.ModelFile;
import dev.weft.layers.ReLU;
import dev.weft.layers.Sequential;
import java.awt.image.BufferedImage;
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
import java.util.zip.CRC32;

/**
 * Writes about a hundred hostile model files and images, and malformed datasets, into a folder outside the
 * repository, and checks that Weft refuses every one as docs/files.md promises: {@code ./weft predict} (or
 * {@code ./weft convert} for datasets) exits with 2, prints one paragraph beginning {@code weft: } naming the file
 * on standard error, nothing on standard output, no stack trace, within {@link Run#SECONDS} seconds, under the
 * launcher's {@code -Xmx2g}. It also checks that one picture saved in every lossless encoding predicts the same.
 *
 * <pre>
 * ./weft --help > /dev/null     # builds examples/target/weft-examples-all.jar if needed
 * java -cp examples/target/weft-examples-all.jar scripts/HostileFiles.java [FOLDER]
 * </pre>
 *
 * Not part of {@code mvn verify}: it starts a JVM per file. Needs Linux ({@code mkfifo}, {@code /dev/zero}) and
 * the real Fashion-MNIST files in /usr/share/datasets/fashion-mnist for the IDX cases.
 */
public final class HostileFiles {
    private final Path dir;
    private final Path weft;
    private final List<Run.Result> results = new ArrayList<>();

    private HostileFiles(Path dir, Path weft) {
        this.dir = dir;
        this.weft = weft;
    }

    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Files.createDirectories(Path.of(args[0]))
                : Files.createTempDirectory("weft-hostile-");
        HostileFiles corpus = new HostileFiles(dir, Path.of("weft").toAbsolutePath());
        System.out.println("Hostile files in " + dir);
        boolean sameInEveryEncoding = corpus.goodImages();
        corpus.models();
        corpus.images();
        corpus.datasets();
        long refused = corpus.results.stream().filter(Run.Result::ok).count();
        for (Run.Result r : corpus.results) {
            if (!r.ok()) {
                System.out.println("NOT REFUSED CORRECTLY: " + r);
            }
        }
        double slowest = corpus.results.stream().mapToDouble(Run.Result::seconds).max().orElse(0);
        System.out.printf("%d refused correctly / %d hostile files (slowest %.1f s); good encodings predict the "
                + "same: %s%n", refused, corpus.results.size(), slowest, sameInEveryEncoding);
        System.exit(refused == corpus.results.size() && sameInEveryEncoding ? 0 : 1);
    }

    // --- Model files ----------------------------------------------------------------------------------------

    private void models() throws Exception {
        byte[] good = Files.readAllBytes(goodModel());
        byte[] batchNorm = encode(new Sequential(new int[] {1, 28, 28}, 7L,
                new Conv2D(2, 3), new BatchNorm(), new ReLU(), new Flatten(), new Dense(10)));
        model("empty.weft", new byte[0]);
        model("one-byte.weft", new byte[] {'W'});
        model("magic-only.weft", "WEFTMODL".getBytes(StandardCharsets.US_ASCII));
        model("text.weft", "a model, honestly\n".getBytes(StandardCharsets.US_ASCII));
        for (int cut : new int[] {12, 20, 24, 30, good.length / 2, good.length - 5, good.length - 1}) {
            model("truncated-at-" + cut + ".weft", Arrays.copyOf(good, cut));
        }
        model("trailing-byte.weft", Arrays.copyOf(good, good.length + 1));
        for (int at : new int[] {0, 9, 11, 15, 21, 30, 40, good.length / 2, good.length - 3}) {
            byte[] flipped = good.clone();
            flipped[at] ^= 0x10;
            model("bit-flipped-at-" + at + ".weft", flipped);
        }
        for (int at : new int[] {28, 29, 33, 40, 45}) {
            byte[] flipped = good.clone();
            flipped[at] ^= 0x40;
            model("bit-flipped-checksummed-at-" + at + ".weft", checksummed(flipped));
        }
        model("payload-2-to-40.weft", with(good, 12, ByteBuffer.allocate(8).putLong(1L << 40).array()));
        model("version-65.weft", checksummed(with(good, 8, ByteBuffer.allocate(4).putInt(65).array())));
        model("nan-weight.weft", lastFloat(good, Float.NaN));
        model("infinite-weight.weft", lastFloat(good, Float.POSITIVE_INFINITY));
        model("negative-variance.weft", afterName(batchNorm, "batchnorm_1/runningVariance", -1f));
        model("infinite-epsilon.weft", afterName(batchNorm, "BatchNorm", Float.POSITIVE_INFINITY));
        model("nan-mean.weft", afterName(batchNorm, "batchnorm_1/runningMean", Float.NaN));
        model("dense-2-billion.weft", file(new int[] {1, 28, 28}, 2, out -> {
            layer(out, "Flatten");
            layer(out, "Dense", 2_000_000_000);
            out.writeInt(2);
        }));
        model("dense-weights-absent.weft", file(new int[] {784}, 1, out -> {
            layer(out, "Dense", 100_000_000);
            out.writeInt(2);
            tensorHeader(out, "dense_1/weights", 100_000_000, 784);
        }));
        model("conv-filter-million.weft", file(new int[] {1, 28, 28}, 1, out -> {
            layer(out, "Conv2D", 8, 1_000_000, 1, 1);
            out.writeInt(2);
        }));
        model("conv-kernel-zero.weft", file(new int[] {1, 28, 28}, 1, out -> layer(out, "Conv2D", 8, 0, 1, 1)));
        model("pool-zero.weft", file(new int[] {1, 28, 28}, 1, out -> layer(out, "MaxPool2D", 0, 0)));
        model("ten-thousand-layers.weft", file(new int[] {1, 28, 28}, 10_000, out -> {
            for (int i = 0; i < 10_000; i++) {
                layer(out, "ReLU");
            }
            out.writeInt(0);
        }));
        model("layer-count-huge.weft", file(new int[] {1, 28, 28}, Integer.MAX_VALUE, out -> layer(out, "ReLU")));
        model("unknown-layer.weft", file(new int[] {1, 28, 28}, 1, out -> layer(out, "Flutten")));
        model("input-rank-200.weft", file(new int[200], 1, out -> layer(out, "ReLU")));
        model("input-huge.weft", file(new int[] {1 << 30, 1 << 30}, 1, out -> layer(out, "ReLU")));
        model("flat-input.weft", encode(new Sequential(new int[] {784}, 1L, new Dense(10))));
        model("five-classes.weft", encode(new Sequential(new int[] {1, 28, 28}, 1L, new Flatten(), new Dense(5))));
        model("no-output-layer.weft", encode(new Sequential(new int[] {1, 28, 28}, 1L, new ReLU())));
        modelAt(Files.createDirectories(dir.resolve("folder.weft")));
        modelAt(fifo("pipe.weft"));
        modelAt(Path.of("/dev/zero"));
        Path sparse = dir.resolve("sparse-600mb.weft");
        try (var file = new java.io.RandomAccessFile(sparse.toFile(), "rw")) {
            file.setLength(600L << 20);   // sparse: no disk space is used
        }
        modelAt(sparse);
        modelAt(dir.resolve("missing.weft"));
    }

    private Path goodModel() throws IOException {
        Path file = dir.resolve("good.weft");
        if (!Files.exists(file)) {
            ModelFile.save(new Sequential(new int[] {1, 28, 28}, 42L, new Conv2D(4, 3), new ReLU(),
                    new MaxPool2D(2), new Flatten(), new Dense(10)), file);
        }
        return file;
    }

    private void model(String name, byte[] bytes) throws Exception {
        Path file = dir.resolve("models").resolve(name);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        modelAt(file);
    }

    private void modelAt(Path file) throws Exception {
        results.add(Run.refused(file, weft.toString(), "predict", "--model", file.toString(),
                goodImage().toString()));
    }

    // --- Images ---------------------------------------------------------------------------------------------

    private Path goodImage() throws IOException {
        Path file = dir.resolve("good.png");
        if (!Files.exists(file)) {
            javax.imageio.ImageIO.write(Pictures.shirt(BufferedImage.TYPE_INT_RGB), "png", file.toFile());
        }
        return file;
    }

    /** One picture in every lossless encoding predicts the same; JPEG is lossy and only has to be read. */
    private boolean goodImages() throws Exception {
        List<Path> lossless = Pictures.writeEncodings(dir.resolve("good"));
        List<String> command = new ArrayList<>(List.of(weft.toString(), "predict", "--model",
                goodModel().toString()));
        lossless.forEach(p -> command.add(p.toString()));
        command.add(Pictures.writeJpeg(dir.resolve("good")).toString());
        Run.Output output = Run.run(command);
        List<String> predictions = output.stdout().lines()
                .map(line -> line.substring(line.indexOf(": ") + 2)).toList();
        System.out.println("Good encodings (exit " + output.exit() + "):\n" + output.stdout());
        return output.exit() == 0 && predictions.size() == lossless.size() + 1
                && predictions.subList(0, lossless.size()).stream().distinct().count() == 1;
    }

    private void images() throws Exception {
        byte[] png = Files.readAllBytes(goodImage());
        Path model = goodModel();
        image(model, "empty.png", new byte[0]);
        image(model, "text.png", "not a picture\n".getBytes(StandardCharsets.US_ASCII));
        for (int cut : new int[] {8, 16, 33, 40, png.length / 2, png.length - 30}) {
            image(model, "truncated-at-" + cut + ".png", Arrays.copyOf(png, cut));
        }
        // The signature, the IHDR length and type, and the zlib header of IDAT (the JDK ignores chunk CRCs).
        for (int at : new int[] {1, 12, 20, 41}) {
            byte[] flipped = png.clone();
            flipped[at] ^= 0x04;
            image(model, "bit-flipped-at-" + at + ".png", flipped);
        }
        image(model, "60000x60000.png", Pictures.pngHeader(60_000, 60_000));
        image(model, "30000x30000.png", Pictures.pngHeader(30_000, 30_000));
        image(model, "50001x1.png", Pictures.pngHeader(50_001, 1));
        image(model, "2147483647x1.png", Pictures.pngHeader(Integer.MAX_VALUE, 1));
        image(model, "0x0.png", Pictures.pngHeader(0, 0));
        image(model, "20000x5000-no-data.png", Pictures.pngHeader(20_000, 5_000));
        image(model, "65535x65535.jpg", Pictures.jpegWithSize(65_535, 65_535));
        image(model, "huge.bmp", Pictures.bmpHeader(1_000_000, 1_000_000));
        image(model, "negative-height.bmp", Pictures.bmpHeader(100, Integer.MIN_VALUE));
        image(model, "huge-screen.gif", Pictures.gifHeader(65_535, 65_535));
        image(model, "cmyk.jpg", Pictures.cmykJpeg());
        image(model, "picture.tiff", Pictures.encoded(BufferedImage.TYPE_INT_RGB, "tiff"));
        image(model, "picture.wbmp", Pictures.encoded(BufferedImage.TYPE_BYTE_BINARY, "wbmp"));
        imageAt(model, Files.createDirectories(dir.resolve("folder.png")));
        imageAt(model, fifo("pipe.png"));
        imageAt(model, Path.of("/dev/zero"));
        imageAt(model, dir.resolve("missing.png"));
        imageAt(model, Files.writeString(dir.resolve("name\nwith\u001b[31mcontrols.png"), "x"));
    }

    private void image(Path model, String name, byte[] bytes) throws Exception {
        Path file = dir.resolve("images").resolve(name);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        imageAt(model, file);
    }

    private void imageAt(Path model, Path file) throws Exception {
        results.add(Run.refused(file, weft.toString(), "predict", "--model", model.toString(), file.toString()));
    }

    // --- Datasets -------------------------------------------------------------------------------------------

    private void datasets() throws Exception {
        ImageSet small = Datasets.smallSet();
        Path goodCsv = dir.resolve("good.csv");
        FashionMnistCsv.write(small, goodCsv);
        String csv = Files.readString(goodCsv);
        String header = csv.substring(0, csv.indexOf('\n') + 1);
        String row = csv.substring(header.length(), csv.indexOf('\n', header.length()) + 1);
        csvTest(goodCsv, "header-only.csv", header);
        csvTest(goodCsv, "empty.csv", "");
        csvTest(goodCsv, "short-row.csv", header + row.substring(0, row.lastIndexOf(',')) + "\n");
        csvTest(goodCsv, "label-10.csv", header + "10" + row.substring(row.indexOf(',')));
        csvTest(goodCsv, "pixel-256.csv", header + row.substring(0, row.lastIndexOf(',') + 1) + "256\n");
        csvTest(goodCsv, "pixel-negative.csv", header + row.substring(0, row.lastIndexOf(',') + 1) + "-1\n");
        csvTest(goodCsv, "pixel-text.csv", header + row.substring(0, row.lastIndexOf(',') + 1) + "abc\n");
        csvTest(goodCsv, "long-line.csv", header + "1," + "0".repeat(100_000) + "\n");
        csvTest(goodCsv, "quote-never-closed.csv", header + "\"" + row);
        csvTest(goodCsv, "binary.csv", "\u0000\u0001\u00ff".repeat(1000));
        Path sparse = csvDir("sparse-4gb.csv", goodCsv, null);
        try (var file = new java.io.RandomAccessFile(sparse.resolve(FashionMnistCsv.TEST_FILE).toFile(), "rw")) {
            file.setLength(4L << 30);   // sparse: no disk space is used
        }
        datasetAt(sparse, sparse.resolve(FashionMnistCsv.TEST_FILE));
        Path testFolder = csvDir("test-is-folder", goodCsv, null);
        Files.createDirectories(testFolder.resolve(FashionMnistCsv.TEST_FILE));
        datasetAt(testFolder, testFolder.resolve(FashionMnistCsv.TEST_FILE));
        Path testPipe = csvDir("test-is-pipe", goodCsv, null);
        new ProcessBuilder("mkfifo", testPipe.resolve(FashionMnistCsv.TEST_FILE).toString()).start().waitFor();
        datasetAt(testPipe, testPipe.resolve(FashionMnistCsv.TEST_FILE));
        for (Datasets.Idx idx : Datasets.hostileIdx()) {
            Path folder = Datasets.idxDir(dir.resolve("idx").resolve(idx.name()), idx);
            datasetAt(folder, folder.resolve(idx.file()));
        }
    }

    private void csvTest(Path goodCsv, String name, String test) throws Exception {
        Path folder = csvDir(name, goodCsv, test);
        datasetAt(folder, folder.resolve(FashionMnistCsv.TEST_FILE));
    }

    private Path csvDir(String name, Path goodCsv, String test) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("csv").resolve(name));
        Files.copy(goodCsv, folder.resolve(FashionMnistCsv.TRAIN_FILE));
        if (test != null) {
            Files.writeString(folder.resolve(FashionMnistCsv.TEST_FILE), test, StandardCharsets.ISO_8859_1);
        }
        return folder;
    }

    private void datasetAt(Path folder, Path file) throws Exception {
        results.add(Run.refused(file, weft.toString(), "convert", "--data", folder.toString(), "--out",
                dir.resolve("converted").toString()));
    }

    // --- Model file bytes -----------------------------------------------------------------------------------

    interface Payload {
        void write(DataOutputStream out) throws IOException;
    }

    /** A model file with a matching length and checksum around a hand-written payload. */
    static byte[] file(int[] inputShape, int layers, Payload layersAndTensors) throws IOException {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(payload);
        out.writeLong(1L);
        out.writeByte(inputShape.length);
        for (int d : inputShape) {
            out.writeInt(d);
        }
        out.writeInt(layers);
        layersAndTensors.write(out);
        out.flush();
        byte[] body = payload.toByteArray();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        DataOutputStream file = new DataOutputStream(all);
        file.write("WEFTMODL".getBytes(StandardCharsets.US_ASCII));
        file.writeInt(1);
        file.writeLong(body.length);
        file.write(body);
        file.writeInt(0);
        return checksummed(all.toByteArray());
    }

    /** A layer spec: type, integer settings, no float settings. */
    static void layer(DataOutputStream out, String type, int... ints) throws IOException {
        out.writeUTF(type);
        out.writeByte(ints.length);
        for (int v : ints) {
            out.writeInt(v);
        }
        out.writeByte(0);
    }

    static void tensorHeader(DataOutputStream out, String name, int... shape) throws IOException {
        out.writeUTF(name);
        out.writeByte(shape.length);
        for (int d : shape) {
            out.writeInt(d);
        }
    }

    static byte[] encode(Sequential model) throws IOException {
        Path file = Files.createTempFile("weft-hostile-", ".weft");
        try {
            ModelFile.save(model, file);
            return Files.readAllBytes(file);
        } finally {
            Files.delete(file);
        }
    }

    static byte[] checksummed(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());
        return bytes;
    }

    static byte[] with(byte[] bytes, int at, byte[] replacement) {
        byte[] copy = bytes.clone();
        System.arraycopy(replacement, 0, copy, at, replacement.length);
        return copy;
    }

    /** The file with its last tensor value (just before the checksum) replaced. */
    static byte[] lastFloat(byte[] bytes, float value) {
        return checksummed(with(bytes, bytes.length - 8, ByteBuffer.allocate(4).putFloat(value).array()));
    }

    /**
     * The file with the first float after {@code name} replaced: a tensor's first value (after its shape) or, for
     * a layer type, its second float setting (BatchNorm's epsilon).
     */
    static byte[] afterName(byte[] bytes, String name, float value) {
        int at = indexOf(bytes, name) + name.length();
        at += name.contains("/") ? 1 + 4 * bytes[at] : 1 + 4 * bytes[at] + 1 + 4;
        return checksummed(with(bytes, at, ByteBuffer.allocate(4).putFloat(value).array()));
    }

    static int indexOf(byte[] haystack, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i + n.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + n.length, n, 0, n.length)) {
                return i;
            }
        }
        throw new IllegalArgumentException(needle + " is not in the file");
    }

    private Path fifo(String name) throws Exception {
        Path file = dir.resolve(name);
        new ProcessBuilder("mkfifo", file.toString()).inheritIO().start().waitFor();
        return file;
    }

    // --- Running the launcher -------------------------------------------------------------------------------

    /** Runs a command line and checks a refusal. */
    static final class Run {
        /** A refusal must come within this many seconds (a JVM's start included). */
        static final double SECONDS = 10;

        record Output(int exit, String stdout, String stderr, double seconds) {
        }

        record Result(Path file, Output output, String problem) {
            boolean ok() {
                return problem == null;
            }

            double seconds() {
                return output.seconds();
            }

            @Override
            public String toString() {
                return file + ": " + problem + "\n  stderr: " + output.stderr() + "\n  stdout: " + output.stdout();
            }
        }

        static Output run(List<String> command) throws Exception {
            Path out = Files.createTempFile("weft-hostile-", ".out");
            Path err = Files.createTempFile("weft-hostile-", ".err");
            try {
                long start = System.nanoTime();
                Process process = new ProcessBuilder(command).redirectInput(new java.io.File("/dev/null"))
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                boolean finished = process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
                if (!finished) {
                    process.destroyForcibly().waitFor();
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                // The JVM's own note about the Vector API is not Weft's message.
                String stderr = Files.readString(err).lines()
                        .filter(line -> !line.startsWith("WARNING: Using incubator modules"))
                        .collect(java.util.stream.Collectors.joining("\n"));
                return new Output(finished ? process.exitValue() : -1, Files.readString(out), stderr, seconds);
            } finally {
                Files.delete(out);
                Files.delete(err);
            }
        }

        static Result refused(Path file, String... command) throws Exception {
            Output o = run(List.of(command));
            String name = file.getFileName().toString().replace("\n", "\\n").replace("\u001b", "\\u001B");
            String problem = o.exit() != 2 ? "exit code " + o.exit() + ", expected 2"
                    : !o.stdout().isEmpty() ? "something on standard output"
                    : !o.stderr().startsWith("weft: ") ? "standard error does not begin with 'weft: '"
                    : o.stderr().strip().contains("\n\n") ? "more than one paragraph on standard error"
                    : o.stderr().contains("\tat ") || o.stderr().contains("Exception in thread") ? "a stack trace"
                    : !o.stderr().replaceAll("\\s+", " ").contains(name) ? "the message does not name " + name
                    : o.seconds() > SECONDS ? String.format("took %.1f s", o.seconds())
                    : null;
            System.out.printf("%-4s %5.1f s  %s%n", problem == null ? "ok" : "BAD", o.seconds(), file);
            return new Result(file, o, problem);
        }
    }

    // --- Pictures -------------------------------------------------------------------------------------------

    /** One small picture (a dark shirt on white) in many encodings, and image headers that lie. */
    static final class Pictures {
        static final int WIDTH = 40;
        static final int HEIGHT = 30;

        /** The picture's grey level at (x, y): a T shape, darker towards its bottom. */
        static int level(int x, int y) {
            boolean sleeves = y >= 5 && y < 12 && x >= 6 && x < 34;
            boolean body = y >= 5 && y < 27 && x >= 13 && x < 27;
            return sleeves || body ? 40 + 3 * y : 255;
        }

        static BufferedImage shirt(int type) {
            BufferedImage image = new BufferedImage(WIDTH, HEIGHT, type);
            var raster = image.getRaster();
            for (int y = 0; y < HEIGHT; y++) {
                for (int x = 0; x < WIDTH; x++) {
                    int g = level(x, y);
                    switch (type) {
                        case BufferedImage.TYPE_BYTE_GRAY -> raster.setSample(x, y, 0, g);
                        case BufferedImage.TYPE_USHORT_GRAY -> raster.setSample(x, y, 0, g * 257);
                        case BufferedImage.TYPE_BYTE_BINARY -> raster.setSample(x, y, 0, g > 128 ? 1 : 0);
                        default -> image.setRGB(x, y, 0xff000000 | g << 16 | g << 8 | g);
                    }
                }
            }
            return image;
        }

        /** A palette image whose palette is the 256 grey levels. */
        static BufferedImage greyPalette() {
            byte[] greys = new byte[256];
            for (int i = 0; i < 256; i++) {
                greys[i] = (byte) i;
            }
            var palette = new java.awt.image.IndexColorModel(8, 256, greys, greys, greys);
            BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_BYTE_INDEXED, palette);
            for (int y = 0; y < HEIGHT; y++) {
                for (int x = 0; x < WIDTH; x++) {
                    image.getRaster().setSample(x, y, 0, level(x, y));
                }
            }
            return image;
        }

        /** Grey with an opaque alpha channel, as PNG colour type 4. */
        static BufferedImage greyAlpha() {
            var model = new java.awt.image.ComponentColorModel(
                    java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_GRAY), true, false,
                    java.awt.Transparency.TRANSLUCENT, java.awt.image.DataBuffer.TYPE_BYTE);
            var raster = model.createCompatibleWritableRaster(WIDTH, HEIGHT);
            for (int y = 0; y < HEIGHT; y++) {
                for (int x = 0; x < WIDTH; x++) {
                    raster.setSample(x, y, 0, level(x, y));
                    raster.setSample(x, y, 1, 255);
                }
            }
            return new BufferedImage(model, raster, false, null);
        }

        static List<Path> writeEncodings(Path prefix) throws IOException {
            List<Path> files = new ArrayList<>();
            files.add(write(shirt(BufferedImage.TYPE_BYTE_GRAY), "png", prefix + "-grey.png"));
            files.add(write(greyAlpha(), "png", prefix + "-grey-alpha.png"));
            files.add(write(shirt(BufferedImage.TYPE_USHORT_GRAY), "png", prefix + "-grey-16.png"));
            files.add(write(greyPalette(), "png", prefix + "-palette.png"));
            files.add(write(shirt(BufferedImage.TYPE_INT_RGB), "png", prefix + "-rgb.png"));
            files.add(write(shirt(BufferedImage.TYPE_INT_ARGB), "png", prefix + "-rgba.png"));
            files.add(write(shirt(BufferedImage.TYPE_3BYTE_BGR), "bmp", prefix + "-rgb.bmp"));
            files.add(write(greyPalette(), "gif", prefix + "-palette.gif"));
            return files;
        }

        static Path writeJpeg(Path prefix) throws IOException {
            return write(shirt(BufferedImage.TYPE_INT_RGB), "jpeg", prefix + "-rgb.jpg");
        }

        private static Path write(BufferedImage image, String format, String file) throws IOException {
            if (!javax.imageio.ImageIO.write(image, format, new java.io.File(file))) {
                throw new IOException("no " + format + " writer for this image type");
            }
            return Path.of(file);
        }

        static byte[] encoded(int type, String format) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            if (!javax.imageio.ImageIO.write(shirt(type), format, bytes)) {
                throw new IOException("no " + format + " writer");
            }
            return bytes.toByteArray();
        }

        /** A PNG signature, a grey 8-bit IHDR of the given size and IEND: no pixel data at all. */
        static byte[] pngHeader(int width, int height) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
            chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).array());
            chunk(out, "IEND", new byte[0]);
            return bytes.toByteArray();
        }

        private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
            byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
            out.writeInt(data.length);
            out.write(typeBytes);
            out.write(data);
            CRC32 crc = new CRC32();
            crc.update(typeBytes);
            crc.update(data);
            out.writeInt((int) crc.getValue());
        }

        /** A real JPEG whose frame header (SOF0) announces another size. */
        static byte[] jpegWithSize(int width, int height) throws IOException {
            byte[] jpeg = encoded(BufferedImage.TYPE_INT_RGB, "jpeg");
            for (int i = 0; i + 8 < jpeg.length; i++) {
                if ((jpeg[i] & 0xff) == 0xff && (jpeg[i + 1] & 0xff) == 0xc0) {
                    ByteBuffer.wrap(jpeg).putShort(i + 5, (short) height).putShort(i + 7, (short) width);
                    return jpeg;
                }
            }
            throw new IOException("no SOF0 marker");
        }

        /** A BMP file and info header (24 bits a pixel) of the given size, without pixels. */
        static byte[] bmpHeader(int width, int height) {
            ByteBuffer b = ByteBuffer.allocate(54).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            b.put((byte) 'B').put((byte) 'M').putInt(54).putInt(0).putInt(54);
            b.putInt(40).putInt(width).putInt(height).putShort((short) 1).putShort((short) 24).putInt(0).putInt(0)
                    .putInt(2835).putInt(2835).putInt(0).putInt(0);
            return b.array();
        }

        /** A GIF whose screen and only image announce the given size, with an empty image. */
        static byte[] gifHeader(int width, int height) {
            ByteBuffer b = ByteBuffer.allocate(6 + 7 + 10 + 3).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            b.put("GIF89a".getBytes(StandardCharsets.US_ASCII)).putShort((short) width).putShort((short) height)
                    .put((byte) 0).put((byte) 0).put((byte) 0);
            b.put((byte) 0x2c).putShort((short) 0).putShort((short) 0).putShort((short) width)
                    .putShort((short) height).put((byte) 0);
            b.put((byte) 8).put((byte) 0).put((byte) 0x3b);
            return b.array();
        }

        /** A four-channel JPEG, as CMYK JPEGs from print workflows are. */
        static byte[] cmykJpeg() throws IOException {
            var raster = java.awt.image.Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, WIDTH,
                    HEIGHT, 4, null);
            for (int y = 0; y < HEIGHT; y++) {
                for (int x = 0; x < WIDTH; x++) {
                    raster.setSample(x, y, 3, 255 - level(x, y));
                }
            }
            var writer = javax.imageio.ImageIO.getImageWritersByFormatName("jpeg").next();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (var out = javax.imageio.ImageIO.createImageOutputStream(bytes)) {
                writer.setOutput(out);
                writer.write(null, new javax.imageio.IIOImage(raster, null, null), null);
            } finally {
                writer.dispose();
            }
            return bytes.toByteArray();
        }
    }

    // --- Datasets -------------------------------------------------------------------------------------------

    /** Small good sets and IDX files that lie, each beside the real Fashion-MNIST files it replaces one of. */
    static final class Datasets {
        static final Path REAL = Path.of("/usr/share/datasets/fashion-mnist");

        /** A hostile IDX file {@code file} (a name the loader looks for) with {@code bytes}. */
        record Idx(String name, String file, byte[] bytes) {
        }

        static ImageSet smallSet() {
            byte[] pixels = new byte[3 * 784];
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (byte) (i * 7);
            }
            return ImageSet.of("small", 28, 28, 10, pixels, new int[] {0, 1, 2});
        }

        static List<Idx> hostileIdx() throws IOException {
            String labels = "t10k-labels-idx1-ubyte";
            String images = "train-images-idx3-ubyte";
            List<Idx> cases = new ArrayList<>();
            cases.add(new Idx("labels-2-to-31", labels, ints(0x801, Integer.MAX_VALUE)));
            cases.add(new Idx("labels-2-to-31-gzip", labels + ".gz", gzip(ints(0x801, Integer.MAX_VALUE))));
            cases.add(new Idx("images-too-many-for-an-array", images, ints(0x803, 1 << 30, 28, 28)));
            cases.add(new Idx("images-announced-absent", images, ints(0x803, 100_000, 28, 28)));
            cases.add(new Idx("images-announced-absent-gzip", images + ".gz",
                    gzip(concat(ints(0x803, 60_000, 28, 28), new byte[100_000]))));
            cases.add(new Idx("images-bad-magic", images, ints(0x802, 1, 28, 28)));
            cases.add(new Idx("images-27-rows", images, concat(ints(0x803, 1, 27, 28), new byte[27 * 28])));
            cases.add(new Idx("images-none", images, ints(0x803, 0, 28, 28)));
            cases.add(new Idx("images-empty-file", images, new byte[0]));
            byte[] gz = gzip(concat(ints(0x803, 2, 28, 28), new byte[2 * 784]));
            cases.add(new Idx("images-gzip-truncated", images + ".gz", Arrays.copyOf(gz, gz.length - 10)));
            byte[] corrupt = gz.clone();
            corrupt[gz.length / 2] ^= 0x55;
            cases.add(new Idx("images-gzip-corrupt", images + ".gz", corrupt));
            cases.add(new Idx("labels-value-10", labels, concat(ints(0x801, 2), new byte[] {3, 10})));
            cases.add(new Idx("labels-trailing-data", labels, concat(ints(0x801, 1), new byte[] {3, 4})));
            return cases;
        }

        /** A folder with the real files, except that {@code idx} takes the place of its file. */
        static Path idxDir(Path folder, Idx idx) throws IOException {
            Files.createDirectories(folder);
            String replaced = idx.file().replace(".gz", "");
            for (String name : List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                    "t10k-labels-idx1-ubyte")) {
                if (!name.equals(replaced)) {
                    Files.createSymbolicLink(folder.resolve(name + ".gz"), REAL.resolve(name + ".gz"));
                }
            }
            Files.write(folder.resolve(idx.file()), idx.bytes());
            return folder;
        }

        static byte[] ints(int... values) {
            ByteBuffer b = ByteBuffer.allocate(4 * values.length);
            for (int v : values) {
                b.putInt(v);
            }
            return b.array();
        }

        static byte[] concat(byte[] a, byte[] b) {
            byte[] all = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, all, a.length, b.length);
            return all;
        }

        static byte[] gzip(byte[] bytes) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (var gzip = new java.util.zip.GZIPOutputStream(out)) {
                gzip.write(bytes);
            }
            return out.toByteArray();
        }
    }
}
