package dev.weft.layers;

import dev.weft.core.Parallel;
import dev.weft.core.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * The inference pass of a {@link Sequential}: {@code forward(x, false)}, {@code predict}, {@code evaluate}.
 *
 * <p><b>Steps.</b> The layers run as a list of steps fixed when the model is built or its fusion switched: a layer
 * on its own, a {@link Fusable} layer with the ReLU it absorbs (the same pairs as training), and, with fusion on, a
 * {@link Conv2D} or {@link Dense} with the {@link BatchNorm} after it folded into it (and the ReLU after that, if
 * any; see {@link FoldedBatchNorm}).
 *
 * <p><b>Batch split.</b> When the batch has at least {@value #MIN_ITEMS_PER_THREAD} items per thread of
 * {@link Parallel}, it is cut into one contiguous slice per thread (sizes differ by at most one item) and each
 * thread runs the whole list of steps on its slice; the parallel loops inside the layers then run on that thread
 * ({@link Parallel} does not nest). This saves a wait for the pool after every layer and keeps each slice's
 * activations in its core's cache. Every layer computes each item from that item alone, in an order that does not
 * depend on the batch around it, so a split gives the same bits as one pass over the whole batch. The rule depends
 * only on the batch and thread counts, never on the machine's speed: since slices differ by at most one item, with
 * at least four items each the busiest thread has at most a quarter more work than the least busy; below that, the
 * per-layer loops, which also split channels and rows, balance the threads better.
 *
 * <p>A thread sees at most two slice sizes per batch size, so the per-thread scratch of the layers
 * ({@link ThreadScratch}, a few batch sizes per thread) holds a full batch's slices and a tail's without being
 * rebuilt from call to call.
 */
final class InferenceRunner {
    /** Least number of items per thread for which the batch is split over threads. */
    static final int MIN_ITEMS_PER_THREAD = 4;

    /** One inference step: one layer, or a few that run as one. */
    @FunctionalInterface
    interface Step {
        Tensor forward(Tensor input);
    }

    private final List<Step> steps;
    /** The output {@code [batch, outputShape...]} of a split batch, per calling thread. */
    private final ThreadScratch<Tensor> outputs;

    /**
     * Steps for {@code layers}: {@code fused[i]} says that layer {@code i} runs layer {@code i + 1} inside it, and
     * {@code folds} lists the Conv2D or Dense layers whose following BatchNorm (and the ReLU after that, if any)
     * is folded into them.
     */
    InferenceRunner(List<Layer> layers, boolean[] fused, List<Sequential.FusedPair> folds) {
        List<Step> list = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < layers.size(); i = next) {
            Layer layer = layers.get(i);
            if (folds.stream().anyMatch(pair -> pair.layer() == layer)) {
                BatchNorm batchNorm = (BatchNorm) layers.get(i + 1);
                boolean relu = i + 2 < layers.size() && layers.get(i + 2) instanceof ReLU;
                list.add(new FoldedBatchNorm(layer, batchNorm, relu));
                next = i + (relu ? 3 : 2);
            } else if (fused[i]) {
                Fusable fusable = (Fusable) layer;
                list.add(x -> fusable.forwardFused(x, false));
                next = i + 2;
            } else {
                list.add(x -> layer.forward(x, false));
                next = i + 1;
            }
        }
        this.steps = List.copyOf(list);
        int[] outputShape = layers.get(layers.size() - 1).outputShape();
        this.outputs = new ThreadScratch<>(batch -> Tensor.zeros(AbstractLayer.withBatch(batch, outputShape)));
    }

    /** How many slices a batch of {@code batch} items is cut into with {@code threads} threads (1: not cut). */
    static int slices(int batch, int threads) {
        return threads > 1 && batch >= MIN_ITEMS_PER_THREAD * threads ? threads : 1;
    }

    /** First item of slice {@code s} of {@code slices}: sizes differ by at most one item. */
    static int sliceStart(int batch, int slices, int s) {
        return (int) ((long) batch * s / slices);
    }

    /** The logits of {@code input}, split over threads when {@link #slices} says so. */
    Tensor forward(Tensor input) {
        int batch = input.dim(0);
        int slices = slices(batch, Parallel.threads());
        if (slices == 1) {
            return forwardWhole(input);
        }
        Tensor output = outputs.forBatch(batch);
        int sampleSize = output.size() / batch;
        Parallel.forRange(slices, 1, (from, to) -> {
            for (int s = from; s < to; s++) {
                int first = sliceStart(batch, slices, s);
                Tensor y = forwardWhole(input.slice(first, sliceStart(batch, slices, s + 1)));
                System.arraycopy(y.data(), y.offset(), output.data(), output.offset() + first * sampleSize,
                        y.size());
            }
        });
        return output;
    }

    /** Every step on the whole of {@code input}, on this thread (each layer's own loops may use the pool). */
    Tensor forwardWhole(Tensor input) {
        Tensor x = input;
        for (Step step : steps) {
            x = step.forward(x);
        }
        return x;
    }
}
