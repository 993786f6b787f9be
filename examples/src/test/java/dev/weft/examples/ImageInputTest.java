package dev.weft.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ImageInputTest {

    @TempDir
    Path tmp;

    /** A large colour photo of a dark object on a white background, like Zalando's product photos. */
    private static BufferedImage photo(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(new Color(20, 40, 120));
        g.fillRect(width / 4, height / 3, width / 2, height / 3);
        g.dispose();
        return image;
    }

    @Test
    void turnsAnyPhotoInto28By28LightOnDarkInUnitRange() {
        float[] pixels = ImageInput.convert(photo(640, 480));

        assertThat(pixels).hasSize(28 * 28);
        for (float p : pixels) {
            assertThat(p).isBetween(0f, 1f);
        }
        // The object is light now, the background dark.
        assertThat(pixels[14 * 28 + 14]).isGreaterThan(0.8f);
        assertThat(pixels[0]).isLessThan(0.05f);
    }

    @Test
    void scalesTheObjectsLongerSideToTheFrame() {
        float[] pixels = ImageInput.convert(photo(300, 900));

        // The object is 150 x 300 pixels: its height fills the 28 rows, its width half of them, centred.
        int litColumns = 0;
        int litRows = 0;
        for (int i = 0; i < 28; i++) {
            if (pixels[14 * 28 + i] > 0.5f) {
                litColumns++;
            }
            if (pixels[i * 28 + 14] > 0.5f) {
                litRows++;
            }
        }
        assertThat(litRows).isGreaterThanOrEqualTo(26);
        assertThat((double) litColumns).isCloseTo(14.0, within(2.0));
    }

    @Test
    void keepsAFashionMnistStyleImageAlmostAsItIs() {
        BufferedImage grey = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 28; y++) {
            for (int x = 4; x < 24; x++) {
                grey.getRaster().setSample(x, y, 0, 200);
            }
        }
        float[] pixels = ImageInput.convert(grey);

        assertThat(pixels[14 * 28 + 14]).isGreaterThan(0.7f);
        assertThat(pixels[14 * 28 + 1]).isLessThan(0.05f);
    }

    // ---- one picture in every encoding ----

    private static final int W = 37;
    private static final int H = 23;

    /** Colours with alpha (R, G, B, A) the test picture is painted with: few enough for a palette. */
    private static final int[][] PAINT = {
        {255, 255, 255, 255}, {20, 40, 120, 255}, {200, 30, 30, 255}, {90, 90, 90, 255},
        {20, 40, 120, 128}, {0, 0, 0, 0}, {250, 240, 10, 77}, {10, 200, 100, 255},
    };

    /** A white frame around shapes in several colours, some half transparent, and a transparent corner. */
    private static int paintAt(int x, int y) {
        if (x < 3 || y < 3 || x >= W - 3 || y >= H - 3) {
            return x + y < 4 ? 5 : 0;
        }
        return 1 + (x * 7 + y * 3) / 11 % (PAINT.length - 1);
    }

    /** The picture's 8-bit grey level by the documented formulas: BT.601 luma, rounded, then alpha on white. */
    private static int expectedGrey(int[] p) {
        int luma = (299 * p[0] + 587 * p[1] + 114 * p[2] + 500) / 1000;
        return (luma * p[3] + 255 * (255 - p[3]) + 127) / 255;
    }

    private static BufferedImage component(ColorSpace space, boolean alpha, int transferType, int[][] samples) {
        ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(space == null
                ? ColorSpace.CS_sRGB : ColorSpace.CS_GRAY), alpha, false,
                alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE, transferType);
        WritableRaster raster = model.createCompatibleWritableRaster(W, H);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                raster.setPixel(x, y, samples[y * W + x]);
            }
        }
        return new BufferedImage(model, raster, false, null);
    }

    private static BufferedImage palette(int[][] colours, int[] indices) {
        byte[][] channels = new byte[4][colours.length];
        for (int i = 0; i < colours.length; i++) {
            for (int c = 0; c < 4; c++) {
                channels[c][i] = (byte) colours[i][c];
            }
        }
        IndexColorModel model = new IndexColorModel(8, colours.length, channels[0], channels[1], channels[2],
                channels[3]);
        BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_INDEXED, model);
        image.getRaster().setSamples(0, 0, W, H, 0, indices);
        return image;
    }

    /** Each sample of every pixel of the picture, through {@code sample(paint, composited grey)}. */
    private static int[][] samples(java.util.function.BiFunction<int[], Integer, int[]> sample) {
        int[][] out = new int[W * H][];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int[] p = PAINT[paintAt(x, y)];
                out[y * W + x] = sample.apply(p, expectedGrey(p));
            }
        }
        return out;
    }

    private static Map<String, BufferedImage> everyEncoding() {
        Map<String, BufferedImage> images = new LinkedHashMap<>();
        ColorSpace rgb = null;
        ColorSpace grey = ColorSpace.getInstance(ColorSpace.CS_GRAY);
        int[] indices = new int[W * H];
        int[][] greyPalette = new int[PAINT.length][];
        for (int i = 0; i < PAINT.length; i++) {
            int g = expectedGrey(PAINT[i]);
            greyPalette[i] = new int[] {g, g, g, 255};
        }
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                indices[y * W + x] = paintAt(x, y);
            }
        }
        images.put("grey", component(grey, false, DataBuffer.TYPE_BYTE, samples((p, g) -> new int[] {g})));
        images.put("grey16", component(grey, false, DataBuffer.TYPE_USHORT,
                samples((p, g) -> new int[] {g * 257})));
        images.put("grey+alpha", component(grey, true, DataBuffer.TYPE_BYTE,
                samples((p, g) -> new int[] {luma(p), p[3]})));
        images.put("grey16+alpha", component(grey, true, DataBuffer.TYPE_USHORT,
                samples((p, g) -> new int[] {luma(p) * 257, p[3] * 257})));
        images.put("palette", palette(greyPalette, indices));
        images.put("palette+alpha", palette(PAINT, indices));
        images.put("rgb", component(rgb, false, DataBuffer.TYPE_BYTE, samples((p, g) -> new int[] {g, g, g})));
        images.put("rgb16", component(rgb, false, DataBuffer.TYPE_USHORT,
                samples((p, g) -> new int[] {g * 257, g * 257, g * 257})));
        images.put("rgba", component(rgb, true, DataBuffer.TYPE_BYTE,
                samples((p, g) -> new int[] {p[0], p[1], p[2], p[3]})));
        images.put("rgba16", component(rgb, true, DataBuffer.TYPE_USHORT,
                samples((p, g) -> new int[] {p[0] * 257, p[1] * 257, p[2] * 257, p[3] * 257})));
        return images;
    }

    private static int luma(int[] p) {
        return (299 * p[0] + 587 * p[1] + 114 * p[2] + 500) / 1000;
    }

    @Test
    void everyEncodingOfOnePictureGivesTheSameInputToTheBit() throws IOException {
        List<String> files = new ArrayList<>();
        float[] reference = null;
        for (Map.Entry<String, BufferedImage> encoding : everyEncoding().entrySet()) {
            Path png = tmp.resolve(encoding.getKey() + ".png");
            assertThat(ImageIO.write(encoding.getValue(), "png", png.toFile())).as(encoding.getKey()).isTrue();
            files.add(png.getFileName().toString());
            float[] input = ImageInput.load(png);
            if (reference == null) {
                reference = input;
            }
            assertThat(input).as(encoding.getKey() + " against " + files.get(0)).containsExactly(reference);
        }
        // The opaque picture also as an 8-bit GIF and a 24-bit BMP.
        BufferedImage opaque = everyEncoding().get("palette");
        for (String format : List.of("gif", "bmp")) {
            Path file = tmp.resolve("picture." + format);
            BufferedImage image = format.equals("gif") ? opaque : toRgb(opaque);
            assertThat(ImageIO.write(image, format, file.toFile())).as(format).isTrue();
            assertThat(ImageInput.load(file)).as(format).containsExactly(reference);
        }
    }

    private static BufferedImage toRgb(BufferedImage palette) {
        BufferedImage rgb = new BufferedImage(W, H, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                rgb.setRGB(x, y, palette.getRGB(x, y));
            }
        }
        return rgb;
    }

    @Test
    void aGreyPngKeepsItsLevels() throws IOException {
        // A grey 90 object on black: no negation, no stretch, so the object's pixels read exactly 90 / 255.
        BufferedImage grey = new BufferedImage(300, 200, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 50; y < 150; y++) {
            for (int x = 60; x < 240; x++) {
                grey.getRaster().setSample(x, y, 0, 90);
            }
        }
        Path png = tmp.resolve("grey90.png");
        ImageIO.write(grey, "png", png.toFile());

        float[] pixels = ImageInput.load(png);

        assertThat(pixels[14 * 28 + 14]).isEqualTo(90 / 255f);
        assertThat(pixels[14 * 28 + 3]).isEqualTo(90 / 255f);
        assertThat(pixels[0]).isZero();
    }

    @Test
    void areaAveragingKeepsAFlatImagesLevelExactly() {
        for (int[] size : new int[][] {{97, 61, 28, 18}, {13, 7, 28, 15}, {2048, 1000, 28, 14}, {28, 28, 28, 28}}) {
            double[] flat = new double[size[0] * size[1]];
            Arrays.fill(flat, 90);

            float[] scaled = ImageInput.areaAverage(flat, size[0], size[1], size[2], size[3]);

            assertThat(scaled).as(Arrays.toString(size)).hasSize(size[2] * size[3]);
            for (float v : scaled) {
                assertThat(v).as(Arrays.toString(size)).isEqualTo(90f);
            }
        }
    }

    @Test
    void areaAveragingIsTheMeanOfTheCoveredPixels() {
        // 4 -> 2 columns: each output is the mean of two inputs; 3 -> 2: the middle input is split in halves.
        assertThat(ImageInput.areaAverage(new double[] {0, 10, 20, 40}, 4, 1, 2, 1)).containsExactly(5f, 30f);
        assertThat(ImageInput.areaAverage(new double[] {0, 30, 60}, 3, 1, 2, 1)).containsExactly(10f, 50f);
    }

    // ---- refusals ----

    @Test
    void aCmykJpegIsRefusedNamingTheFile() throws IOException {
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 32, 32, 4, null);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                raster.setPixel(x, y, new int[] {x * 8, 40, 200, y * 8});
            }
        }
        Path jpeg = tmp.resolve("cmyk.jpg");
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(jpeg.toFile())) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(raster, null, null), null);
        } finally {
            writer.dispose();
        }

        assertThatThrownBy(() -> ImageInput.load(jpeg)).isInstanceOf(UsageException.class)
                .hasMessageContaining(jpeg.toString()).hasMessageContaining("CMYK");
    }

    /** A valid 1x1 PNG whose header then declares {@code width x height}: the size check must come first. */
    private Path pngDeclaring(int width, int height) throws IOException {
        Path png = tmp.resolve("huge-" + width + "x" + height + ".png");
        ImageIO.write(new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY), "png", png.toFile());
        byte[] bytes = Files.readAllBytes(png);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        buffer.putInt(16, width).putInt(20, height);
        CRC32 crc = new CRC32();
        crc.update(bytes, 12, 17);
        buffer.putInt(29, (int) crc.getValue());
        Files.write(png, bytes);
        return png;
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void anImageOverThePixelCapIsRefusedFromItsHeader() throws IOException {
        for (int[] size : new int[][] {{30000, 30000}, {10001, 10000}, {ImageInput.MAX_SIDE + 1, 1},
            {Integer.MAX_VALUE, Integer.MAX_VALUE}}) {
            Path png = pngDeclaring(size[0], size[1]);

            assertThatThrownBy(() -> ImageInput.load(png)).isInstanceOf(UsageException.class)
                    .hasMessageContaining(png.toString()).hasMessageContaining(size[0] + "x" + size[1])
                    .hasMessageContaining("megapixels");
        }
    }

    @Test
    void largeImagesAreSubsampledToTheWorkingSizeWhileDecoding() {
        assertThat(ImageInput.subsampling(640, 480)).isEqualTo(1);
        assertThat(ImageInput.subsampling(ImageInput.WORKING_SIDE, 10)).isEqualTo(1);
        assertThat(ImageInput.subsampling(10, ImageInput.WORKING_SIDE + 1)).isEqualTo(2);
        assertThat(ImageInput.subsampling(10000, 10000)).isEqualTo(5);
    }

    @Test
    void aLargeAllowedImageIsRead() throws IOException {
        Path png = tmp.resolve("large.png");
        ImageIO.write(photo(6000, 2500), "png", png.toFile());

        float[] pixels = ImageInput.load(png);

        assertThat(pixels[14 * 28 + 14]).isGreaterThan(0.8f);
        assertThat(pixels[0]).isLessThan(0.05f);
    }

    @Test
    void aFolderIsRefusedAsAnImage() throws IOException {
        Path folder = Files.createDirectory(tmp.resolve("photos.png"));

        assertThatThrownBy(() -> ImageInput.load(folder)).isInstanceOf(UsageException.class)
                .hasMessageContaining(folder.toString()).hasMessageContaining("not a regular file");
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void aNamedPipeIsRefusedWithoutHanging() throws Exception {
        Path fifo = tmp.resolve("pipe.png");
        Process mkfifo;
        try {
            mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        } catch (IOException e) {
            mkfifo = null;
        }
        assumeTrue(mkfifo != null && mkfifo.waitFor() == 0, "mkfifo is not available here");

        assertThatThrownBy(() -> ImageInput.load(fifo)).isInstanceOf(UsageException.class)
                .hasMessageContaining(fifo.toString()).hasMessageContaining("not a regular file");
    }

    @Test
    void aFileThatIsNotAnImageIsRefusedNamingIt() throws IOException {
        Path text = Files.writeString(tmp.resolve("notes.png"), "not an image at all");

        assertThatThrownBy(() -> ImageInput.load(text)).isInstanceOf(UsageException.class)
                .hasMessageContaining(text.toString()).hasMessageContaining("PNG, JPEG, GIF or BMP");
    }

    @Test
    void aTruncatedImageIsRefusedNamingIt() throws IOException {
        Path png = tmp.resolve("cut.png");
        ImageIO.write(photo(64, 48), "png", png.toFile());
        byte[] bytes = Files.readAllBytes(png);
        Files.write(png, Arrays.copyOf(bytes, 50));

        assertThatThrownBy(() -> ImageInput.load(png)).isInstanceOf(UsageException.class)
                .hasMessageStartingWith("Cannot read image " + png + ": ").hasMessageNotContaining("..");
    }

    @Test
    void controlCharactersInFileNamesAreEscapedInMessages() {
        Path odd = tmp.resolve("shoe\n\u001b[31m.png");

        assertThatThrownBy(() -> ImageInput.load(odd)).isInstanceOf(UsageException.class)
                .hasMessageContaining("shoe\\n\\u001B[31m.png")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "\u001b"));
    }
}
