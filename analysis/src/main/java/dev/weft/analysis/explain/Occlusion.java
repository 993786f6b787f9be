package dev.weft.analysis.explain;

import dev.weft.core.Tensor;
import dev.weft.layers.Sequential;
import java.util.Arrays;

/**
 * Occlusion sensitivity (Zeiler and Fergus, "Visualizing and Understanding Convolutional Networks", 2014): slide a
 * square of one value over the image and record how much the probability of the class falls when each region is
 * hidden.
 * Each pixel's value is the mean drop {@code p_c(x) - p_c(x with the square at s)} over the square positions
 * {@code s} that cover it; positions step by {@code stride} from the top-left corner, and a last row and column are
 * added when the steps do not reach the far edge. Only inference runs (thread-safe, the model is not changed); the
 * cost is one forward pass per position, {@code ((height - patch)/stride + 1)²} for a square image.
 *
 * <pre>{@code
 * Tensor drops = Occlusion.of(model, images, predicted, 6, 2, 0f);   // [n, 28, 28]
 * }</pre>
 */
public final class Occlusion {

    private Occlusion() {
    }

    /**
     * The occlusion map of each image of {@code images [n, channels, height, width]}: {@code [n, height, width]},
     * in probability units (negative where hiding a region raises the probability).
     *
     * @param patch the square's side, in pixels
     * @param stride the step between positions
     * @param fill  the value the square's pixels take in every channel (0 is the background of Fashion-MNIST)
     */
    public static Tensor of(Sequential model, Tensor images, int[] classes, int patch, int stride, float fill) {
        if (images.rank() != 4) {
            throw new IllegalArgumentException("occlusion needs images [n, channels, height, width]");
        }
        int n = images.dim(0);
        int channels = images.dim(1);
        int height = images.dim(2);
        int width = images.dim(3);
        if (patch < 1 || stride < 1 || patch > height || patch > width) {
            throw new IllegalArgumentException("occlusion needs 1 <= patch <= the image side and stride >= 1, got "
                    + patch + ", " + stride);
        }
        if (classes.length != n) {
            throw new IllegalArgumentException(n + " images but " + classes.length + " classes");
        }
        int[] rows = positions(height, patch, stride);
        int[] columns = positions(width, patch, stride);
        int classCount = model.numClasses();
        int size = channels * height * width;
        Tensor result = Tensor.zeros(n, height, width);
        float[] x = images.data();
        for (int i = 0; i < n; i++) {
            Tensor batch = Tensor.zeros(1 + rows.length * columns.length, channels, height, width);
            float[] b = batch.data();
            for (int s = 0; s < 1 + rows.length * columns.length; s++) {
                System.arraycopy(x, images.offset() + i * size, b, s * size, size);
                if (s > 0) {
                    int top = rows[(s - 1) / columns.length];
                    int left = columns[(s - 1) % columns.length];
                    for (int c = 0; c < channels; c++) {
                        for (int y = top; y < top + patch; y++) {
                            int start = s * size + (c * height + y) * width + left;
                            Arrays.fill(b, start, start + patch, fill);
                        }
                    }
                }
            }
            float[] p = model.predictProbabilities(batch).data();
            double intact = p[classes[i]];
            double[] sum = new double[height * width];
            int[] count = new int[height * width];
            for (int s = 1; s < 1 + rows.length * columns.length; s++) {
                int top = rows[(s - 1) / columns.length];
                int left = columns[(s - 1) % columns.length];
                double drop = intact - p[s * classCount + classes[i]];
                for (int y = top; y < top + patch; y++) {
                    for (int xx = left; xx < left + patch; xx++) {
                        sum[y * width + xx] += drop;
                        count[y * width + xx]++;
                    }
                }
            }
            for (int q = 0; q < height * width; q++) {
                result.data()[i * height * width + q] = count[q] == 0 ? 0f : (float) (sum[q] / count[q]);
            }
        }
        return result;
    }

    /** The square's top (or left) positions: 0, stride, ... and the far edge when the steps miss it. */
    private static int[] positions(int side, int patch, int stride) {
        int steps = (side - patch) / stride + 1;
        boolean extra = (steps - 1) * stride + patch < side;
        int[] at = new int[steps + (extra ? 1 : 0)];
        for (int k = 0; k < steps; k++) {
            at[k] = k * stride;
        }
        if (extra) {
            at[steps] = side - patch;
        }
        return at;
    }
}
