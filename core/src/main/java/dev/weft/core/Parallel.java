package dev.weft.core;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The one shared, bounded thread pool of Weft. Work is split over independent items (output rows, batch items),
 * never over the order of a reduction, so results are bit-identical whatever the thread count.
 *
 * <p>The number of threads defaults to {@link Runtime#availableProcessors()}; override it with the system
 * property {@code weft.threads} (0 for all cores, at most {@link #maxThreads()}: a bad value fails the class's
 * initialisation with an {@link IllegalArgumentException} naming the property) or {@link #setThreads(int)}.
 *
 * <p>A training step runs dozens of short parallel loops one after the other. Handing each to a sleeping thread
 * costs the time to wake it, which can be as long as a short loop's work, so a loop shared that way can run slower
 * on two threads than on one. The pool's threads therefore <em>spin</em> for {@value #SPIN_NANOS} ns after each
 * loop, waiting for the next one, before they sleep; the caller spins the same way while it waits for them. This
 * is what OpenMP runtimes and BLAS libraries do; the cost is up to a millisecond of busy CPU after the last loop of
 * a burst.
 *
 * <p>The calling thread claims chunks of every loop like the pool's threads. Loops started from inside a loop,
 * or while another thread's loop holds the pool, run on the calling thread (there is no nested parallelism and
 * no deadlock), which changes nothing in the results.
 */
public final class Parallel {

    /** Body of a parallel loop over the half-open range {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    /** Chunks per thread of a loop that is long enough: enough to even out a thread held up for a while. */
    static final int CHUNKS_PER_THREAD = 8;

    /**
     * How long a thread waits busily for work (or for its helpers to finish) before it sleeps: longer than the gap
     * between two loops of a training step, short enough to give the CPU back soon after a burst.
     */
    static final long SPIN_NANOS = 1_000_000L;

    private static volatile int threads = initialThreads();
    private static Pool pool;

    private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> false);

    private Parallel() {
    }

    private static int initialThreads() {
        return threadsProperty(System.getProperty("weft.threads"));
    }

    /**
     * The thread count {@code -Dweft.threads=value} asks for: unset, blank or {@code 0} is {@link #allCores()}, else
     * a whole number up to {@link #maxThreads()}.
     *
     * @throws IllegalArgumentException naming the property if the value is not such a number
     */
    static int threadsProperty(String value) {
        if (value == null || value.isBlank()) {
            return allCores();
        }
        int count;
        try {
            count = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            count = -1;
        }
        if (count < 0 || count > maxThreads()) {
            throw new IllegalArgumentException("-Dweft.threads must be a whole number from 0 (all cores) to "
                    + maxThreads() + " (four per core), was '" + value + "'");
        }
        return count == 0 ? allCores() : count;
    }

    /** The number of cores the JVM may use, the default thread count. */
    public static int allCores() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /**
     * The most threads the command line and {@code -Dweft.threads} accept: four per core. More only add switching;
     * the loops are compute-bound.
     */
    public static int maxThreads() {
        return 4 * allCores();
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
                pool.close();
                pool = null;
            }
        }
    }

    private static synchronized Pool pool() {
        if (pool == null) {
            pool = new Pool(threads - 1);
        }
        return pool;
    }

    /**
     * Runs {@code body} over {@code [0, count)} in chunks whose sizes are whole multiples of {@code grain}
     * (except the last). The chunks are claimed in increasing order, one at a time, by whichever thread is free:
     * there are up to {@value #CHUNKS_PER_THREAD} per thread, so a thread the machine holds up (a virtual CPU
     * that loses its time slice) leaves its later chunks to the others instead of making everyone wait for a
     * fixed share. Bodies must not depend on where the range is cut. Runs inline when one thread suffices or
     * when called from inside another parallel loop (no nested parallelism, no deadlock).
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
        Pool p = pool();
        if (!p.busy.compareAndSet(false, true)) {
            body.run(0, count);   // another thread's loop holds the pool: same results, on this thread
            return;
        }
        try {
            parts = Math.min(parts, p.workers.length + 1);
            int chunkUnits = (units + parts * CHUNKS_PER_THREAD - 1) / (parts * CHUNKS_PER_THREAD);
            p.run(new Job(body, count, (long) g * chunkUnits, parts));
        } finally {
            p.busy.set(false);
        }
    }

    /** One parallel loop: {@code parts} threads claim its chunks of {@code chunk} items in order. */
    private static final class Job {
        final RangeBody body;
        final int count;
        final long chunk;
        final int parts;
        /** The next chunk to claim. */
        final AtomicInteger nextChunk = new AtomicInteger();
        /** Parts not finished yet by the pool's threads (the caller's own part is not counted). */
        final AtomicInteger remaining;
        /**
         * What each chunk threw, if anything; the caller rethrows the first in chunk order (not in time order).
         * A thread whose chunk fails claims no more, so the lowest failing chunk has always run: every chunk below
         * the last one claimed has been.
         */
        final Throwable[] failures;

        Job(RangeBody body, int count, long chunk, int parts) {
            this.body = body;
            this.count = count;
            this.chunk = chunk;
            this.parts = parts;
            this.remaining = new AtomicInteger(parts - 1);
            this.failures = new Throwable[(int) ((count + chunk - 1) / chunk)];
        }

        /** One thread's share: chunks, claimed one at a time, until none is left or one fails. */
        void runPart() {
            for (int c = nextChunk.getAndIncrement(); c < failures.length; c = nextChunk.getAndIncrement()) {
                long from = c * chunk;
                try {
                    body.run((int) from, (int) Math.min(count, from + chunk));
                } catch (Throwable t) {
                    failures[c] = t;   // published to the caller by the decrement of remaining that follows
                    return;
                }
            }
        }
    }

    /** The pool's threads and the one job they work on. */
    private static final class Pool {
        final Thread[] workers;
        /** Whether worker {@code i} is asleep (or about to be) and needs waking. */
        final AtomicBoolean[] sleeping;
        final AtomicBoolean busy = new AtomicBoolean();
        volatile Job job;
        volatile boolean closed;
        /** The caller of the current job, when it sleeps waiting for the workers. */
        volatile Thread waitingCaller;
        /**
         * How long to spin: {@link #SPIN_NANOS}, or nothing when there are more threads than processors (a spinning
         * thread would then take the CPU from one with work to do).
         */
        final long spinNanos;

        Pool(int size) {
            spinNanos = size + 1 <= Runtime.getRuntime().availableProcessors() ? SPIN_NANOS : 0L;
            workers = new Thread[size];
            sleeping = new AtomicBoolean[size];
            for (int i = 0; i < size; i++) {
                int part = i + 1;
                sleeping[i] = new AtomicBoolean();
                workers[i] = new Thread(() -> work(part), "weft-worker-" + part);
                workers[i].setDaemon(true);
                workers[i].start();
            }
        }

        /** Runs {@code j}: workers 1 to {@code parts - 1} and the caller claim chunks, then it waits for all. */
        void run(Job j) {
            job = j;
            for (int i = 0; i < j.parts - 1; i++) {
                if (sleeping[i].get()) {
                    LockSupport.unpark(workers[i]);
                }
            }
            INSIDE.set(true);
            try {
                j.runPart();
            } finally {
                INSIDE.set(false);
            }
            long spinUntil = System.nanoTime() + spinNanos;
            while (j.remaining.get() > 0) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    waitingCaller = Thread.currentThread();
                    if (j.remaining.get() > 0) {
                        LockSupport.parkNanos(this, SPIN_NANOS);
                    }
                    waitingCaller = null;
                }
            }
            job = null;
            Throwable failure = null;
            for (Throwable t : j.failures) {
                if (t != null) {
                    failure = t;
                    break;
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

        /** The loop of worker {@code part}: wait (spinning, then asleep) for a job with a part for it, run it. */
        private void work(int part) {
            INSIDE.set(true);
            AtomicBoolean asleep = sleeping[part - 1];
            Job done = null;
            while (true) {
                Job j;
                long spinUntil = System.nanoTime() + spinNanos;
                // A job posted before close() is still run: its caller is waiting for it.
                while ((j = job) == null || j == done || j.parts <= part) {
                    if (closed) {
                        return;
                    }
                    if (System.nanoTime() < spinUntil) {
                        Thread.onSpinWait();
                    } else {
                        // Say we sleep before looking once more, so that a job posted now is seen or wakes us.
                        asleep.set(true);
                        j = job;
                        if (!closed && (j == null || j == done || j.parts <= part)) {
                            LockSupport.park(this);
                        }
                        asleep.set(false);
                        spinUntil = System.nanoTime() + spinNanos;
                    }
                }
                done = j;
                j.runPart();
                if (j.remaining.decrementAndGet() == 0) {
                    Thread caller = waitingCaller;
                    if (caller != null) {
                        LockSupport.unpark(caller);
                    }
                }
            }
        }

        void close() {
            closed = true;
            for (Thread worker : workers) {
                LockSupport.unpark(worker);
            }
        }
    }
}
