package dev.weft.examples;

import dev.weft.data.FashionMnist;
import dev.weft.analysis.pca.Pca;
import dev.weft.core.Parallel;
import dev.weft.core.simd.Kernels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The files beside the report's page for readers other than a person: {@code classification_report.txt} (as
 * scikit-learn prints it) and {@code metrics.json} (every headline figure, machine-readable).
 */
final class ResultFiles {

    static final String CLASSIFICATION_REPORT = "classification_report.txt";
    static final String METRICS = "metrics.json";

    private static final List<String> NAMES = FashionMnist.CLASS_NAMES;

    private ResultFiles() {
    }

    /** Every model's classification report, one after another. */
    static void writeClassificationReports(Report report, List<ModelRun> runs, int testImages) {
        StringBuilder text = new StringBuilder();
        for (ModelRun run : runs) {
            text.append("Model ").append(run.name()).append(" (").append(run.history().size()).append(" epochs, ")
                    .append(Prose.fmt(testImages)).append(" test images)\n\n").append(run.scores().toText())
                    .append('\n');
        }
        write(report, CLASSIFICATION_REPORT, text.toString());
    }

    /**
     * The run's headline figures: totals against the time budget, the PCA's explained variance, the 2-D embeddings'
     * kNN accuracies, and every model's scores, how its epoch count was set, and its calibration ({@code calibration}
     * by model name; a model missing from it gets no {@code calibration} entry).
     */
    static void writeMetrics(Report report, double totalSeconds, double budgetSeconds, Pca pca, List<ModelRun> runs,
                             Map<String, ExplainStage.Calibrated> calibration, EmbeddingStage.Result embedding) {
        Map<String, Object> metrics = Json.object();
        metrics.put("total_seconds", round(totalSeconds, 3));
        metrics.put("budget_seconds", budgetSeconds);
        metrics.put("jdk", Runtime.version().toString());
        metrics.put("threads", Parallel.threads());
        metrics.put("simd", Kernels.get().isSimd());
        Map<String, Object> pcaJson = Json.object();
        pcaJson.put("standardized", pca.standardized());
        double[] ratio = pca.explainedVarianceRatio();
        pcaJson.put("explained_variance_ratio", Json.array(Arrays.copyOf(ratio, Math.min(50, ratio.length))));
        metrics.put("pca", pcaJson);
        Map<String, Object> embeddingJson = Json.object();
        embeddingJson.put("model", embedding.model());
        embeddingJson.put("points", embedding.points());
        embeddingJson.put("knn_k", embedding.neighbours());
        embeddingJson.put("tsne_knn_accuracy", embedding.tsneKnnAccuracy());
        embeddingJson.put("pca_knn_accuracy", embedding.pcaKnnAccuracy());
        metrics.put("embedding", embeddingJson);
        List<Object> models = Json.array();
        for (ModelRun run : runs) {
            Map<String, Object> model = model(run);
            ExplainStage.Calibrated c = calibration.get(run.name());
            if (c != null) {
                Map<String, Object> cal = Json.object();
                cal.put("ece", c.ece());
                cal.put("ece_after", c.eceAfter());
                cal.put("temperature", c.temperature());
                model.put("calibration", cal);
            }
            models.add(model);
        }
        metrics.put("models", models);
        write(report, METRICS, Json.write(metrics));
    }

    private static Map<String, Object> model(ModelRun run) {
        Scores s = run.scores();
        Map<String, Object> m = Json.object();
        m.put("name", run.name());
        m.put("epochs", run.epochs().json());
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
        return m;
    }

    private static void write(Report report, String name, String text) {
        try {
            Files.writeString(report.file(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + name, e);
        }
    }

    private static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
