package dev.weft.analysis.explain;

import dev.weft.core.Tensor;
import dev.weft.layers.BatchNorm;
import dev.weft.layers.Conv2D;
import dev.weft.layers.Layer;
import dev.weft.layers.ReLU;
import dev.weft.layers.Sequential;
import java.util.Arrays;
import java.util.List;

/**
 * Grad-CAM (Selvaraju, Cogswell, Das, Vedantam, Parikh and Batra, 2017): where in the image the feature maps that
 * raise a class's score lie. With {@code A_k} the feature maps of a convolutional layer and {@code y_c} the class
 * logit,
 * <pre>
 * α_k = (1 / hw) Σ_{i,j} ∂y_c / ∂A_k[i, j]          (global-average-pooled gradient: the weight of map k)
 * L   = ReLU(Σ_k α_k · A_k)                           (h x w, then resized to the input's height and width)
 * </pre>
 * The resizing is bilinear with pixel centres aligned ({@code (y + 0.5)·h/H - 0.5}, clamped at the edges).
 *
 * <p>By default the maps are those of the last convolution block ({@link #lastConvolutionBlock}): the output of
 * the last {@link Conv2D} after the BatchNorm and ReLU that directly follow it, as Keras' Grad-CAM takes the last
 * convolutional layer's activated output.
 *
 * <pre>{@code
 * Tensor cams = GradCam.of(model, images, predicted);   // [n, 28, 28], non-negative, not normalised
 * }</pre>
 */
public final class GradCam {

    private GradCam() {
    }

    /** Grad-CAM of each image at the last convolution block, {@code [n, height, width]}. */
    public static Tensor of(Sequential model, Tensor images, int[] classes) {
        return of(model, lastConvolutionBlock(model), images, classes);
    }

    /**
     * Grad-CAM of each image at the output of layer {@code layerIndex}, which must be {@code [channels, h, w]},
     * resized to the input's height and width: {@code [n, height, width]}.
     */
    public static Tensor of(Sequential model, int layerIndex, Tensor images, int[] classes) {
        GradientModel gradients = GradientModel.cutAfter(model, layerIndex);
        int[] maps = gradients.cutShape();
        int[] input = gradients.inputShape();
        if (maps.length != 3 || input.length != 3) {
            throw new IllegalArgumentException("Grad-CAM needs image inputs and feature maps [channels, h, w]; layer "
                    + layerIndex + " gives " + Arrays.toString(maps));
        }
        GradientModel.Pass pass = gradients.backward(images, classes);
        int n = images.dim(0);
        int channels = maps[0];
        int h = maps[1];
        int w = maps[2];
        float[] a = pass.activations().data();
        float[] dA = pass.activationGradient().data();
        Tensor result = Tensor.zeros(n, input[1], input[2]);
        double[] cam = new double[h * w];
        for (int i = 0; i < n; i++) {
            Arrays.fill(cam, 0);
            for (int k = 0; k < channels; k++) {
                int base = (i * channels + k) * h * w;
                double alpha = 0;
                for (int p = 0; p < h * w; p++) {
                    alpha += dA[base + p];
                }
                alpha /= h * w;
                for (int p = 0; p < h * w; p++) {
                    cam[p] += alpha * a[base + p];
                }
            }
            for (int p = 0; p < h * w; p++) {
                cam[p] = Math.max(0, cam[p]);
            }
            resize(cam, h, w, result.data(), i * input[1] * input[2], input[1], input[2]);
        }
        return result;
    }

    /**
     * Index of the last layer of the model's last convolution block: the last {@link Conv2D}, or the
     * {@link BatchNorm} and {@link ReLU} right after it.
     *
     * @throws IllegalArgumentException if the model has no convolution
     */
    public static int lastConvolutionBlock(Sequential model) {
        List<Layer> layers = model.layers();
        int last = -1;
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i) instanceof Conv2D) {
                last = i;
            }
        }
        if (last < 0) {
            throw new IllegalArgumentException("Grad-CAM needs a model with a Conv2D layer");
        }
        while (last + 1 < layers.size()
                && (layers.get(last + 1) instanceof BatchNorm || layers.get(last + 1) instanceof ReLU)) {
            last++;
        }
        return last;
    }

    /** Bilinear resize of {@code map [h, w]} into {@code out[offset..] [height, width]}, pixel centres aligned. */
    static void resize(double[] map, int h, int w, float[] out, int offset, int height, int width) {
        for (int y = 0; y < height; y++) {
            double sy = Math.min(h - 1, Math.max(0, (y + 0.5) * h / height - 0.5));
            int y0 = (int) sy;
            int y1 = Math.min(h - 1, y0 + 1);
            double fy = sy - y0;
            for (int x = 0; x < width; x++) {
                double sx = Math.min(w - 1, Math.max(0, (x + 0.5) * w / width - 0.5));
                int x0 = (int) sx;
                int x1 = Math.min(w - 1, x0 + 1);
                double fx = sx - x0;
                double top = map[y0 * w + x0] * (1 - fx) + map[y0 * w + x1] * fx;
                double bottom = map[y1 * w + x0] * (1 - fx) + map[y1 * w + x1] * fx;
                out[offset + y * width + x] = (float) (top * (1 - fy) + bottom * fy);
            }
        }
    }
}
