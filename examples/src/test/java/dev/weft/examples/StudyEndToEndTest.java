package dev.weft.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.testing.TestData;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole study on a quick setting ({@code --limit 2000 --epochs 1}, both models) on the real data: it exits 0,
 * every file the page names exists, {@code metrics.json} is valid, and the saved model serves {@code predict}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StudyEndToEndTest {

    private Path tmp;
    private Path reportDir;
    private int exitCode;
    private String console;
    private String errors;

    @BeforeAll
    void runTheQuickStudy(@TempDir Path tempDir) {
        tmp = tempDir;
        Path data = TestData.fashionMnist();
        reportDir = tmp.resolve("report");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        exitCode = Main.run(new String[] {"--data", data.toString(), "--out", reportDir.toString(), "--limit", "2000",
            "--epochs", "1", "--seed", "7"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        console = out.toString(StandardCharsets.UTF_8);
        errors = err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void exitsZeroAndSaysWhereTheReportIs() throws IOException {
        assertThat(exitCode).as("exit code; stderr: %s", errors).isZero();
        assertThat(console).contains("== [1/", "Loading and checking the data", "Training reference", "Training weft",
                "Report: " + reportDir.toAbsolutePath().resolve("index.html"));
        try (Stream<Path> entries = Files.list(tmp)) {
            assertThat(entries.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".report.partial")
                    || n.startsWith(".report.old"));
        }
    }

    @Test
    void everyFileNamedInThePageExistsAndEveryFigureIsAPng() throws IOException {
        String page = Files.readString(reportDir.resolve("index.html"));
        Matcher m = Pattern.compile("(?:src|href)=\"([^\"#][^\"]*)\"").matcher(page);
        int figures = 0;
        while (m.find()) {
            Path file = reportDir.resolve(m.group(1));
            assertThat(file).as("file named in index.html").exists();
            if (m.group(1).endsWith(".png")) {
                BufferedImage image = ImageIO.read(file.toFile());
                assertThat(image).as(m.group(1)).isNotNull();
                assertThat(image.getWidth()).isGreaterThan(100);
                figures++;
            }
        }
        assertThat(figures).isGreaterThanOrEqualTo(25);
        assertThat(page).contains("Data and cleaning", "Exploratory data analysis", "PCA", "Metrics against the "
                + "reference study", "91.03%", "Predictions", "activations", "Importance", "Why the model decides",
                "weft_grad_cam.png", "weft_reliability.png", "What the network learned to separate", "Environment");
        assertThat(reportDir.resolve("reference.weft")).exists();
        assertThat(reportDir.resolve("weft.weft")).exists();
        assertThat(reportDir.resolve("classification_report.txt")).content().contains("weighted avg");
    }

    @Test
    void metricsJsonHasEveryKeyWithRatiosInRange() throws IOException {
        Object parsed = MiniJson.parse(Files.readString(reportDir.resolve("metrics.json")));
        assertThat(parsed).isInstanceOf(Map.class);
        Map<?, ?> metrics = (Map<?, ?>) parsed;
        assertThat(List.copyOf(metrics.keySet())).isEqualTo(List.of("total_seconds", "budget_seconds", "jdk", "threads",
                "simd", "pca", "embedding", "models"));
        assertThat((Double) metrics.get("total_seconds")).isPositive();
        assertThat(metrics.get("simd")).isInstanceOf(Boolean.class);
        Map<?, ?> pca = (Map<?, ?>) metrics.get("pca");
        assertThat(pca.get("standardized")).isEqualTo(true);
        List<?> ratios = (List<?>) pca.get("explained_variance_ratio");
        assertThat(ratios).hasSize(50);
        assertThat((Double) ratios.get(0)).isBetween(0.1, 0.4);
        Map<?, ?> embedding = (Map<?, ?>) metrics.get("embedding");
        assertThat(embedding.get("model")).isEqualTo("weft");
        assertThat(embedding.get("points")).as("150 per class of the 2,000 test images").isEqualTo(1500.0);
        for (String key : List.of("tsne_knn_accuracy", "pca_knn_accuracy")) {
            assertThat((Double) embedding.get(key)).as(key).isBetween(0.1, 1.0);
        }
        List<?> models = (List<?>) metrics.get("models");
        assertThat(models).hasSize(2);
        for (Object o : models) {
            Map<?, ?> model = (Map<?, ?>) o;
            assertThat(model.get("name")).isIn("reference", "weft");
            Map<?, ?> epochs = (Map<?, ?>) model.get("epochs");
            assertThat(epochs.get("count")).isEqualTo(1.0);
            assertThat(epochs.get("chosen_by")).isEqualTo("--epochs");
            for (String key : List.of("test_accuracy", "precision_weighted", "recall_weighted", "f1_weighted",
                    "precision_macro", "recall_macro", "f1_macro")) {
                assertThat((Double) model.get(key)).as(key).isBetween(0.0, 1.0);
            }
            assertThat((Double) model.get("test_accuracy")).as("better than chance (0.1)").isGreaterThan(0.2);
            assertThat((Double) model.get("train_images_per_second")).isPositive();
            List<?> perClass = (List<?>) model.get("per_class");
            assertThat(perClass).hasSize(10);
            assertThat(((Map<?, ?>) perClass.get(0)).get("label")).isEqualTo("T-shirt/top");
            List<?> confusion = (List<?>) model.get("confusion_matrix");
            assertThat(confusion).hasSize(10);
            double total = 0;
            for (Object row : confusion) {
                for (Object cell : (List<?>) row) {
                    total += (Double) cell;
                }
            }
            assertThat(total).isEqualTo(2000.0);
            Map<?, ?> calibration = (Map<?, ?>) model.get("calibration");
            assertThat(List.copyOf(calibration.keySet())).isEqualTo(List.of("ece", "ece_after", "temperature"));
            assertThat((Double) calibration.get("ece")).isBetween(0.0, 1.0);
            assertThat((Double) calibration.get("ece_after")).isBetween(0.0, 1.0);
            assertThat((Double) calibration.get("temperature")).isBetween(0.05, 20.0);
        }
    }

    @Test
    void theSavedModelClassifiesAnImageFile() throws IOException {
        BufferedImage image = new BufferedImage(120, 90, BufferedImage.TYPE_INT_RGB);
        var g = image.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, 120, 90);
        g.setColor(java.awt.Color.DARK_GRAY);
        g.fillRect(10, 40, 100, 30);
        g.dispose();
        Path png = tmp.resolve("shoe.png");
        ImageIO.write(image, "png", png.toFile());
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int code = Main.run(new String[] {"predict", "--model", reportDir.resolve("weft.weft").toString(),
            png.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);

        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith(png + ": ").matches("(?s).*%, .*%, .*%\\R");
    }
}
