package dev.weft.examples;

import java.awt.Graphics2D;
import java.awt.Image;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Turns an arbitrary PNG or JPEG (any size, colour or grey) into a 28x28 image prepared the way Fashion-MNIST's
 * images were: greyscale, light object on a dark background, the object's bounding box scaled so its longer side
 * fills the frame, centred, and intensities scaled to [0, 1].
 *
 * <p>Fashion-MNIST was made from product photos on white backgrounds by trimming, resizing the longer edge to 28,
 * and negating the intensities. So a photo whose border is lighter than its middle is negated here as well.
 */
public final class ImageInput {

    /** Side of a Fashion-MNIST image. */
    public static final int SIDE = 28;

    private ImageInput() {
    }

    /** Reads and converts one image file; throws {@link UsageException} naming the file if it is not an image. */
    public static float[] load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UsageException("Image file " + file + " does not exist.");
        }
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new UsageException("Cannot read image " + file + ": " + e.getMessage()
                    + ". Give a PNG or JPEG file.", e);
        }
        if (image == null) {
            throw new UsageException("Cannot read image " + file + ": not a PNG, JPEG, GIF or BMP file.");
        }
        return convert(image);
    }

    /** Converts an image to 28x28 values in [0, 1], row-major, light on dark. */
    public static float[] convert(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        float[] grey = new float[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int argb = image.getRGB(x, y);
                float alpha = ((argb >>> 24) & 0xff) / 255f;
                // ITU-R BT.601 luma; a transparent pixel counts as the (white) background of a product photo.
                float luma = (0.299f * ((argb >> 16) & 0xff) + 0.587f * ((argb >> 8) & 0xff)
                        + 0.114f * (argb & 0xff)) / 255f;
                grey[y * width + x] = alpha * luma + (1 - alpha);
            }
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
        BufferedImage crop = new BufferedImage(boxW, boxH, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < boxH; y++) {
            for (int x = 0; x < boxW; x++) {
                float v = Math.max(0f, Math.min(1f, grey[(y + minY) * width + x + minX] - background));
                int g = Math.round(v / Math.max(1e-6f, 1 - background) * 255);
                crop.getRaster().setSample(x, y, 0, Math.min(255, g));
            }
        }
        double scale = (double) SIDE / Math.max(boxW, boxH);
        int targetW = Math.max(1, (int) Math.round(boxW * scale));
        int targetH = Math.max(1, (int) Math.round(boxH * scale));
        Image scaled = crop.getScaledInstance(targetW, targetH,
                scale < 1 ? Image.SCALE_AREA_AVERAGING : Image.SCALE_SMOOTH);
        BufferedImage canvas = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = canvas.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(scaled, (SIDE - targetW) / 2, (SIDE - targetH) / 2, null);
        g.dispose();
        float[] pixels = new float[SIDE * SIDE];
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                pixels[y * SIDE + x] = canvas.getRaster().getSample(x, y, 0) / 255f;
            }
        }
        return pixels;
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
