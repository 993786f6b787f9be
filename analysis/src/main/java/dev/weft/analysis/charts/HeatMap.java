package dev.weft.analysis.charts;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * A matrix drawn as coloured cells with a colour scale: the pixel correlation matrix, the confusion matrix,
 * an importance map. Drawn directly with Java 2D (a 784x784 matrix is 614,656 cells: a chart library's
 * per-item objects add nothing but time); when the matrix has more cells than the plot has pixels, each
 * pixel shows the mean of the cells it covers, so a thin diagonal does not vanish by aliasing.
 *
 * <p>Configure with the chained {@code with...} methods (they change and return this heat map).
 *
 * <pre>{@code
 * HeatMap.confusion(report.confusionMatrix(), FashionMnist.CLASS_NAMES).write(Path.of("confusion.png"), 900, 800);
 * HeatMap.correlation(correlation, 784).write(Path.of("correlation.png"), 900, 800);
 * }</pre>
 */
public final class HeatMap implements Chart {

    private static final Color MISSING = new Color(0xcccccc);

    private final double[] values;
    private final int rows;
    private final int columns;
    private String title = "";
    private String xLabel = "";
    private String yLabel = "";
    private List<String> rowNames;
    private List<String> columnNames;
    private ColorMap colorMap = ColorMap.VIRIDIS;
    private double low = Double.NaN;
    private double high = Double.NaN;
    private String scaleLabel = "";
    private String cellFormat;

    private HeatMap(double[] values, int rows, int columns) {
        if (rows < 1 || columns < 1 || values.length != rows * columns) {
            throw new IllegalArgumentException("a " + rows + "x" + columns + " heat map needs "
                    + (long) rows * columns + " values, got " + values.length);
        }
        this.values = values;
        this.rows = rows;
        this.columns = columns;
    }

    /** A heat map of a row-major {@code rows x columns} matrix (copied). Row 0 is drawn at the top. */
    public static HeatMap of(double[] values, int rows, int columns) {
        return new HeatMap(values.clone(), rows, columns);
    }

    /** A heat map of a rectangular matrix (copied). Row 0 is drawn at the top. */
    public static HeatMap of(double[][] matrix) {
        int rows = matrix.length;
        int columns = rows == 0 ? 0 : matrix[0].length;
        double[] flat = new double[rows * columns];
        for (int r = 0; r < rows; r++) {
            if (matrix[r].length != columns) {
                throw new IllegalArgumentException("row " + r + " has " + matrix[r].length
                        + " values, expected " + columns);
            }
            System.arraycopy(matrix[r], 0, flat, r * columns, columns);
        }
        return new HeatMap(flat, rows, columns);
    }

    /**
     * The {@code n x n} pixel correlation matrix (row-major) on a diverging blue-white-red scale from -1 to
     * +1; constant pixels, whose correlation is undefined, may be NaN and are drawn grey.
     */
    public static HeatMap correlation(double[] matrix, int n) {
        return of(matrix, n, n).withTitle("Pairwise pixel correlation").withAxisLabels("Pixel", "Pixel")
                .withColorMap(ColorMap.DIVERGING).withRange(-1, 1).withScaleLabel("Correlation");
    }

    /** {@link #correlation(double[], int)} for a square {@code double[][]}. */
    public static HeatMap correlation(double[][] matrix) {
        HeatMap map = of(matrix);
        return correlation(map.values, map.rows);
    }

    /**
     * A confusion matrix: row = true class, column = predicted class, the count written in each cell, class
     * names on both axes, white-to-blue scale.
     */
    public static HeatMap confusion(int[][] counts, List<String> classNames) {
        double[][] wide = new double[counts.length][];
        for (int r = 0; r < counts.length; r++) {
            wide[r] = new double[counts[r].length];
            for (int c = 0; c < counts[r].length; c++) {
                wide[r][c] = counts[r][c];
            }
        }
        HeatMap map = of(wide);
        if (map.rows != map.columns || classNames.size() != map.rows) {
            throw new IllegalArgumentException("a confusion matrix must be square with one row per class: got "
                    + map.rows + "x" + map.columns + " for " + classNames.size() + " class names");
        }
        return map.withTitle("Confusion matrix").withAxisLabels("Predicted class", "True class")
                .withRowNames(classNames).withColumnNames(classNames).withColorMap(ColorMap.BLUES)
                .withRange(0, Math.max(1, max(map.values))).withScaleLabel("Count").withCellValues("%.0f");
    }

    /**
     * An importance map over image pixels (e.g. {@code PermutationImportance}'s 28x28 accuracy drops), on a
     * white-to-dark-red scale starting at zero.
     */
    public static HeatMap importance(double[] map, int height, int width) {
        HeatMap heat = of(map, height, width);
        double top = max(heat.values);
        return heat.withTitle("Permutation importance of image regions").withAxisLabels("Pixel column", "Pixel row")
                .withColorMap(ColorMap.HEAT).withRange(Math.min(0, min(heat.values)), top > 0 ? top : 1)
                .withScaleLabel("Accuracy drop");
    }

    /** Sets the title drawn above the map. */
    public HeatMap withTitle(String title) {
        this.title = title;
        return this;
    }

    /** Sets the axis labels (below the map and left of it). */
    public HeatMap withAxisLabels(String xLabel, String yLabel) {
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        return this;
    }

    /** Names the rows (drawn left of each row instead of numeric ticks). */
    public HeatMap withRowNames(List<String> names) {
        this.rowNames = checkNames(names, rows, "row");
        return this;
    }

    /** Names the columns (drawn below each column, slanted if they do not fit). */
    public HeatMap withColumnNames(List<String> names) {
        this.columnNames = checkNames(names, columns, "column");
        return this;
    }

    /** Sets the colour scale. */
    public HeatMap withColorMap(ColorMap colorMap) {
        this.colorMap = colorMap;
        return this;
    }

    /**
     * Fixes the value range of the colour scale (values outside are clamped to its ends). Without it the
     * range is the data's minimum to maximum (symmetric about zero for {@link ColorMap#DIVERGING}).
     */
    public HeatMap withRange(double low, double high) {
        if (!(high > low)) {
            throw new IllegalArgumentException("colour range needs high > low, got [" + low + ", " + high + "]");
        }
        this.low = low;
        this.high = high;
        return this;
    }

    /** Sets the label of the colour scale (what the values are). */
    public HeatMap withScaleLabel(String label) {
        this.scaleLabel = label;
        return this;
    }

    /**
     * Writes each cell's value in it, formatted with {@code format} (e.g. {@code "%.0f"}, {@code "%.2f"}), in
     * black or white whichever reads better on the cell; skipped when cells are too small for text.
     */
    public HeatMap withCellValues(String format) {
        this.cellFormat = format;
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
        double[] range = range();
        double lo = range[0];
        double hi = range[1];
        FontMetrics tick = g.getFontMetrics(Style.TICK);
        FontMetrics label = g.getFontMetrics(Style.LABEL);
        FontMetrics titleMetrics = g.getFontMetrics(Style.TITLE);
        int top = title.isEmpty() ? 10 : titleMetrics.getHeight() + 14;
        // Left margin: y label (rotated) + row tick labels.
        int rowTickWidth = 0;
        if (rowNames != null) {
            for (String name : rowNames) {
                rowTickWidth = Math.max(rowTickWidth, tick.stringWidth(name));
            }
        } else {
            rowTickWidth = tick.stringWidth(Points.tickLabel(rows - 1));
        }
        int left = 10 + (yLabel.isEmpty() ? 0 : label.getHeight() + 6) + rowTickWidth + 8;
        // Right margin: colour bar, its tick labels and its label.
        int scaleTickWidth = 0;
        double[] scaleTicks = Points.niceTicks(lo, hi, 5);
        for (double t : scaleTicks) {
            scaleTickWidth = Math.max(scaleTickWidth, tick.stringWidth(Points.tickLabel(t)));
        }
        int barWidth = 16;
        int right = 20 + barWidth + 6 + scaleTickWidth + (scaleLabel.isEmpty() ? 0 : label.getHeight() + 8) + 10;
        // Bottom margin: column tick labels (slanted if they do not fit) + x label.
        int availableWidth = width - left - right;
        double guessCell = availableWidth / (double) columns;
        int columnTickWidth = 0;
        if (columnNames != null) {
            for (String name : columnNames) {
                columnTickWidth = Math.max(columnTickWidth, tick.stringWidth(name));
            }
        }
        boolean slanted = columnNames != null && columnTickWidth > guessCell - 4;
        int columnTickHeight = slanted ? (int) (columnTickWidth * Math.sqrt(0.5)) + tick.getHeight()
                : tick.getHeight();
        int bottom = 6 + columnTickHeight + 6 + (xLabel.isEmpty() ? 0 : label.getHeight() + 4) + 8;
        int availableHeight = height - top - bottom;
        double cell = Math.max(0.05, Math.min(availableWidth / (double) columns, availableHeight / (double) rows));
        int plotW = Math.max(1, (int) Math.round(cell * columns));
        int plotH = Math.max(1, (int) Math.round(cell * rows));
        int x0 = left + Math.max(0, (availableWidth - plotW) / 2);
        int y0 = top;

        if (!title.isEmpty()) {
            g.setFont(Style.TITLE);
            g.setColor(Style.TEXT);
            Style.centred(g, title, width / 2.0, titleMetrics.getAscent() + 6);
        }
        g.drawImage(raster(plotW, plotH, lo, hi), x0, y0, null);
        if (cellFormat != null && cell >= 12 && rows <= 60 && columns <= 60) {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
            g.setColor(Color.WHITE);
            for (int c = 1; c < columns; c++) {
                int x = x0 + (int) Math.round(c * cell);
                g.drawLine(x, y0, x, y0 + plotH - 1);
            }
            for (int r = 1; r < rows; r++) {
                int y = y0 + (int) Math.round(r * cell);
                g.drawLine(x0, y, x0 + plotW - 1, y);
            }
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        }
        if (cellFormat != null && cell >= 14) {
            drawCellValues(g, x0, y0, cell, lo, hi);
        }
        g.setColor(new Color(0x888888));
        g.drawRect(x0, y0, plotW, plotH);

        // Row ticks.
        g.setFont(Style.TICK);
        g.setColor(Style.TEXT);
        if (rowNames != null) {
            for (int r = 0; r < rows; r++) {
                double y = y0 + (r + 0.5) * cell;
                String name = rowNames.get(r);
                g.drawString(name, x0 - 6 - tick.stringWidth(name), (float) (y + tick.getAscent() / 2.0 - 1));
            }
        } else {
            for (double t : Points.niceTicks(0, rows - 1, Math.max(2, Math.min(8, plotH / 40)))) {
                double y = y0 + (t + 0.5) * cell;
                String text = Points.tickLabel(t);
                g.drawLine(x0 - 4, (int) y, x0, (int) y);
                g.drawString(text, x0 - 6 - tick.stringWidth(text), (float) (y + tick.getAscent() / 2.0 - 1));
            }
        }
        // Column ticks.
        int tickTop = y0 + plotH + 6;
        if (columnNames != null) {
            for (int c = 0; c < columns; c++) {
                double x = x0 + (c + 0.5) * cell;
                String name = columnNames.get(c);
                if (slanted) {
                    AffineTransform saved = g.getTransform();
                    g.translate(x + tick.getAscent() / 3.0, tickTop);
                    g.rotate(-Math.PI / 4);
                    g.drawString(name, -tick.stringWidth(name), 0);
                    g.setTransform(saved);
                } else {
                    Style.centred(g, name, x, tickTop + tick.getAscent());
                }
            }
        } else {
            for (double t : Points.niceTicks(0, columns - 1, Math.max(2, Math.min(8, plotW / 60)))) {
                double x = x0 + (t + 0.5) * cell;
                g.drawLine((int) x, y0 + plotH, (int) x, y0 + plotH + 4);
                Style.centred(g, Points.tickLabel(t), x, tickTop + tick.getAscent());
            }
        }
        // Axis labels.
        g.setFont(Style.LABEL);
        if (!xLabel.isEmpty()) {
            Style.centred(g, xLabel, x0 + plotW / 2.0, tickTop + columnTickHeight + 6 + label.getAscent());
        }
        if (!yLabel.isEmpty()) {
            AffineTransform saved = g.getTransform();
            g.translate(10 + label.getAscent(), y0 + plotH / 2.0);
            g.rotate(-Math.PI / 2);
            Style.centred(g, yLabel, 0, 0);
            g.setTransform(saved);
        }
        drawScale(g, x0 + plotW + 20, y0, barWidth, plotH, lo, hi, scaleTicks, tick, label);
    }

    /** The plot as pixels: each pixel the mean of the cells it covers, mapped through the colour map. */
    private BufferedImage raster(int plotW, int plotH, double lo, double hi) {
        BufferedImage raster = new BufferedImage(plotW, plotH, BufferedImage.TYPE_INT_RGB);
        int[] rgb = new int[plotW * plotH];
        int[] c0 = new int[plotW];
        int[] c1 = new int[plotW];
        for (int px = 0; px < plotW; px++) {
            c0[px] = (int) ((long) px * columns / plotW);
            c1[px] = Math.max(c0[px] + 1, (int) ((long) (px + 1) * columns / plotW));
        }
        for (int py = 0; py < plotH; py++) {
            int r0 = (int) ((long) py * rows / plotH);
            int r1 = Math.max(r0 + 1, (int) ((long) (py + 1) * rows / plotH));
            for (int px = 0; px < plotW; px++) {
                double sum = 0;
                int count = 0;
                for (int r = r0; r < r1; r++) {
                    for (int c = c0[px]; c < c1[px]; c++) {
                        double v = values[r * columns + c];
                        if (!Double.isNaN(v)) {
                            sum += v;
                            count++;
                        }
                    }
                }
                rgb[py * plotW + px] = count == 0 ? MISSING.getRGB() & 0xffffff
                        : colorMap.rgb((sum / count - lo) / (hi - lo));
            }
        }
        raster.setRGB(0, 0, plotW, plotH, rgb, 0, plotW);
        return raster;
    }

    private void drawCellValues(Graphics2D g, int x0, int y0, double cell, double lo, double hi) {
        String widest = "";
        for (double v : values) {
            String text = Double.isNaN(v) ? "" : String.format(Locale.ROOT, cellFormat, v);
            if (text.length() > widest.length()) {
                widest = text;
            }
        }
        Font font = Style.fit(g, Style.TICK.deriveFont(Math.min(13f, (float) cell * 0.4f)), widest, cell * 0.9, 6f);
        g.setFont(font);
        FontMetrics fm = g.getFontMetrics();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                double v = values[r * columns + c];
                if (Double.isNaN(v)) {
                    continue;
                }
                int background = colorMap.rgb((v - lo) / (hi - lo));
                double luminance = (0.299 * ((background >> 16) & 0xff) + 0.587 * ((background >> 8) & 0xff)
                        + 0.114 * (background & 0xff)) / 255;
                g.setColor(luminance < 0.55 ? Color.WHITE : Style.TEXT);
                Style.centred(g, String.format(Locale.ROOT, cellFormat, v), x0 + (c + 0.5) * cell,
                        y0 + (r + 0.5) * cell + (fm.getAscent() - fm.getDescent()) / 2.0);
            }
        }
    }

    private void drawScale(Graphics2D g, int x, int y, int barWidth, int barHeight, double lo, double hi,
            double[] ticks, FontMetrics tick, FontMetrics label) {
        // The bar as an image, not as lines: anti-aliased lines at half-pixel positions would pale it.
        BufferedImage bar = new BufferedImage(barWidth, Math.max(1, barHeight), BufferedImage.TYPE_INT_RGB);
        for (int py = 0; py < bar.getHeight(); py++) {
            int rgb = colorMap.rgb(1 - py / (double) Math.max(1, barHeight - 1));
            for (int px = 0; px < barWidth; px++) {
                bar.setRGB(px, py, rgb);
            }
        }
        g.drawImage(bar, x, y, null);
        g.setColor(new Color(0x888888));
        g.drawRect(x, y, barWidth, barHeight);
        g.setFont(Style.TICK);
        g.setColor(Style.TEXT);
        int maxTickWidth = 0;
        for (double t : ticks) {
            double py = y + (hi - t) / (hi - lo) * barHeight;
            String text = Points.tickLabel(t);
            maxTickWidth = Math.max(maxTickWidth, tick.stringWidth(text));
            g.drawLine(x + barWidth, (int) py, x + barWidth + 3, (int) py);
            g.drawString(text, x + barWidth + 6, (float) (py + tick.getAscent() / 2.0 - 1));
        }
        if (!scaleLabel.isEmpty()) {
            g.setFont(Style.LABEL);
            AffineTransform saved = g.getTransform();
            g.translate(x + barWidth + 6 + maxTickWidth + 8 + label.getAscent(), y + barHeight / 2.0);
            g.rotate(Math.PI / 2);
            Style.centred(g, scaleLabel, 0, 0);
            g.setTransform(saved);
        }
    }

    private double[] range() {
        if (!Double.isNaN(low)) {
            return new double[] {low, high};
        }
        double lo = min(values);
        double hi = max(values);
        if (colorMap == ColorMap.DIVERGING) {
            double m = Math.max(Math.abs(lo), Math.abs(hi));
            lo = -m;
            hi = m;
        }
        if (!(hi > lo)) {
            hi = lo + 1;
        }
        return new double[] {lo, hi};
    }

    private static List<String> checkNames(List<String> names, int expected, String what) {
        if (names.size() != expected) {
            throw new IllegalArgumentException(names.size() + " " + what + " names for " + expected + " "
                    + what + "s");
        }
        return List.copyOf(names);
    }

    private static double min(double[] values) {
        double m = Double.POSITIVE_INFINITY;
        for (double v : values) {
            if (v < m) {
                m = v;
            }
        }
        return m == Double.POSITIVE_INFINITY ? 0 : m;
    }

    private static double max(double[] values) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            if (v > m) {
                m = v;
            }
        }
        return m == Double.NEGATIVE_INFINITY ? 0 : m;
    }
}
