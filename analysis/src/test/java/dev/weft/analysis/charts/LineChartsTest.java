package dev.weft.analysis.charts;

import static dev.weft.analysis.charts.ChartAssertions.assertWritesPng;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineChartsTest {

    @TempDir
    Path dir;

    private static final double[] TRAIN_ACC = {0.78, 0.85, 0.87, 0.89, 0.90, 0.91, 0.915, 0.92, 0.93, 0.935};
    private static final double[] VAL_ACC = {0.83, 0.86, 0.88, 0.885, 0.89, 0.895, 0.90, 0.90, 0.905, 0.904};
    private static final double[] TRAIN_LOSS = {0.62, 0.41, 0.35, 0.31, 0.28, 0.26, 0.24, 0.22, 0.2, 0.19};
    private static final double[] VAL_LOSS = {0.45, 0.38, 0.33, 0.31, 0.30, 0.29, 0.285, 0.28, 0.28, 0.285};

    @Test
    void trainingCurvesRender() throws Exception {
        assertWritesPng(LineCharts.trainingCurves("Accuracy", TRAIN_ACC, VAL_ACC), dir, "accuracy", 800, 500);
    }

    @Test
    void trainingCurvesWithoutValidationRender() throws Exception {
        assertWritesPng(LineCharts.trainingCurves("Loss", TRAIN_LOSS, null), dir, "loss-train-only", 600, 400);
    }

    @Test
    void historyDrawsAccuracyAndLossSideBySide() throws Exception {
        assertWritesPng(LineCharts.history(TRAIN_ACC, VAL_ACC, TRAIN_LOSS, VAL_LOSS), dir, "history", 1200, 450);
    }

    @Test
    void trainingCurvesRejectEmptyTrainingValues() {
        assertThatThrownBy(() -> LineCharts.trainingCurves("Loss", new double[0], null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Loss");
    }

    @Test
    void densitiesDrawSeveralPixelsOnOneChart() throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        double[][] samples = new double[4][6000];
        for (int s = 0; s < samples.length; s++) {
            for (int i = 0; i < samples[s].length; i++) {
                // Mostly dark pixels with a bright mode that grows with s, like real pixel positions.
                samples[s][i] = random.nextDouble() < 0.2 * s ? 0.6 + 0.1 * SyntheticData.gaussian(random)
                        : Math.abs(0.03 * SyntheticData.gaussian(random));
            }
        }
        assertWritesPng(LineCharts.densities("Pixel intensity distribution of 4 pixels", "Intensity",
                List.of("pixel 10", "pixel 200", "pixel 350", "pixel 470"), samples), dir, "densities", 800, 500);
    }
}
