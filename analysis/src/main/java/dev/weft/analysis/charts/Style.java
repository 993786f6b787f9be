package dev.weft.analysis.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;

/** The house look shared by all charts: fonts, white background, light grid, no gradients or shadows. */
final class Style {

    static final String FONT_FAMILY = Font.SANS_SERIF;
    static final Font TITLE = new Font(FONT_FAMILY, Font.BOLD, 16);
    static final Font LABEL = new Font(FONT_FAMILY, Font.PLAIN, 13);
    static final Font TICK = new Font(FONT_FAMILY, Font.PLAIN, 11);
    static final Color GRID = new Color(0xdddddd);
    static final Color TEXT = new Color(0x222222);

    private static final StandardChartTheme THEME = createTheme();

    private Style() {
    }

    private static StandardChartTheme createTheme() {
        StandardChartTheme theme = (StandardChartTheme) StandardChartTheme.createJFreeTheme();
        theme.setExtraLargeFont(TITLE);
        theme.setLargeFont(LABEL);
        theme.setRegularFont(TICK);
        theme.setSmallFont(TICK.deriveFont(10f));
        theme.setChartBackgroundPaint(Color.WHITE);
        theme.setPlotBackgroundPaint(Color.WHITE);
        theme.setDomainGridlinePaint(GRID);
        theme.setRangeGridlinePaint(GRID);
        theme.setShadowVisible(false);
        theme.setBarPainter(new StandardBarPainter());
        theme.setXYBarPainter(new StandardXYBarPainter());
        theme.setAxisLabelPaint(TEXT);
        theme.setTickLabelPaint(TEXT);
        return theme;
    }

    /**
     * Applies the house theme. Call this BEFORE setting series colours: the theme clears auto-populated
     * series paints.
     */
    static JFreeChart apply(JFreeChart chart) {
        THEME.apply(chart);
        return chart;
    }

    /** A JFreeChart as a {@link Chart}: drawn into an opaque image of the requested size. */
    static Chart of(JFreeChart chart) {
        return (width, height) -> {
            PngFiles.checkSize(width, height);
            BufferedImage image = canvas(width, height);
            Graphics2D g = image.createGraphics();
            try {
                hints(g);
                chart.draw(g, new Rectangle2D.Double(0, 0, width, height));
            } finally {
                g.dispose();
            }
            return image;
        };
    }

    /** A new opaque image filled with white. */
    static BufferedImage canvas(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return image;
    }

    static void hints(Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    }

    /** Draws {@code text} centred horizontally on {@code centerX} with its baseline at {@code baseline}. */
    static void centred(Graphics2D g, String text, double centerX, double baseline) {
        FontMetrics fm = g.getFontMetrics();
        g.drawString(text, (float) (centerX - fm.stringWidth(text) / 2.0), (float) baseline);
    }

    /** The largest font of {@code base}'s family, at most {@code base}'s size, that fits {@code width}. */
    static Font fit(Graphics2D g, Font base, String text, double width, float minSize) {
        Font font = base;
        while (font.getSize2D() > minSize && g.getFontMetrics(font).stringWidth(text) > width) {
            font = font.deriveFont(font.getSize2D() - 0.5f);
        }
        return font;
    }

    /**
     * Draws a legend of class colours (a filled square then the class name), rows centred in the band
     * {@code [x, x + width]} starting at {@code top}; wraps to further rows when the names do not fit one.
     *
     * @return the height used
     */
    static int classLegend(Graphics2D g, List<String> classNames, int x, int width, int top) {
        Font font = TICK.deriveFont(12f);
        g.setFont(font);
        FontMetrics fm = g.getFontMetrics();
        int box = fm.getAscent() - 2;
        int gap = 14;
        int rowHeight = fm.getHeight() + 4;
        // Lay the entries out in rows that fit the width.
        int[] entryWidth = new int[classNames.size()];
        for (int c = 0; c < classNames.size(); c++) {
            entryWidth[c] = box + 5 + fm.stringWidth(classNames.get(c));
        }
        int rows = 0;
        int c = 0;
        while (c < classNames.size()) {
            int rowStart = c;
            int used = entryWidth[c++];
            while (c < classNames.size() && used + gap + entryWidth[c] <= width) {
                used += gap + entryWidth[c++];
            }
            int cx = x + Math.max(0, (width - used) / 2);
            int baseline = top + rows * rowHeight + fm.getAscent();
            for (int i = rowStart; i < c; i++) {
                g.setColor(ClassPalette.color(i));
                g.fillRect(cx, baseline - box, box, box);
                g.setColor(TEXT);
                g.drawString(classNames.get(i), cx + box + 5, baseline);
                cx += entryWidth[i] + gap;
            }
            rows++;
        }
        return rows * rowHeight;
    }

    /** Height the legend drawn by {@link #classLegend} needs for the given width. */
    static int classLegendHeight(Graphics2D g, List<String> classNames, int width) {
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D s = scratch.createGraphics();
        try {
            s.setFont(g.getFont());
            return classLegend(s, classNames, 0, width, 0);
        } finally {
            s.dispose();
        }
    }

    static BasicStroke stroke(float width) {
        return new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    }

    /** Class names for {@code classes} classes: the given list, or "class 0", "class 1", ... when null. */
    static List<String> names(List<String> classNames, int classes) {
        if (classNames != null) {
            if (classNames.size() < classes) {
                throw new IllegalArgumentException("labels go up to class " + (classes - 1) + " but only "
                        + classNames.size() + " class names were given");
            }
            return List.copyOf(classNames);
        }
        String[] generated = new String[classes];
        for (int c = 0; c < classes; c++) {
            generated[c] = "class " + c;
        }
        return List.of(generated);
    }
}
