package dev.weft.core;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one shared, bounded thread pool of Weft. Work is split over independent items (output rows, batch items),
 * never over the order of a reduction, so results are bit-identical whatever the thread count.
 *
 * <p>The number of threads defaults to {@link Runtime#availableProcessors()}; override it with the system
 * property {@code weft.threads} or {@link #setThreads(int)}.
 */
public final class Parallel {

    /** Body of a parallel loop over the half-open range {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    private static volatile int threads = initialThreads();
    private static volatile ExecutorService pool;

    private Parallel() {
    }

    private static int initialThreads() {
        String value = System.getProperty("weft.threads");
        if (value != null && !value.isBlank()) {
            try {
                return Math.max(1, Integer.parseInt(value.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("-Dweft.threads must be a positive integer, was '" + value + "'", e);
            }
        }
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** How many threads parallel loops use. */
    public static int threads() {
        return threads;
    }

    /** Sets how many threads parallel loops use (at least 1); takes effect for the next loop. */
    public static synchronized void setThreads(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("thread count must be at least 1, was " + count);
        }
        if (count != threads) {
            threads = count;
            if (pool != null) {
                pool.shutdown();
                pool = null;
            }
        }
    }

    private static synchronized ExecutorService pool() {
        if (pool == null) {
            AtomicInteger counter = new AtomicInteger();
            ThreadFactory factory = r -> {
                Thread t = new Thread(r, "weft-worker-" + counter.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
            pool = Executors.newFixedThreadPool(threads, factory);
        }
        return pool;
    }

    private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> false);

    /**
     * Runs {@code body} over {@code [0, count)} split into at most {@link #threads()} contiguous chunks whose
     * sizes are multiples of {@code grain} (except the last). Runs inline when one thread suffices or when
     * called from inside another parallel loop (no nested parallelism, no deadlock).
     */
    public static void forRange(int count, int grain, RangeBody body) {
        if (count <= 0) {
            return;
        }
        int g = Math.max(1, grain);
        int units = (count + g - 1) / g;
        int parts = Math.min(threads, units);
        if (parts <= 1 || INSIDE.get()) {
            body.run(0, count);
            return;
        }
        Future<?>[] futures = new Future<?>[parts - 1];
        ExecutorService executor = pool();
        for (int p = 1; p < parts; p++) {
            int from = Math.min(count, (int) ((long) units * p / parts) * g);
            int to = Math.min(count, (int) ((long) units * (p + 1) / parts) * g);
            futures[p - 1] = executor.submit(() -> {
                INSIDE.set(true);
                try {
                    body.run(from, to);
                } finally {
                    INSIDE.set(false);
                }
            });
        }
        Throwable failure = null;
        INSIDE.set(true);
        try {
            body.run(0, Math.min(count, (int) ((long) units / parts) * g));
        } catch (Throwable t) {
            failure = t;
        } finally {
            INSIDE.set(false);
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }
}
