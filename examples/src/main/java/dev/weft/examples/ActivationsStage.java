package dev.weft.examples;

import static dev.weft.examples.Prose.article;

import dev.weft.analysis.charts.ImageGrid;
import dev.weft.data.FashionMnist;
import dev.weft.data.ImageSet;
import dev.weft.analysis.inspect.Activations;
import dev.weft.core.Tensor;
import dev.weft.layers.Conv2D;
import dev.weft.layers.Layer;
import java.util.List;
import java.util.Locale;

/**
 * Looks inside the trained CNNs, as the reference study does: the feature maps of every convolution for the
 * first test image, each figure with how many maps stay silent and which responds most.
 */
final class ActivationsStage {

    private static final List<String> NAMES = FashionMnist.CLASS_NAMES;

    private ActivationsStage() {
    }

    static void run(Report report, ImageSet test, List<ModelRun> runs) {
        report.section("activations", "CNN activations");
        int index = 0;
        Tensor image = test.images(index, index + 1);
        report.figure(ImageGrid.of(new float[][] {image.toArray()}, 28, 28)
                        .withCaptions(List.of(NAMES.get(test.label(0)))).withTitle("Test image 0"),
                "activation_input.png", 260, 300, "The input: test image 0, " + article(NAMES.get(test.label(0))),
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
                int shown = afterNonLinearity(layers, l);
                featureMaps(report, run, conv, layers.get(l).name(), outputs.get(shown), shown != l);
            }
        }
    }

    /** Show the maps after the non-linearity when a ReLU follows (directly or after BatchNorm). */
    private static int afterNonLinearity(List<Layer> layers, int convolution) {
        for (int j = convolution + 1; j < Math.min(layers.size(), convolution + 3); j++) {
            if (layers.get(j).type().equals("ReLU")) {
                return j;
            }
        }
        return convolution;
    }

    private static void featureMaps(Report report, ModelRun run, int conv, String name, Tensor maps,
                                    boolean afterRelu) {
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
        report.figure(ImageGrid.featureMaps(values, channels, h, w).withColumns(columns)
                        .withTitle(run.name() + ": " + name + ", " + channels + " feature maps of " + h + "x" + w),
                run.name() + "_activations_" + conv + ".png", 1000, 90 + rowsOfMaps * 66,
                run.name() + " convolution " + conv + " (" + name + "): " + channels + " feature maps"
                        + (afterRelu ? " after ReLU" : ""),
                String.format(Locale.ROOT, "%d of the %d maps are silent (all zero) for this image; map %d "
                                + "responds most (mean activation %.2f).", silent, channels, strongest,
                        strongestMean));
    }
}
