package dev.weft.examples;

import static dev.weft.examples.Prose.fmt;
import static dev.weft.examples.Prose.percent;

import dev.weft.analysis.charts.Chart;
import dev.weft.analysis.charts.ScatterCharts;
import dev.weft.analysis.embedding.KnnAccuracy;
import dev.weft.analysis.embedding.Tsne;
import dev.weft.analysis.inspect.Activations;
import dev.weft.analysis.pca.Pca;
import dev.weft.core.Tensor;
import dev.weft.data.FashionMnist;
import dev.weft.data.ImageSet;
import dev.weft.layers.Dense;
import dev.weft.layers.Layer;
import dev.weft.layers.Sequential;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * What the network learned to separate: a t-SNE ({@link Tsne}) of one model's penultimate features (the input of
 * its last dense layer) for a stratified sample of test images, beside the study's PCA of the same images' pixels,
 * each read by its leave-one-out {@value #NEIGHBOURS}-NN accuracy ({@link KnnAccuracy}). The model is {@code weft}
 * if this run trained it, else the first one trained.
 */
final class EmbeddingStage {

    /** Test images per class in the sample: 1,500 points keep t-SNE to seconds on two cores. */
    static final int PER_CLASS = 150;
    static final double PERPLEXITY = 30;
    /** Neighbours of the kNN vote that reads each picture. */
    static final int NEIGHBOURS = 5;

    private static final List<String> NAMES = FashionMnist.CLASS_NAMES;

    /** What {@code metrics.json} records of the section. */
    record Result(String model, int points, int neighbours, double tsneKnnAccuracy, double pcaKnnAccuracy) {
    }

    private EmbeddingStage() {
    }

    /** The model whose features the subsection embeds, of those trained: {@code weft} if trained, else the first. */
    static String embeddedModel(List<String> trained) {
        return trained.contains("weft") ? "weft" : trained.get(0);
    }

    /** Writes the subsection; {@code pca} is the study's PCA of the standardised training pixels. */
    static Result run(Report report, PrintStream out, ImageSet test, List<ModelRun> runs, Pca pca, long seed) {
        String embedded = embeddedModel(runs.stream().map(ModelRun::name).toList());
        ModelRun run = runs.stream().filter(r -> r.name().equals(embedded)).findFirst().orElseThrow();
        ImageSet sample = test.subset(stratifiedSample(test.labels(), PER_CLASS, seed));
        int points = sample.size();
        int[] labels = sample.labels();
        int layer = lastDense(run.model()) - 1;
        Tensor features = Activations.ofBatch(run.model(), sample.images(), layer);
        int featureCount = features.size() / points;
        double perplexity = Math.min(PERPLEXITY, (points - 1) / 3);
        double[] tsne = new Tsne(perplexity).withSeed(seed).embed(features.reshape(points, featureCount));
        float[] pixels = pca.project(sample.flat(0, points), 2).toArray();
        double tsneAccuracy = KnnAccuracy.of(tsne, 2, labels, NEIGHBOURS);
        double pcaAccuracy = KnnAccuracy.of(toDouble(pixels), 2, labels, NEIGHBOURS);

        report.subheading("What the network learned to separate");
        report.paragraph(String.format(Locale.ROOT, "A stratified random sample of %s test images (%d per class) "
                + "seen two ways. Left: the %d features %s computes (in inference mode) just before its last "
                + "layer (the output of layer %d, %s, the input of the final Dense), embedded in 2-D by t-SNE "
                + "(Barnes-Hut, theta %s, perplexity %s, %d iterations, seed %d; Weft's own implementation). "
                + "Right: the same images' "
                + "standardised pixels on the first two principal components of the PCA above. Each picture is "
                + "read by its leave-one-out %d-nearest-neighbour accuracy: the share of images whose %d nearest "
                + "neighbours in the picture are mostly of their own class.%s", fmt(points), PER_CLASS, featureCount,
                run.name(), layer, run.model().layers().get(layer).getClass().getSimpleName(),
                fmt2(Tsne.DEFAULT_THETA), fmt2(perplexity), Tsne.DEFAULT_ITERATIONS, seed, NEIGHBOURS, NEIGHBOURS,
                embedded.equals("weft") ? ""
                        : " The weft model was not trained in this run, so the features are " + run.name() + "'s."));
        Chart both = Chart.sideBySide(
                ScatterCharts.scatter(toFloat(tsne), 2, labels, NAMES, "t-SNE of " + run.name() + "'s features",
                        "t-SNE 1", "t-SNE 2", 0, seed),
                ScatterCharts.scatter(pixels, 2, labels, NAMES, "PCA of the pixels", "PC1", "PC2", 0, seed));
        report.figure(both, "tsne_features.png", 1500, 700, "The same " + fmt(points) + " test images: t-SNE of "
                        + run.name() + "'s penultimate features (left) and PCA of their pixels (right)",
                String.format(Locale.ROOT, "%d-NN accuracy in 2-D: %s in the t-SNE of the features, %s on the "
                                + "pixels' first two principal components: what the network learned separates the "
                                + "classes %s the pixels' main directions of variance.", NEIGHBOURS,
                        percent(tsneAccuracy), percent(pcaAccuracy), comparison(tsneAccuracy - pcaAccuracy)));
        out.printf(Locale.ROOT, "   %d-NN accuracy of %s points in 2-D: t-SNE of %s's features %s, PCA of pixels %s%n",
                NEIGHBOURS, fmt(points), run.name(), percent(tsneAccuracy), percent(pcaAccuracy));
        return new Result(run.name(), points, NEIGHBOURS, tsneAccuracy, pcaAccuracy);
    }

    /**
     * Up to {@code perClass} indices of each class, drawn at random with {@code seed} (all of a class that has
     * fewer), in increasing order.
     */
    static int[] stratifiedSample(int[] labels, int perClass, long seed) {
        int classes = Arrays.stream(labels).max().orElse(-1) + 1;
        Random random = new Random(seed);
        List<Integer> chosen = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == c) {
                    members.add(i);
                }
            }
            java.util.Collections.shuffle(members, random);
            chosen.addAll(members.subList(0, Math.min(perClass, members.size())));
        }
        return chosen.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    /** The index of the model's last dense layer, whose input is the feature vector the classes are read from. */
    private static int lastDense(Sequential model) {
        List<Layer> layers = model.layers();
        for (int i = layers.size() - 1; i > 0; i--) {
            if (layers.get(i) instanceof Dense) {
                return i;
            }
        }
        throw new IllegalStateException("the model has no dense layer after its first layer to read features from");
    }

    /** How a gain in kNN accuracy (a difference of shares) reads. */
    private static String comparison(double gain) {
        if (gain > 0.10) {
            return "far better than";
        }
        if (gain > 0.02) {
            return "better than";
        }
        return gain >= -0.02 ? "about as well as" : "less well than";
    }

    private static String fmt2(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }

    private static double[] toDouble(float[] values) {
        double[] result = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = values[i];
        }
        return result;
    }

    private static float[] toFloat(double[] values) {
        float[] result = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = (float) values[i];
        }
        return result;
    }
}
