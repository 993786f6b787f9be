package dev.weft.examples;

import static dev.weft.examples.Prose.article;
import static dev.weft.examples.Prose.fmt;
import static dev.weft.examples.Prose.percent;

import dev.weft.analysis.charts.BarCharts;
import dev.weft.analysis.charts.HeatMap;
import dev.weft.analysis.charts.ImageGrid;
import dev.weft.analysis.charts.LineCharts;
import dev.weft.data.FashionMnist;
import dev.weft.data.ImageSet;
import dev.weft.analysis.pca.Covariance;
import dev.weft.analysis.stats.ImageStatistics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The exploratory data analysis of the training images: class balance, intensity distributions (of all pixels,
 * of ten random pixels, of one image), the mean image per class, the pixel correlation matrix and sample images,
 * each a figure with a reading computed from the data.
 *
 * <p>The random pixels and the sample images are drawn, in that order, from one generator seeded with the study's
 * seed, so a run is reproducible. The covariance behind the correlation matrix is handed on to the PCA stage,
 * which needs the same matrix.
 */
final class EdaStage {

    private static final List<String> NAMES = FashionMnist.CLASS_NAMES;

    private final Report report;
    private final ImageSet train;
    private final long seed;
    private final SplittableRandom random;
    /** Every training pixel, 0-255, image after image. */
    private final byte[] pixels;

    EdaStage(Report report, ImageSet train, long seed) {
        this.report = report;
        this.train = train;
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        this.pixels = train.pixels();
    }

    /** Writes the section; returns the covariance of the training pixels, for the PCA. */
    Covariance run() {
        report.section("eda", "Exploratory data analysis");
        classDistribution();
        intensityDistribution();
        randomPixels();
        oneImageHistogram();
        meanImages();
        Covariance covariance = Covariance.of(train.flat(0, train.size()));
        pixelCorrelation(covariance);
        sampleImages();
        return covariance;
    }

    private void classDistribution() {
        int[] counts = train.classCounts();
        int most = Extremes.argmax(counts);
        int least = Extremes.argmin(counts);
        report.figure(BarCharts.classDistribution(NAMES, counts), "class_distribution.png", 900, 500,
                "Class distribution (training set)",
                counts[most] == counts[least]
                        ? "The classes are perfectly balanced: every class has " + fmt(counts[most]) + " images."
                        : String.format(Locale.ROOT, "The classes are nearly balanced: from %s images (%s) to %s (%s).",
                        fmt(counts[least]), NAMES.get(least), fmt(counts[most]), NAMES.get(most)));
    }

    private void intensityDistribution() {
        long[] intensities = ImageStatistics.intensityHistogram(pixels).counts();
        long all = Arrays.stream(intensities).sum();
        long bright = 0;
        for (int v = 204; v < 256; v++) {
            bright += intensities[v];
        }
        report.figure(BarCharts.histogramOfCounts("Pixel intensity distribution", "Intensity (0-1)", 0, 1,
                        Eda.bin(intensities, 50)), "pixel_intensity.png", 900, 500,
                "Pixel intensity distribution (all training pixels)",
                String.format(Locale.ROOT, "%s of all pixels are exactly 0 (the black background); only %s are "
                        + "brighter than 0.8.", percent((double) intensities[0] / all), percent((double) bright / all)));
    }

    private void randomPixels() {
        int[] chosen = random.ints(0, 784).distinct().limit(10).sorted().toArray();
        List<String> names = new ArrayList<>();
        double[][] samples = new double[chosen.length][];
        int densest = 0;
        int emptiest = 0;
        double[] zeroShare = new double[chosen.length];
        double[] means = new double[chosen.length];
        for (int i = 0; i < chosen.length; i++) {
            names.add("pixel " + chosen[i] + " (row " + chosen[i] / 28 + ", col " + chosen[i] % 28 + ")");
            samples[i] = Eda.toDouble(ImageStatistics.pixelValues(pixels, 784, chosen[i]));
            means[i] = Eda.mean(samples[i]);
            zeroShare[i] = Arrays.stream(samples[i]).filter(v -> v == 0).count() / (double) samples[i].length;
            densest = means[i] > means[densest] ? i : densest;
            emptiest = zeroShare[i] > zeroShare[emptiest] ? i : emptiest;
        }
        report.figure(LineCharts.densities("Intensity distribution of 10 random pixels", "Intensity (0-1)", names,
                        samples), "random_pixels.png", 1000, 560, "Distributions of 10 random pixels",
                String.format(Locale.ROOT, "Pixel %d (row %d, col %d) is the brightest on average (mean %.2f); "
                                + "pixel %d is black in %s of the images.", chosen[densest], chosen[densest] / 28,
                        chosen[densest] % 28, means[densest], chosen[emptiest], percent(zeroShare[emptiest])));
    }

    /** The histogram of the first ankle boot: two peaks, background and object. */
    private void oneImageHistogram() {
        int boot = firstOfClass(train, 9);
        long[] bootCounts = ImageStatistics.imageHistogram(pixels, 784, boot).counts();
        long dark = 0;
        long light = 0;
        for (int v = 0; v < 256; v++) {
            dark += v < 26 ? bootCounts[v] : 0;
            light += v >= 204 ? bootCounts[v] : 0;
        }
        report.figure(BarCharts.histogramOfCounts("Intensity histogram of training image " + boot + " ("
                        + NAMES.get(train.label(boot)) + ")", "Intensity (0-1)", 0, 1, Eda.bin(bootCounts, 25)),
                "image_histogram.png", 900, 500, "Pixel intensity histogram of one image",
                String.format(Locale.ROOT, "Training image %d, %s: %d of its 784 pixels are dark (below 0.1) "
                        + "and %d bright (0.8 or more): the two peaks of a light object on a black background.",
                        boot, article(NAMES.get(train.label(boot))), dark, light));
    }

    private void meanImages() {
        float[][] classMeans = ImageStatistics.meanImages(pixels, 784, train.labels(), NAMES.size());
        int closeA = 0;
        int closeB = 1;
        int farA = 0;
        int farB = 1;
        for (int a = 0; a < classMeans.length; a++) {
            for (int b = a + 1; b < classMeans.length; b++) {
                double d = Eda.distance(classMeans[a], classMeans[b]);
                if (d < Eda.distance(classMeans[closeA], classMeans[closeB])) {
                    closeA = a;
                    closeB = b;
                }
                if (d > Eda.distance(classMeans[farA], classMeans[farB])) {
                    farA = a;
                    farB = b;
                }
            }
        }
        report.figure(ImageGrid.of(classMeans, 28, 28).withTitle("Mean image per class").withCaptions(NAMES)
                        .withColumns(5), "mean_images.png", 900, 460, "Mean image per class",
                String.format(Locale.ROOT, "The most alike mean images are %s and %s (distance %.1f); the most "
                                + "different, %s and %s (%.1f).", NAMES.get(closeA), NAMES.get(closeB),
                        Eda.distance(classMeans[closeA], classMeans[closeB]), NAMES.get(farA), NAMES.get(farB),
                        Eda.distance(classMeans[farA], classMeans[farB])));
    }

    private void pixelCorrelation(Covariance covariance) {
        double[] correlation = covariance.correlation();
        double neighbours = 0;
        int pairs = 0;
        int constant = 0;
        for (int p = 0; p < 784; p++) {
            if (covariance.isConstant(p)) {
                constant++;
            }
            if (p % 28 < 27 && Double.isFinite(correlation[p * 784 + p + 1])) {
                neighbours += correlation[p * 784 + p + 1];
                pairs++;
            }
        }
        double far = 0;
        int farPairs = 0;
        for (int p = 0; p < 784; p++) {
            int q = (p + 392) % 784;
            if (Double.isFinite(correlation[p * 784 + q])) {
                far += correlation[p * 784 + q];
                farPairs++;
            }
        }
        report.figure(HeatMap.correlation(correlation, 784), "pixel_correlation.png", 900, 820,
                "Pairwise pixel correlation (784 x 784)",
                String.format(Locale.ROOT, "Horizontally neighbouring pixels correlate strongly (mean r = %.2f), "
                                + "pixels half an image apart weakly (mean r = %.2f); the stripes repeat every 28 "
                                + "pixels, one image row.%s", neighbours / Math.max(1, pairs),
                        far / Math.max(1, farPairs),
                        constant == 1 ? " One pixel never changes and is drawn grey."
                                : constant > 1 ? " " + constant + " pixels never change and are drawn grey." : ""));
    }

    private void sampleImages() {
        int perClass = 3;
        float[][] sampleImages = new float[NAMES.size() * perClass][];
        List<String> captions = new ArrayList<>();
        int k = 0;
        for (int c = 0; c < NAMES.size(); c++) {
            int[] members = membersOf(train, c);
            for (int j = 0; j < perClass; j++) {
                int index = members.length == 0 ? 0 : members[random.nextInt(members.length)];
                sampleImages[k++] = train.images(index, index + 1).toArray();
                captions.add(NAMES.get(train.label(index)));
            }
        }
        report.figure(ImageGrid.of(sampleImages, 28, 28).withTitle("Sample training images").withCaptions(captions)
                        .withColumns(10), "sample_images.png", 1000, 400, "Sample images",
                perClass + " training images of each class, chosen at random (seed " + seed + ").");
    }

    private static int firstOfClass(ImageSet set, int label) {
        for (int i = 0; i < set.size(); i++) {
            if (set.label(i) == label) {
                return i;
            }
        }
        return 0;
    }

    private static int[] membersOf(ImageSet set, int label) {
        int[] labels = set.labels();
        return IntStream.range(0, labels.length).filter(i -> labels[i] == label).toArray();
    }
}
