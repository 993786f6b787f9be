package dev.weft.layers;

import dev.weft.core.Tensor;
import dev.weft.core.simd.Kernels;
import dev.weft.layers.onnx.OnnxExport;
import dev.weft.layers.onnx.OnnxImport;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A stack of layers applied one after the other, built eagerly from the per-sample input shape (as Keras'
 * {@code Sequential}): every layer knows its output shape at once, a shape mismatch fails in the constructor
 * naming the layer, and {@link #summary()} works before any data has been seen.
 *
 * <pre>{@code
 * Sequential model = new Sequential(new int[] {1, 28, 28}, 42L,
 *         new Conv2D(32, 3), new ReLU(), new MaxPool2D(2),
 *         new Flatten(), new Dense(10));
 * System.out.println(model.summary());
 *
 * SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();      // one training step
 * model.zeroGrad();
 * float l = loss.forward(model.forward(images, true), labels);
 * model.backward(loss.backward());
 * // ... an optimizer updates model.parameters() ...
 *
 * int[] predicted = model.predict(testImages);               // safe from several threads
 * }</pre>
 *
 * <p>Training ({@code forward(x, true)}, {@link #backward}) is single-threaded use of the model (the kernels
 * themselves run in parallel); inference ({@link #predict}, {@link #predictProbabilities}, {@link #evaluate},
 * {@code forward(x, false)}) changes nothing and may be called from several threads at once.
 *
 * <p><b>Fusion.</b> A layer that can run the layer after it inside its own passes ({@link Fusable}: a
 * {@link Conv2D} or a {@link BatchNorm} directly followed by a {@link ReLU}) is fused with it when the model is
 * built: {@link #forward} calls {@link Fusable#forwardFused} and {@link #backward} skips the absorbed ReLU, whose
 * own {@code forward} and {@code backward} then never run. This saves the ReLU's passes over memory and gives the
 * same numbers, bit for bit. {@link #summary()} marks each absorbed layer and lists the pairs; {@link #fusedPairs()}
 * returns them.
 *
 * <p><b>BatchNorm folding (inference only).</b> A {@link Conv2D} or {@link Dense} directly followed by a
 * {@link BatchNorm} runs at inference as one layer with weights {@code W·s} and bias {@code (b - μ)·s + β}, where
 * {@code s = γ / sqrt(σ² + ε)} per output channel from the BatchNorm's running statistics, and a ReLU after the
 * BatchNorm applied as the output is written: the BatchNorm's own inference pass does not run. The folded weights
 * are recomputed on every call, so they always reflect the current parameters. The logits agree with the unfolded
 * layers to rounding, not bit for bit. {@link #summary()} lists the pairs ("Folded at inference"),
 * {@link #foldedBatchNorms()} returns them, and teaching mode turns folding off with the rest of fusion.
 *
 * <p><b>Teaching mode.</b> {@code model.withFusion(false)} turns fusion and folding off: every layer then runs its
 * own {@code forward} and {@code backward}, so a debugger stepping through a training step reaches each of them (and
 * a {@link LayerTimer} hears of each). Gradients and trained weights are the same in both modes; inference
 * differs only by the rounding of the BatchNorm fold.
 * <pre>{@code
 * Sequential model = Models.weftCnn(42L).withFusion(false);   // every ReLU.backward runs
 * }</pre>
 */
public final class Sequential {
    /** Inference runs over at most this many samples at a time, to bound memory. */
    static final int INFERENCE_CHUNK = 256;

    private final int[] inputShape;
    private final long seed;
    private final List<Layer> layers;
    /**
     * {@code fused[i]}: layer {@code i} runs layer {@code i + 1} inside its own passes ({@link Fusable}). Set from
     * the layers when the model is built, all false in teaching mode ({@link #withFusion}).
     */
    private boolean[] fused;
    private boolean fusionEnabled = true;
    /** Each Conv2D or Dense with the BatchNorm folded into it at inference; empty when fusion is off. */
    private List<FusedPair> folds;
    /** Runs {@code forward(x, false)}: the steps of the fusion plan, over slices of the batch (see its comment). */
    private InferenceRunner inference;
    /** The {@link #fused} plan of the last training forward, which {@link #backward} follows; null before one. */
    private boolean[] trainedFused;
    /** Told how long each layer of a training step took, or null (see {@link #setLayerTimer}). */
    private LayerTimer timer;

    /**
     * Receives the wall-clock time of each layer's part of a training step, for profiling. A layer fused with the
     * layer after it (see {@link #fusedPairs()}) reports the pair under its own index, and the absorbed layer
     * reports nothing; in teaching mode ({@link #withFusion withFusion(false)}) every layer reports.
     */
    @FunctionalInterface
    public interface LayerTimer {
        /**
         * @param layer    the layer's index in {@link #layers()}
         * @param backward whether this was its backward pass
         * @param nanos    how long the call took
         */
        void record(int layer, boolean backward, long nanos);
    }

    /**
     * Builds the model: each layer is given the previous layer's output shape and a generator derived from
     * {@code seed} (the same seed gives the same initial weights and dropout masks).
     *
     * @param inputShape per-sample input shape, e.g. {@code {1, 28, 28}}
     * @throws IllegalArgumentException naming the layer that cannot take its input shape
     */
    public Sequential(int[] inputShape, long seed, Layer... layers) {
        if (layers.length == 0) {
            throw new IllegalArgumentException("a Sequential model needs at least one layer");
        }
        this.inputShape = inputShape.clone();
        this.seed = seed;
        this.layers = List.of(layers);
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, Integer> counts = new HashMap<>();
        int[] shape = this.inputShape;
        for (int i = 0; i < layers.length; i++) {
            Layer layer = layers[i];
            String prefix = layer.type().toLowerCase(Locale.ROOT);
            int k = counts.merge(prefix, 1, Integer::sum);
            try {
                layer.build(prefix + "_" + k, shape, random.split());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("layer " + i + ": " + e.getMessage(), e);
            }
            shape = layer.outputShape();
        }
        layers[0].setInputGradientNeeded(false);
        this.fused = fusionPlan(true);
        this.folds = FoldedBatchNorm.pairs(this.layers, true);
        this.inference = new InferenceRunner(this.layers, fused, folds);
    }

    /** Which layers run the next one inside their passes: those that say they can, unless {@code enabled} is off. */
    private boolean[] fusionPlan(boolean enabled) {
        boolean[] plan = new boolean[layers.size()];
        for (int i = 0; enabled && i + 1 < layers.size(); i++) {
            // A layer absorbed by the one before it cannot absorb the next one as well.
            plan[i] = !(i > 0 && plan[i - 1]) && layers.get(i) instanceof Fusable f && f.canFuse(layers.get(i + 1));
        }
        return plan;
    }

    /**
     * Turns fusion on (the default) or off (teaching mode: every layer runs its own {@code forward} and
     * {@code backward}); see the class comment. Takes effect from the next {@link #forward}; a {@link #backward}
     * follows the plan of the training forward before it. Training results are the same either way; inference
     * logits differ by the rounding of the BatchNorm fold (see the class comment).
     *
     * @return this model
     */
    public Sequential withFusion(boolean enabled) {
        fused = fusionPlan(enabled);
        fusionEnabled = enabled;
        folds = FoldedBatchNorm.pairs(layers, enabled);
        inference = new InferenceRunner(layers, fused, folds);
        return this;
    }

    /** Whether fusion is on ({@link #withFusion}). */
    public boolean fusionEnabled() {
        return fusionEnabled;
    }

    /**
     * A layer and the layer after it that it runs inside its own passes.
     *
     * @param layer    the {@link Fusable} layer that runs both
     * @param absorbed the layer whose own {@code forward} and {@code backward} do not run
     */
    public record FusedPair(Layer layer, Layer absorbed) {
        @Override
        public String toString() {
            return layer.name() + " + " + absorbed.name();
        }
    }

    /** The pairs of layers that run as one, in order; empty in teaching mode. */
    public List<FusedPair> fusedPairs() {
        List<FusedPair> pairs = new ArrayList<>();
        for (int i = 0; i < fused.length; i++) {
            if (fused[i]) {
                pairs.add(new FusedPair(layers.get(i), layers.get(i + 1)));
            }
        }
        return Collections.unmodifiableList(pairs);
    }

    /** What runs {@code forward(x, false)}; for tests that compare its paths. */
    InferenceRunner inferenceRunner() {
        return inference;
    }

    /**
     * The pairs of a {@link Conv2D} or {@link Dense} and the {@link BatchNorm} right after it that inference runs as
     * one layer, the BatchNorm folded into the weights and bias (and a ReLU after the BatchNorm applied as the output
     * is written); see the class comment. Empty in teaching mode. Training runs every BatchNorm itself.
     */
    public List<FusedPair> foldedBatchNorms() {
        return folds;
    }

    /** Per-sample input shape. */
    public int[] inputShape() {
        return inputShape.clone();
    }

    /** Per-sample output shape, e.g. {@code {10}} for ten classes. */
    public int[] outputShape() {
        return layers.get(layers.size() - 1).outputShape();
    }

    /** The seed the model was built with. */
    public long seed() {
        return seed;
    }

    /** The layers, in order (unmodifiable). */
    public List<Layer> layers() {
        return layers;
    }

    /** All trainable parameters, layer by layer. */
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>();
        for (Layer layer : layers) {
            all.addAll(layer.parameters());
        }
        return Collections.unmodifiableList(all);
    }

    /** Clears every parameter gradient. */
    public void zeroGrad() {
        for (Layer layer : layers) {
            for (Parameter p : layer.parameters()) {
                p.zeroGrad();
            }
        }
    }

    /**
     * Runs every layer: {@code input [batch, inputShape...]} to logits {@code [batch, classes]}. In training mode
     * the layers keep what {@link #backward} needs; the returned tensor belongs to the last layer. In inference
     * mode a batch of at least {@value InferenceRunner#MIN_ITEMS_PER_THREAD} items per thread is cut into one slice
     * per thread, each running the whole network, with the same results bit for bit; the returned tensor then
     * belongs to this model's per-thread scratch. Either way the next inference call on the same thread overwrites
     * it.
     */
    public Tensor forward(Tensor input, boolean training) {
        int[] shape = input.shape();
        if (shape.length != inputShape.length + 1
                || !Arrays.equals(Arrays.copyOfRange(shape, 1, shape.length), inputShape)) {
            throw new IllegalArgumentException("model input: expected [batch, "
                    + Arrays.toString(inputShape).replaceAll("[\\[\\]]", "") + "] but got " + Arrays.toString(shape));
        }
        if (!training) {
            return inference.forward(input);
        }
        LayerTimer t = timer;
        boolean[] plan = fused;
        trainedFused = plan;
        Tensor x = input;
        for (int i = 0; i < layers.size(); i++) {
            long start = t == null ? 0 : System.nanoTime();
            int index = i;
            if (plan[i]) {
                x = ((Fusable) layers.get(i)).forwardFused(x, true);
                i++;   // the absorbed layer is done
            } else {
                x = layers.get(i).forward(x, true);
            }
            if (t != null) {
                t.record(index, false, System.nanoTime() - start);
            }
        }
        return x;
    }

    /**
     * From now on, tells {@code timer} how long each layer took in every training forward pass and every backward
     * pass ({@code null} stops it). Inference is never timed, so it stays safe to call from several threads.
     */
    public void setLayerTimer(LayerTimer timer) {
        this.timer = timer;
    }

    /**
     * Back-propagates {@code dLogits} through every layer, accumulating parameter gradients (call
     * {@link #zeroGrad()} first). The gradient with respect to the model input is not computed: the input is the
     * data, and the first layer's input gradient would be a whole extra pass that training never uses.
     */
    public void backward(Tensor dLogits) {
        propagate(dLogits, false);
    }

    /**
     * {@link #backward}, and the gradient with respect to the model input as well, which explanation methods
     * (saliency maps, integrated gradients) need.
     *
     * <pre>{@code
     * model.forward(images, true);
     * Tensor dImages = model.backwardToInput(dLogits);   // [batch, inputShape...]
     * }</pre>
     *
     * @return {@code dLoss/dInput} {@code [batch, inputShape...]}, a buffer of the first layer that its next
     *         backward overwrites
     */
    public Tensor backwardToInput(Tensor dLogits) {
        return propagate(dLogits, true);
    }

    /** The backward pass; the first layer computes its input gradient only when {@code toInput}. */
    private Tensor propagate(Tensor dLogits, boolean toInput) {
        LayerTimer t = timer;
        // Without a training forward, no plan: each layer's backward then reports the missing forward itself.
        boolean[] plan = trainedFused == null ? new boolean[layers.size()] : trainedFused;
        Layer first = layers.get(0);
        first.setInputGradientNeeded(toInput);
        try {
            Tensor d = dLogits;
            for (int i = layers.size() - 1; i >= 0; i--) {
                if (i > 0 && plan[i - 1]) {
                    continue;   // an absorbed layer: the layer before it takes this layer's output gradient
                }
                long start = t == null ? 0 : System.nanoTime();
                d = layers.get(i).backward(d);
                if (t != null) {
                    t.record(i, true, System.nanoTime() - start);
                }
            }
            return d;
        } finally {
            first.setInputGradientNeeded(false);
        }
    }

    /** Number of classes (the size of the last layer's output). */
    public int numClasses() {
        int[] out = outputShape();
        if (out.length != 1) {
            throw new IllegalStateException("the model's output " + Arrays.toString(out)
                    + " is not a vector of class scores");
        }
        return out[0];
    }

    /** Class probabilities {@code [n, classes]} for {@code input [n, inputShape...]}; thread-safe. */
    public Tensor predictProbabilities(Tensor input) {
        int n = input.dim(0);
        int classes = numClasses();
        Tensor result = Tensor.zeros(n, classes);
        for (int from = 0; from < n; from += INFERENCE_CHUNK) {
            int to = Math.min(n, from + INFERENCE_CHUNK);
            Tensor p = SoftmaxCrossEntropy.softmax(forward(input.slice(from, to), false));
            System.arraycopy(p.data(), 0, result.data(), from * classes, p.size());
        }
        return result;
    }

    /** The most likely class of each sample of {@code input [n, inputShape...]}; thread-safe. */
    public int[] predict(Tensor input) {
        int n = input.dim(0);
        int classes = numClasses();
        int[] predicted = new int[n];
        Kernels kernels = Kernels.get();
        for (int from = 0; from < n; from += INFERENCE_CHUNK) {
            int to = Math.min(n, from + INFERENCE_CHUNK);
            Tensor logits = forward(input.slice(from, to), false);
            for (int i = 0; i < to - from; i++) {
                predicted[from + i] = kernels.argmax(classes, logits.data(), logits.offset() + i * classes);
            }
        }
        return predicted;
    }

    /** Mean cross-entropy and accuracy on {@code input [n, inputShape...]} against {@code labels}; thread-safe. */
    public Evaluation evaluate(Tensor input, int[] labels) {
        int n = input.dim(0);
        if (labels.length != n) {
            throw new IllegalArgumentException("evaluate: " + n + " samples but " + labels.length + " labels");
        }
        double total = 0;
        int[] correct = new int[1];
        for (int from = 0; from < n; from += INFERENCE_CHUNK) {
            int to = Math.min(n, from + INFERENCE_CHUNK);
            Tensor logits = forward(input.slice(from, to), false);
            total += SoftmaxCrossEntropy.lossSum(logits, Arrays.copyOfRange(labels, from, to), correct);
        }
        return new Evaluation(total / n, (double) correct[0] / n);
    }

    /** The tensors a trained model consists of: every parameter value, then every layer's statistics. */
    List<Tensor> stateTensors() {
        List<Tensor> tensors = new ArrayList<>();
        for (Layer layer : layers) {
            for (Parameter p : layer.parameters()) {
                tensors.add(p.value());
            }
        }
        for (Layer layer : layers) {
            tensors.addAll(layer.statistics().values());
        }
        return tensors;
    }

    /**
     * A snapshot of the model's state: one array per parameter (layer by layer), then one per statistic
     * (BatchNorm running mean and variance). Use with {@link #setWeights} to keep the best model or to ablate.
     */
    public float[][] copyWeights() {
        List<Tensor> tensors = stateTensors();
        float[][] copy = new float[tensors.size()][];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = tensors.get(i).toArray();
        }
        return copy;
    }

    /** Restores a snapshot taken by {@link #copyWeights()} of a model with the same architecture. */
    public void setWeights(float[][] weights) {
        List<Tensor> tensors = stateTensors();
        if (weights.length != tensors.size()) {
            throw new IllegalArgumentException("setWeights: expected " + tensors.size() + " arrays but got "
                    + weights.length);
        }
        for (int i = 0; i < weights.length; i++) {
            if (weights[i].length != tensors.get(i).size()) {
                throw new IllegalArgumentException("setWeights: array " + i + " has " + weights[i].length
                        + " elements but the model's tensor " + Arrays.toString(tensors.get(i).shape()) + " has "
                        + tensors.get(i).size());
            }
        }
        for (int i = 0; i < weights.length; i++) {
            Tensor t = tensors.get(i);
            System.arraycopy(weights[i], 0, t.data(), t.offset(), t.size());
        }
    }

    /** Number of trainable parameters (elements). */
    public long trainableParameterCount() {
        long n = 0;
        for (Parameter p : parameters()) {
            n += p.size();
        }
        return n;
    }

    /** Number of non-trainable elements (BatchNorm running statistics). */
    public long nonTrainableParameterCount() {
        long n = 0;
        for (Layer layer : layers) {
            for (Tensor t : layer.statistics().values()) {
                n += t.size();
            }
        }
        return n;
    }

    /**
     * A Keras-style table: one row per layer with its name and type, per-sample output shape and number of
     * parameters, then the totals (BatchNorm running statistics count as non-trainable, as in Keras), then what
     * runs fused. A layer that runs inside the one before it is marked {@code "runs inside conv2d_1"}:
     * <pre>
     * conv2d_1 (Conv2D)                  32x26x26                  320
     * relu_1 (ReLU)                      32x26x26                    0  runs inside conv2d_1
     * ...
     * Fused: conv2d_1 + relu_1, conv2d_2 + relu_2, conv2d_3 + relu_3 (withFusion(false) runs every layer itself)
     * </pre>
     * and, for a model with a BatchNorm right after a Conv2D or Dense, the pairs folded at inference
     * ({@code Folded at inference: conv2d_1 + batchnorm_1, ...}).
     */
    public String summary() {
        String rule = "-".repeat(64);
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Model: Sequential, input %s\n", shapeText(inputShape)));
        sb.append("=".repeat(64)).append('\n');
        sb.append(String.format(Locale.ROOT, "%-34s %-16s %12s\n", "Layer (type)", "Output shape", "Params"));
        sb.append("=".repeat(64)).append('\n');
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            long params = 0;
            for (Parameter p : layer.parameters()) {
                params += p.size();
            }
            for (Tensor t : layer.statistics().values()) {
                params += t.size();
            }
            sb.append(String.format(Locale.ROOT, "%-34s %-16s %,12d", layer.name() + " (" + layer.type() + ")",
                    shapeText(layer.outputShape()), params));
            if (i > 0 && fused[i - 1]) {
                sb.append("  runs inside ").append(layers.get(i - 1).name());
            }
            sb.append('\n');
        }
        sb.append(rule).append('\n');
        long trainable = trainableParameterCount();
        long fixed = nonTrainableParameterCount();
        sb.append(String.format(Locale.ROOT, "Total params: %,d\n", trainable + fixed));
        sb.append(String.format(Locale.ROOT, "Trainable params: %,d\n", trainable));
        sb.append(String.format(Locale.ROOT, "Non-trainable params: %,d\n", fixed));
        List<FusedPair> pairs = fusedPairs();
        if (!fusionEnabled) {
            sb.append("Fused: none (teaching mode, withFusion(false): every layer runs its own forward and backward)\n");
        } else if (pairs.isEmpty()) {
            sb.append("Fused: none\n");
        } else {
            sb.append("Fused: ").append(joined(pairs)).append(" (withFusion(false) runs every layer itself)\n");
        }
        if (!folds.isEmpty()) {
            sb.append("Folded at inference: ").append(joined(folds))
                    .append(" (withFusion(false) runs every layer itself)\n");
        }
        return sb.toString();
    }

    private static String joined(List<FusedPair> pairs) {
        StringBuilder list = new StringBuilder();
        for (FusedPair pair : pairs) {
            list.append(list.length() == 0 ? "" : ", ").append(pair);
        }
        return list.toString();
    }

    static String shapeText(int[] shape) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : "x").append(shape[i]);
        }
        return sb.toString();
    }

    /**
     * Writes the model (architecture, seed, weights, BatchNorm statistics) to {@code file} atomically: a temporary
     * file in the same folder is written, then moved over {@code file}. See {@link ModelFile} for the format.
     */
    public void save(Path file) throws IOException {
        ModelFile.save(this, file);
    }

    /**
     * Writes the model as an ONNX model (opset 13) for inference, atomically as {@link #save} does: input
     * {@code input [batch, inputShape...]}, output {@code logits}; Dropout is left out and BatchNorm uses its running
     * statistics. See {@link OnnxExport} for what each layer becomes.
     *
     * <pre>{@code
     * model.exportOnnx(Path.of("weft.onnx"));   // then e.g. ONNX Runtime serves it
     * }</pre>
     */
    public void exportOnnx(Path file) throws IOException {
        OnnxExport.write(this, file);
    }

    /**
     * Reads an ONNX model made of operators Weft can run (Conv, Relu, MaxPool, BatchNormalization, Flatten,
     * Reshape, a Transpose before a flatten, Gemm, MatMul + Add, GlobalAveragePool, a final Softmax, which is
     * dropped, Dropout, Identity; see {@link OnnxImport}).
     *
     * @throws ModelFormatException naming the file and the node, for a malformed file or an operator or attribute
     *                              Weft cannot run
     */
    public static Sequential importOnnx(Path file) throws IOException {
        return OnnxImport.read(file);
    }

    /**
     * Reads a model written by {@link #save}.
     *
     * @throws ModelFormatException if the file is not a Weft model, has another format version, is truncated,
     *                              fails its checksum, or describes layers or shapes that do not fit together
     */
    public static Sequential load(Path file) throws IOException {
        return ModelFile.load(file);
    }
}
