package dev.weft.benchmarks;

import dev.weft.core.conv.ConvGeometry;
import dev.weft.core.conv.Convolution;
import dev.weft.core.conv.ConvolutionPlan;
import dev.weft.core.Parallel;
import dev.weft.core.Tensor;
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
 * The reference CNN's three convolutions and two of the weft CNN's: 32 -> 32 channels on 26x26, whose forward pass and
 * input gradient read their operands in place, and 32 -> 64 on 12x12, whose input gradient does (batch 64, 3x3
 * kernels, valid padding, stride 1), forward and backward, on 1 or 2 threads. The {@code gflop} counter reads as GFLOP/s: forward does {@link ConvGeometry#forwardFlops()}, backward
 * twice that (the weight gradient and the input gradient are each one product of the forward's size).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Benchmark)
public class Conv2dBenchmark {

    /** {@code inChannels x size x size -> outChannels}. */
    @Param({"1x28x28-32", "32x13x13-64", "64x5x5-128", "32x26x26-32", "32x12x12-64", "64x10x10-64"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    /**
     * {@code chosen}: the paths {@link ConvolutionPlan#choose} picks; or the chosen plan with some passes forced, as
     * {@code forward=GEMM}, {@code weight=IN_PLACE}, {@code input=GEMM_COL2IM}, {@code group=1}, joined by {@code +}, applied in order (e.g.
     * {@code forward=GEMM+input=IN_PLACE}, {@code group=1+weight=IN_PLACE}), to time one path against another in the same run. A path that cannot
     * run the shape fails the trial.
     */
    @Param({"chosen"})
    public String paths;

    private ConvGeometry geometry;
    private Convolution convolution;
    private Tensor input;
    private Tensor weights;
    private Tensor bias;
    private Tensor output;
    private Tensor dOutput;
    private Tensor dInput;
    private Tensor dWeights;
    private Tensor dBias;

    @Setup(Level.Trial)
    public void setUp() {
        Parallel.setThreads(threads);
        String[] parts = shape.split("[x-]");
        int in = Integer.parseInt(parts[0]);
        int size = Integer.parseInt(parts[1]);
        int out = Integer.parseInt(parts[3]);
        geometry = ConvGeometry.valid(64, in, size, size, out, 3, 3, 1);
        convolution = new Convolution(geometry, plan(ConvolutionPlan.choose(geometry), paths));
        input = Tensor.uniform(new int[] {64, in, size, size}, 0f, 1f, 1L);
        weights = Tensor.uniform(new int[] {out, in, 3, 3}, -0.1f, 0.1f, 2L);
        bias = Tensor.zeros(out);
        output = Tensor.zeros(64, out, geometry.outHeight(), geometry.outWidth());
        dOutput = Tensor.uniform(output.shape(), -1f, 1f, 3L);
        dInput = Tensor.zeros(input.shape());
        dWeights = Tensor.zeros(weights.shape());
        dBias = Tensor.zeros(out);
    }

    @Benchmark
    public void forward(FlopCounters.Flops flops, FlopCounters.CpuTime cpu, Blackhole bh) {
        long start = FlopCounters.cpuNow();
        convolution.forward(input, weights, bias, output);
        FlopCounters.record(flops, cpu, start, 1e-9 * geometry.forwardFlops());
        bh.consume(output);
    }

    @Benchmark
    public void backward(FlopCounters.Flops flops, FlopCounters.CpuTime cpu, Blackhole bh) {
        long start = FlopCounters.cpuNow();
        convolution.backward(input, weights, dOutput, dInput, dWeights, dBias);
        FlopCounters.record(flops, cpu, start, 2e-9 * geometry.forwardFlops());
        bh.consume(dInput);
    }

    /** {@code chosen} with the passes {@code spec} forces (see {@link #paths}). */
    static ConvolutionPlan plan(ConvolutionPlan chosen, String spec) {
        ConvolutionPlan plan = chosen;
        if (spec.equals("chosen")) {
            return plan;
        }
        for (String part : spec.split("\\+")) {
            String[] pass = part.split("=", 2);
            if (pass.length != 2) {
                throw new IllegalArgumentException("paths: expected chosen or PASS=PATH joined by +, was " + spec);
            }
            switch (pass[0]) {
                case "forward" -> plan = plan.withForward(ConvolutionPlan.ForwardPath.valueOf(pass[1]));
                case "weight" -> plan = plan.withWeightGradient(ConvolutionPlan.WeightGradientPath.valueOf(pass[1]));
                case "input" -> plan = plan.withInputGradient(ConvolutionPlan.InputGradientPath.valueOf(pass[1]));
                case "group" -> plan = new ConvolutionPlan(plan.geometry(), plan.forward(), plan.weightGradient(),
                        plan.inputGradient(), Integer.parseInt(pass[1]));
                default -> throw new IllegalArgumentException("paths: expected forward, weight, input or group, not "
                        + pass[0]);
            }
        }
        return plan;
    }
}
