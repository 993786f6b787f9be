/**
 * Weft's layers, each with its hand-written backward pass, the {@link dev.weft.layers.Sequential} model, softmax
 * cross-entropy, the model file format, ONNX export and import, and the ready-made
 * {@link dev.weft.layers.Models}.
 *
 * <p>Layers take and return {@link dev.weft.core.Tensor}s, so this module re-exports {@code dev.weft.core}.
 */
module dev.weft.layers {
    requires transitive dev.weft.core;

    exports dev.weft.layers;
    exports dev.weft.layers.onnx;
}
