package dev.weft.benchmarks;

import dev.weft.core.Parallel;
import dev.weft.core.Pooling;
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
 * 2x2/stride-2 max pooling of the reference CNN's two pooling layers at batch 64 (input {@code [64, 32, 26, 26]},
 * 5.5 MB, and {@code [64, 64, 11, 11]}, 2 MB), forward (values and winners, as in training; values only, as in
 * inference) and backward (scatter to the winners, zeros elsewhere), on one thread. The forward pass is the {@link Kernels#maxPool2x2} kernel, SIMD
 * ({@link Kernels#get()}) against the scalar twin; the backward pass is {@link Pooling#maxBackward} (no SIMD).
 * The input is a ReLU output (half of it zeros, so many windows tie), as in training. Scores are milliseconds per
 * call, the unit of {@code TrainThroughput --profile}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Benchmark)
public class PoolingBenchmark {

    /** NCHW input shape. */
    @Param({"64x32x26x26", "64x64x11x11"})
    public String shape;

    @Param({"simd", "scalar"})
    public String impl;

    private Kernels kernels;
    private int planes;
    private int height;
    private int width;
    private Tensor input;
    private Tensor output;
    private int[] winners;
    private Tensor dOutput;
    private Tensor dInput;

    @Setup
    public void setUp() {
        Parallel.setThreads(1);
        kernels = impl.equals("simd") ? Kernels.get() : new ScalarKernels();
        String[] d = shape.split("x");
        int batch = Integer.parseInt(d[0]);
        int channels = Integer.parseInt(d[1]);
        height = Integer.parseInt(d[2]);
        width = Integer.parseInt(d[3]);
        planes = batch * channels;
        input = Tensor.uniform(new int[] {batch, channels, height, width}, -1f, 1f, 1L);
        float[] x = input.data();
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.max(x[i], 0f);
        }
        output = Tensor.zeros(batch, channels, height / 2, width / 2);
        winners = new int[output.size()];
        dOutput = Tensor.uniform(output.shape(), -1f, 1f, 2L);
        dInput = Tensor.zeros(input.shape());
        Pooling.maxForward(input, 2, 2, output, winners);
    }

    @Benchmark
    public Tensor forward() {
        kernels.maxPool2x2(planes, height, width, input.data(), 0, output.data(), 0, winners, 0, 0);
        return output;
    }

    /** The forward pass of inference: values only, no winners kept. */
    @Benchmark
    public Tensor forwardWithoutWinners() {
        kernels.maxPool2x2(planes, height, width, input.data(), 0, output.data(), 0, null, 0, 0);
        return output;
    }

    @Benchmark
    public Tensor backward() {
        Pooling.maxBackward(dOutput, winners, dInput);
        return dInput;
    }
}
