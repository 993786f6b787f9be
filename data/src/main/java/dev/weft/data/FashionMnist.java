package dev.weft.data;

import dev.weft.core.Parallel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Fashion-MNIST data set (Xiao, Rasul and Vollgraf, 2017): 70,000 grey 28x28 images of clothing in 10
 * classes, split into 60,000 training and 10,000 test images, 6,000 / 1,000 per class.
 *
 * <pre>{@code
 * FashionMnist data = FashionMnist.load();             // finds it: see FashionMnistLoader for where it looks
 * ImageSet train = data.train(), test = data.test();
 * String name = FashionMnist.CLASS_NAMES.get(train.label(0));
 * FashionMnist mine = FashionMnist.load(Path.of("data")); // IDX files or the two Kaggle CSV files
 * }</pre>
 *
 * <p>A directory holds the data if it has the four official IDX files ({@code train-images-idx3-ubyte.gz},
 * {@code train-labels-idx1-ubyte.gz}, {@code t10k-images-idx3-ubyte.gz}, {@code t10k-labels-idx1-ubyte.gz}, each
 * also accepted uncompressed without {@code .gz}) or the two Kaggle files {@code fashion-mnist_train.csv} and
 * {@code fashion-mnist_test.csv}. IDX files are checked against the SHA-256 of the official content unless
 * switched off ({@link FashionMnistLoader#withChecksums(boolean)}).
 */
public final class FashionMnist {
    /** Class names, indexed by label. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    /** Number of classes. */
    public static final int NUM_CLASSES = 10;
    /** Image height. */
    public static final int ROWS = 28;
    /** Image width. */
    public static final int COLS = 28;

    /** Official file names, without {@code .gz}: training images, training labels, test images, test labels. */
    public static final List<String> IDX_FILES = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    /**
     * SHA-256 of the DECOMPRESSED official files, so a file is recognised whether stored gzipped or not. Obtained
     * with {@code gunzip -c FILE.gz | sha256sum} from the Debian package dataset-fashion-mnist
     * (/usr/share/datasets/fashion-mnist); sizes 47,040,016 / 60,008 / 7,840,016 / 10,008 bytes.
     */
    static final Map<String, String> SHA256 = Map.of(
            "train-images-idx3-ubyte", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
            "train-labels-idx1-ubyte", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
            "t10k-images-idx3-ubyte", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
            "t10k-labels-idx1-ubyte", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34");

    private final ImageSet train;
    private final ImageSet test;
    private final Path directory;

    private FashionMnist(ImageSet train, ImageSet test, Path directory) {
        this.train = train;
        this.test = test;
        this.directory = directory;
    }

    /**
     * Finds and loads the data without configuration: {@code FASHION_MNIST_DIR}, {@code ./data/fashion-mnist},
     * {@code ~/.cache/weft/fashion-mnist}, {@code /usr/share/datasets/fashion-mnist}, in that order (see
     * {@link FashionMnistLoader}).
     *
     * @throws DatasetNotFoundException listing the places searched and the fixes
     * @throws DatasetFormatException   if a file found is damaged
     * @throws IOException              if a file cannot be read
     */
    public static FashionMnist load() throws IOException {
        return FashionMnistLoader.fromSystem().load();
    }

    /**
     * Loads from {@code directory} (IDX files or the two Kaggle CSV files); no other place is tried.
     *
     * @throws DatasetNotFoundException if the directory does not hold the files
     * @throws DatasetFormatException   if a file is damaged
     * @throws IOException              if a file cannot be read
     */
    public static FashionMnist load(Path directory) throws IOException {
        return FashionMnistLoader.fromSystem().load(directory);
    }

    /** The 60,000 training images. */
    public ImageSet train() {
        return train;
    }

    /** The 10,000 test images. */
    public ImageSet test() {
        return test;
    }

    /** The directory the data was read from. */
    public Path directory() {
        return directory;
    }

    /** The name of class {@code label}. */
    public static String className(int label) {
        return CLASS_NAMES.get(label);
    }

    @Override
    public String toString() {
        return "FashionMnist[" + train + ", " + test + " from " + directory + "]";
    }

    /** Whether {@code directory} holds the data: the four IDX files (gzipped or not) or the two Kaggle CSV files. */
    public static boolean isIn(Path directory) {
        return whatIsMissing(directory) == null;
    }

    // ---- reading a directory -------------------------------------------------------------------------------

    /** The IDX file for {@code baseName} in {@code directory} (gzipped preferred), or null. */
    static Path idxFile(Path directory, String baseName) {
        Path gz = directory.resolve(baseName + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path plain = directory.resolve(baseName);
        return Files.isRegularFile(plain) ? plain : null;
    }

    /** Why {@code directory} does not hold the data, or null if it does. */
    static String whatIsMissing(Path directory) {
        if (!Files.isDirectory(directory)) {
            return Files.exists(directory) ? "not a directory" : "does not exist";
        }
        List<String> missingIdx = new ArrayList<>();
        for (String name : IDX_FILES) {
            if (idxFile(directory, name) == null) {
                missingIdx.add(name + ".gz");
            }
        }
        if (missingIdx.isEmpty()) {
            return null;
        }
        boolean csv = Files.isRegularFile(directory.resolve(FashionMnistCsv.TRAIN_FILE))
                && Files.isRegularFile(directory.resolve(FashionMnistCsv.TEST_FILE));
        if (csv) {
            return null;
        }
        return "no Fashion-MNIST files (missing " + String.join(", ", missingIdx) + "; or the Kaggle CSVs "
                + FashionMnistCsv.TRAIN_FILE + " and " + FashionMnistCsv.TEST_FILE + ")";
    }

    /** Reads a directory that {@link #whatIsMissing} accepted; IDX files are preferred over CSV. */
    static FashionMnist read(Path directory, boolean verifyChecksums) throws IOException {
        String missing = whatIsMissing(directory);
        if (missing != null) {
            throw new DatasetNotFoundException(List.of(directory), directory + ": " + missing, null);
        }
        if (idxFile(directory, IDX_FILES.get(0)) != null && idxFile(directory, IDX_FILES.get(1)) != null
                && idxFile(directory, IDX_FILES.get(2)) != null && idxFile(directory, IDX_FILES.get(3)) != null) {
            // Training and test files are independent: inflate them on two threads (each inflate is sequential).
            ImageSet[] sets = new ImageSet[2];
            try {
                Parallel.forRange(2, 1, (from, to) -> {
                    for (int k = from; k < to; k++) {
                        try {
                            sets[k] = readIdx(k == 0 ? "train" : "test", directory, IDX_FILES.get(2 * k),
                                    IDX_FILES.get(2 * k + 1), verifyChecksums);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);   // carried out of the worker, unwrapped below
                        }
                    }
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            return new FashionMnist(sets[0], sets[1], directory);
        }
        ImageSet train = FashionMnistCsv.read(directory.resolve(FashionMnistCsv.TRAIN_FILE), "train");
        ImageSet test = FashionMnistCsv.read(directory.resolve(FashionMnistCsv.TEST_FILE), "test");
        return new FashionMnist(train, test, directory);
    }

    /** A data set from two sets already in memory (e.g. small ones built by tests or other tools). */
    public static FashionMnist of(ImageSet train, ImageSet test, Path directory) {
        return new FashionMnist(Objects.requireNonNull(train), Objects.requireNonNull(test), directory);
    }

    private static ImageSet readIdx(String name, Path directory, String imagesName, String labelsName,
                                    boolean verify) throws IOException {
        Path images = idxFile(directory, imagesName);
        Path labels = idxFile(directory, labelsName);
        MessageDigest imagesDigest = verify ? sha256() : null;
        MessageDigest labelsDigest = verify ? sha256() : null;
        ImageSet set = IdxFiles.read(name, images, labels, NUM_CLASSES, ROWS, COLS, imagesDigest, labelsDigest);
        if (verify) {
            checkDigest(images, imagesName, imagesDigest);
            checkDigest(labels, labelsName, labelsDigest);
        }
        return set;
    }

    static void checkDigest(Path file, String baseName, MessageDigest digest) throws DatasetFormatException {
        String actual = HexFormat.of().formatHex(digest.digest());
        String expected = SHA256.get(baseName);
        if (!actual.equals(expected)) {
            throw new DatasetFormatException(file, "whole file", "SHA-256 of the decompressed content is " + actual
                    + ", expected " + expected + " (the official " + baseName + "); the file is damaged or is not"
                    + " Fashion-MNIST: replace it (apt-get install dataset-fashion-mnist, or download again), or"
                    + " switch the check off with FashionMnistLoader.withChecksums(false) for your own files");
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
