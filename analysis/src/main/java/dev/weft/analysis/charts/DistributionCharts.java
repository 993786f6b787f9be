package dev.weft.analysis.charts;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.BoxAndWhiskerRenderer;
import org.jfree.data.statistics.BoxAndWhiskerItem;
import org.jfree.data.statistics.DefaultBoxAndWhiskerCategoryDataset;

/**
 * How the first principal components are distributed within each class: one group of box plots per
 * component, one box per class in its {@link ClassPalette} colour, with a legend.
 *
 * <p>Box: quartiles Q1 to Q3 with the median; whiskers: the most extreme values within 1.5 IQR of the box
 * (Tukey). Individual outliers are not drawn: with thousands of points per class they would only hide the
 * boxes.
 */
public final class DistributionCharts {

    private DistributionCharts() {
    }

    /**
     * Box plots of the first {@code components} columns of {@code scores} (row-major {@code [n, columns]}),
     * split by class.
     *
     * @param classNames one name per class, or {@code null} for "class 0", "class 1", ...
     */
    public static Chart componentsByClass(float[] scores, int columns, int[] labels, List<String> classNames,
            int components) {
        int n = Points.rows(scores, columns, labels, components);
        if (components < 1) {
            throw new IllegalArgumentException("need at least one component, got " + components);
        }
        List<String> names = Style.names(classNames, Points.classes(labels));
        DefaultBoxAndWhiskerCategoryDataset data = new DefaultBoxAndWhiskerCategoryDataset();
        for (int c = 0; c < names.size(); c++) {
            for (int k = 0; k < components; k++) {
                double[] values = new double[n];
                int m = 0;
                for (int i = 0; i < n; i++) {
                    if (labels[i] == c) {
                        values[m++] = scores[i * columns + k];
                    }
                }
                if (m > 0) {
                    data.add(box(Arrays.copyOf(values, m)), names.get(c), "PC" + (k + 1));
                }
            }
        }
        BoxAndWhiskerRenderer renderer = new BoxAndWhiskerRenderer();
        NumberAxis y = new NumberAxis("Component score");
        y.setAutoRangeIncludesZero(false);
        CategoryPlot plot = new CategoryPlot(data, new CategoryAxis("Principal component"), y, renderer);
        JFreeChart chart = Style.apply(new JFreeChart("Distribution of the first " + components
                + " principal components per class", Style.TITLE, plot, true));
        renderer.setFillBox(true);
        renderer.setMeanVisible(false);
        renderer.setMaxOutlierVisible(false);
        renderer.setMinOutlierVisible(false);
        renderer.setItemMargin(0.05);
        renderer.setMaximumBarWidth(0.05);
        renderer.setUseOutlinePaintForWhiskers(false);
        for (int c = 0; c < names.size(); c++) {
            renderer.setSeriesPaint(c, ClassPalette.color(c));
            renderer.setSeriesOutlinePaint(c, ClassPalette.color(c).darker());
        }
        return Style.of(chart);
    }

    /**
     * Tukey box statistics of one sample, without individual outliers (the outlier bounds are set to the
     * whisker ends so that the axis fits the whiskers, not the most extreme point).
     */
    static BoxAndWhiskerItem box(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double q1 = KernelDensity.quantile(sorted, 0.25);
        double median = KernelDensity.quantile(sorted, 0.5);
        double q3 = KernelDensity.quantile(sorted, 0.75);
        double lowFence = q1 - 1.5 * (q3 - q1);
        double highFence = q3 + 1.5 * (q3 - q1);
        double minRegular = q1;
        double maxRegular = q3;
        double mean = 0;
        for (double v : sorted) {
            mean += v;
            if (v >= lowFence && v < minRegular) {
                minRegular = v;
            }
            if (v <= highFence && v > maxRegular) {
                maxRegular = v;
            }
        }
        mean /= sorted.length;
        return new BoxAndWhiskerItem(mean, median, q1, q3, minRegular, maxRegular,
                minRegular, maxRegular, new ArrayList<>());
    }
}
