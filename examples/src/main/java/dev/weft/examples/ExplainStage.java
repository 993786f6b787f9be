package dev.weft.examples;

import static dev.weft.examples.Prose.fmt;
import static dev.weft.examples.Prose.percent;

import dev.weft.analysis.calibration.Calibration;
import dev.weft.analysis.calibration.TemperatureScaling;
import dev.weft.analysis.charts.ClassPalette;
import dev.weft.analysis.charts.ImageGrid;
import dev.weft.analysis.charts.ReliabilityDiagram;
import dev.weft.analysis.explain.GradCam;
import dev.weft.core.Tensor;
import dev.weft.data.FashionMnist;
import dev.weft.data.ImageSet;
import dev.weft.data.Recipe;
import dev.weft.layers.Sequential;
import java.awt.Color;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Why the models decide as they do, and whether their confidence can be trusted: Grad-CAM over a correctly and a
 * wrongly classified test image of each class, and the reliability diagram with the expected calibration error
 * before and after temperature scaling fitted on the validation split the model was trained beside.
 */
final class ExplainStage {

    /** One model's calibration, for {@code metrics.json}: test ECE before and after scaling, and the temperature. */
    record Calibrated(double ece, double eceAfter, double temperature) {
    }

    private static final List<String> NAMES = FashionMnist.CLASS_NAMES;
    /**
     * Validation images the temperature is fitted on: one parameter needs far fewer than the 6,000 of the split,
     * and this keeps the extra forward pass to a second or two per model.
     */
    static final int VALIDATION_IMAGES = 3000;
    /** A pixel brighter than this is on the garment (Fashion-MNIST backgrounds are 0). */
    private static final float GARMENT = 0.1f;

    private final Report report;
    private final ImageSet test;
    private final Tensor validationX;
    private final int[] validationTruth;

    /**
     * @param train the training images the models were trained on; the validation split is made again from them
     *              exactly as the models' {@link Recipe#split} made it ({@code seed}), so the temperature never sees
     *              test data
     */
    ExplainStage(Report report, ImageSet test, ImageSet train, long seed) {
        this.report = report;
        this.test = test;
        ImageSet validation = train.stratifiedSplit(Recipe.VALIDATION_SHARE, seed).validation();
        int n = Math.min(VALIDATION_IMAGES, validation.size());
        this.validationX = validation.images(0, n);
        this.validationTruth = Arrays.copyOf(validation.labels(), n);
    }

    /**
     * Images this stage runs through one model, counting a Grad-CAM image (a forward and a backward pass) as three:
     * for the study's time budget.
     */
    static long imagesInferred(int classes) {
        return VALIDATION_IMAGES + 3L * 2 * classes;
    }

    /** Writes the section; returns each model's calibration by model name. */
    Map<String, Calibrated> run(List<ModelRun> runs) {
        report.section("why", "Why the model decides");
        report.paragraph("Grad-CAM (Selvaraju et al., 2017) weighs the feature maps of the last convolution block "
                + "by how much each raises the predicted class's score and shows where they respond, in red over the "
                + "image. Calibration asks whether a confidence of 90% means being right 90% of the time: the "
                + "reliability diagram bins the test predictions by confidence, and the expected calibration error "
                + "(ECE, 15 bins) is the mean gap between confidence and accuracy. Temperature scaling (Guo et al., "
                + "2017) divides the logits by one number T fitted on " + fmt(validationTruth.length)
                + " validation images; it changes no prediction.");
        Map<String, Calibrated> calibration = new LinkedHashMap<>();
        for (ModelRun run : runs) {
            gradCam(run);
            calibration.put(run.name(), calibration(run));
        }
        return calibration;
    }

    /** Per class, the first correctly and the first wrongly classified test image, with Grad-CAM over each. */
    private void gradCam(ModelRun run) {
        int classes = NAMES.size();
        int[] truth = test.labels();
        int[] predicted = run.predicted();
        int[] chosen = new int[2 * classes];
        Arrays.fill(chosen, -1);
        for (int i = 0; i < truth.length; i++) {
            int slot = (predicted[i] == truth[i] ? 0 : classes) + truth[i];
            if (chosen[slot] < 0) {
                chosen[slot] = i;
            }
        }
        int[] present = Arrays.stream(chosen).filter(i -> i >= 0).toArray();
        Tensor x = Tensor.zeros(present.length, 1, 28, 28);
        int[] targets = new int[present.length];
        for (int k = 0; k < present.length; k++) {
            test.copySample(present[k], x.data(), k * 784);
            targets[k] = predicted[present[k]];
        }
        Tensor cams = GradCam.of(run.model(), x, targets);
        float[][] images = new float[chosen.length][];
        float[][] heat = new float[chosen.length][];
        List<String> captions = new ArrayList<>();
        List<Color> colors = new ArrayList<>();
        double[] onGarment = new double[2];
        int[] counted = new int[2];
        double garmentPixels = 0;
        for (int slot = 0, k = 0; slot < chosen.length; slot++) {
            boolean right = slot < classes;
            if (chosen[slot] < 0) {
                images[slot] = new float[784];
                captions.add(NAMES.get(slot % classes) + (right ? "\n(none correct)" : "\n(no error)"));
                colors.add(Color.GRAY);
                continue;
            }
            images[slot] = Arrays.copyOfRange(x.data(), k * 784, (k + 1) * 784);
            heat[slot] = Arrays.copyOfRange(cams.data(), k * 784, (k + 1) * 784);
            onGarment[right ? 0 : 1] += shareOnGarment(images[slot], heat[slot]);
            garmentPixels += shareOnGarment(images[slot], Tensor.filled(1f, 784).data());
            counted[right ? 0 : 1]++;
            String guess = NAMES.get(targets[k]);
            captions.add(right ? guess : guess + "\n(true: " + NAMES.get(slot % classes) + ")");
            colors.add(right ? ClassPalette.CORRECT : ClassPalette.WRONG);
            k++;
        }
        String reading = String.format(Locale.ROOT, "On average %s of the Grad-CAM mass lies on the garment "
                        + "(pixels above %.1f, which cover %s of these images) for the correct predictions%s.",
                percent(onGarment[0] / Math.max(1, counted[0])), GARMENT,
                percent(garmentPixels / Math.max(1, counted[0] + counted[1])), counted[1] == 0 ? " (no wrong ones)"
                        : " and " + percent(onGarment[1] / counted[1]) + " for the wrong ones");
        report.figure(ImageGrid.of(images, 28, 28).withHeatOverlays(heat).withColumns(classes)
                        .withCaptions(captions).withCaptionColors(colors)
                        .withTitle(run.name() + ": Grad-CAM of the predicted class (top: correct, bottom: wrong)"),
                run.name() + "_grad_cam.png", 1200, 380,
                "Grad-CAM of " + run.name() + " for the first correctly (top row) and the first wrongly (bottom row) "
                        + "classified test image of each class", reading);
    }

    /** The share of the map's total that lies on pixels brighter than {@link #GARMENT}. */
    private static double shareOnGarment(float[] image, float[] heat) {
        double on = 0;
        double total = 0;
        for (int p = 0; p < image.length; p++) {
            total += heat[p];
            on += image[p] > GARMENT ? heat[p] : 0;
        }
        return total > 0 ? on / total : 0;
    }

    /** Fits the temperature on the validation logits and draws the test reliability before and after. */
    private Calibrated calibration(ModelRun run) {
        int classes = NAMES.size();
        TemperatureScaling scaling = TemperatureScaling.fit(logits(run.model(), validationX), classes,
                validationTruth);
        int[] truth = test.labels();
        float[] probabilities = run.probabilities();
        Calibration before = Calibration.of(probabilities, classes, truth);
        // softmax(log p / T) = softmax(z / T): the test probabilities stand in for the test logits.
        Calibration after = Calibration.of(scaling.probabilities(TemperatureScaling.logits(probabilities), classes),
                classes, truth);
        double t = scaling.temperature();
        double confidence = 0;
        for (Calibration.Bin bin : before.bins()) {
            confidence += bin.count() == 0 ? 0 : bin.confidence() * bin.count();
        }
        confidence /= before.samples();
        String verdict = confidence > run.scores().accuracy() ? "over-confident" : "under-confident";
        report.figure(ReliabilityDiagram.of("Reliability of " + run.name() + " on " + fmt(truth.length)
                                + " test images",
                        List.of("as trained: ECE " + percent(before.ece()),
                                String.format(Locale.ROOT, "temperature T = %.2f: ECE %s", t, percent(after.ece()))),
                        new double[][] {before.accuracies(), after.accuracies()}),
                run.name() + "_reliability.png", 760, 620,
                "Reliability diagram of " + run.name() + " before and after temperature scaling",
                String.format(Locale.ROOT, "As trained, %s is %s: mean confidence %s against an accuracy of %s "
                                + "(ECE %s). T = %.2f, fitted on the validation split, brings the ECE to %s.",
                        run.name(), verdict, percent(confidence), percent(run.scores().accuracy()),
                        percent(before.ece()), t, percent(after.ece())));
        return new Calibrated(before.ece(), after.ece(), t);
    }

    /** The logits {@code [n, classes]} of {@code x}, by chunks so that the inference buffers stay small. */
    private static float[] logits(Sequential model, Tensor x) {
        int n = x.dim(0);
        int classes = model.numClasses();
        float[] logits = new float[n * classes];
        for (int from = 0; from < n; from += 256) {
            int to = Math.min(n, from + 256);
            Tensor chunk = model.forward(x.slice(from, to), false);
            System.arraycopy(chunk.data(), chunk.offset(), logits, from * classes, (to - from) * classes);
        }
        return logits;
    }
}
