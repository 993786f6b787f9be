/**
 * Weft's datasets: the IDX and CSV readers, Fashion-MNIST discovery and download, image sets, augmentation and
 * standardisation. No charting.
 *
 * <p>An image set is a training {@link dev.weft.optim.Dataset}, so this module re-exports {@code dev.weft.optim}
 * (and through it the layers and the core): a program that trains models needs only {@code requires dev.weft.data}.
 * Commons CSV is used inside the CSV reader and appears in no public signature.
 */
module dev.weft.data {
    requires transitive dev.weft.optim;
    requires java.net.http;
    requires org.apache.commons.csv;

    exports dev.weft.data;
}
