package dev.weft.examples;

import dev.weft.data.DatasetFormatException;
import dev.weft.data.DatasetNotFoundException;
import dev.weft.data.FashionMnist;
import dev.weft.data.FashionMnistLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The {@code --data DIR} option shared by the study and the converter: checked up front, then loaded. */
final class DataOption {

    private DataOption() {
    }

    /** Fails with a usage message unless {@code data} is null (discover the data) or an existing folder. */
    static void check(Path data) {
        if (data != null && !Files.isDirectory(data)) {
            throw new UsageException("--data " + Printable.of(data) + " is not a folder. Point it at the folder with the four "
                    + "Fashion-MNIST IDX files (train-images-idx3-ubyte.gz, ...) or the two Kaggle CSV files "
                    + "(fashion-mnist_train.csv, fashion-mnist_test.csv), or leave it out to search the usual places.");
        }
    }

    /**
     * Fails with the message loading would give, before the study prints anything, when the data is not in
     * {@code data} or, when {@code data} is null, in none of the places discovery looks while a download is not
     * allowed. Only looks at file names: the files' contents are checked when they are loaded.
     */
    static void checkPresent(Path data) {
        check(data);
        if (data != null) {
            if (!FashionMnist.isIn(data)) {
                load(data);   // the data is missing, so this throws the loader's message without reading anything
            }
            return;
        }
        String allow = System.getenv().getOrDefault(FashionMnistLoader.ENV_DOWNLOAD, "");
        if (allow.equalsIgnoreCase("true") || allow.equals("1")) {
            return;   // as FashionMnistLoader.fromSystem: the study's first stage downloads what is missing
        }
        try {
            FashionMnistLoader.fromSystem().withDownload(false).locate();
        } catch (DatasetNotFoundException e) {
            throw new UsageException(DataErrors.describe(e), e);
        }
    }

    /**
     * Loads from {@code data}, or from the first place discovery finds when {@code data} is null. Missing or
     * damaged data is a problem the user can fix ({@link UsageException}); any other read failure is an
     * input/output error.
     */
    static FashionMnist load(Path data) {
        try {
            return data != null ? FashionMnist.load(data) : FashionMnistLoader.fromSystem().load();
        } catch (DatasetNotFoundException | DatasetFormatException e) {
            throw new UsageException(DataErrors.describe(e), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
