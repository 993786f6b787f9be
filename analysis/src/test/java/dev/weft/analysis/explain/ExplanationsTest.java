package dev.weft.analysis.explain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.core.Tensor;
import dev.weft.layers.Dense;
import dev.weft.layers.Parameter;
import dev.weft.layers.Sequential;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * On {@link QuadrantTask}, whose classes differ only in the top-left quadrant (a quarter of the image, so chance is
 * a share of 0.25), each method puts most of its mass there for images of class 1 (the plain gradient, whose
 * noise is why SmoothGrad exists, more than 0.4); integrated gradients are complete; Grad-CAM fails the
 * model-randomisation check as it should (Adebayo et al., "Sanity Checks for Saliency Maps", 2018); and every
 * method gives the same map run after run.
 */
class ExplanationsTest {

    private static final int IMAGES = 16;

    /** Class-1 images of the task (every other one) and their classes. */
    private static Tensor classOneImages(int[] classes) {
        int[] labels = new int[2 * IMAGES];
        Tensor all = QuadrantTask.images(2 * IMAGES, 500L, labels);
        Tensor x = Tensor.zeros(IMAGES, 1, QuadrantTask.SIDE, QuadrantTask.SIDE);
        int size = QuadrantTask.SIDE * QuadrantTask.SIDE;
        for (int i = 0; i < IMAGES; i++) {
            System.arraycopy(all.data(), (2 * i + 1) * size, x.data(), i * size, size);
            classes[i] = labels[2 * i + 1];
        }
        return x;
    }

    /** Mean over the images of the share of the map's mass in the top-left quadrant (chance: 0.25). */
    private static double meanShare(Tensor maps) {
        double sum = 0;
        for (int i = 0; i < maps.dim(0); i++) {
            sum += QuadrantTask.shareInRegion(maps, i);
        }
        return sum / maps.dim(0);
    }

    @Test
    void saliencyMassGathersWhereTheEvidenceIs() {
        int[] classes = new int[IMAGES];
        Tensor x = classOneImages(classes);
        Tensor maps = Saliency.magnitude(Saliency.of(QuadrantTask.trained(), x, classes));
        assertThat(meanShare(maps)).as("share of saliency in the top-left quadrant").isGreaterThan(0.4);
    }

    @Test
    void smoothGradMassLiesWhereTheEvidenceIs() {
        int[] classes = new int[IMAGES];
        Tensor x = classOneImages(classes);
        Tensor maps = Saliency.magnitude(SmoothGrad.of(QuadrantTask.trained(), x, classes, 16, 0.15, 3L));
        assertThat(meanShare(maps)).as("share of SmoothGrad in the top-left quadrant").isGreaterThan(0.5);
    }

    @Test
    void integratedGradientsMassLiesWhereTheEvidenceIs() {
        int[] classes = new int[IMAGES];
        Tensor x = classOneImages(classes);
        Tensor ig = IntegratedGradients.of(QuadrantTask.trained(), x, classes, null, 32);
        assertThat(meanShare(Saliency.magnitude(ig))).as("share of |IG| in the top-left quadrant").isGreaterThan(0.5);
    }

    @Test
    void gradCamMassLiesWhereTheEvidenceIs() {
        int[] classes = new int[IMAGES];
        Tensor x = classOneImages(classes);
        Tensor cams = GradCam.of(QuadrantTask.trained(), x, classes);
        assertThat(cams.shape()).containsExactly(IMAGES, QuadrantTask.SIDE, QuadrantTask.SIDE);
        assertThat(meanShare(cams)).as("share of Grad-CAM in the top-left quadrant").isGreaterThan(0.5);
    }

    @Test
    void occlusionMassLiesWhereTheEvidenceIs() {
        int[] classes = new int[IMAGES];
        Tensor x = classOneImages(classes);
        Tensor drops = Occlusion.of(QuadrantTask.trained(), x, classes, 4, 2, 0f);
        assertThat(meanShare(drops)).as("share of the occlusion drop in the top-left quadrant").isGreaterThan(0.5);
    }

    @Test
    void integratedGradientsSumToTheLogitDifferenceFromTheBaseline() {
        // Completeness: Σ_p IG_p = F(x) - F(x'). With the default 64 trapezoid steps the sum is within 2% of
        // |F(x) - F(x')| plus 1e-3: the path crosses ReLU and max-pooling kinks, where the integrand jumps.
        Sequential model = QuadrantTask.trained();
        int[] classes = new int[IMAGES];
        Tensor x = classOneImages(classes);
        double[][] gap = completenessGap(model, x, classes, IntegratedGradients.DEFAULT_STEPS);
        for (int i = 0; i < IMAGES; i++) {
            assertThat(Math.abs(gap[0][i] - gap[1][i])).as("image %d: Σ IG %.5f vs logit difference %.5f", i,
                    gap[0][i], gap[1][i]).isLessThanOrEqualTo(1e-3 + 0.02 * Math.abs(gap[1][i]));
        }
    }

    @Test
    void theCompletenessGapShrinksAsTheStepsGrow() {
        Sequential model = QuadrantTask.trained();
        int[] classes = new int[IMAGES];
        Tensor x = classOneImages(classes);
        assertThat(totalGap(completenessGap(model, x, classes, 128)))
                .isLessThan(totalGap(completenessGap(model, x, classes, 16)) / 2);
    }

    /** {Σ_p IG_p, F(x) - F(x')} per image, from the baseline 0.1 everywhere (the images' dim background). */
    private static double[][] completenessGap(Sequential model, Tensor x, int[] classes, int steps) {
        Tensor baseline = Tensor.filled(0.1f, 1, QuadrantTask.SIDE, QuadrantTask.SIDE);
        Tensor ig = IntegratedGradients.of(model, x, classes, baseline, steps);
        Tensor logits = model.forward(x, false).copy();
        Tensor baselineLogits = model.forward(baseline.reshape(1, 1, QuadrantTask.SIDE, QuadrantTask.SIDE), false)
                .copy();
        int n = x.dim(0);
        int size = QuadrantTask.SIDE * QuadrantTask.SIDE;
        double[][] sums = new double[2][n];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < size; p++) {
                sums[0][i] += ig.data()[i * size + p];
            }
            sums[1][i] = logits.get(i, classes[i]) - baselineLogits.get(0, classes[i]);
        }
        return sums;
    }

    private static double totalGap(double[][] sums) {
        double total = 0;
        for (int i = 0; i < sums[0].length; i++) {
            total += Math.abs(sums[0][i] - sums[1][i]);
        }
        return total;
    }

    @Test
    void gradCamChangesWhenTheLastLayersWeightsAreRandomised() {
        // Adebayo et al.'s model-randomisation check: with the logit layer's weights redrawn (normal, std 0.3), the
        // maps of the now meaningless model must not match the trained ones. One draw may by chance weigh the
        // features as training did (two classes: a coin toss of signs), so the check averages five draws: mean
        // Pearson correlation with the trained maps below 0.5.
        Sequential model = QuadrantTask.trained();
        int[] classes = new int[IMAGES];
        Tensor x = classOneImages(classes);
        float[] trained = GradCam.of(model, x, classes).toArray();
        float[][] weights = model.copyWeights();
        Dense last = (Dense) model.layers().get(model.layers().size() - 1);
        double sum = 0;
        try {
            for (long seed = 1; seed <= 5; seed++) {
                SplittableRandom random = new SplittableRandom(seed);
                for (Parameter p : last.parameters()) {
                    float[] v = p.value().data();
                    for (int i = 0; i < p.size(); i++) {
                        v[p.value().offset() + i] = (float) (0.3 * random.nextGaussian());
                    }
                }
                sum += correlation(trained, GradCam.of(model, x, classes).toArray());
            }
        } finally {
            model.setWeights(weights);
        }
        assertThat(sum / 5).as("mean correlation of trained and randomised Grad-CAM").isLessThan(0.5);
    }

    private static double correlation(float[] a, float[] b) {
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < a.length; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= a.length;
        mb /= b.length;
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (a[i] - ma) * (b[i] - mb);
            aa += (a[i] - ma) * (a[i] - ma);
            bb += (b[i] - mb) * (b[i] - mb);
        }
        return aa == 0 || bb == 0 ? 0 : ab / Math.sqrt(aa * bb);
    }

    @Test
    void everyMethodGivesTheSameMapRunAfterRun() {
        Sequential model = QuadrantTask.trained();
        int[] classes = new int[IMAGES];
        Tensor x = classOneImages(classes);
        assertThat(Saliency.of(model, x, classes).toArray()).containsExactly(Saliency.of(model, x, classes).toArray());
        assertThat(SmoothGrad.of(model, x, classes, 4, 0.1, 9L).toArray())
                .containsExactly(SmoothGrad.of(model, x, classes, 4, 0.1, 9L).toArray());
        assertThat(IntegratedGradients.of(model, x, classes, null, 8).toArray())
                .containsExactly(IntegratedGradients.of(model, x, classes, null, 8).toArray());
        assertThat(GradCam.of(model, x, classes).toArray()).containsExactly(GradCam.of(model, x, classes).toArray());
        assertThat(Occlusion.of(model, x, classes, 4, 4, 0f).toArray())
                .containsExactly(Occlusion.of(model, x, classes, 4, 4, 0f).toArray());
    }
}
