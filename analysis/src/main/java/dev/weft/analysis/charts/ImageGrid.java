package dev.weft.analysis.charts;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Small images laid out in a grid, each with an optional caption in its own colour: sample images, the mean
 * image of each class, predictions (correct in green, wrong in red), feature maps.
 *
 * <p>Images are {@code height x width} grey values, row-major, one array per image. Values are mapped to the
 * colour map over a fixed range (default [0, 1]; bytes are read as 0..255 and scaled to [0, 1]) or, with
 * {@link #withPerImageNormalisation()}, over each image's own minimum to maximum (for feature maps, whose
 * scales differ). Pixels are drawn as crisp blocks. Unless {@link #withColumns} fixes it, the number of
 * columns is chosen at render time to make the images as large as the picture allows.
 *
 * <p>Configure with the chained {@code with...} methods (they change and return this grid).
 *
 * <pre>{@code
 * ImageGrid.predictions(images, 28, 28, truth, predicted, FashionMnist.CLASS_NAMES)
 *          .write(Path.of("predictions.png"), 1000, 800);
 * }</pre>
 */
public final class ImageGrid implements Chart {

    /** The colour of heat overlays: a red-orange that stands out on black background and on white cloth alike. */
    private static final int TINT = 0xff3b00;

    private final float[][] images;
    private final int imageHeight;
    private final int imageWidth;
    private String title = "";
    private int columns;
    private List<String> captions;
    private List<Color> captionColors;
    private ColorMap colorMap = ColorMap.GREY;
    private double low = 0;
    private double high = 1;
    private boolean perImage;
    /** Per image, a heat map drawn over it, or null; null when there are no overlays. */
    private float[][] overlays;

    private ImageGrid(float[][] images, int imageHeight, int imageWidth) {
        if (images.length == 0) {
            throw new IllegalArgumentException("an image grid needs at least one image");
        }
        if (imageHeight < 1 || imageWidth < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + imageHeight + "x" + imageWidth);
        }
        for (int i = 0; i < images.length; i++) {
            if (images[i].length != imageHeight * imageWidth) {
                throw new IllegalArgumentException("image " + i + " has " + images[i].length + " values, expected "
                        + imageHeight + "x" + imageWidth + " = " + imageHeight * imageWidth);
            }
        }
        this.images = images;
        this.imageHeight = imageHeight;
        this.imageWidth = imageWidth;
    }

    /** A grid of float images (copied), shown over the range [0, 1] in grey unless configured otherwise. */
    public static ImageGrid of(float[][] images, int height, int width) {
        float[][] copy = new float[images.length][];
        for (int i = 0; i < images.length; i++) {
            copy[i] = images[i].clone();
        }
        return new ImageGrid(copy, height, width);
    }

    /** A grid of byte images (unsigned 0..255, as stored in the IDX files), scaled to [0, 1]. */
    public static ImageGrid of(byte[][] images, int height, int width) {
        float[][] scaled = new float[images.length][];
        for (int i = 0; i < images.length; i++) {
            scaled[i] = new float[images[i].length];
            for (int p = 0; p < images[i].length; p++) {
                scaled[i][p] = (images[i][p] & 0xff) / 255f;
            }
        }
        return new ImageGrid(scaled, height, width);
    }

    /**
     * A grid of {@code count} images stored one after the other in {@code batch} (e.g. the data of a
     * {@code [count, 1, height, width]} tensor), starting at {@code offset}.
     */
    public static ImageGrid ofBatch(float[] batch, int offset, int count, int height, int width) {
        int size = height * width;
        if (count < 1 || offset < 0 || offset + (long) count * size > batch.length) {
            throw new IllegalArgumentException(count + " images of " + height + "x" + width + " from offset "
                    + offset + " do not fit in an array of " + batch.length);
        }
        float[][] images = new float[count][];
        for (int i = 0; i < count; i++) {
            images[i] = Arrays.copyOfRange(batch, offset + i * size, offset + (i + 1) * size);
        }
        return new ImageGrid(images, height, width);
    }

    /**
     * Predictions: each image captioned with the predicted class, in green when it equals the true class and
     * in red, with the true class on a second line, when it does not.
     */
    public static ImageGrid predictions(float[][] images, int height, int width, int[] truth, int[] predicted,
            List<String> classNames) {
        if (truth.length != images.length || predicted.length != images.length) {
            throw new IllegalArgumentException(images.length + " images but " + truth.length + " true and "
                    + predicted.length + " predicted labels");
        }
        List<String> captions = new ArrayList<>();
        List<Color> colors = new ArrayList<>();
        for (int i = 0; i < images.length; i++) {
            String guess = classNames.get(predicted[i]);
            if (predicted[i] == truth[i]) {
                captions.add(guess);
                colors.add(ClassPalette.CORRECT);
            } else {
                captions.add(guess + "\n(true: " + classNames.get(truth[i]) + ")");
                colors.add(ClassPalette.WRONG);
            }
        }
        return of(images, height, width).withTitle("Predictions (green: correct, red: wrong)")
                .withCaptions(captions).withCaptionColors(colors);
    }

    /**
     * Feature maps of one layer for one input, {@code [channels, height, width]} row-major (e.g.
     * {@code Activations.of(...).toArray()}), each normalised to its own range, on the viridis scale,
     * captioned with the channel index.
     */
    public static ImageGrid featureMaps(float[] maps, int channels, int height, int width) {
        List<String> captions = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            captions.add(Integer.toString(c));
        }
        return ofBatch(maps, 0, channels, height, width).withTitle(channels + " feature maps")
                .withCaptions(captions).withColorMap(ColorMap.VIRIDIS).withPerImageNormalisation();
    }

    /** Sets the title drawn above the grid. */
    public ImageGrid withTitle(String title) {
        this.title = title;
        return this;
    }

    /** Fixes the number of columns (otherwise chosen to make the images as large as possible). */
    public ImageGrid withColumns(int columns) {
        if (columns < 1) {
            throw new IllegalArgumentException("columns must be positive, got " + columns);
        }
        this.columns = columns;
        return this;
    }

    /** One caption per image, drawn below it; "\n" starts a new line. */
    public ImageGrid withCaptions(List<String> captions) {
        if (captions.size() != images.length) {
            throw new IllegalArgumentException(captions.size() + " captions for " + images.length + " images");
        }
        this.captions = List.copyOf(captions);
        return this;
    }

    /** One caption colour per image (default dark grey). */
    public ImageGrid withCaptionColors(List<Color> colors) {
        if (colors.size() != images.length) {
            throw new IllegalArgumentException(colors.size() + " caption colours for " + images.length + " images");
        }
        this.captionColors = List.copyOf(colors);
        return this;
    }

    /** Sets the colour map (default {@link ColorMap#GREY}: 0 black, 1 white). */
    public ImageGrid withColorMap(ColorMap colorMap) {
        this.colorMap = colorMap;
        return this;
    }

    /** Maps values over {@code [low, high]} for every image (default [0, 1]). */
    public ImageGrid withRange(double low, double high) {
        if (!(high > low)) {
            throw new IllegalArgumentException("range needs high > low, got [" + low + ", " + high + "]");
        }
        this.low = low;
        this.high = high;
        this.perImage = false;
        return this;
    }

    /**
     * Draws a heat map over each image (an explanation: Grad-CAM, saliency): each map, {@code height x width} like
     * its image, is scaled to its own maximum, and the image's pixel is blended towards bright red-orange by
     * {@code 0.85·t} where {@code t} is the scaled heat (values at or below zero leave the image as it is). A null
     * entry leaves that image bare. The maps are copied.
     *
     * <pre>{@code
     * ImageGrid.of(images, 28, 28).withHeatOverlays(gradCamMaps).withCaptions(names)
     *          .write(Path.of("grad-cam.png"), 1000, 500);
     * }</pre>
     */
    public ImageGrid withHeatOverlays(float[][] heatMaps) {
        if (heatMaps.length != images.length) {
            throw new IllegalArgumentException(heatMaps.length + " heat maps for " + images.length + " images");
        }
        float[][] copy = new float[heatMaps.length][];
        for (int i = 0; i < heatMaps.length; i++) {
            if (heatMaps[i] != null && heatMaps[i].length != imageHeight * imageWidth) {
                throw new IllegalArgumentException("heat map " + i + " has " + heatMaps[i].length
                        + " values, expected " + imageHeight + "x" + imageWidth);
            }
            copy[i] = heatMaps[i] == null ? null : heatMaps[i].clone();
        }
        this.overlays = copy;
        return this;
    }

    /** Maps each image over its own minimum to maximum (a constant image is drawn at the low colour). */
    public ImageGrid withPerImageNormalisation() {
        this.perImage = true;
        return this;
    }

    @Override
    public BufferedImage render(int width, int height) {
        PngFiles.checkSize(width, height);
        BufferedImage image = Style.canvas(width, height);
        Graphics2D g = image.createGraphics();
        try {
            Style.hints(g);
            draw(g, width, height);
        } finally {
            g.dispose();
        }
        return image;
    }

    private void draw(Graphics2D g, int width, int height) {
        int n = images.length;
        FontMetrics titleMetrics = g.getFontMetrics(Style.TITLE);
        int top = title.isEmpty() ? 6 : titleMetrics.getHeight() + 12;
        if (!title.isEmpty()) {
            g.setFont(Style.TITLE);
            g.setColor(Style.TEXT);
            Style.centred(g, title, width / 2.0, titleMetrics.getAscent() + 6);
        }
        int lines = 0;
        if (captions != null) {
            for (String caption : captions) {
                lines = Math.max(lines, caption.split("\n", -1).length);
            }
        }
        int margin = 6;
        int availableW = width - 2 * margin;
        int availableH = height - top - margin;
        // Choose the column count that makes the images largest; the caption font scales with the cell.
        int bestColumns = columns > 0 ? Math.min(columns, n) : 1;
        double bestScale = -1;
        int from = columns > 0 ? bestColumns : 1;
        int to = columns > 0 ? bestColumns : n;
        for (int c = from; c <= to; c++) {
            double scale = scaleFor(c, n, availableW, availableH, lines);
            if (scale > bestScale) {
                bestScale = scale;
                bestColumns = c;
            }
        }
        int cols = bestColumns;
        int rowsCount = (n + cols - 1) / cols;
        double cellW = availableW / (double) cols;
        double cellH = availableH / (double) rowsCount;
        float fontSize = captionFontSize(cellW);
        double captionH = lines * (fontSize * 1.25) + (lines > 0 ? 4 : 0);
        double scale = Math.max(0.01, Math.min((cellW - 6) / imageWidth, (cellH - 6 - captionH) / imageHeight));
        int drawW = Math.max(1, (int) Math.floor(scale * imageWidth));
        int drawH = Math.max(1, (int) Math.floor(scale * imageHeight));
        Font captionFont = Style.TICK.deriveFont(fontSize);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        for (int i = 0; i < n; i++) {
            int row = i / cols;
            int col = i % cols;
            double cx = margin + (col + 0.5) * cellW;
            double cellTop = top + row * cellH;
            double blockH = drawH + captionH;
            int x = (int) Math.round(cx - drawW / 2.0);
            int y = (int) Math.round(cellTop + (cellH - blockH) / 2);
            g.drawImage(toImage(images[i], overlays == null ? null : overlays[i]), x, y, drawW, drawH, null);
            g.setColor(new Color(0xbbbbbb));
            g.drawRect(x - 1, y - 1, drawW + 1, drawH + 1);
            if (captions != null) {
                g.setColor(captionColors == null ? Style.TEXT : captionColors.get(i));
                String[] parts = captions.get(i).split("\n", -1);
                double baseline = y + drawH + 3 + fontSize;
                for (String part : parts) {
                    g.setFont(Style.fit(g, captionFont, part, cellW - 4, 6f));
                    Style.centred(g, part, cx, baseline);
                    baseline += fontSize * 1.25;
                }
            }
        }
    }

    private double scaleFor(int cols, int n, int availableW, int availableH, int lines) {
        int rowsCount = (n + cols - 1) / cols;
        double cellW = availableW / (double) cols;
        double cellH = availableH / (double) rowsCount;
        double captionH = lines * (captionFontSize(cellW) * 1.25) + (lines > 0 ? 4 : 0);
        return Math.min((cellW - 6) / imageWidth, (cellH - 6 - captionH) / imageHeight);
    }

    private static float captionFontSize(double cellWidth) {
        return (float) Math.max(8, Math.min(13, cellWidth / 9));
    }

    private BufferedImage toImage(float[] pixels, float[] heat) {
        double lo = low;
        double hi = high;
        if (perImage) {
            lo = Double.POSITIVE_INFINITY;
            hi = Double.NEGATIVE_INFINITY;
            for (float v : pixels) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            if (!(hi > lo)) {
                hi = lo + 1;
            }
        }
        int[] rgb = new int[pixels.length];
        for (int p = 0; p < pixels.length; p++) {
            rgb[p] = colorMap.rgb((pixels[p] - lo) / (hi - lo));
        }
        if (heat != null) {
            blend(rgb, heat);
        }
        BufferedImage image = new BufferedImage(imageWidth, imageHeight, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, imageWidth, imageHeight, rgb, 0, imageWidth);
        return image;
    }

    /** Blends each pixel towards {@link #TINT} by {@code 0.85·t}, t the heat over its maximum. */
    private static void blend(int[] rgb, float[] heat) {
        float top = 0;
        for (float v : heat) {
            top = Math.max(top, v);
        }
        if (!(top > 0)) {
            return;
        }
        for (int p = 0; p < rgb.length; p++) {
            double t = Math.max(0, heat[p] / top);
            int tint = TINT;
            double a = 0.85 * t;
            int r = (int) Math.round(((rgb[p] >> 16) & 0xff) * (1 - a) + ((tint >> 16) & 0xff) * a);
            int g = (int) Math.round(((rgb[p] >> 8) & 0xff) * (1 - a) + ((tint >> 8) & 0xff) * a);
            int b = (int) Math.round((rgb[p] & 0xff) * (1 - a) + (tint & 0xff) * a);
            rgb[p] = (r << 16) | (g << 8) | b;
        }
    }
}
