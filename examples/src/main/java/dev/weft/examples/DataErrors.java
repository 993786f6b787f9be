package dev.weft.examples;

import dev.weft.data.DatasetFormatException;
import dev.weft.data.DatasetNotFoundException;
import java.io.IOException;

/** Says how to fix the data errors of the data module that the user can fix. */
final class DataErrors {

    private DataErrors() {
    }

    /** A one-paragraph description of {@code e} and its fix. */
    static String describe(IOException e) {
        if (e instanceof DatasetNotFoundException) {
            return "Fashion-MNIST was not found. " + e.getMessage() + " The ./weft launcher installs the "
                    + "dataset-fashion-mnist package when it may, or downloads the data when FASHION_MNIST_DOWNLOAD=1.";
        }
        if (e instanceof DatasetFormatException) {
            return "The Fashion-MNIST data is damaged: " + e.getMessage() + " Replace the file (reinstall "
                    + "dataset-fashion-mnist, or delete ~/.cache/weft/fashion-mnist to download it again).";
        }
        return e.getMessage();
    }
}
