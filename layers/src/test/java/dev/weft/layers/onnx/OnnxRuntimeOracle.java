package dev.weft.layers.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.weft.core.Tensor;
import dev.weft.layers.BatchNorm;
import dev.weft.layers.Layer;
import dev.weft.layers.Residual;
import dev.weft.layers.Sequential;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Runs an ONNX file in ONNX Runtime (the oracle, test scope only) and compares logits with Weft's. */
final class OnnxRuntimeOracle {
    private OnnxRuntimeOracle() {
    }

    /** ONNX Runtime's output {@code logits} for {@code input [batch, ...]}, flattened row by row. */
    static float[] run(Path model, Tensor input) throws OrtException {
        return run(model, input, "logits");
    }

    /** ONNX Runtime's output {@code output} for {@code input [batch, ...]}, flattened row by row. */
    static float[] run(Path model, Tensor input, String output) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long[] shape = new long[input.shape().length];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = input.shape()[i];
        }
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             OrtSession session = env.createSession(model.toString(), options);
             OnnxTensor tensor = OnnxTensor.createTensor(env,
                     FloatBuffer.wrap(input.data(), input.offset(), input.size()), shape);
             OrtSession.Result result = session.run(Map.of("input", tensor))) {
            OnnxTensor logits = (OnnxTensor) result.get(output).orElseThrow();
            FloatBuffer values = logits.getFloatBuffer();
            float[] out = new float[values.remaining()];
            values.get(out);
            return out;
        }
    }

    /** The largest |Weft - ONNX Runtime| over all logits, after checking that both have as many. */
    static double maxDifference(Tensor weft, float[] onnxRuntime) {
        if (weft.size() != onnxRuntime.length) {
            throw new AssertionError("Weft gives " + weft.size() + " logits, ONNX Runtime " + onnxRuntime.length);
        }
        double max = 0;
        for (int i = 0; i < onnxRuntime.length; i++) {
            max = Math.max(max, Math.abs(weft.data()[weft.offset() + i] - onnxRuntime[i]));
        }
        return max;
    }

    /**
     * Gives every BatchNorm of {@code model} non-trivial γ, β, running mean (in [-0.5, 0.5]) and running variance
     * (in [0.5, 2]), so that an export which ignored any of them would show.
     */
    static Sequential withTrainedLookingBatchNorms(Sequential model, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Layer> layers = new ArrayList<>();
        for (Layer layer : model.layers()) {
            layers.addAll(layer instanceof Residual block ? block.body() : List.of(layer));
        }
        for (Layer layer : layers) {
            if (layer instanceof BatchNorm norm) {
                fill(norm.parameters().get(0).value(), random, 0.5, 1.5);
                fill(norm.parameters().get(1).value(), random, -0.3, 0.3);
                fill(norm.runningMean(), random, -0.5, 0.5);
                fill(norm.runningVariance(), random, 0.5, 2.0);
            }
        }
        return model;
    }

    private static void fill(Tensor t, SplittableRandom random, double low, double high) {
        for (int i = 0; i < t.size(); i++) {
            t.data()[t.offset() + i] = (float) random.nextDouble(low, high);
        }
    }
}
