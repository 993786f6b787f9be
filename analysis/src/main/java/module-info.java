/**
 * Weft's analysis tools: statistics, the symmetric eigensolver and PCA, metrics, model inspection,
 * explanations (saliency, Grad-CAM, ...), calibration, t-SNE and charts.
 *
 * <p>Inspection takes a {@link dev.weft.layers.Sequential} and the charts hand out {@code java.awt} images, so this
 * module re-exports {@code dev.weft.layers} and {@code java.desktop}. JFreeChart and Commons CSV are used inside
 * and appear in no public signature.
 */
module dev.weft.analysis {
    requires transitive dev.weft.layers;
    requires transitive java.desktop;
    requires org.apache.commons.csv;
    requires org.jfree.jfreechart;

    exports dev.weft.analysis.calibration;
    exports dev.weft.analysis.charts;
    exports dev.weft.analysis.embedding;
    exports dev.weft.analysis.explain;
    exports dev.weft.analysis.inspect;
    exports dev.weft.analysis.linalg;
    exports dev.weft.analysis.metrics;
    exports dev.weft.analysis.pca;
    exports dev.weft.analysis.stats;
}
