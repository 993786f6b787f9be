package dev.weft.examples;

import static dev.weft.examples.Prose.fmt;
import static dev.weft.examples.Prose.percent;

import dev.weft.data.DatasetReport;
import dev.weft.data.FashionMnist;
import dev.weft.data.ImageSet;
import dev.weft.data.Recipe;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The study's first stage: loads Fashion-MNIST (every file checked while reading), cuts it down for a quick look
 * ({@code --limit}), and writes the report's "Data and cleaning" section with the counts per class.
 */
final class DataStage {

    /** The images the rest of the study uses. */
    record Data(ImageSet train, ImageSet test) {
    }

    private static final List<String> NAMES = FashionMnist.CLASS_NAMES;

    private DataStage() {
    }

    static Data load(StudyOptions options, Report report, PrintStream out) {
        FashionMnist data = DataOption.load(options.data());
        out.println("   data from " + data.directory());
        ImageSet fullTrain = data.train();
        ImageSet fullTest = data.test();
        int limit = options.limit();
        ImageSet train = limit > 0 && limit < fullTrain.size() ? fullTrain.first(limit) : fullTrain;
        // A quick look (--limit) also tests on fewer images, so it stays quick.
        ImageSet test = limit > 0 && limit < fullTest.size() ? fullTest.first(Math.max(limit, 1000)) : fullTest;
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
                + "For training, " + percent(Recipe.VALIDATION_SHARE) + " of the training images are held "
                + "out for validation, stratified by class with the study's random seed."
                + (options.limit() > 0 ? " This run uses only the first " + fmt(train.size()) + " training and "
                        + fmt(test.size()) + " test images (--limit)." : ""));
        out.printf(Locale.ROOT, "   %,d training and %,d test images, %d missing values, pixel range %d-%d%n",
                train.size(), test.size(), trainReport.missingValues() + testReport.missingValues(),
                trainReport.minPixel(), trainReport.maxPixel());
        return new Data(train, test);
    }
}
