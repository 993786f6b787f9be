package dev.weft.data;

import dev.weft.core.Tensor;
import dev.weft.optim.Dataset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Labelled grey images kept compactly as bytes (0-255; 47 MB for the Fashion-MNIST training set) and turned into
 * float tensors on demand, one batch at a time. Immutable: every {@code with…}, {@link #first}, {@link #subset} and
 * {@link #stratifiedSplit} returns a new set.
 *
 * <p>Values handed out ({@link #images}, {@link #flat}, {@link #copySample}) are the pixels scaled to [0, 1], or,
 * after {@link #withStandardization}, {@code (x/255 - mean) / std} with statistics fitted on the training split.
 *
 * <pre>{@code
 * FashionMnist data = FashionMnist.load();
 * ImageSet train = data.train();                   // 60,000 images, sample shape {1, 28, 28}
 * Tensor batch = train.images(0, 64);              // [64, 1, 28, 28] in [0, 1]
 * Tensor vectors = train.flat(0, 1000);            // [1000, 784], e.g. for PCA
 * ImageSet.Split split = train.stratifiedSplit(0.1, 42L);
 * Dataset forTraining = split.train().withFlatSamples();   // sample shape {784} for an MLP
 * }</pre>
 */
public final class ImageSet implements Dataset {

    /** A train/validation pair produced by {@link #stratifiedSplit}. */
    public record Split(ImageSet train, ImageSet validation) {
    }

    private static final float[] SCALE = new float[256];

    static {
        for (int v = 0; v < 256; v++) {
            SCALE[v] = v / 255f;
        }
    }

    private final String name;
    private final int rows;
    private final int cols;
    private final int numClasses;
    /** Image i occupies pixels[i*rows*cols, (i+1)*rows*cols), row-major. Never written after construction. */
    private final byte[] pixels;
    private final int[] labels;
    private final boolean flatSamples;
    private final Standardization standardization;
    /** byte value -> float, for scaling and global standardisation (per-pixel standardisation uses it too). */
    private final float[] lookup;
    /** Per-pixel standardisation, or null: mean and 1/std per pixel position. */
    private final float[] pixelMean;
    private final float[] pixelInverseStd;

    private ImageSet(String name, int rows, int cols, int numClasses, byte[] pixels, int[] labels,
                     boolean flatSamples, Standardization standardization) {
        this.name = name;
        this.rows = rows;
        this.cols = cols;
        this.numClasses = numClasses;
        this.pixels = pixels;
        this.labels = labels;
        this.flatSamples = flatSamples;
        this.standardization = standardization;
        this.lookup = standardization == null || standardization.perPixel() ? SCALE : standardization.lookup();
        boolean perPixel = standardization != null && standardization.perPixel();
        this.pixelMean = perPixel ? standardization.mean() : null;
        this.pixelInverseStd = perPixel ? standardization.inverseStd() : null;
    }

    /** Takes ownership of the arrays (no copy); callers in this package have already validated them. */
    static ImageSet owning(String name, int rows, int cols, int numClasses, byte[] pixels, int[] labels) {
        return new ImageSet(name, rows, cols, numClasses, pixels, labels, false, null);
    }

    /**
     * A set over copies of the given arrays.
     *
     * @param pixels {@code labels.length * rows * cols} bytes, image after image, row-major (unsigned 0-255)
     * @param labels one label per image, in {@code [0, numClasses)}
     * @throws IllegalArgumentException if the sizes disagree or a label is out of range
     */
    public static ImageSet of(String name, int rows, int cols, int numClasses, byte[] pixels, int[] labels) {
        if (rows < 1 || cols < 1 || numClasses < 1) {
            throw new IllegalArgumentException("rows, cols and numClasses must be positive: " + rows + ", " + cols
                    + ", " + numClasses);
        }
        if ((long) labels.length * rows * cols != pixels.length) {
            throw new IllegalArgumentException(labels.length + " labels need " + (long) labels.length * rows * cols
                    + " pixels of " + rows + "x" + cols + " images, but got " + pixels.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException("label " + labels[i] + " of image " + i + " is outside [0, "
                        + numClasses + ")");
            }
        }
        return owning(name, rows, cols, numClasses, pixels.clone(), labels.clone());
    }

    /** A short name, e.g. {@code "train"} or {@code "test"}. */
    public String name() {
        return name;
    }

    /** Image height. */
    public int rows() {
        return rows;
    }

    /** Image width. */
    public int cols() {
        return cols;
    }

    /** Pixels per image, {@code rows * cols}. */
    public int pixelsPerImage() {
        return rows * cols;
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    /** {@code {1, rows, cols}} by default, {@code {rows*cols}} after {@link #withFlatSamples()}. */
    @Override
    public int[] sampleShape() {
        return flatSamples ? new int[] {rows * cols} : new int[] {1, rows, cols};
    }

    @Override
    public int sampleSize() {
        return rows * cols;
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    /** A copy of all labels. */
    public int[] labels() {
        return labels.clone();
    }

    /**
     * A copy of the raw bytes of every image (unsigned: use {@code b & 0xFF}), image after image, row-major: image
     * {@code i} is {@code [i * pixelsPerImage(), (i + 1) * pixelsPerImage())}. This is the layout
     * {@code dev.weft.analysis.stats.ImageStatistics} takes. A copy, so the set stays immutable: 47 MB for the
     * Fashion-MNIST training set; for a few images, {@link #pixels(int)} copies one.
     *
     * <pre>{@code
     * float[][] means = ImageStatistics.meanImages(train.pixels(), train.pixelsPerImage(), train.labels(), 10);
     * }</pre>
     */
    public byte[] pixels() {
        return Arrays.copyOf(pixels, size() * rows * cols);
    }

    /** A copy of the raw bytes of image {@code index} (unsigned: use {@code b & 0xFF}), row-major. */
    public byte[] pixels(int index) {
        Objects.checkIndex(index, size());
        int n = rows * cols;
        return Arrays.copyOfRange(pixels, index * n, (index + 1) * n);
    }

    /** The raw value 0-255 of one pixel. */
    public int pixel(int index, int row, int col) {
        Objects.checkIndex(index, size());
        Objects.checkIndex(row, rows);
        Objects.checkIndex(col, cols);
        return pixels[index * rows * cols + row * cols + col] & 0xFF;
    }

    @Override
    public void copySample(int index, float[] destination, int offset) {
        int n = rows * cols;
        int base = index * n;
        if (pixelMean != null) {
            float[] mean = pixelMean;
            float[] inverseStd = pixelInverseStd;
            for (int p = 0; p < n; p++) {
                destination[offset + p] = (SCALE[pixels[base + p] & 0xFF] - mean[p]) * inverseStd[p];
            }
        } else {
            float[] table = lookup;
            for (int p = 0; p < n; p++) {
                destination[offset + p] = table[pixels[base + p] & 0xFF];
            }
        }
    }

    /** Images {@code [from, to)} as a tensor {@code [to-from, 1, rows, cols]} (NCHW), scaled (or standardised). */
    public Tensor images(int from, int to) {
        return Tensor.of(decode(from, to), to - from, 1, rows, cols);
    }

    /** Images {@code [from, to)} as flat vectors {@code [to-from, rows*cols]}, scaled (or standardised). */
    public Tensor flat(int from, int to) {
        return Tensor.of(decode(from, to), to - from, rows * cols);
    }

    /** All images as {@code [size, 1, rows, cols]}; 188 MB of floats for the training set. */
    public Tensor images() {
        return images(0, size());
    }

    private float[] decode(int from, int to) {
        Objects.checkFromToIndex(from, to, size());
        if (from == to) {
            throw new IllegalArgumentException("empty range [" + from + ", " + to + ")");
        }
        int n = rows * cols;
        float[] out = new float[(to - from) * n];
        for (int i = from; i < to; i++) {
            copySample(i, out, (i - from) * n);
        }
        return out;
    }

    /** Labels {@code [from, to)} one-hot encoded, {@code [to-from, numClasses]}. */
    public Tensor oneHot(int from, int to) {
        Objects.checkFromToIndex(from, to, size());
        return oneHot(Arrays.copyOfRange(labels, from, to), numClasses);
    }

    /** One-hot encoding {@code [labels.length, numClasses]}: row i has a 1 in column {@code labels[i]}. */
    public static Tensor oneHot(int[] labels, int numClasses) {
        float[] out = new float[labels.length * numClasses];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException("label " + labels[i] + " at " + i + " is outside [0, "
                        + numClasses + ")");
            }
            out[i * numClasses + labels[i]] = 1f;
        }
        return Tensor.of(out, labels.length, numClasses);
    }

    /** The same images with sample shape {@code {rows*cols}} (for dense networks and PCA). */
    public ImageSet withFlatSamples() {
        return new ImageSet(name, rows, cols, numClasses, pixels, labels, true, standardization);
    }

    /** The same images with sample shape {@code {1, rows, cols}} (the default; for convolutional networks). */
    public ImageSet withImageSamples() {
        return new ImageSet(name, rows, cols, numClasses, pixels, labels, false, standardization);
    }

    /** True if samples are flat vectors. */
    public boolean flatSamples() {
        return flatSamples;
    }

    /**
     * The same images, handed out as {@code (x/255 - mean) / std}. Fit the statistics on the training split only
     * ({@link Standardization#fit}) and apply the same object to validation and test sets.
     */
    public ImageSet withStandardization(Standardization statistics) {
        if (statistics.perPixel() && statistics.mean().length != rows * cols) {
            throw new IllegalArgumentException("per-pixel statistics for " + statistics.mean().length
                    + " pixels do not fit " + rows + "x" + cols + " images");
        }
        return new ImageSet(name, rows, cols, numClasses, pixels, labels, flatSamples, statistics);
    }

    /** The same images scaled to [0, 1] only (drops any standardisation). */
    public ImageSet withoutStandardization() {
        return new ImageSet(name, rows, cols, numClasses, pixels, labels, flatSamples, null);
    }

    /** The standardisation applied, or null if values are only scaled to [0, 1]. */
    public Standardization standardization() {
        return standardization;
    }

    /** The first {@code n} images (a copy), keeping shape and preprocessing settings. */
    public ImageSet first(int n) {
        Objects.checkFromToIndex(0, n, size());
        int[] indices = new int[n];
        Arrays.setAll(indices, i -> i);
        return subset(indices);
    }

    /** The images at {@code indices}, in that order (a copy), keeping shape and preprocessing settings. */
    public ImageSet subset(int[] indices) {
        int n = rows * cols;
        byte[] p = new byte[indices.length * n];
        int[] l = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            int source = Objects.checkIndex(indices[i], size());
            System.arraycopy(pixels, source * n, p, i * n, n);
            l[i] = labels[source];
        }
        return new ImageSet(name, rows, cols, numClasses, p, l, flatSamples, standardization);
    }

    /** Number of images of each class, indexed by label. */
    public int[] classCounts() {
        int[] counts = new int[numClasses];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    /**
     * A seeded, stratified split: from every class, {@code round(count * validationFraction)} images chosen at
     * random go to the validation set, the rest to the training set; both keep the original order of the images.
     * The same seed gives the same split.
     */
    public Split stratifiedSplit(double validationFraction, long seed) {
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validationFraction must be in (0, 1), was " + validationFraction);
        }
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < labels.length; i++) {
            byClass.get(labels[i]).add(i);
        }
        boolean[] validation = new boolean[labels.length];
        SplittableRandom random = new SplittableRandom(seed);
        for (List<Integer> members : byClass) {
            int take = (int) Math.round(members.size() * validationFraction);
            // Partial Fisher-Yates: the first `take` positions become a uniform random sample of the class.
            for (int i = 0; i < take; i++) {
                int j = i + random.nextInt(members.size() - i);
                Integer t = members.get(i);
                members.set(i, members.get(j));
                members.set(j, t);
                validation[members.get(i)] = true;
            }
        }
        int validationCount = 0;
        for (boolean v : validation) {
            validationCount += v ? 1 : 0;
        }
        int[] trainIdx = new int[labels.length - validationCount];
        int[] validIdx = new int[validationCount];
        for (int i = 0, t = 0, v = 0; i < labels.length; i++) {
            if (validation[i]) {
                validIdx[v++] = i;
            } else {
                trainIdx[t++] = i;
            }
        }
        ImageSet train = subset(trainIdx).renamed(name + "-train");
        ImageSet valid = subset(validIdx).renamed(name + "-validation");
        return new Split(train, valid);
    }

    /** The same set under another name. */
    public ImageSet renamed(String newName) {
        return new ImageSet(newName, rows, cols, numClasses, pixels, labels, flatSamples, standardization);
    }

    /** Counts per class, value range, mean and missing values (always 0: readers reject missing values). */
    public DatasetReport report() {
        return DatasetReport.of(this);
    }

    /** Raw storage for package-internal readers and writers; never modified. */
    byte[] rawPixels() {
        return pixels;
    }

    @Override
    public String toString() {
        return "ImageSet[" + name + ", " + size() + " images " + rows + "x" + cols + ", " + numClasses + " classes"
                + (flatSamples ? ", flat" : "") + (standardization != null ? ", standardized" : "") + "]";
    }
}
