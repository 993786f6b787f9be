package dev.weft.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The counters the kernel benchmarks report beside JMH's own score: GFLOP/s of wall time, and GFLOP and CPU time
 * of the benchmark thread, from which a reader gets the rate while the thread actually ran (meaningful for one
 * thread only: the pool's workers are not counted). Used by {@link GemmBenchmark} and {@link Conv2dBenchmark}.
 */
public final class FlopCounters {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private FlopCounters() {
    }

    /** GFLOP done, normalised by JMH per second: reads as GFLOP/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Flops {
        public double gflop;
    }

    /**
     * CPU time of the benchmark thread (milliseconds) and GFLOP done, summed per iteration. On a shared, loaded
     * machine {@code cpuGflop / (cpuMs / 1000)} is the rate while this thread actually ran.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class CpuTime {
        public double cpuMs;
        public double cpuGflop;
    }

    /** CPU time of the calling thread, in nanoseconds: pass it back to {@link #record}. */
    static long cpuNow() {
        return THREADS.getCurrentThreadCpuTime();
    }

    /** Adds one operation of {@code gflop} GFLOP that started at CPU time {@code startCpu} to both counters. */
    static void record(Flops flops, CpuTime cpu, long startCpu, double gflop) {
        cpu.cpuMs += (THREADS.getCurrentThreadCpuTime() - startCpu) * 1e-6;
        cpu.cpuGflop += gflop;
        flops.gflop += gflop;
    }
}
