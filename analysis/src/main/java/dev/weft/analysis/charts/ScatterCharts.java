package dev.weft.analysis.charts;

import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Scatter plots of projected data coloured by class: the PCA 2-D scatter (or any 2-D embedding's) and the PCA
 * pair plot.
 *
 * <p>Scores are passed as a row-major {@code [n, columns]} float array (e.g. {@code Tensor.toArray()} of the
 * projection) with one label per row; colours come from {@link ClassPalette} and a legend names them.
 *
 * <pre>{@code
 * Tensor scores = pca.project(testX, 5);
 * ScatterCharts.pairPlot(scores.toArray(), 5, labels, FashionMnist.CLASS_NAMES, 4, 2000, 42)
 *              .write(Path.of("pairs.png"), 1200, 1200);
 * }</pre>
 */
public final class ScatterCharts {

    private ScatterCharts() {
    }

    /**
     * Scatter of the first two columns of {@code scores} (PC1 on x, PC2 on y), one colour per class.
     *
     * @param columns    number of columns per row of {@code scores} (at least 2)
     * @param classNames one name per class, or {@code null} for "class 0", "class 1", ...
     * @param maxPoints  draw a seeded uniform random subsample of at most this many points (0 = all)
     */
    public static Chart pca(float[] scores, int columns, int[] labels, List<String> classNames,
            int maxPoints, long seed) {
        return scatter(scores, columns, labels, classNames, "PCA: first two principal components", "PC1", "PC2",
                maxPoints, seed);
    }

    /**
     * Scatter of the first two columns of {@code scores}, one colour per class, with the given title and axis
     * labels: e.g. a t-SNE embedding. The title says so when only a subsample is drawn.
     *
     * @param columns    number of columns per row of {@code scores} (at least 2)
     * @param classNames one name per class, or {@code null} for "class 0", "class 1", ...
     * @param maxPoints  draw a seeded uniform random subsample of at most this many points (0 = all)
     */
    public static Chart scatter(float[] scores, int columns, int[] labels, List<String> classNames, String title,
            String xLabel, String yLabel, int maxPoints, long seed) {
        int n = Points.rows(scores, columns, labels, 2);
        List<String> names = Style.names(classNames, Points.classes(labels));
        int[] chosen = Points.subsample(n, maxPoints, seed);
        // One series holding the points in random order, each painted in its class colour, so that no class
        // is always drawn on top (a series per class would draw class 9 over everything else).
        XYSeries points = new XYSeries("points", false, true);
        int[] pointClass = new int[chosen.length];
        for (int p = 0; p < chosen.length; p++) {
            int i = chosen[p];
            points.add(scores[i * columns], scores[i * columns + 1]);
            pointClass[p] = labels[i];
        }
        Color[] colours = new Color[names.size()];
        for (int c = 0; c < colours.length; c++) {
            colours[c] = ClassPalette.color(c, 170);
        }
        NumberAxis x = new NumberAxis(xLabel);
        NumberAxis y = new NumberAxis(yLabel);
        x.setAutoRangeIncludesZero(false);
        y.setAutoRangeIncludesZero(false);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true) {
            @Override
            public Paint getItemPaint(int series, int item) {
                return colours[pointClass[item]];
            }
        };
        XYPlot plot = new XYPlot(new XYSeriesCollection(points), x, y, renderer);
        String heading = title + (chosen.length < n ? " (" + chosen.length + " of " + n + " points)" : "");
        JFreeChart chart = Style.apply(new JFreeChart(heading, Style.TITLE, plot, true));
        double r = chosen.length > 5000 ? 1.6 : 2.2;
        renderer.setSeriesShape(0, new Ellipse2D.Double(-r, -r, 2 * r, 2 * r));
        LegendItemCollection legend = new LegendItemCollection();
        Shape legendDot = new Ellipse2D.Double(-5, -5, 10, 10);
        for (int c = 0; c < names.size(); c++) {
            legend.add(new LegendItem(names.get(c), null, null, null, legendDot, ClassPalette.color(c)));
        }
        plot.setFixedLegendItems(legend);
        return Style.of(chart);
    }

    /**
     * Pair plot of the first {@code components} columns: the panel in row i, column j is the scatter of
     * component j (x) against component i (y); the diagonal panels show each class's kernel density
     * ({@link KernelDensity}, from all points) of component i. Outer panels carry the ticks and the
     * "PC i" labels; one legend below the grid names the class colours.
     *
     * @param maxPoints scatter panels draw a seeded random subsample of at most this many points (0 = all)
     */
    public static Chart pairPlot(float[] scores, int columns, int[] labels, List<String> classNames,
            int components, int maxPoints, long seed) {
        int n = Points.rows(scores, columns, labels, components);
        if (components < 1) {
            throw new IllegalArgumentException("need at least one component, got " + components);
        }
        int classes = Points.classes(labels);
        List<String> names = Style.names(classNames, classes);
        float[] data = scores.clone();
        int[] truth = labels.clone();
        int[] chosen = Points.subsample(n, maxPoints, seed);
        return (width, height) -> {
            PngFiles.checkSize(width, height);
            BufferedImage image = Style.canvas(width, height);
            Graphics2D g = image.createGraphics();
            try {
                Style.hints(g);
                drawPairPlot(g, width, height, data, columns, n, truth, names, components, chosen);
            } finally {
                g.dispose();
            }
            return image;
        };
    }

    private static void drawPairPlot(Graphics2D g, int width, int height, float[] scores, int columns, int n,
            int[] labels, List<String> names, int k, int[] chosen) {
        int classes = names.size();
        // Range of each component over all points, padded by 5%.
        double[] lo = new double[k];
        double[] hi = new double[k];
        for (int c = 0; c < k; c++) {
            lo[c] = Double.POSITIVE_INFINITY;
            hi[c] = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                lo[c] = Math.min(lo[c], scores[i * columns + c]);
                hi[c] = Math.max(hi[c], scores[i * columns + c]);
            }
            double pad = hi[c] > lo[c] ? 0.05 * (hi[c] - lo[c]) : 1;
            lo[c] -= pad;
            hi[c] += pad;
        }
        g.setFont(Style.TITLE);
        g.setColor(Style.TEXT);
        int titleHeight = g.getFontMetrics().getHeight() + 10;
        Style.centred(g, "PCA pair plot: first " + k + " principal components", width / 2.0,
                g.getFontMetrics().getAscent() + 6);
        g.setFont(Style.TICK);
        int legendHeight = Style.classLegendHeight(g, names, width - 40) + 8;
        FontMetrics tick = g.getFontMetrics();
        int left = 12 + tick.getHeight() + tick.stringWidth("-0000") + 8;
        int bottom = 12 + 2 * tick.getHeight() + 6;
        int gap = 6;
        int gridW = width - left - 12;
        int gridH = height - titleHeight - bottom - legendHeight;
        double cell = Math.max(4, (Math.min(gridW, gridH) - (k - 1) * gap) / (double) k);
        double x0 = left + Math.max(0, (gridW - (cell * k + gap * (k - 1))) / 2);
        double y0 = titleHeight;
        double dotRadius = Math.max(0.8, Math.min(2.2, cell / 120));
        // Per-class densities for the diagonal, from all points.
        int points = 100;
        for (int row = 0; row < k; row++) {
            for (int col = 0; col < k; col++) {
                double px = x0 + col * (cell + gap);
                double py = y0 + row * (cell + gap);
                Rectangle2D panel = new Rectangle2D.Double(px, py, cell, cell);
                g.setColor(new Color(0xfafafa));
                g.fill(panel);
                if (row == col) {
                    drawDensities(g, panel, scores, columns, n, labels, classes, row, lo[row], hi[row], points);
                } else {
                    Shape old = g.getClip();
                    g.clip(panel);
                    for (int i : chosen) {
                        double vx = scores[i * columns + col];
                        double vy = scores[i * columns + row];
                        double sx = px + (vx - lo[col]) / (hi[col] - lo[col]) * cell;
                        double sy = py + cell - (vy - lo[row]) / (hi[row] - lo[row]) * cell;
                        g.setColor(ClassPalette.color(labels[i], 150));
                        g.fill(new Ellipse2D.Double(sx - dotRadius, sy - dotRadius, 2 * dotRadius, 2 * dotRadius));
                    }
                    g.setClip(old);
                }
                g.setColor(new Color(0x999999));
                g.setStroke(Style.stroke(1f));
                g.draw(panel);
                g.setFont(Style.TICK);
                g.setColor(Style.TEXT);
                if (row == k - 1) {
                    for (double t : Points.niceTicks(lo[col], hi[col], cell > 150 ? 4 : 2)) {
                        double sx = px + (t - lo[col]) / (hi[col] - lo[col]) * cell;
                        double half = tick.stringWidth(Points.tickLabel(t)) / 2.0;
                        if (sx - half < px || sx + half > px + cell) {
                            continue;   // would run into the neighbouring panel's labels
                        }
                        g.drawLine((int) sx, (int) (py + cell), (int) sx, (int) (py + cell + 3));
                        Style.centred(g, Points.tickLabel(t), sx, py + cell + 4 + tick.getAscent());
                    }
                    g.setFont(Style.LABEL);
                    Style.centred(g, "PC" + (col + 1), px + cell / 2, py + cell + 6 + tick.getHeight()
                            + g.getFontMetrics().getAscent());
                }
                g.setFont(Style.TICK);
                if (col == 0) {
                    if (row != 0 || k == 1) {
                        for (double t : Points.niceTicks(lo[row], hi[row], cell > 150 ? 4 : 2)) {
                            double sy = py + cell - (t - lo[row]) / (hi[row] - lo[row]) * cell;
                            String label = Points.tickLabel(t);
                            if (sy - tick.getAscent() / 2.0 < py || sy + tick.getAscent() / 2.0 > py + cell) {
                                continue;
                            }
                            g.drawLine((int) px - 3, (int) sy, (int) px, (int) sy);
                            g.drawString(label, (float) (px - 5 - tick.stringWidth(label)),
                                    (float) (sy + tick.getAscent() / 2.0 - 1));
                        }
                    }
                    g.setFont(Style.LABEL);
                    AffineTransform saved = g.getTransform();
                    g.translate(14, py + cell / 2);
                    g.rotate(-Math.PI / 2);
                    Style.centred(g, "PC" + (row + 1), 0, 0);
                    g.setTransform(saved);
                }
            }
        }
        Style.classLegend(g, names, 20, width - 40, height - legendHeight + 2);
    }

    private static void drawDensities(Graphics2D g, Rectangle2D panel, float[] scores, int columns, int n,
            int[] labels, int classes, int component, double lo, double hi, int points) {
        int[] perClass = new int[classes];
        for (int label : labels) {
            perClass[label]++;
        }
        double[][] samples = new double[classes][];
        for (int c = 0; c < classes; c++) {
            samples[c] = new double[perClass[c]];
        }
        int[] fill = new int[classes];
        for (int i = 0; i < n; i++) {
            samples[labels[i]][fill[labels[i]]++] = scores[i * columns + component];
        }
        double[] at = new double[points];
        for (int p = 0; p < points; p++) {
            at[p] = lo + (hi - lo) * p / (points - 1);
        }
        double[][] density = new double[classes][];
        double top = 0;
        for (int c = 0; c < classes; c++) {
            if (samples[c].length == 0) {
                continue;
            }
            density[c] = KernelDensity.evaluate(samples[c], KernelDensity.scottBandwidth(samples[c]), at);
            for (double d : density[c]) {
                top = Math.max(top, d);
            }
        }
        if (top <= 0) {
            return;
        }
        Shape old = g.getClip();
        g.clip(panel);
        for (int c = 0; c < classes; c++) {
            if (density[c] == null) {
                continue;
            }
            Path2D.Double curve = new Path2D.Double();
            for (int p = 0; p < points; p++) {
                double sx = panel.getX() + panel.getWidth() * p / (points - 1);
                double sy = panel.getMaxY() - 0.92 * panel.getHeight() * density[c][p] / top;
                if (p == 0) {
                    curve.moveTo(sx, sy);
                } else {
                    curve.lineTo(sx, sy);
                }
            }
            Path2D.Double area = new Path2D.Double(curve);
            area.lineTo(panel.getMaxX(), panel.getMaxY());
            area.lineTo(panel.getX(), panel.getMaxY());
            area.closePath();
            g.setColor(ClassPalette.color(c, 40));
            g.fill(area);
            g.setColor(ClassPalette.color(c));
            g.setStroke(Style.stroke(1.4f));
            g.draw(curve);
        }
        g.setClip(old);
    }
}
