package dev.weft.benchmarks;

import dev.weft.core.Tensor;
import dev.weft.core.simd.Kernels;
import dev.weft.core.simd.ScalarKernels;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Element-wise kernels and reductions, SIMD ({@link Kernels#get()}) against the scalar twin, on {@code n} floats
 * (64 KiB and 1 MiB of data per operand: L2-resident and not). Scores are calls per millisecond.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Benchmark)
public class ElementwiseBenchmark {

    @Param({"16384", "262144"})
    public int n;

    @Param({"simd", "scalar"})
    public String impl;

    private Kernels kernels;
    private float[] x;
    private float[] y;
    private float[] out;

    @Setup
    public void setUp() {
        kernels = impl.equals("simd") ? Kernels.get() : new ScalarKernels();
        x = Tensor.uniform(new int[] {n}, -1f, 1f, 1L).data();
        y = Tensor.uniform(new int[] {n}, -1f, 1f, 2L).data();
        out = new float[n];
    }

    @Benchmark
    public float[] relu() {
        kernels.relu(n, x, 0, out, 0);
        return out;
    }

    @Benchmark
    public float[] axpy() {
        kernels.axpy(n, 1e-6f, x, 0, out, 0);
        return out;
    }

    @Benchmark
    public float[] affine() {
        kernels.affine(n, x, 0, 1.5f, -0.25f, out, 0);
        return out;
    }

    @Benchmark
    public float dot() {
        return kernels.dot(n, x, 0, y, 0);
    }

    @Benchmark
    public float sum() {
        return kernels.sum(n, x, 0);
    }

    @Benchmark
    public int argmax() {
        return kernels.argmax(n, x, 0);
    }

    @Benchmark
    public float expShifted() {
        return kernels.expShifted(n, x, 0, 1f, out, 0);
    }
}
