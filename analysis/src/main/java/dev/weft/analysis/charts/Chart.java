package dev.weft.analysis.charts;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A picture that can be drawn at any size: every chart factory in this package ({@link BarCharts},
 * {@link LineCharts}, {@link ScatterCharts}, {@link HeatMap}, {@link ImageGrid}) returns one.
 *
 * <p>Drawing is done lazily, on {@link #render}, into an off-screen {@link BufferedImage}; no window or
 * display is needed, so charts work with {@code -Djava.awt.headless=true}. The input arrays are copied when
 * the chart is created, so changing them afterwards does not change the picture.
 *
 * <pre>{@code
 * BarCharts.classDistribution(FashionMnist.CLASS_NAMES, counts)
 *          .write(Path.of("out/classes.png"), 900, 500);
 * }</pre>
 */
@FunctionalInterface
public interface Chart {

    /**
     * Draws the chart into a new opaque RGB image of exactly {@code width x height} pixels.
     *
     * @throws IllegalArgumentException if a size is below {@link PngFiles#MIN_SIZE}
     */
    BufferedImage render(int width, int height);

    /**
     * Draws the chart and writes it as a PNG file, atomically (a temporary file in the same directory is
     * moved over the target, so a reader never sees half a file). Missing parent directories are created.
     *
     * @return {@code png}
     */
    default Path write(Path png, int width, int height) throws IOException {
        return PngFiles.write(render(width, height), png);
    }

    /**
     * Two charts side by side in one picture, each drawn at half the width and the full height: e.g. two
     * embeddings of the same points, to be compared.
     */
    static Chart sideBySide(Chart left, Chart right) {
        return (width, height) -> {
            PngFiles.checkSize(width, height);
            int half = width / 2;
            BufferedImage image = Style.canvas(width, height);
            Graphics2D g = image.createGraphics();
            try {
                g.drawImage(left.render(half, height), 0, 0, null);
                g.drawImage(right.render(width - half, height), half, 0, null);
            } finally {
                g.dispose();
            }
            return image;
        };
    }
}
