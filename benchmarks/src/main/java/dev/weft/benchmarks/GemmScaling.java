package dev.weft.benchmarks;

import dev.weft.core.Gemm;
import dev.weft.core.Parallel;
import dev.weft.core.Tensor;
import dev.weft.core.simd.Kernels;
import java.util.Arrays;
import java.util.Locale;

/**
 * How much faster two threads multiply than one: square SGEMM, one and two threads taking turns in one JVM.
 *
 * <p>On a virtual machine whose speed drifts from one minute to the next, two JMH trials run one after the
 * other (as {@link GemmBenchmark}'s {@code threads} parameter does) can land in different phases, and their
 * ratio says more about the drift than about the code. Here each turn times one thread, then two, for about a
 * tenth of a second each (after as long untimed on the same threads), so both see the same minutes; the ratio of
 * each turn is printed, then their median.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar \
 *     dev.weft.benchmarks.GemmScaling [--size 512] [--turns 20]
 * </pre>
 */
public final class GemmScaling {
    private static final String USAGE = "usage: GemmScaling [--size N] [--turns N]";
    /** Flops per timed stretch: about a tenth of a second at 150 GFLOP/s. */
    private static final double FLOPS_PER_STRETCH = 1.5e10;

    private GemmScaling() {
    }

    public static void main(String[] args) {
        int size = 512;
        int turns = 20;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(USAGE + "; " + args[i] + " needs a value");
            }
            switch (args[i]) {
                case "--size" -> size = Integer.parseInt(args[i + 1]);
                case "--turns" -> turns = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException(USAGE + "; unknown " + args[i]);
            }
        }
        if (size < 1 || turns < 1) {
            throw new IllegalArgumentException("--size and --turns must be at least 1");
        }
        float[] a = Tensor.uniform(new int[] {size, size}, -1f, 1f, 1L).data();
        float[] b = Tensor.uniform(new int[] {size, size}, -1f, 1f, 2L).data();
        float[] c = new float[size * size];
        double flops = 2.0 * size * size * size;
        int calls = (int) Math.max(1, FLOPS_PER_STRETCH / flops);
        System.out.printf(Locale.ROOT, "JDK %s, kernels %s, SGEMM %d^3, %d calls per stretch%n",
                Runtime.version(), Kernels.get().name(), size, calls);
        // Warm-up: a turn, not counted.
        gflops(1, calls, size, a, b, c);
        gflops(2, calls, size, a, b, c);
        double[] ratios = new double[turns];
        double oneSum = 0;
        double twoSum = 0;
        for (int t = 0; t < turns; t++) {
            double one = gflops(1, calls, size, a, b, c);
            double two = gflops(2, calls, size, a, b, c);
            ratios[t] = two / one;
            oneSum += one;
            twoSum += two;
            System.out.printf(Locale.ROOT, "turn %2d: 1 thread %6.1f GFLOP/s, 2 threads %6.1f, %.2fx%n",
                    t + 1, one, two, ratios[t]);
        }
        Arrays.sort(ratios);
        double median = turns % 2 == 1 ? ratios[turns / 2] : (ratios[turns / 2 - 1] + ratios[turns / 2]) / 2;
        System.out.printf(Locale.ROOT, "mean 1 thread %.1f GFLOP/s, 2 threads %.1f; median ratio %.2fx "
                + "(range %.2f-%.2f)%n", oneSum / turns, twoSum / turns, median, ratios[0], ratios[turns - 1]);
    }

    /**
     * GFLOP/s of one timed stretch on {@code threads} threads, after an untimed stretch of the same length. Without
     * it, the two-thread stretch that follows a one-thread one starts with a second virtual CPU that has been idle:
     * measured at 08:03 (JDK 25, 512^3), it then ran at 1.26-1.38x one thread where a stretch on warm threads ran at
     * 1.64-1.73x, and a warm-up of 4 calls (about 15 ms) did not close the gap; a whole stretch did.
     */
    private static double gflops(int threads, int calls, int size, float[] a, float[] b, float[] c) {
        Parallel.setThreads(threads);
        long start = 0;
        for (int i = -calls; i < calls; i++) {
            if (i == 0) {
                start = System.nanoTime();
            }
            Gemm.sgemm(false, false, size, size, size, 1f, a, 0, size, b, 0, size, 0f, c, 0, size);
        }
        return 2.0 * size * size * size * calls / (System.nanoTime() - start);
    }
}
