package dev.weft.analysis.charts;

import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.geom.Rectangle2D;
import java.text.DecimalFormat;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Bar charts: the class distribution, histograms, explained variance with its cumulative curve, and
 * importance scores. Each method returns a {@link Chart}; call {@code write(png, width, height)} on it.
 *
 * <pre>{@code
 * BarCharts.explainedVariance(pca.explainedVarianceRatio(), 50).write(Path.of("variance.png"), 900, 500);
 * }</pre>
 */
public final class BarCharts {

    private static final Color BAR = ClassPalette.color(0);
    private static final Color LINE = ClassPalette.color(1);

    private BarCharts() {
    }

    /**
     * Number of samples per class, one bar per class in its {@link ClassPalette} colour, the count written
     * above each bar. The class names on the axis say what each colour means.
     *
     * @param classNames one name per class
     * @param counts     samples per class, same length as {@code classNames}
     */
    public static Chart classDistribution(List<String> classNames, long[] counts) {
        if (classNames.size() != counts.length) {
            throw new IllegalArgumentException(classNames.size() + " class names but " + counts.length + " counts");
        }
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (int c = 0; c < counts.length; c++) {
            data.addValue(counts[c], "Samples", classNames.get(c));
        }
        BarRenderer renderer = new BarRenderer() {
            @Override
            public Paint getItemPaint(int row, int column) {
                return ClassPalette.color(column);
            }
        };
        JFreeChart chart = categoryChart("Distribution of classes", "Class", "Number of samples", data,
                renderer, new DecimalFormat("#,##0"));
        return Style.of(chart);
    }

    /** {@link #classDistribution(List, long[])} for int counts. */
    public static Chart classDistribution(List<String> classNames, int[] counts) {
        long[] wide = new long[counts.length];
        for (int c = 0; c < counts.length; c++) {
            wide[c] = counts[c];
        }
        return classDistribution(classNames, wide);
    }

    /**
     * A histogram of {@code values} over {@code bins} equal bins spanning {@code [min, max]}; values outside
     * the range are ignored, a value equal to {@code max} falls in the last bin.
     *
     * <pre>{@code
     * BarCharts.histogram("Pixel intensities of one image", "Intensity", image, 50, 0, 1)
     * }</pre>
     */
    public static Chart histogram(String title, String xLabel, float[] values, int bins, double min, double max) {
        return histogramOfCounts(title, xLabel, min, max, countBins(values, bins, min, max));
    }

    /**
     * A histogram from counts already made, e.g. the 256 intensity levels of a whole data set: bin
     * {@code b} covers {@code [min + b·w, min + (b+1)·w)} with {@code w = (max - min) / counts.length}.
     */
    public static Chart histogramOfCounts(String title, String xLabel, double min, double max, long[] counts) {
        return histogramOfCounts(title, xLabel, min, max, counts, false);
    }

    /**
     * {@link #histogramOfCounts(String, String, double, double, long[])} with the option of a logarithmic
     * count axis, for distributions dominated by one bin (Fashion-MNIST: half of all pixels are 0); empty
     * bins are then left out, as log 0 cannot be drawn.
     */
    public static Chart histogramOfCounts(String title, String xLabel, double min, double max, long[] counts,
            boolean logScale) {
        if (counts.length == 0 || !(max > min)) {
            throw new IllegalArgumentException("a histogram needs at least one bin and max > min, got "
                    + counts.length + " bins over [" + min + ", " + max + "]");
        }
        XYIntervalSeries series = new XYIntervalSeries("Count");
        double width = (max - min) / counts.length;
        double base = logScale ? 0.5 : 0;
        for (int b = 0; b < counts.length; b++) {
            if (logScale && counts[b] == 0) {
                continue;
            }
            double lo = min + b * width;
            series.add(lo + width / 2, lo, lo + width, counts[b], base, counts[b]);
        }
        XYIntervalSeriesCollection data = new XYIntervalSeriesCollection();
        data.addSeries(series);
        XYBarRenderer renderer = new XYBarRenderer(counts.length > 60 ? 0 : 0.05);
        renderer.setDrawBarOutline(false);
        NumberAxis x = new NumberAxis(xLabel);
        x.setAutoRangeIncludesZero(false);
        x.setRange(min, max);
        ValueAxis y;
        if (logScale) {
            LogAxis log = new LogAxis("Count (log scale)");
            log.setBase(10);
            log.setNumberFormatOverride(new DecimalFormat("#,##0"));
            log.setSmallestValue(0.5);
            log.setTickUnit(new NumberTickUnit(1), false, true);   // one tick per decade (log-space unit)
            renderer.setBase(base);
            y = log;
        } else {
            NumberAxis linear = new NumberAxis("Count");
            linear.setNumberFormatOverride(new DecimalFormat("#,##0"));
            y = linear;
        }
        XYPlot plot = new XYPlot(data, x, y, renderer);
        JFreeChart chart = Style.apply(new JFreeChart(title, Style.TITLE, plot, false));
        renderer.setSeriesPaint(0, BAR);
        renderer.setShadowVisible(false);
        return Style.of(chart);
    }

    /**
     * Explained-variance ratio of the first {@code components} principal components as bars (left axis, %)
     * and their cumulative sum as a line (right axis, %, 0 to 100).
     *
     * @param ratios explained-variance ratios in component order (fractions, summing to at most 1)
     */
    public static Chart explainedVariance(double[] ratios, int components) {
        int k = Math.min(components, ratios.length);
        if (k < 1) {
            throw new IllegalArgumentException("need at least one component, got " + components
                    + " of " + ratios.length);
        }
        XYIntervalSeries bars = new XYIntervalSeries("Individual");
        XYSeries cumulative = new XYSeries("Cumulative");
        double sum = 0;
        for (int i = 0; i < k; i++) {
            double percent = 100 * ratios[i];
            sum += percent;
            bars.add(i + 1, i + 0.6, i + 1.4, percent, 0, percent);
            cumulative.add(i + 1, sum);
        }
        XYIntervalSeriesCollection barData = new XYIntervalSeriesCollection();
        barData.addSeries(bars);
        NumberAxis x = new NumberAxis("Principal component");
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        x.setRange(0.4, k + 0.6);
        NumberAxis left = new NumberAxis("Explained variance (%)");
        NumberAxis right = new NumberAxis("Cumulative explained variance (%)");
        right.setRange(0, 100);
        XYBarRenderer barRenderer = new XYBarRenderer();
        barRenderer.setDrawBarOutline(false);
        XYPlot plot = new XYPlot(barData, x, left, barRenderer);
        XYLineAndShapeRenderer lineRenderer = new XYLineAndShapeRenderer(true, k <= 60);
        plot.setDataset(1, new XYSeriesCollection(cumulative));
        plot.setRenderer(1, lineRenderer);
        plot.setRangeAxis(1, right);
        plot.mapDatasetToRangeAxis(1, 1);
        JFreeChart chart = Style.apply(new JFreeChart("Explained variance by principal component",
                Style.TITLE, plot, true));
        barRenderer.setSeriesPaint(0, BAR);
        barRenderer.setShadowVisible(false);
        lineRenderer.setSeriesPaint(0, LINE);
        lineRenderer.setSeriesStroke(0, Style.stroke(2.2f));
        lineRenderer.setSeriesShape(0, new Rectangle2D.Double(-2.5, -2.5, 5, 5));
        return Style.of(chart);
    }

    /**
     * One bar per named item with its score written above it, e.g. the accuracy drop when each convolution
     * layer is ablated. Negative scores are drawn below the zero line.
     *
     * @param valueLabel what the score is, for the value axis (e.g. "Accuracy drop")
     */
    public static Chart importance(String title, String valueLabel, List<String> names, double[] scores) {
        if (names.size() != scores.length || scores.length == 0) {
            throw new IllegalArgumentException(names.size() + " names but " + scores.length + " scores");
        }
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (int i = 0; i < scores.length; i++) {
            data.addValue(scores[i], valueLabel, names.get(i));
        }
        BarRenderer renderer = new BarRenderer();
        JFreeChart chart = categoryChart(title, "", valueLabel, data, renderer, new DecimalFormat("0.####"));
        renderer.setSeriesPaint(0, BAR);
        return Style.of(chart);
    }

    private static JFreeChart categoryChart(String title, String xLabel, String yLabel,
            DefaultCategoryDataset data, BarRenderer renderer, DecimalFormat labelFormat) {
        CategoryAxis x = new CategoryAxis(xLabel);
        if (data.getColumnCount() > 6) {
            x.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        }
        x.setMaximumCategoryLabelLines(2);
        NumberAxis y = new NumberAxis(yLabel);
        y.setUpperMargin(0.12);
        CategoryPlot plot = new CategoryPlot(data, x, y, renderer);
        plot.setOrientation(PlotOrientation.VERTICAL);
        JFreeChart chart = Style.apply(new JFreeChart(title, Style.TITLE, plot, false));
        renderer.setShadowVisible(false);
        renderer.setItemMargin(0);
        renderer.setMaximumBarWidth(0.08);
        renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", labelFormat));
        renderer.setDefaultItemLabelsVisible(true);
        renderer.setDefaultItemLabelFont(Style.TICK.deriveFont(Font.PLAIN, 10.5f));
        renderer.setDefaultPositiveItemLabelPosition(
                new ItemLabelPosition(ItemLabelAnchor.OUTSIDE12, TextAnchor.BOTTOM_CENTER));
        renderer.setDefaultNegativeItemLabelPosition(
                new ItemLabelPosition(ItemLabelAnchor.OUTSIDE6, TextAnchor.TOP_CENTER));
        return chart;
    }

    static long[] countBins(float[] values, int bins, double min, double max) {
        if (bins < 1 || !(max > min)) {
            throw new IllegalArgumentException("need bins >= 1 and max > min, got " + bins + " bins over ["
                    + min + ", " + max + "]");
        }
        long[] counts = new long[bins];
        double scale = bins / (max - min);
        for (float v : values) {
            if (v >= min && v <= max) {
                counts[Math.min(bins - 1, (int) ((v - min) * scale))]++;
            }
        }
        return counts;
    }
}
