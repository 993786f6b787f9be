package dev.weft.benchmarks;

import dev.weft.core.Gemm;
import dev.weft.core.Parallel;
import dev.weft.core.Tensor;
import dev.weft.core.simd.Kernels;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Square SGEMM {@code C = A * B} (no transposes, beta = 0) through {@link Gemm#sgemm}, on 1 or 2 threads.
 *
 * <p>The {@code gflop} counter reads directly as GFLOP/s ({@code 2 * size^3} flops per call); compare it with the
 * machine's fp32 FMA peak measured in the same minutes ({@link PeakFmaBenchmark}). Run, for example:
 * <pre>{@code
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar GemmBenchmark -wi 3 -i 5 -f 1
 * }</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Benchmark)
public class GemmBenchmark {

    @Param({"64", "128", "256", "512", "1024"})
    public int size;

    @Param({"1", "2"})
    public int threads;

    private float[] a;
    private float[] b;
    private float[] c;

    @Setup(Level.Trial)
    public void setUp() {
        Parallel.setThreads(threads);
        a = Tensor.uniform(new int[] {size, size}, -1f, 1f, 1L).data();
        b = Tensor.uniform(new int[] {size, size}, -1f, 1f, 2L).data();
        c = new float[size * size];
        System.out.println("# kernels: " + Kernels.get().name() + ", threads: " + Parallel.threads());
    }

    @Benchmark
    public void sgemm(FlopCounters.Flops flops, FlopCounters.CpuTime cpu, Blackhole bh) {
        long start = FlopCounters.cpuNow();
        Gemm.sgemm(false, false, size, size, size, 1f, a, 0, size, b, 0, size, 0f, c, 0, size);
        FlopCounters.record(flops, cpu, start, 2e-9 * size * size * size);
        bh.consume(c);
    }
}
