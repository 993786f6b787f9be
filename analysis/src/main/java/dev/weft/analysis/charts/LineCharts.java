package dev.weft.analysis.charts;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Line charts: training curves per epoch and kernel-density curves.
 *
 * <pre>{@code
 * LineCharts.history(h.trainAccuracy(), h.valAccuracy(), h.trainLoss(), h.valLoss())
 *           .write(Path.of("training.png"), 1200, 500);
 * }</pre>
 */
public final class LineCharts {

    private static final Color TRAIN = ClassPalette.color(0);
    private static final Color VALIDATION = ClassPalette.color(1);

    private LineCharts() {
    }

    /**
     * One metric per epoch for training and validation, epochs numbered from 1 on the x axis.
     *
     * @param metric     the metric's name, used in the title and on the y axis (e.g. "Accuracy", "Loss")
     * @param train      value after each epoch on the training data
     * @param validation value after each epoch on the validation data; {@code null} or empty if none
     */
    public static Chart trainingCurves(String metric, double[] train, double[] validation) {
        return Style.of(trainingChart(metric, train, validation));
    }

    /**
     * Accuracy (left) and loss (right) of training and validation per epoch, side by side in one image.
     * Validation arrays may be {@code null} or empty.
     */
    public static Chart history(double[] trainAccuracy, double[] validationAccuracy,
            double[] trainLoss, double[] validationLoss) {
        JFreeChart accuracy = trainingChart("Accuracy", trainAccuracy, validationAccuracy);
        JFreeChart loss = trainingChart("Loss", trainLoss, validationLoss);
        return (width, height) -> {
            PngFiles.checkSize(width, height);
            BufferedImage image = Style.canvas(width, height);
            Graphics2D g = image.createGraphics();
            try {
                Style.hints(g);
                int half = width / 2;
                accuracy.draw(g, new Rectangle2D.Double(0, 0, half, height));
                loss.draw(g, new Rectangle2D.Double(half, 0, width - half, height));
            } finally {
                g.dispose();
            }
            return image;
        };
    }

    private static JFreeChart trainingChart(String metric, double[] train, double[] validation) {
        if (train == null || train.length == 0) {
            throw new IllegalArgumentException("no training values for " + metric);
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(perEpoch("Training", train));
        boolean hasValidation = validation != null && validation.length > 0;
        if (hasValidation) {
            data.addSeries(perEpoch("Validation", validation));
        }
        NumberAxis x = new NumberAxis("Epoch");
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        x.setAutoRangeIncludesZero(false);
        NumberAxis y = new NumberAxis(metric);
        y.setAutoRangeIncludesZero(false);
        boolean markers = Math.max(train.length, hasValidation ? validation.length : 0) <= 50;
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, markers);
        XYPlot plot = new XYPlot(data, x, y, renderer);
        String title = "Training" + (hasValidation ? " and validation " : " ") + metric.toLowerCase();
        JFreeChart chart = Style.apply(new JFreeChart(title, Style.TITLE, plot, true));
        renderer.setSeriesPaint(0, TRAIN);
        renderer.setSeriesPaint(1, VALIDATION);
        for (int s = 0; s < 2; s++) {
            renderer.setSeriesStroke(s, Style.stroke(2.2f));
            renderer.setSeriesShape(s, new Ellipse2D.Double(-3, -3, 6, 6));
        }
        return chart;
    }

    private static XYSeries perEpoch(String name, double[] values) {
        XYSeries series = new XYSeries(name);
        for (int e = 0; e < values.length; e++) {
            series.add(e + 1, values[e]);
        }
        return series;
    }

    /**
     * Gaussian kernel-density curves (see {@link KernelDensity}) of several samples on one chart, e.g. the
     * intensity of a few chosen pixels over all images. Curves get the {@link ClassPalette} colours in order
     * and a legend with their names.
     *
     * @param names   one name per curve (e.g. "pixel 350")
     * @param samples one sample per curve
     */
    public static Chart densities(String title, String xLabel, List<String> names, double[][] samples) {
        if (names.size() != samples.length || samples.length == 0) {
            throw new IllegalArgumentException(names.size() + " names but " + samples.length + " samples");
        }
        XYSeriesCollection data = new XYSeriesCollection();
        for (int s = 0; s < samples.length; s++) {
            double[][] curve = KernelDensity.curve(samples[s], 200);
            XYSeries series = new XYSeries(names.get(s), false, true);
            for (int p = 0; p < curve[0].length; p++) {
                series.add(curve[0][p], curve[1][p]);
            }
            data.addSeries(series);
        }
        NumberAxis x = new NumberAxis(xLabel);
        x.setAutoRangeIncludesZero(false);
        NumberAxis y = new NumberAxis("Density");
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        XYPlot plot = new XYPlot(data, x, y, renderer);
        JFreeChart chart = Style.apply(new JFreeChart(title, Style.TITLE, plot, true));
        for (int s = 0; s < samples.length; s++) {
            renderer.setSeriesPaint(s, ClassPalette.color(s));
            renderer.setSeriesStroke(s, Style.stroke(2f));
        }
        return Style.of(chart);
    }
}
