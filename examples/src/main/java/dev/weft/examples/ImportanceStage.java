package dev.weft.examples;

import static dev.weft.examples.Prose.fmt;
import static dev.weft.examples.Prose.percent;

import dev.weft.analysis.charts.BarCharts;
import dev.weft.analysis.charts.HeatMap;
import dev.weft.data.ImageSet;
import dev.weft.analysis.inspect.LayerImportance;
import dev.weft.analysis.inspect.PermutationImportance;
import dev.weft.core.Tensor;
import dev.weft.layers.Sequential;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Which layers and which image regions each model relies on: the reference study's layer ablation (zero one
 * convolution, measure the accuracy) and a permutation importance over patches of the image.
 */
final class ImportanceStage {

    /**
     * Test images used by the permutation importance, which evaluates the model once per patch (49 times): 500
     * keeps it to seconds and still resolves a drop of 0.2 points; a quick look (--limit) uses 200.
     */
    private static final int PERMUTATION_IMAGES = 500;
    private static final int PERMUTATION_IMAGES_QUICK = 200;
    private static final int PERMUTATION_PATCH = 4;
    /** Test images on which each convolution's ablation is measured (once per convolution). */
    private static final int ABLATION_IMAGES = 5000;

    private final Report report;
    private final long seed;
    private final Tensor ablationX;
    private final int[] ablationTruth;
    private final Tensor permutationX;
    private final int[] permutationTruth;

    /** The importance measured on {@code test}; {@code quick} (a --limit run) uses fewer images for permutations. */
    ImportanceStage(Report report, ImageSet test, boolean quick, long seed) {
        this.report = report;
        this.seed = seed;
        int ablationImages = Math.min(ABLATION_IMAGES, test.size());
        this.ablationX = test.images(0, ablationImages);
        this.ablationTruth = Arrays.copyOf(test.labels(), ablationImages);
        int n = Math.min(quick ? PERMUTATION_IMAGES_QUICK : PERMUTATION_IMAGES, test.size());
        this.permutationX = test.images(0, n);
        this.permutationTruth = Arrays.copyOf(test.labels(), n);
    }

    /**
     * The images this stage infers with {@code model} on {@code test}: the baseline and every convolution's
     * ablation, the baseline and every patch's permutation. The study's time budget reserves time for them.
     */
    static long imagesInferred(Sequential model, ImageSet test, boolean quick) {
        long ablation = Math.min(ABLATION_IMAGES, test.size());
        long permutation = Math.min(quick ? PERMUTATION_IMAGES_QUICK : PERMUTATION_IMAGES, test.size());
        long patches = (long) ((test.rows() + PERMUTATION_PATCH - 1) / PERMUTATION_PATCH)
                * ((test.cols() + PERMUTATION_PATCH - 1) / PERMUTATION_PATCH);
        return ablation * (1 + LayerImportance.convolutionLayers(model).length) + permutation * (1 + patches);
    }

    void run(List<ModelRun> runs) {
        report.section("importance", "Importance of layers and image regions");
        report.paragraph("Layer importance as in the reference study: each convolution's weights and bias are set "
                + "to zero in turn, the accuracy on the first " + fmt(ablationTruth.length)
                + " test images is measured, and the weights are restored. Region importance "
                + "is a real permutation importance: a " + PERMUTATION_PATCH + "x" + PERMUTATION_PATCH + " patch is "
                + "shuffled across the test images and the drop in accuracy is drawn where the patch lies.");
        for (ModelRun run : runs) {
            layers(run);
            regions(run);
        }
    }

    private void layers(ModelRun run) {
        int[] convolutions = LayerImportance.convolutionLayers(run.model());
        List<LayerImportance> ablation = LayerImportance.ablation(run.model(), ablationX, ablationTruth,
                convolutions);
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
        report.figure(BarCharts.importance("Accuracy drop when a convolution is zeroed (" + run.name() + ")",
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
    }

    private void regions(ModelRun run) {
        PermutationImportance map = PermutationImportance.of(run.model(), permutationX, permutationTruth,
                PERMUTATION_PATCH, 1, seed);
        double[] drop = map.map();
        int top = Extremes.argmax(drop);
        double corners = (map.at(0, 0) + map.at(0, 27) + map.at(27, 0) + map.at(27, 27)) / 4;
        // The patch grid: a pixel's patch starts at its row and column rounded down to a multiple of the patch.
        int row = top / 28 / PERMUTATION_PATCH * PERMUTATION_PATCH;
        int col = top % 28 / PERMUTATION_PATCH * PERMUTATION_PATCH;
        report.figure(HeatMap.importance(drop, 28, 28).withTitle("Permutation importance of " + run.name()
                        + " (" + PERMUTATION_PATCH + "x" + PERMUTATION_PATCH + " patches)"),
                run.name() + "_permutation_importance.png", 700, 620,
                "Permutation importance of " + run.name() + " over image regions (accuracy drop when a patch is "
                        + "shuffled across " + fmt(permutationTruth.length) + " test images)",
                String.format(Locale.ROOT, "The most important region is the patch at rows %d-%d, columns %d-%d "
                                + "(accuracy drops by %.1f points); the corners matter little (%.1f points on "
                                + "average).", row, row + PERMUTATION_PATCH - 1, col, col + PERMUTATION_PATCH - 1,
                        100 * drop[top], 100 * corners));
    }
}
