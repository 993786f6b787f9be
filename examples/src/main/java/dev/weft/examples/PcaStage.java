package dev.weft.examples;

import static dev.weft.examples.Prose.fmt;
import static dev.weft.examples.Prose.percent;

import dev.weft.analysis.charts.BarCharts;
import dev.weft.analysis.charts.DistributionCharts;
import dev.weft.analysis.charts.ScatterCharts;
import dev.weft.data.FashionMnist;
import dev.weft.data.ImageSet;
import dev.weft.analysis.pca.Covariance;
import dev.weft.analysis.pca.Pca;
import dev.weft.core.Tensor;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * PCA on the standardised training pixels, as the reference study does it: the scatter of the first two
 * components, the explained variance, a pair plot and the components' distributions by class. The readings compare
 * the classes' mean scores on the first few components.
 */
final class PcaStage {

    private static final List<String> NAMES = FashionMnist.CLASS_NAMES;

    private PcaStage() {
    }

    /**
     * Fits the PCA on {@code covariance} (of the training pixels, from the EDA stage) and writes the section;
     * returns the fit, whose explained variance goes into {@code metrics.json}.
     */
    static Pca run(Report report, PrintStream out, ImageSet train, Covariance covariance, long seed) {
        report.section("pca", "Feature visualisation with PCA");
        Pca pca = Pca.fit(covariance, true);
        double[] ratio = pca.explainedVarianceRatio();
        double[] cumulative = pca.cumulativeExplainedVarianceRatio();
        report.paragraph(String.format(Locale.ROOT, "PCA of the standardised pixels (each pixel centred and "
                + "divided by its standard deviation over the %s training images, as scikit-learn's "
                + "StandardScaler does; pixels that never change are left at zero), computed with Weft's own "
                + "eigensolver (Householder tridiagonalisation + implicit QL) on the 784 x 784 correlation matrix.",
                fmt(train.size())));

        int components = 5;
        Tensor scores = pca.project(train.flat(0, train.size()), components);
        float[] s = scores.toArray();
        int[] labels = train.labels();
        double[][] classMean = classMeans(s, components, labels);
        int hi1 = 0;
        int lo1 = 0;
        int hi2 = 0;
        int lo2 = 0;
        for (int c = 1; c < NAMES.size(); c++) {
            hi1 = classMean[c][0] > classMean[hi1][0] ? c : hi1;
            lo1 = classMean[c][0] < classMean[lo1][0] ? c : lo1;
            hi2 = classMean[c][1] > classMean[hi2][1] ? c : hi2;
            lo2 = classMean[c][1] < classMean[lo2][1] ? c : lo2;
        }
        report.figure(ScatterCharts.pca(s, components, labels, NAMES, 6000, seed), "pca_scatter.png", 900, 700,
                "The training images on the first two principal components",
                String.format(Locale.ROOT, "PC1 runs from %s (mean %.1f) to %s (%.1f); PC2 from %s (%.1f) to %s "
                                + "(%.1f). %s of the images are drawn.", NAMES.get(lo1),
                        classMean[lo1][0], NAMES.get(hi1), classMean[hi1][0], NAMES.get(lo2), classMean[lo2][1],
                        NAMES.get(hi2), classMean[hi2][1],
                        train.size() <= 6000 ? "All" : "A random 6,000"));

        report.figure(BarCharts.explainedVariance(ratio, 30), "pca_explained_variance.png", 900, 500,
                "Explained variance of the first 30 components, with the cumulative share",
                String.format(Locale.ROOT, "PC1 explains %s of the variance and the first ten together %s; "
                                + "%d components keep 80%%, %d keep 90%% and %d keep 95%%.", percent(ratio[0]),
                        percent(cumulative[Math.min(9, cumulative.length - 1)]), pca.componentsFor(0.8),
                        pca.componentsFor(0.9), pca.componentsFor(0.95)));

        int closeA = 0;
        int closeB = 1;
        double closest = Double.MAX_VALUE;
        for (int a = 0; a < NAMES.size(); a++) {
            for (int b = a + 1; b < NAMES.size(); b++) {
                double d = 0;
                for (int j = 0; j < components; j++) {
                    d += (classMean[a][j] - classMean[b][j]) * (classMean[a][j] - classMean[b][j]);
                }
                if (d < closest) {
                    closest = d;
                    closeA = a;
                    closeB = b;
                }
            }
        }
        report.figure(ScatterCharts.pairPlot(s, components, labels, NAMES, 4, 3000, seed), "pca_pairplot.png",
                1000, 1000, "Pair plot of the first four components (densities on the diagonal)",
                String.format(Locale.ROOT, "In the first %d components the class centres closest together are "
                        + "%s and %s (distance %.1f): the pair the models will find hardest to tell apart.",
                        components, NAMES.get(closeA), NAMES.get(closeB), Math.sqrt(closest)));

        report.figure(DistributionCharts.componentsByClass(s, components, labels, NAMES, 3), "pca_components.png",
                1000, 560, "Distributions of the first three components by class",
                String.format(Locale.ROOT, "Along PC2, %s scores highest (mean %.1f) and %s lowest (%.1f); "
                        + "the boxes show how much each class spreads along each component.",
                        NAMES.get(hi2), classMean[hi2][1], NAMES.get(lo2), classMean[lo2][1]));
        out.printf(Locale.ROOT, "   PC1 explains %s, the first 10 explain %s%n", percent(ratio[0]),
                percent(cumulative[Math.min(9, cumulative.length - 1)]));
        return pca;
    }

    /** The mean score of each class on each component: {@code result[class][component]}. */
    private static double[][] classMeans(float[] scores, int components, int[] labels) {
        double[][] classMean = new double[NAMES.size()][components];
        int[] counts = new int[NAMES.size()];
        for (int i = 0; i < labels.length; i++) {
            counts[labels[i]]++;
            for (int j = 0; j < components; j++) {
                classMean[labels[i]][j] += scores[i * components + j];
            }
        }
        for (int c = 0; c < NAMES.size(); c++) {
            for (int j = 0; j < components; j++) {
                classMean[c][j] /= Math.max(1, counts[c]);
            }
        }
        return classMean;
    }
}
