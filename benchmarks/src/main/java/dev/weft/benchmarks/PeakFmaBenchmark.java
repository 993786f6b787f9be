package dev.weft.benchmarks;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's fp32 FMA peak as Java sees it: sixteen independent {@code FloatVector.fma} chains on registers (no
 * memory traffic), the ceiling any kernel of Weft is compared with. It is the one class outside
 * {@code VectorKernels} that uses the Vector API: it measures the machine, not Weft. Run it with {@code -t 1} and
 * {@code -t 2} (one JMH thread per core); the score is GFLOP/s, summed over the JMH threads (divide by the
 * thread count for one core's peak).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar PeakFmaBenchmark -t 2
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class PeakFmaBenchmark {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Steps per call: each does 16 FMAs of S.length() lanes, 2 flops per lane. */
    private static final int STEPS = 1 << 20;

    public float x = 1f;

    /** GFLOP per call, so that JMH's calls per second times this reads as GFLOP/s. */
    public static double gflopPerCall() {
        return 2.0 * 16 * S.length() * STEPS * 1e-9;
    }

    /** One call: {@code 16 * STEPS} vector FMAs; the score times {@link #gflopPerCall()} is GFLOP/s. */
    @Benchmark
    public float fmaChains(FlopCounters.Flops flops) {
        flops.gflop += gflopPerCall();
        return chains(x);
    }

    /** {@code 16 * STEPS} vector FMAs in sixteen independent chains, {@link #gflopPerCall()} GFLOP. */
    static float chains(float x) {
        FloatVector a = FloatVector.broadcast(S, x);
        FloatVector b = FloatVector.broadcast(S, 0.999f);
        FloatVector c0 = a, c1 = a.add(1), c2 = a.add(2), c3 = a.add(3);
        FloatVector c4 = a.add(4), c5 = a.add(5), c6 = a.add(6), c7 = a.add(7);
        FloatVector c8 = a.add(8), c9 = a.add(9), c10 = a.add(10), c11 = a.add(11);
        FloatVector c12 = a.add(12), c13 = a.add(13), c14 = a.add(14), c15 = a.add(15);
        for (int i = 0; i < STEPS; i++) {
            c0 = c0.fma(b, a); c1 = c1.fma(b, a); c2 = c2.fma(b, a); c3 = c3.fma(b, a);
            c4 = c4.fma(b, a); c5 = c5.fma(b, a); c6 = c6.fma(b, a); c7 = c7.fma(b, a);
            c8 = c8.fma(b, a); c9 = c9.fma(b, a); c10 = c10.fma(b, a); c11 = c11.fma(b, a);
            c12 = c12.fma(b, a); c13 = c13.fma(b, a); c14 = c14.fma(b, a); c15 = c15.fma(b, a);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .add(c12).add(c13).add(c14).add(c15).reduceLanes(VectorOperators.ADD);
    }

    /**
     * The FMA peak of {@code threads} cores together, in GFLOP/s, for a program that reports a share of the peak
     * measured in its own minutes (see {@link TrainThroughput}): the chains run on that many plain threads at once
     * for a warm-up of about {@code seconds}, then four windows of a quarter of that, and each thread keeps its best
     * window (a peak is what the cores give when nothing interrupts them).
     */
    static double measure(int threads, double seconds) throws InterruptedException {
        double[] best = new double[threads];
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers[t] = new Thread(() -> {
                float sink = 0;
                long warmUpEnd = System.nanoTime() + (long) (seconds * 1e9);
                while (System.nanoTime() < warmUpEnd) {
                    sink += chains(1f + sink * 1e-30f);
                }
                for (int window = 0; window < 4; window++) {
                    long start = System.nanoTime();
                    long calls = 0;
                    do {
                        sink += chains(1f + sink * 1e-30f);
                        calls++;
                    } while (System.nanoTime() - start < seconds * 0.25e9);
                    best[id] = Math.max(best[id], calls * gflopPerCall() / ((System.nanoTime() - start) * 1e-9));
                }
            });
            workers[t].start();
        }
        double total = 0;
        for (int t = 0; t < threads; t++) {
            workers[t].join();
            total += best[t];
        }
        return total;
    }
}
