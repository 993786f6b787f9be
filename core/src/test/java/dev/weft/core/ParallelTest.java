package dev.weft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shared pool: every index once, chunks of whole grains claimed by whichever thread is free, failures and
 * nesting, concurrent callers.
 */
class ParallelTest {
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    @ParameterizedTest(name = "threads={0} count={1} grain={2}")
    @CsvSource({"1, 10, 1", "2, 1, 1", "2, 2, 1", "2, 17, 4", "3, 100, 7", "4, 5, 1", "2, 1000, 1000"})
    void everyIndexIsVisitedOnceInChunksOfWholeGrains(int threads, int count, int grain) {
        Parallel.setThreads(threads);
        for (int round = 0; round < 50; round++) {   // many loops in a row: the pool's threads are reused
            AtomicIntegerArray visits = new AtomicIntegerArray(count);
            List<int[]> chunks = java.util.Collections.synchronizedList(new ArrayList<>());
            Parallel.forRange(count, grain, (from, to) -> {
                chunks.add(new int[] {from, to});
                for (int i = from; i < to; i++) {
                    visits.incrementAndGet(i);
                }
            });
            for (int i = 0; i < count; i++) {
                assertThat(visits.get(i)).as("visits of %d in round %d", i, round).isEqualTo(1);
            }
            assertThat(chunks.size()).isBetween(1, threads * Parallel.CHUNKS_PER_THREAD);
            for (int[] chunk : chunks) {
                assertThat(chunk[0] % grain).as("chunk start").isZero();
            }
        }
    }

    @ParameterizedTest(name = "failing chunk {0}")
    @ValueSource(ints = {0, 1})
    void aFailureInAnyChunkReachesTheCallerAndThePoolStaysUsable(int failingChunk) {
        Parallel.setThreads(2);
        assertThatThrownBy(() -> Parallel.forRange(2, 1, (from, to) -> {
            if (from == failingChunk) {
                throw new IllegalStateException("chunk " + from);
            }
        })).isInstanceOf(IllegalStateException.class).hasMessage("chunk " + failingChunk);
        AtomicIntegerArray visits = new AtomicIntegerArray(2);
        Parallel.forRange(2, 1, (from, to) -> visits.incrementAndGet(from));
        assertThat(visits.get(0) + visits.get(1)).isEqualTo(2);
    }

    @ParameterizedTest(name = "first chunk sleeps {0} ms")
    @ValueSource(ints = {0, 5})
    void whenSeveralChunksFailTheFirstChunksFailureIsThrownWhateverFinishesFirst(int sleepMillis) {
        Parallel.setThreads(2);
        assertThatThrownBy(() -> Parallel.forRange(2, 1, (from, to) -> {
            if (from == 0 && sleepMillis > 0) {
                try {
                    Thread.sleep(sleepMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            throw new IllegalStateException("chunk " + from);
        })).isInstanceOf(IllegalStateException.class).hasMessage("chunk 0");
    }

    @Test
    void aThreadHeldUpLeavesItsLaterChunksToTheOthers() throws InterruptedException {
        // Whoever claims chunk 0 waits until every other chunk is done: only the other thread can do them, which
        // it can only if chunks are claimed one at a time (a fixed half each would leave it 7 of them).
        Parallel.setThreads(2);
        int count = 2 * Parallel.CHUNKS_PER_THREAD;
        CountDownLatch othersDone = new CountDownLatch(count - 1);
        AtomicIntegerArray visits = new AtomicIntegerArray(count);
        boolean[] released = new boolean[1];
        Parallel.forRange(count, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                visits.incrementAndGet(i);
                if (i == 0) {
                    try {
                        released[0] = othersDone.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                } else {
                    othersDone.countDown();
                }
            }
        });
        assertThat(released[0]).as("the other thread did every other chunk").isTrue();
        for (int i = 0; i < count; i++) {
            assertThat(visits.get(i)).as("visits of %d", i).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {2, 3})
    void aLoopInsideALoopRunsOnTheThreadThatCalledIt(int threads) {
        Parallel.setThreads(threads);
        Set<String> mismatches = ConcurrentHashMap.newKeySet();
        AtomicIntegerArray visits = new AtomicIntegerArray(6 * 10);
        Parallel.forRange(6, 1, (from, to) -> {
            for (int outer = from; outer < to; outer++) {
                int row = outer;
                Thread caller = Thread.currentThread();
                Parallel.forRange(10, 1, (f, t) -> {
                    if (Thread.currentThread() != caller) {
                        mismatches.add(row + ":" + f);
                    }
                    for (int i = f; i < t; i++) {
                        visits.incrementAndGet(row * 10 + i);
                    }
                });
            }
        });
        assertThat(mismatches).isEmpty();
        for (int i = 0; i < 60; i++) {
            assertThat(visits.get(i)).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "callers={0}")
    @ValueSource(ints = {2, 4})
    void loopsStartedFromSeveralThreadsAtOnceAllComplete(int callers) throws InterruptedException {
        Parallel.setThreads(2);
        AtomicIntegerArray visits = new AtomicIntegerArray(callers * 1000);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
            int base = c * 1000;
            threads.add(new Thread(() -> {
                for (int round = 0; round < 100; round++) {
                    int start = base + round * 10;
                    Parallel.forRange(10, 1, (from, to) -> {
                        for (int i = from; i < to; i++) {
                            visits.incrementAndGet(start + i);
                        }
                    });
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(30_000);
            assertThat(t.isAlive()).as("a caller is stuck").isFalse();
        }
        for (int i = 0; i < visits.length(); i++) {
            assertThat(visits.get(i)).as("visits of %d", i).isEqualTo(1);
        }
    }

    @Test
    void theThreadsPropertyTakesZeroForAllCoresUpToFourPerCore() {
        assertThat(Parallel.threadsProperty(null)).isEqualTo(Parallel.allCores());
        assertThat(Parallel.threadsProperty(" ")).isEqualTo(Parallel.allCores());
        assertThat(Parallel.threadsProperty("0")).isEqualTo(Parallel.allCores());
        assertThat(Parallel.threadsProperty(" 3 ")).isEqualTo(3);
        assertThat(Parallel.threadsProperty(Integer.toString(Parallel.maxThreads()))).isEqualTo(Parallel.maxThreads());
        assertThat(Parallel.maxThreads()).isEqualTo(4 * Runtime.getRuntime().availableProcessors());
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-1", "1000000", "2.5"})
    void aBadThreadsPropertyIsAnErrorNamingIt(String value) {
        assertThatThrownBy(() -> Parallel.threadsProperty(value)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-Dweft.threads").hasMessageContaining("'" + value + "'")
                .hasMessageContaining("0 (all cores) to " + Parallel.maxThreads());
    }

    @Test
    void aThreadsPropertyAboveFourPerCoreIsRefused() {
        String tooMany = Integer.toString(Parallel.maxThreads() + 1);
        assertThatThrownBy(() -> Parallel.threadsProperty(tooMany)).isInstanceOf(IllegalArgumentException.class);
    }
}
