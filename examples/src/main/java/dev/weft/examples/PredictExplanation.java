package dev.weft.examples;

import dev.weft.analysis.charts.ImageGrid;
import dev.weft.analysis.explain.GradCam;
import dev.weft.analysis.explain.Saliency;
import dev.weft.analysis.explain.SmoothGrad;
import dev.weft.core.Tensor;
import dev.weft.layers.Conv2D;
import dev.weft.layers.Sequential;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The picture {@code weft predict --explain} writes for one image: the 28x28 input the model saw, the same input
 * under the Grad-CAM of the most likely class, and under its SmoothGrad saliency; the top three classes in the
 * title.
 */
final class PredictExplanation {

    /** SmoothGrad's noisy copies and noise level (Smilkov et al. recommend 10-20% and tens of samples). */
    private static final int SMOOTH_SAMPLES = 25;
    private static final double SMOOTH_NOISE = 0.15;
    /** A fixed seed: the same image gives the same picture. */
    private static final long SEED = 42L;

    private PredictExplanation() {
    }

    /** The file the explanation of {@code image} goes to: {@code <its file name>.explain.png} in {@code folder}. */
    static Path fileFor(Path image, Path folder) {
        return folder.resolve(image.getFileName() + ".explain.png");
    }

    /**
     * Draws the explanation of one image and writes it to {@code png}, atomically.
     *
     * @param pixels the 28x28 input as predict prepared it
     * @param top    the most likely classes, most likely first
     * @param title  the image's name and its top classes, e.g. "shoe.jpg: Sneaker 87.1%, ..."
     */
    static void write(Sequential model, float[] pixels, int[] top, List<String> names, String title, Path png)
            throws IOException {
        Tensor x = Tensor.of(pixels.clone(), 1, 1, ImageInput.SIDE, ImageInput.SIDE);
        int[] predicted = {top[0]};
        // Grad-CAM needs a convolution; a model without one (a plain dense network) gets the other two panels.
        boolean convolutional = model.layers().stream().anyMatch(layer -> layer instanceof Conv2D);
        float[] cam = convolutional ? GradCam.of(model, x, predicted).toArray() : null;
        float[] saliency = Saliency.magnitude(SmoothGrad.of(model, x, predicted, SMOOTH_SAMPLES, SMOOTH_NOISE, SEED))
                .toArray();
        String guess = names.get(top[0]);
        ImageGrid.of(new float[][] {pixels, pixels, pixels}, ImageInput.SIDE, ImageInput.SIDE)
                .withHeatOverlays(new float[][] {null, cam, saliency})
                .withCaptions(List.of("input (28x28)", convolutional ? "Grad-CAM: " + guess
                        : "Grad-CAM: no convolution", "SmoothGrad saliency: " + guess))
                .withColumns(3).withTitle(title).write(png, 900, 380);
    }
}
