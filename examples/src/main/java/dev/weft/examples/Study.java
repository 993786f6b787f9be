package dev.weft.examples;

import dev.weft.analysis.charts.BarCharts;
import dev.weft.analysis.charts.Chart;
import dev.weft.analysis.charts.ColorMap;
import dev.weft.analysis.charts.DistributionCharts;
import dev.weft.analysis.charts.HeatMap;
import dev.weft.analysis.charts.ImageGrid;
import dev.weft.analysis.charts.LineCharts;
import dev.weft.analysis.charts.ScatterCharts;
import dev.weft.analysis.data.DatasetReport;
import dev.weft.analysis.data.FashionMnist;
import dev.weft.analysis.data.ImageSet;
import dev.weft.analysis.inspect.Activations;
import dev.weft.analysis.inspect.LayerImportance;
import dev.weft.analysis.inspect.PermutationImportance;
import dev.weft.analysis.pca.Covariance;
import dev.weft.analysis.pca.Pca;
import dev.weft.analysis.stats.ImageStatistics;
import dev.weft.core.Parallel;
import dev.weft.core.Tensor;
import dev.weft.core.simd.Kernels;
import dev.weft.layers.Conv2D;
import dev.weft.layers.Layer;
import dev.weft.layers.Sequential;
import dev.weft.optim.History;
import dev.weft.optim.Trainer;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The Fashion-MNIST study: every step of the reference study (data checks, EDA, PCA on standardised pixels, the
 * reference CNN, its metrics, predictions, activations and layer importance), plus Weft's own better model, the
 * confusion matrix, the most-confused pairs and a permutation-importance map, written as one HTML report.
 *
 * <p>Each stage announces itself on the console and is timed; the report is built in a temporary folder and moved
 * into place at the end (see {@link Report}).
 */
final class Study {

    /** The reference study's published test-set figures (Keras notebook): accuracy, precision, recall, F1. */
    static final double[] REFERENCE = {0.9103, 0.9098, 0.9103, 0.9089};

    private static final List<String> NAMES = FashionMnist.CLASS_NAMES;
    /** Share of the training images held out (stratified) to validate each epoch. */
    private static final double VALIDATION_SHARE = 0.1;
    /**
     * Test images used by the permutation importance, which evaluates the model once per patch (49 times): 500
     * keeps it to seconds and still resolves a drop of 0.2 points; a quick look (--limit) uses 200.
     */
    private static final int PERMUTATION_IMAGES = 500;
    /** Test images on which each convolution's ablation is measured (once per convolution). */
    private static final int ABLATION_IMAGES = 5000;
    private static final int PERMUTATION_IMAGES_QUICK = 200;
    private static final int PERMUTATION_PATCH = 4;

    private final StudyOptions options;
    private final PrintStream out;
    private final boolean toConsole;

    private Report report;
    private Stages stages;
    private ImageSet train;
    private ImageSet test;
    private Pca pca;
    private final List<ModelRun> runs = new ArrayList<>();

    /** One trained model and what the study measured on it. */
    record ModelRun(Recipe recipe, Sequential model, History history, double trainSeconds, int trainImages,
                    int[] predicted, float[] probabilities, Scores scores) {
        String name() {
            return recipe.name();
        }

        double imagesPerSecond() {
            return (double) trainImages * history.size() / trainSeconds;
        }
    }

    Study(StudyOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
        this.toConsole = out == System.out;
    }

    /** Runs every stage and publishes the report; returns its folder. */
    Path run() {
        if (options.threads() > 0) {
            Parallel.setThreads(options.threads());
        }
        DataOption.check(options.data());
        report = Report.create(options.out(), "Fashion-MNIST, studied with Weft");
        stages = new Stages(out, 7 + options.models().size());
        out.printf(Locale.ROOT, "Weft study: %s, %d thread%s, kernels %s; report into %s%n",
                jdk(), Parallel.threads(), Parallel.threads() == 1 ? "" : "s", Kernels.get().name(),
                report.target());
        boolean published = false;
        try {
            stages.run("Loading and checking the data", this::loadData);
            stages.run("Exploratory data analysis", this::exploreData);
            stages.run("PCA on standardised pixels", this::principalComponents);
            report.section("models", "Models and training");
            for (String name : options.models()) {
                Recipe recipe = Recipe.of(name, options.epochs());
                stages.run("Training " + name + " (" + recipe.epochs() + " epoch" + (recipe.epochs() == 1 ? "" : "s")
                        + ")", () -> train(recipe));
            }
            stages.run("Evaluating on the test set", this::evaluate);
            stages.run("Looking inside: activations", this::activations);
            stages.run("Importance of layers and regions", this::importance);
            stages.run("Writing the report", this::writeFiles);
            environment();
            writeIndexAndMetrics();
            Path where = report.publish();
            published = true;
            summary(where);
            return where;
        } finally {
            if (!published) {
                try {
                    Report.deleteTree(report.dir());
                } catch (IOException ignored) {
                    // best effort: the folder's name (.NAME.partial) already says it is not a finished report
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- data

    private void loadData() {
        FashionMnist data = DataOption.load(options.data());
        out.println("   data from " + data.directory());
        ImageSet fullTrain = data.train();
        ImageSet fullTest = data.test();
        int limit = options.limit();
        train = limit > 0 && limit < fullTrain.size() ? fullTrain.first(limit) : fullTrain;
        // A quick look (--limit) also tests on fewer images, so it stays quick.
        test = limit > 0 && limit < fullTest.size() ? fullTest.first(Math.max(limit, 1000)) : fullTest;
        if (test.size() > fullTest.size()) {
            test = fullTest;
        }

        report.section("data", "Data and cleaning");
        report.paragraph("Fashion-MNIST: Zalando's article images, 28x28 grey pixels (0 = black background, 255 = "
                + "white), ten classes. Read from " + data.directory() + ". Every file was checked while reading: "
                + "magic numbers, dimensions, image and label counts that agree, labels 0-9, and (for the "
                + "official IDX files) the SHA-256 of their content; a failure of any check stops the study with "
                + "a message naming the file and record, so nothing is silently skipped.");
        DatasetReport trainReport = train.report();
        DatasetReport testReport = test.report();
        List<List<String>> rows = new ArrayList<>();
        for (int c = 0; c < NAMES.size(); c++) {
            rows.add(List.of(c + " " + NAMES.get(c), fmt(trainReport.classCounts()[c]),
                    fmt(testReport.classCounts()[c])));
        }
        rows.add(List.of("Images", fmt(trainReport.size()), fmt(testReport.size())));
        rows.add(List.of("Missing values", fmt(trainReport.missingValues()), fmt(testReport.missingValues())));
        rows.add(List.of("Pixel range", trainReport.minPixel() + "-" + trainReport.maxPixel(),
                testReport.minPixel() + "-" + testReport.maxPixel()));
        rows.add(List.of("Mean pixel (0-255)", String.format(Locale.ROOT, "%.1f", trainReport.meanPixel()),
                String.format(Locale.ROOT, "%.1f", testReport.meanPixel())));
        report.table(List.of("Class", "Training images", "Test images"), rows);
        report.paragraph("Cleaning and preprocessing, as in the reference study: no missing values to impute ("
                + (trainReport.missingValues() + testReport.missingValues()) + " found); intensities scaled from "
                + "0-255 to [0, 1]; images kept as 1x28x28 tensors for the CNNs and flattened to 784 values for "
                + "PCA; labels kept as class indices (the fused softmax cross-entropy needs no one-hot vectors). "
                + "For training, " + percent(VALIDATION_SHARE) + " of the training images are held out for "
                + "validation, stratified by class with the study's seed."
                + (options.limit() > 0 ? " This run uses only the first " + fmt(train.size()) + " training and "
                        + fmt(test.size()) + " test images (--limit)." : ""));
        out.printf(Locale.ROOT, "   %,d training and %,d test images, %d missing values, pixel range %d-%d%n",
                train.size(), test.size(), trainReport.missingValues() + testReport.missingValues(),
                trainReport.minPixel(), trainReport.maxPixel());
    }

    // ----------------------------------------------------------------------------------------------- EDA

    private void exploreData() {
        report.section("eda", "Exploratory data analysis");

        int[] counts = train.classCounts();
        int most = argmax(counts);
        int least = argmin(counts);
        figure(BarCharts.classDistribution(NAMES, counts), "class_distribution.png", 900, 500,
                "Class distribution (training set)",
                counts[most] == counts[least]
                        ? "The classes are perfectly balanced: every class has " + fmt(counts[most]) + " images."
                        : String.format(Locale.ROOT, "The classes are nearly balanced: from %s images (%s) to %s (%s).",
                        fmt(counts[least]), NAMES.get(least), fmt(counts[most]), NAMES.get(most)));

        byte[] pixels = Eda.bytes(train);
        long[] intensities = ImageStatistics.intensityHistogram(pixels).counts();
        long all = Arrays.stream(intensities).sum();
        long bright = 0;
        for (int v = 204; v < 256; v++) {
            bright += intensities[v];
        }
        figure(BarCharts.histogramOfCounts("Pixel intensity distribution", "Intensity (0-1)", 0, 1,
                        Eda.bin(intensities, 50)), "pixel_intensity.png", 900, 500,
                "Pixel intensity distribution (all training pixels)",
                String.format(Locale.ROOT, "%s of all pixels are exactly 0 (the black background); only %s are "
                        + "brighter than 0.8.", percent((double) intensities[0] / all), percent((double) bright / all)));

        SplittableRandom random = new SplittableRandom(options.seed());
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
        figure(LineCharts.densities("Intensity distribution of 10 random pixels", "Intensity (0-1)", names,
                        samples), "random_pixels.png", 1000, 560, "Distributions of 10 random pixels",
                String.format(Locale.ROOT, "Pixel %d (row %d, col %d) is the brightest on average (mean %.2f); "
                                + "pixel %d is black in %s of the images.", chosen[densest], chosen[densest] / 28,
                        chosen[densest] % 28, means[densest], chosen[emptiest], percent(zeroShare[emptiest])));

        int boot = firstOfClass(train, 9);
        long[] bootCounts = ImageStatistics.imageHistogram(pixels, 784, boot).counts();
        long dark = 0;
        long light = 0;
        for (int v = 0; v < 256; v++) {
            dark += v < 26 ? bootCounts[v] : 0;
            light += v >= 204 ? bootCounts[v] : 0;
        }
        figure(BarCharts.histogramOfCounts("Intensity histogram of training image " + boot + " ("
                        + NAMES.get(train.label(boot)) + ")", "Intensity (0-1)", 0, 1, Eda.bin(bootCounts, 25)),
                "image_histogram.png", 900, 500, "Pixel intensity histogram of one image",
                String.format(Locale.ROOT, "Training image %d, %s: %d of its 784 pixels are dark (below 0.1) "
                        + "and %d bright (0.8 or more): the two peaks of a light object on a black background.",
                        boot, article(NAMES.get(train.label(boot))), dark, light));

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
        figure(ImageGrid.of(classMeans, 28, 28).withTitle("Mean image per class").withCaptions(NAMES)
                        .withColumns(5), "mean_images.png", 900, 460, "Mean image per class",
                String.format(Locale.ROOT, "The most alike mean images are %s and %s (distance %.1f); the most "
                                + "different, %s and %s (%.1f).", NAMES.get(closeA), NAMES.get(closeB),
                        Eda.distance(classMeans[closeA], classMeans[closeB]), NAMES.get(farA), NAMES.get(farB),
                        Eda.distance(classMeans[farA], classMeans[farB])));

        Covariance covariance = Covariance.of(train.flat(0, train.size()));
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
        figure(HeatMap.correlation(correlation, 784), "pixel_correlation.png", 900, 820,
                "Pairwise pixel correlation (784 x 784)",
                String.format(Locale.ROOT, "Horizontally neighbouring pixels correlate strongly (mean r = %.2f), "
                                + "pixels half an image apart weakly (mean r = %.2f); the stripes repeat every 28 "
                                + "pixels, one image row.%s", neighbours / Math.max(1, pairs),
                        far / Math.max(1, farPairs),
                        constant == 1 ? " One pixel never changes and is drawn grey."
                                : constant > 1 ? " " + constant + " pixels never change and are drawn grey." : ""));
        pcaCovariance = covariance;

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
        figure(ImageGrid.of(sampleImages, 28, 28).withTitle("Sample training images").withCaptions(captions)
                        .withColumns(10), "sample_images.png", 1000, 400, "Sample images",
                perClass + " training images of each class, chosen at random (seed " + options.seed() + ").");
    }

    private Covariance pcaCovariance;

    // ----------------------------------------------------------------------------------------------- PCA

    private void principalComponents() {
        report.section("pca", "Feature visualisation with PCA");
        pca = Pca.fit(pcaCovariance, true);
        pcaCovariance = null;
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
        double[][] classMean = new double[NAMES.size()][components];
        int[] counts = new int[NAMES.size()];
        for (int i = 0; i < labels.length; i++) {
            counts[labels[i]]++;
            for (int j = 0; j < components; j++) {
                classMean[labels[i]][j] += s[i * components + j];
            }
        }
        for (int c = 0; c < NAMES.size(); c++) {
            for (int j = 0; j < components; j++) {
                classMean[c][j] /= Math.max(1, counts[c]);
            }
        }
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
        figure(ScatterCharts.pca(s, components, labels, NAMES, 6000, options.seed()), "pca_scatter.png", 900, 700,
                "The training images on the first two principal components",
                String.format(Locale.ROOT, "PC1 runs from %s (mean %.1f) to %s (%.1f); PC2 from %s (%.1f) to %s "
                                + "(%.1f). %s of the images are drawn.", NAMES.get(lo1),
                        classMean[lo1][0], NAMES.get(hi1), classMean[hi1][0], NAMES.get(lo2), classMean[lo2][1],
                        NAMES.get(hi2), classMean[hi2][1],
                        train.size() <= 6000 ? "All" : "A random 6,000"));

        figure(BarCharts.explainedVariance(ratio, 30), "pca_explained_variance.png", 900, 500,
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
        figure(ScatterCharts.pairPlot(s, components, labels, NAMES, 4, 3000, options.seed()), "pca_pairplot.png",
                1000, 1000, "Pair plot of the first four components (densities on the diagonal)",
                String.format(Locale.ROOT, "In the first %d components the class centres closest together are "
                        + "%s and %s (distance %.1f): the pair the models will find hardest to tell apart.",
                        components, NAMES.get(closeA), NAMES.get(closeB), Math.sqrt(closest)));

        figure(DistributionCharts.componentsByClass(s, components, labels, NAMES, 3), "pca_components.png",
                1000, 560, "Distributions of the first three components by class",
                String.format(Locale.ROOT, "Along PC2, %s scores highest (mean %.1f) and %s lowest (%.1f); "
                        + "the boxes show how much each class spreads along each component.",
                        NAMES.get(hi2), classMean[hi2][1], NAMES.get(lo2), classMean[lo2][1]));
        out.printf(Locale.ROOT, "   PC1 explains %s, the first 10 explain %s%n", percent(ratio[0]),
                percent(cumulative[Math.min(9, cumulative.length - 1)]));
    }

    // ------------------------------------------------------------------------------------------ training

    private void train(Recipe recipe) {
        ImageSet.Split split = train.stratifiedSplit(VALIDATION_SHARE, options.seed());
        Sequential model = recipe.build(options.seed());
        Trainer trainer = new Trainer(model, recipe.optimizer(split.train().size()))
                .withSeed(options.seed())
                .withValidation(split.validation())
                .withBatchTransform(recipe.augmentation());
        if (!toConsole) {
            trainer.withOutput(out);
        }
        long t0 = System.nanoTime();
        History history = trainer.fit(split.train(), recipe.epochs(), recipe.batch());
        double seconds = (System.nanoTime() - t0) / 1e9;
        try {
            model.save(report.file(recipe.name() + ".weft"));
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the " + recipe.name() + " model", e);
        }
        runs.add(new ModelRun(recipe, model, history, seconds, split.train().size(), null, null, null));

        report.subheading("The " + recipe.name() + " model");
        report.paragraph(recipe.description());
        report.pre(model.summary());
        double[] validation = history.validationAccuracy();
        int best = argmax(validation);
        double[] trainAccuracy = history.trainAccuracy();
        figure(LineCharts.history(trainAccuracy, validation, history.trainLoss(), history.validationLoss()),
                recipe.name() + "_training.png", 1100, 450,
                "Training and validation accuracy and loss of " + recipe.name(),
                String.format(Locale.ROOT, "Validation accuracy peaked at %s in epoch %d of %d; after the last "
                                + "epoch training accuracy was %s and validation %s (%s). %d images/s, %s in all.",
                        percent(validation[best]), best + 1, validation.length,
                        percent(trainAccuracy[trainAccuracy.length - 1]), percent(validation[validation.length - 1]),
                        gap(trainAccuracy[trainAccuracy.length - 1], validation[validation.length - 1]),
                        Math.round((double) split.train().size() * history.size() / seconds),
                        Stages.duration(seconds)));
        report.html("<ul>");
        report.link(recipe.name() + ".weft", "the trained " + recipe.name() + " model (./weft predict --model "
                + recipe.name() + ".weft image.png)");
        report.html("</ul>");
    }

    // -------------------------------------------------------------------------------------- evaluation

    private void evaluate() {
        Tensor x = test.images(0, test.size());
        int[] truth = test.labels();
        for (int i = 0; i < runs.size(); i++) {
            ModelRun run = runs.get(i);
            Tensor probabilities = run.model().predictProbabilities(x);
            float[] p = probabilities.toArray();
            int[] predicted = new int[truth.length];
            for (int n = 0; n < truth.length; n++) {
                predicted[n] = Kernels.get().argmax(NAMES.size(), p, n * NAMES.size());
            }
            Scores scores = Scores.of(truth, predicted, NAMES);
            runs.set(i, new ModelRun(run.recipe(), run.model(), run.history(), run.trainSeconds(), run.trainImages(),
                    predicted, p, scores));
            out.printf(Locale.ROOT, "   %s: test accuracy %s, weighted F1 %s%n", run.name(), percent(scores.accuracy()),
                    percent(scores.f1Weighted()));
        }

        report.section("metrics", "Metrics against the reference study");
        List<String> header = new ArrayList<>(List.of("Test-set metric", "Reference study (Keras)"));
        runs.forEach(r -> header.add(r.name()));
        String[] metricNames = {"Accuracy", "Precision (weighted)", "Recall (weighted)", "F1 (weighted)",
            "Precision (macro)", "Recall (macro)", "F1 (macro)"};
        List<List<String>> rows = new ArrayList<>();
        for (int m = 0; m < metricNames.length; m++) {
            List<String> row = new ArrayList<>();
            row.add(metricNames[m]);
            row.add(m < REFERENCE.length ? percent2(REFERENCE[m]) : "—");
            for (ModelRun run : runs) {
                Scores s = run.scores();
                double[] values = {s.accuracy(), s.precisionWeighted(), s.recallWeighted(), s.f1Weighted(),
                    s.precisionMacro(), s.recallMacro(), s.f1Macro()};
                row.add(percent2(values[m]));
            }
            rows.add(row);
        }
        List<String> epochsRow = new ArrayList<>(List.of("Epochs", "10"));
        List<String> timeRow = new ArrayList<>(List.of("Training time", "—"));
        for (ModelRun run : runs) {
            epochsRow.add(Integer.toString(run.history().size()));
            timeRow.add(Stages.duration(run.trainSeconds()) + String.format(Locale.ROOT, " (%,d images/s)",
                    Math.round(run.imagesPerSecond())));
        }
        rows.add(epochsRow);
        rows.add(timeRow);
        report.table(header, rows);
        StringBuilder reading = new StringBuilder("On the " + fmt(test.size()) + " test images");
        for (ModelRun run : runs) {
            double delta = run.scores().accuracy() - REFERENCE[0];
            reading.append(String.format(Locale.ROOT, ", %s reaches %s accuracy (%s%.2f points against the "
                    + "reference's 91.03%%)", run.name(), percent2(run.scores().accuracy()), delta >= 0 ? "+" : "",
                    100 * delta));
        }
        report.paragraph(reading + ". Precision, recall and F1 are support-weighted averages over the ten classes, "
                + "as scikit-learn's classification_report prints them; the macro averages weight every class "
                + "equally (identical here up to rounding, since the test classes are balanced)."
                + (options.limit() > 0 || options.epochs() > 0 ? " This run used --limit or --epochs, so its "
                        + "figures are not comparable with the reference's." : ""));

        for (ModelRun run : runs) {
            Scores s = run.scores();
            report.subheading("Classification report of " + run.name());
            report.pre(s.toText());
            Scores.Confusion top = s.mostConfused(1).isEmpty() ? null : s.mostConfused(1).get(0);
            int worst = 0;
            for (int c = 1; c < NAMES.size(); c++) {
                worst = s.f1(c) < s.f1(worst) ? c : worst;
            }
            figure(HeatMap.confusion(s.confusion(), NAMES).withTitle("Confusion matrix of " + run.name()),
                    run.name() + "_confusion.png", 900, 800, "Confusion matrix of " + run.name()
                            + " (rows: true class, columns: predicted)",
                    top == null ? "No test image was misclassified."
                            : String.format(Locale.ROOT, "%s is most often confused with %s: %d of %d. The hardest "
                                    + "class is %s (F1 %s).", NAMES.get(top.truth()), NAMES.get(top.predicted()),
                            top.count(), top.support(), NAMES.get(worst), percent(s.f1(worst))));
            mostConfused(run);
        }

        report.section("predictions", "Predictions");
        ModelRun best = bestRun();
        int shown = Math.min(30, test.size());
        float[][] images = new float[shown][];
        int[] shownTruth = Arrays.copyOf(truth, shown);
        int[] shownPredicted = Arrays.copyOf(best.predicted(), shown);
        int right = 0;
        for (int i = 0; i < shown; i++) {
            images[i] = test.images(i, i + 1).toArray();
            right += shownTruth[i] == shownPredicted[i] ? 1 : 0;
        }
        figure(ImageGrid.predictions(images, 28, 28, shownTruth, shownPredicted, NAMES).withColumns(10)
                        .withTitle("Predictions of " + best.name() + " on the first " + shown + " test images"),
                "predictions.png", 1100, 520, "Predicted labels on the first " + shown + " test images ("
                        + best.name() + " model; green right, red wrong)",
                right + " of " + shown + " are right; over the whole test set " + best.name() + " gets "
                        + percent2(best.scores().accuracy()) + ".");
    }

    /** The most-confused pairs of one model with example images. */
    private void mostConfused(ModelRun run) {
        List<Scores.Confusion> pairs = run.scores().mostConfused(3);
        if (pairs.isEmpty()) {
            return;
        }
        int perPair = 6;
        List<float[]> images = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        List<Color> colours = new ArrayList<>();
        int[] truth = test.labels();
        StringBuilder reading = new StringBuilder();
        for (Scores.Confusion pair : pairs) {
            int found = 0;
            for (int i = 0; i < truth.length && found < perPair; i++) {
                if (truth[i] == pair.truth() && run.predicted()[i] == pair.predicted()) {
                    images.add(test.images(i, i + 1).toArray());
                    float confidence = run.probabilities()[i * NAMES.size() + pair.predicted()];
                    captions.add(NAMES.get(pair.truth()) + " as\n" + NAMES.get(pair.predicted())
                            + String.format(Locale.ROOT, " %.0f%%", 100 * confidence));
                    colours.add(new Color(0xd62728));
                    found++;
                }
            }
            reading.append(reading.length() == 0 ? "" : "; ").append(String.format(Locale.ROOT, "%s taken for %s "
                    + "%d times", NAMES.get(pair.truth()), NAMES.get(pair.predicted()), pair.count()));
        }
        figure(ImageGrid.of(images.toArray(new float[0][]), 28, 28).withCaptions(captions)
                        .withCaptionColors(colours).withColumns(perPair)
                        .withTitle("Most-confused pairs of " + run.name()),
                run.name() + "_most_confused.png", 900, 200 + 170 * pairs.size(),
                "The most-confused pairs of " + run.name() + ", with test images it got wrong (caption: true "
                        + "class as predicted class, and the predicted probability)",
                reading + ".");
    }

    // ------------------------------------------------------------------------------------- activations

    private void activations() {
        report.section("activations", "CNN activations");
        int index = 0;
        Tensor image = test.images(index, index + 1);
        figure(ImageGrid.of(new float[][] {image.toArray()}, 28, 28).withCaptions(List.of(NAMES.get(test.label(0))))
                        .withTitle("Test image 0"), "activation_input.png", 260, 300,
                "The input: test image 0, " + article(NAMES.get(test.label(0))),
                "Every model below sees this image; " + runs.stream().map(r -> r.name() + " predicts "
                        + NAMES.get(r.predicted()[index])).reduce((a, b) -> a + ", " + b).orElse("") + ".");
        for (ModelRun run : runs) {
            List<Tensor> outputs = Activations.all(run.model(), image);
            List<Layer> layers = run.model().layers();
            int conv = 0;
            for (int l = 0; l < layers.size(); l++) {
                if (!(layers.get(l) instanceof Conv2D)) {
                    continue;
                }
                conv++;
                // Show the maps after the non-linearity when a ReLU follows (directly or after BatchNorm).
                int shown = l;
                for (int j = l + 1; j < Math.min(layers.size(), l + 3); j++) {
                    if (layers.get(j).type().equals("ReLU")) {
                        shown = j;
                        break;
                    }
                }
                Tensor maps = outputs.get(shown);
                int channels = maps.dim(0);
                int h = maps.dim(1);
                int w = maps.dim(2);
                float[] values = maps.toArray();
                int silent = 0;
                int strongest = 0;
                double strongestMean = -1;
                for (int c = 0; c < channels; c++) {
                    double sum = 0;
                    double max = 0;
                    for (int p = 0; p < h * w; p++) {
                        sum += values[c * h * w + p];
                        max = Math.max(max, values[c * h * w + p]);
                    }
                    if (max <= 0) {
                        silent++;
                    }
                    if (sum / (h * w) > strongestMean) {
                        strongestMean = sum / (h * w);
                        strongest = c;
                    }
                }
                int columns = channels <= 32 ? 8 : 16;
                int rowsOfMaps = (channels + columns - 1) / columns;
                String name = layers.get(l).name();
                figure(ImageGrid.featureMaps(values, channels, h, w).withColumns(columns)
                                .withTitle(run.name() + ": " + name + ", " + channels + " feature maps of " + h + "x" + w),
                        run.name() + "_activations_" + conv + ".png", 1000, 90 + rowsOfMaps * 66,
                        run.name() + " convolution " + conv + " (" + name + "): " + channels + " feature maps"
                                + (shown != l ? " after ReLU" : ""),
                        String.format(Locale.ROOT, "%d of the %d maps are silent (all zero) for this image; map %d "
                                        + "responds most (mean activation %.2f).", silent, channels, strongest,
                                strongestMean));
            }
        }
    }

    // -------------------------------------------------------------------------------------- importance

    private void importance() {
        report.section("importance", "Importance of layers and image regions");
        report.paragraph("Layer importance as in the reference study: each convolution's weights and bias are set "
                + "to zero in turn, the accuracy on the first " + fmt(Math.min(ABLATION_IMAGES, test.size()))
                + " test images is measured, and the weights are restored. Region importance "
                + "is a real permutation importance: a " + PERMUTATION_PATCH + "x" + PERMUTATION_PATCH + " patch is "
                + "shuffled across the test images and the drop in accuracy is drawn where the patch lies.");
        int ablationImages = Math.min(ABLATION_IMAGES, test.size());
        Tensor x = test.images(0, ablationImages);
        int[] truth = Arrays.copyOf(test.labels(), ablationImages);
        int n = Math.min(options.limit() > 0 ? PERMUTATION_IMAGES_QUICK : PERMUTATION_IMAGES, test.size());
        Tensor permutationX = test.images(0, n);
        int[] permutationTruth = Arrays.copyOf(test.labels(), n);
        for (ModelRun run : runs) {
            int[] convolutions = LayerImportance.convolutionLayers(run.model());
            List<LayerImportance> ablation = LayerImportance.ablation(run.model(), x, truth, convolutions);
            List<String> names = new ArrayList<>();
            double[] drops = new double[ablation.size()];
            LayerImportance most = ablation.get(0);
            LayerImportance least = ablation.get(0);
            for (int i = 0; i < drops.length; i++) {
                LayerImportance li = ablation.get(i);
                names.add(li.layerName());
                drops[i] = li.drop();
                most = li.drop() > most.drop() ? li : most;
                least = li.drop() < least.drop() ? li : least;
            }
            figure(BarCharts.importance("Accuracy drop when a convolution is zeroed (" + run.name() + ")",
                            "Accuracy drop", names, drops), run.name() + "_layer_importance.png", 900, 450,
                    "Layer importance of " + run.name() + " (ablation)",
                    most.drop() - least.drop() < 0.005
                            ? String.format(Locale.ROOT, "Zeroing any one of the %d convolutions drops accuracy from "
                                    + "%s to about %s: each layer is indispensable, since everything after it then "
                                    + "sees a constant.", drops.length, percent(most.baselineAccuracy()),
                                    percent(most.ablatedAccuracy()))
                            : String.format(Locale.ROOT, "Zeroing %s costs the most: accuracy falls from %s to %s; "
                                    + "zeroing %s costs least (to %s).", most.layerName(),
                                    percent(most.baselineAccuracy()), percent(most.ablatedAccuracy()),
                                    least.layerName(), percent(least.ablatedAccuracy())));

            PermutationImportance map = PermutationImportance.of(run.model(), permutationX, permutationTruth,
                    PERMUTATION_PATCH, 1, options.seed());
            double[] drop = map.map();
            int top = argmax(drop);
            double corners = (map.at(0, 0) + map.at(0, 27) + map.at(27, 0) + map.at(27, 27)) / 4;
            figure(HeatMap.importance(drop, 28, 28).withTitle("Permutation importance of " + run.name()
                            + " (" + PERMUTATION_PATCH + "x" + PERMUTATION_PATCH + " patches)"),
                    run.name() + "_permutation_importance.png", 700, 620,
                    "Permutation importance of " + run.name() + " over image regions (accuracy drop when a patch is "
                            + "shuffled across " + fmt(n) + " test images)",
                    String.format(Locale.ROOT, "The most important region is the patch at rows %d-%d, columns %d-%d "
                                    + "(accuracy drops by %.1f points); the corners matter little (%.1f points on "
                                    + "average).", top / 28 / PERMUTATION_PATCH * PERMUTATION_PATCH,
                            top / 28 / PERMUTATION_PATCH * PERMUTATION_PATCH + PERMUTATION_PATCH - 1,
                            top % 28 / PERMUTATION_PATCH * PERMUTATION_PATCH,
                            top % 28 / PERMUTATION_PATCH * PERMUTATION_PATCH + PERMUTATION_PATCH - 1,
                            100 * drop[top], 100 * corners));
        }
    }

    // ---------------------------------------------------------------------------------------- output

    private void writeFiles() {
        StringBuilder text = new StringBuilder();
        for (ModelRun run : runs) {
            text.append("Model ").append(run.name()).append(" (").append(run.history().size()).append(" epochs, ")
                    .append(fmt(test.size())).append(" test images)\n\n").append(run.scores().toText()).append('\n');
        }
        try {
            Files.writeString(report.file("classification_report.txt"), text.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("could not write classification_report.txt", e);
        }
    }

    private void environment() {
        report.section("environment", "Environment and timings");
        Kernels kernels = Kernels.get();
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("JDK", jdk()));
        rows.add(List.of("Operating system", System.getProperty("os.name") + " " + System.getProperty("os.version")
                + " (" + System.getProperty("os.arch") + ")"));
        rows.add(List.of("Cores available", Integer.toString(Runtime.getRuntime().availableProcessors())));
        rows.add(List.of("Threads used", Integer.toString(Parallel.threads())));
        rows.add(List.of("SIMD (Vector API)", (kernels.isSimd() ? "on" : "off") + " — kernels: " + kernels.name()));
        rows.add(List.of("Maximum heap", fmt(Runtime.getRuntime().maxMemory() / (1024 * 1024)) + " MB"));
        rows.add(List.of("Peak heap used (sum of the heap pools' peaks, an upper bound)",
                fmt(peakHeapBytes() / (1024 * 1024)) + " MB"));
        rows.add(List.of("Seed", Long.toString(options.seed())));
        rows.add(List.of("Command options", optionsText()));
        report.table(List.of("Item", "Value"), rows);
        List<List<String>> timings = new ArrayList<>();
        for (Stages.Timing t : stages.timings()) {
            timings.add(List.of(t.name(), String.format(Locale.ROOT, "%.1f s", t.seconds())));
        }
        timings.add(List.of("Total", String.format(Locale.ROOT, "%.1f s", stages.elapsedSeconds())));
        report.table(List.of("Stage", "Time"), timings);
        report.html("<ul>");
        report.link("metrics.json", "every headline figure, machine-readable");
        report.link("classification_report.txt", "the classification reports as text");
        report.html("</ul>");
    }

    private void writeIndexAndMetrics() {
        Map<String, Object> metrics = Json.object();
        metrics.put("total_seconds", round(stages.elapsedSeconds(), 3));
        metrics.put("jdk", Runtime.version().toString());
        metrics.put("threads", Parallel.threads());
        metrics.put("simd", Kernels.get().isSimd());
        Map<String, Object> pcaJson = Json.object();
        pcaJson.put("standardized", pca.standardized());
        double[] ratio = pca.explainedVarianceRatio();
        pcaJson.put("explained_variance_ratio", Json.array(Arrays.copyOf(ratio, Math.min(50, ratio.length))));
        metrics.put("pca", pcaJson);
        List<Object> models = Json.array();
        for (ModelRun run : runs) {
            Scores s = run.scores();
            Map<String, Object> m = Json.object();
            m.put("name", run.name());
            m.put("epochs", run.history().size());
            m.put("train_seconds", round(run.trainSeconds(), 3));
            m.put("train_images_per_second", round(run.imagesPerSecond(), 1));
            m.put("test_accuracy", s.accuracy());
            m.put("precision_weighted", s.precisionWeighted());
            m.put("recall_weighted", s.recallWeighted());
            m.put("f1_weighted", s.f1Weighted());
            m.put("precision_macro", s.precisionMacro());
            m.put("recall_macro", s.recallMacro());
            m.put("f1_macro", s.f1Macro());
            List<Object> perClass = Json.array();
            for (int c = 0; c < NAMES.size(); c++) {
                Map<String, Object> pc = Json.object();
                pc.put("label", NAMES.get(c));
                pc.put("precision", s.precision(c));
                pc.put("recall", s.recall(c));
                pc.put("f1", s.f1(c));
                pc.put("support", s.support(c));
                perClass.add(pc);
            }
            m.put("per_class", perClass);
            List<Object> matrix = Json.array();
            for (int[] row : s.confusion()) {
                matrix.add(Json.array(row));
            }
            m.put("confusion_matrix", matrix);
            models.add(m);
        }
        metrics.put("models", models);
        try {
            Files.writeString(report.file("metrics.json"), Json.write(metrics));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write metrics.json", e);
        }
    }

    private void summary(Path where) {
        out.printf(Locale.ROOT, "%nDone in %s. Report: %s%n", Stages.duration(stages.elapsedSeconds()),
                where.resolve("index.html"));
        for (ModelRun run : runs) {
            Scores s = run.scores();
            out.printf(Locale.ROOT, "  %-5s test accuracy %s, precision %s, recall %s, F1 %s (reference: 91.03%%, "
                            + "90.98%%, 91.03%%, 90.89%%)%n", run.name(), percent2(s.accuracy()),
                    percent2(s.precisionWeighted()), percent2(s.recallWeighted()), percent2(s.f1Weighted()));
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** Renders a chart into the report folder and adds it with its caption and reading. */
    private void figure(Chart chart, String file, int width, int height, String caption, String reading) {
        try {
            chart.write(report.file(file), width, height);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write figure " + file, e);
        }
        report.figure(file, caption, reading);
    }

    private ModelRun bestRun() {
        ModelRun best = runs.get(0);
        for (ModelRun run : runs) {
            best = run.scores().accuracy() > best.scores().accuracy() ? run : best;
        }
        return best;
    }

    private String optionsText() {
        return "--epochs " + (options.epochs() > 0 ? options.epochs() : "default") + ", --limit "
                + (options.limit() > 0 ? options.limit() : "none") + ", --model " + String.join("+", options.models())
                + (options.threads() > 0 ? ", --threads " + options.threads() : "");
    }

    static String jdk() {
        return System.getProperty("java.vm.vendor", "?") + " " + Runtime.version();
    }

    private static long peakHeapBytes() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
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
        return java.util.stream.IntStream.range(0, labels.length).filter(i -> labels[i] == label).toArray();
    }

    private static int argmax(int[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            best = values[i] > values[best] ? i : best;
        }
        return best;
    }

    private static int argmin(int[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            best = values[i] < values[best] ? i : best;
        }
        return best;
    }

    private static int argmax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            best = values[i] > values[best] ? i : best;
        }
        return best;
    }

    private static String gap(double train, double validation) {
        double points = 100 * (train - validation);
        return Math.abs(points) < 1 ? "no sign of over-fitting"
                : points > 0 ? String.format(Locale.ROOT, "a gap of %.1f points", points)
                : String.format(Locale.ROOT, "validation %.1f points above training, as dropout and augmentation "
                        + "handicap the training figures, which are also averaged over the epoch", -points);
    }

    /** "an Ankle boot", "a Shirt". */
    static String article(String noun) {
        return ("AEIOUaeiou".indexOf(noun.charAt(0)) >= 0 ? "an " : "a ") + noun;
    }

    static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * ratio);
    }

    static String percent2(double ratio) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * ratio);
    }

    static String fmt(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
