package dev.weft.examples;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Turns a PNG, JPEG, GIF or BMP file (any size up to {@link #MAX_PIXELS}, colour or grey) into a 28x28 image
 * prepared the way Fashion-MNIST's images were: greyscale, light object on a dark background, the object's bounding
 * box scaled so its longer side fills the frame, centred, and intensities scaled to [0, 1].
 *
 * <p>Fashion-MNIST was made from product photos on white backgrounds by trimming, resizing the longer edge to 28,
 * and negating the intensities. So a photo whose border is lighter than its middle is negated here as well.
 *
 * <p>Pixels become 8-bit grey by integer arithmetic on the decoded samples, never through a colour-space
 * conversion: every sample is scaled to 8 bits ({@code round(v * 255 / (2^bits - 1))}), colour is ITU-R BT.601 luma
 * {@code round((299 R + 587 G + 114 B) / 1000)}, and alpha is composited on white, the background of a product
 * photo: {@code round((grey * a + 255 * (255 - a)) / 255)}. So grey, grey+alpha, 16-bit, palette, RGB and RGBA
 * encodings of one picture give the same input to the bit.
 */
public final class ImageInput {

    /** Side of a Fashion-MNIST image. */
    public static final int SIDE = 28;

    /** Largest image accepted, in pixels (width times height), checked from the header before decoding. */
    public static final long MAX_PIXELS = 100_000_000L;

    /** Longest side accepted: the decoders hold a few rows at full width even when subsampling. */
    public static final int MAX_SIDE = 50_000;

    /** Images whose longer side exceeds this are subsampled while decoding, so memory stays bounded. */
    static final int WORKING_SIDE = 2048;

    /** The ImageIO format names {@code predict} accepts; other plugins on the class path are not used. */
    static final List<String> FORMATS = List.of("png", "jpeg", "gif", "bmp");

    private ImageInput() {
    }

    /**
     * Reads and converts one image file; throws {@link UsageException} naming the file if it is not a regular file,
     * not a PNG, JPEG, GIF or BMP image, too large, or in a colour space other than grey or RGB (e.g. CMYK).
     */
    public static float[] load(Path file) {
        String name = Printable.of(file);
        if (!Files.exists(file)) {
            throw new UsageException("Image file " + name + " does not exist.");
        }
        if (!Files.isRegularFile(file)) {
            throw new UsageException("Image " + name + " is not a regular file (a folder, named pipe or device?); "
                    + "give a PNG, JPEG, GIF or BMP file.");
        }
        Grey grey = decode(file, name);
        return convert(grey.levels, grey.width, grey.height);
    }

    /** Converts an image to 28x28 values in [0, 1], row-major, light on dark. */
    public static float[] convert(BufferedImage image) {
        Grey grey = grey(image, "the image");
        return convert(grey.levels, grey.width, grey.height);
    }

    /** 8-bit grey levels of an image, row-major. */
    private record Grey(int[] levels, int width, int height) {
    }

    private static Grey decode(Path file, String name) {
        try (ImageInputStream stream = ImageIO.createImageInputStream(file.toFile())) {
            ImageReader reader = stream == null ? null : readerFor(stream);
            if (reader == null) {
                throw new UsageException("Cannot read image " + name + ": not a PNG, JPEG, GIF or BMP file.");
            }
            try {
                reader.setInput(stream, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                checkSize(width, height, name);
                ImageReadParam param = reader.getDefaultReadParam();
                int step = subsampling(width, height);
                param.setSourceSubsampling(step, step, 0, 0);
                return grey(reader.read(0, param), name);
            } finally {
                reader.dispose();
            }
        } catch (UsageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Decoders throw unchecked exceptions too on malformed files; all of them mean "not a readable image".
            String problem = e.getMessage() == null ? "the decoder failed (" + e.getClass().getSimpleName() + ")"
                    : e.getMessage().replaceAll("[.\\s]+$", "");
            throw new UsageException("Cannot read image " + name + ": " + problem
                    + ". Give a PNG, JPEG, GIF or BMP file.", e);
        }
    }

    private static ImageReader readerFor(ImageInputStream stream) {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(stream);
        while (readers.hasNext()) {
            ImageReader reader = readers.next();
            try {
                if (FORMATS.contains(reader.getFormatName().toLowerCase(Locale.ROOT))) {
                    return reader;
                }
            } catch (IOException e) {
                // A reader that cannot even name its format is skipped like any unsupported one.
            }
            reader.dispose();
        }
        return null;
    }

    /** Refuses, from the header's dimensions, an image too large to decode. */
    static void checkSize(int width, int height, String name) {
        if (width < 1 || height < 1) {
            throw new UsageException("Image " + name + " declares a size of " + width + "x" + height
                    + " pixels; an image needs at least one pixel.");
        }
        if (width > MAX_SIDE || height > MAX_SIDE || (long) width * height > MAX_PIXELS) {
            throw new UsageException("Image " + name + " is " + width + "x" + height + " pixels; predict accepts "
                    + "at most " + MAX_PIXELS / 1_000_000 + " megapixels and " + MAX_SIDE + " pixels on a side. "
                    + "Scale it down first.");
        }
    }

    /** The subsampling step that brings the longer side to at most {@link #WORKING_SIDE}. */
    static int subsampling(int width, int height) {
        int longer = Math.max(width, height);
        return (longer + WORKING_SIDE - 1) / WORKING_SIDE;
    }

    /** The 8-bit grey level of every pixel, by the formulas of the class comment. */
    private static Grey grey(BufferedImage image, String name) {
        int width = image.getWidth();
        int height = image.getHeight();
        Raster raster = image.getRaster();
        ColorModel model = image.getColorModel();
        int[] levels = new int[width * height];
        if (model instanceof IndexColorModel palette) {
            int[] row = new int[width];
            for (int y = 0; y < height; y++) {
                raster.getSamples(0, y, width, 1, 0, row);
                for (int x = 0; x < width; x++) {
                    int i = row[x];
                    levels[y * width + x] = composite(luma(palette.getRed(i), palette.getGreen(i),
                            palette.getBlue(i)), palette.getAlpha(i), false);
                }
            }
            return new Grey(levels, width, height);
        }
        int space = model.getColorSpace().getType();
        int colours = model.getNumColorComponents();
        int bands = model.getNumComponents();
        boolean supported = (space == ColorSpace.TYPE_GRAY && colours == 1
                || space == ColorSpace.TYPE_RGB && colours == 3)
                && raster.getNumBands() == bands && raster.getTransferType() != DataBuffer.TYPE_FLOAT
                && raster.getTransferType() != DataBuffer.TYPE_DOUBLE;
        if (!supported) {
            throw new UsageException("Cannot read image " + name + ": its pixels are in a " + spaceName(space)
                    + " colour space with " + bands + " components; predict reads grey and RGB images (with or "
                    + "without alpha, or with a palette). Save it as an RGB PNG or JPEG first.");
        }
        int[] bits = model.getComponentSize();
        int[] pixels = new int[width * bands];
        boolean premultiplied = model.isAlphaPremultiplied();
        for (int y = 0; y < height; y++) {
            raster.getPixels(0, y, width, 1, pixels);
            for (int x = 0; x < width; x++) {
                int at = x * bands;
                int luma = colours == 1 ? to8Bits(pixels[at], bits[0])
                        : luma(to8Bits(pixels[at], bits[0]), to8Bits(pixels[at + 1], bits[1]),
                                to8Bits(pixels[at + 2], bits[2]));
                int alpha = model.hasAlpha() ? to8Bits(pixels[at + colours], bits[colours]) : 255;
                levels[y * width + x] = composite(luma, alpha, premultiplied);
            }
        }
        return new Grey(levels, width, height);
    }

    /** A sample of {@code bits} bits scaled to 8 bits, rounded half up. */
    static int to8Bits(int sample, int bits) {
        if (bits == 8) {
            return sample;
        }
        long max = (1L << bits) - 1;
        return (int) ((2 * 255L * sample + max) / (2 * max));
    }

    /** ITU-R BT.601 luma of 8-bit R, G, B, rounded half up; a grey pixel keeps its level. */
    static int luma(int red, int green, int blue) {
        return (299 * red + 587 * green + 114 * blue + 500) / 1000;
    }

    /** An 8-bit grey level with alpha {@code alpha} composited on white, rounded half up. */
    static int composite(int grey, int alpha, boolean premultiplied) {
        if (premultiplied) {
            return Math.min(255, grey + 255 - alpha);
        }
        return (grey * alpha + 255 * (255 - alpha) + 127) / 255;
    }

    private static String spaceName(int space) {
        return switch (space) {
            case ColorSpace.TYPE_CMYK -> "CMYK";
            case ColorSpace.TYPE_YCbCr -> "YCbCr";
            case ColorSpace.TYPE_GRAY -> "grey";
            case ColorSpace.TYPE_RGB -> "RGB";
            default -> "non-RGB (type " + space + ")";
        };
    }

    /** Converts 8-bit grey levels to 28x28 values in [0, 1], row-major, light on dark. */
    private static float[] convert(int[] levels, int width, int height) {
        float[] grey = new float[width * height];
        for (int i = 0; i < grey.length; i++) {
            grey[i] = levels[i] / 255f;
        }
        if (borderMedian(grey, width, height) > centreMean(grey, width, height)) {
            for (int i = 0; i < grey.length; i++) {
                grey[i] = 1 - grey[i];
            }
        }
        // Trim to the bounding box of the object: pixels clearly brighter than the (dark) background.
        float background = borderMedian(grey, width, height);
        float threshold = background + 0.1f;
        int minX = width, minY = height, maxX = -1, maxY = -1;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (grey[y * width + x] > threshold) {
                    minX = Math.min(minX, x);
                    maxX = Math.max(maxX, x);
                    minY = Math.min(minY, y);
                    maxY = Math.max(maxY, y);
                }
            }
        }
        if (maxX < 0) {
            minX = 0;
            minY = 0;
            maxX = width - 1;
            maxY = height - 1;
        }
        int boxW = maxX - minX + 1;
        int boxH = maxY - minY + 1;
        double[] crop = new double[boxW * boxH];
        float range = Math.max(1e-6f, 1 - background);
        for (int y = 0; y < boxH; y++) {
            for (int x = 0; x < boxW; x++) {
                float v = grey[(y + minY) * width + x + minX] - background;
                crop[y * boxW + x] = Math.min(1f, Math.max(0f, v) / range);
            }
        }
        double scale = (double) SIDE / Math.max(boxW, boxH);
        int targetW = Math.max(1, (int) Math.round(boxW * scale));
        int targetH = Math.max(1, (int) Math.round(boxH * scale));
        float[] scaled = areaAverage(crop, boxW, boxH, targetW, targetH);
        float[] pixels = new float[SIDE * SIDE];
        int left = (SIDE - targetW) / 2;
        int top = (SIDE - targetH) / 2;
        for (int y = 0; y < targetH; y++) {
            System.arraycopy(scaled, y * targetW, pixels, (y + top) * SIDE + left, targetW);
        }
        return pixels;
    }

    /**
     * Resizes by area averaging (a box filter): each target pixel is the mean of the source area it covers, each
     * source pixel weighted by its overlap. Done in one dimension then the other, in double, and normalised by the
     * summed weights, so a flat image keeps its value exactly.
     */
    static float[] areaAverage(double[] source, int width, int height, int targetWidth, int targetHeight) {
        double[] rows = new double[height * targetWidth];
        for (int y = 0; y < height; y++) {
            for (int tx = 0; tx < targetWidth; tx++) {
                rows[y * targetWidth + tx] = average(source, y * width, 1, width, targetWidth, tx);
            }
        }
        float[] target = new float[targetHeight * targetWidth];
        for (int ty = 0; ty < targetHeight; ty++) {
            for (int tx = 0; tx < targetWidth; tx++) {
                target[ty * targetWidth + tx] = (float) average(rows, tx, targetWidth, height, targetHeight, ty);
            }
        }
        return target;
    }

    /** The mean of {@code values[offset + i * stride]} over the part of {@code [0, n)} that target cell t covers. */
    private static double average(double[] values, int offset, int stride, int n, int targetN, int t) {
        double from = (double) t * n / targetN;
        double to = (double) (t + 1) * n / targetN;
        double sum = 0;
        double weights = 0;
        for (int i = (int) Math.floor(from); i < Math.min(n, (int) Math.ceil(to)); i++) {
            double weight = Math.min(to, i + 1) - Math.max(from, i);
            sum += weight * values[offset + i * stride];
            weights += weight;
        }
        return sum / weights;
    }

    /** The median of the outermost pixels: the background, robust to an object that touches the frame. */
    private static float borderMedian(float[] grey, int width, int height) {
        float[] border = new float[2 * width + 2 * height];
        int n = 0;
        for (int x = 0; x < width; x++) {
            border[n++] = grey[x];
            border[n++] = grey[(height - 1) * width + x];
        }
        for (int y = 0; y < height; y++) {
            border[n++] = grey[y * width];
            border[n++] = grey[y * width + width - 1];
        }
        java.util.Arrays.sort(border, 0, n);
        return border[n / 2];
    }

    private static float centreMean(float[] grey, int width, int height) {
        double sum = 0;
        int count = 0;
        for (int y = height / 4; y < height - height / 4; y++) {
            for (int x = width / 4; x < width - width / 4; x++) {
                sum += grey[y * width + x];
                count++;
            }
        }
        return count == 0 ? 0 : (float) (sum / count);
    }
}
