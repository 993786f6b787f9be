package dev.weft.analysis.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A reliability diagram (DeGroot and Fienberg, 1983; Guo et al., 2017): the accuracy of the predictions in each
 * equal-width confidence bin as a bar over the bin, against the diagonal a perfectly calibrated model would follow
 * (bars below it: over-confident). Several series (e.g. before and after temperature scaling) share each bin side by
 * side; an empty bin (NaN accuracy) has no bar.
 *
 * <pre>{@code
 * Calibration before = Calibration.of(p, 10, labels), after = Calibration.of(scaled, 10, labels);
 * ReliabilityDiagram.of("Reliability of weft", List.of("before", "after"),
 *         new double[][] {before.accuracies(), after.accuracies()}).write(Path.of("reliability.png"), 700, 600);
 * }</pre>
 */
public final class ReliabilityDiagram {

    private static final Color DIAGONAL = new Color(0x555555);

    private ReliabilityDiagram() {
    }

    /**
     * @param names    one name per series, shown in the legend (e.g. "before scaling, ECE 2.1%")
     * @param accuracy per series, the accuracy of each bin in [0, 1] (NaN for an empty bin); bins are equal-width
     *                 over [0, 1], as many as the array is long, the same number for every series
     */
    public static Chart of(String title, List<String> names, double[][] accuracy) {
        if (names.size() != accuracy.length || accuracy.length == 0) {
            throw new IllegalArgumentException(names.size() + " names but " + accuracy.length + " series");
        }
        int bins = accuracy[0].length;
        for (double[] series : accuracy) {
            if (series.length != bins || bins == 0) {
                throw new IllegalArgumentException("every series needs the same number of bins (at least one), got "
                        + series.length + " and " + bins);
            }
        }
        XYIntervalSeriesCollection bars = new XYIntervalSeriesCollection();
        double width = 1.0 / bins;
        double share = width * 0.9 / accuracy.length;
        for (int s = 0; s < accuracy.length; s++) {
            XYIntervalSeries series = new XYIntervalSeries(names.get(s));
            for (int b = 0; b < bins; b++) {
                if (!Double.isNaN(accuracy[s][b])) {
                    double left = b * width + 0.05 * width + s * share;
                    series.add(left + share / 2, left, left + share, accuracy[s][b], 0, accuracy[s][b]);
                }
            }
            bars.addSeries(series);
        }
        XYSeries diagonal = new XYSeries("perfect calibration");
        diagonal.add(0, 0);
        diagonal.add(1, 1);
        NumberAxis x = new NumberAxis("Confidence (largest class probability)");
        x.setRange(0, 1);
        NumberAxis y = new NumberAxis("Accuracy");
        y.setRange(0, 1);
        XYBarRenderer barRenderer = new XYBarRenderer();
        barRenderer.setDrawBarOutline(false);
        XYPlot plot = new XYPlot(bars, x, y, barRenderer);
        XYLineAndShapeRenderer line = new XYLineAndShapeRenderer(true, false);
        plot.setDataset(1, new XYSeriesCollection(diagonal));
        plot.setRenderer(1, line);
        JFreeChart chart = Style.apply(new JFreeChart(title, Style.TITLE, plot, true));
        barRenderer.setShadowVisible(false);
        for (int s = 0; s < accuracy.length; s++) {
            barRenderer.setSeriesPaint(s, ClassPalette.color(s));
        }
        line.setSeriesPaint(0, DIAGONAL);
        line.setSeriesStroke(0, new BasicStroke(1.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f,
                new float[] {6f, 4f}, 0f));
        return Style.of(chart);
    }
}
