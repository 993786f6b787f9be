package dev.weft.layers;

import java.util.HashMap;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Per-thread, per-batch-size scratch for inference, so that {@code forward(x, false)} never touches the layer's
 * own fields and a trained model can predict from several threads at once. Each thread keeps at most a few batch
 * sizes (a full batch and a tail), so steady-state inference does not allocate.
 */
final class ThreadScratch<T> {
    private static final int MAX_SIZES = 4;
    private final IntFunction<T> factory;
    private final ThreadLocal<Map<Integer, T>> perThread = ThreadLocal.withInitial(HashMap::new);

    ThreadScratch(IntFunction<T> factory) {
        this.factory = factory;
    }

    /** This thread's scratch for {@code batch} items, created on first use. */
    T forBatch(int batch) {
        Map<Integer, T> cache = perThread.get();
        T scratch = cache.get(batch);
        if (scratch == null) {
            if (cache.size() >= MAX_SIZES) {
                cache.clear();
            }
            scratch = factory.apply(batch);
            cache.put(batch, scratch);
        }
        return scratch;
    }
}
