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
 * each turn is printed, then their median. Each turn also times two threads multiplying two products of their own
 * at once: the speed-up the VM gives two independent workloads, the ceiling for two threads on one product.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar \
 *     dev.weft.benchmarks.GemmScaling [--size 512] [--turns 20]
 * </pre>
 */
public final class GemmScaling {
    private static final String USAGE = "usage: GemmScaling [--size N] [--turns N]";
    /** Flops per timed stretch: a fraction of a second, long enough to hide the pool's wake-up. */
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
        float[][] a = new float[2][];
        float[][] b = new float[2][];
        float[][] c = new float[2][];
        for (int i = 0; i < 2; i++) {
            a[i] = Tensor.uniform(new int[] {size, size}, -1f, 1f, 1L + 2 * i).data();
            b[i] = Tensor.uniform(new int[] {size, size}, -1f, 1f, 2L + 2 * i).data();
            c[i] = new float[size * size];
        }
        double flops = 2.0 * size * size * size;
        int calls = (int) Math.max(1, FLOPS_PER_STRETCH / flops);
        System.out.printf(Locale.ROOT, "JDK %s, kernels %s, SGEMM %d^3, %d calls per stretch%n",
                Runtime.version(), Kernels.get().name(), size, calls);
        // Warm-up: a turn, not counted.
        gflops(1, calls, size, a[0], b[0], c[0]);
        gflops(2, calls, size, a[0], b[0], c[0]);
        independentGflops(calls, size, a, b, c);
        double[] ratios = new double[turns];
        double[] independentRatios = new double[turns];
        double oneSum = 0;
        double twoSum = 0;
        double independentSum = 0;
        for (int t = 0; t < turns; t++) {
            double one = gflops(1, calls, size, a[0], b[0], c[0]);
            double two = gflops(2, calls, size, a[0], b[0], c[0]);
            double independent = independentGflops(calls, size, a, b, c);
            ratios[t] = two / one;
            independentRatios[t] = independent / one;
            oneSum += one;
            twoSum += two;
            independentSum += independent;
            System.out.printf(Locale.ROOT, "turn %2d: 1 thread %6.1f GFLOP/s, 2 threads %6.1f (%.2fx), "
                    + "two independent products %6.1f (%.2fx)%n", t + 1, one, two, ratios[t], independent,
                    independentRatios[t]);
        }
        System.out.printf(Locale.ROOT, "mean 1 thread %.1f GFLOP/s, 2 threads %.1f, two independent products %.1f; "
                + "median ratio %s, independent %s%n", oneSum / turns, twoSum / turns, independentSum / turns,
                median(ratios), median(independentRatios));
    }

    /** The median of {@code ratios} and their range, e.g. {@code "1.74x (1.30-1.95)"}. */
    private static String median(double[] ratios) {
        double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return String.format(Locale.ROOT, "%.2fx (%.2f-%.2f)", median, sorted[0], sorted[n - 1]);
    }

    /**
     * GFLOP/s of one timed stretch on {@code threads} threads, after an untimed stretch of the same length. Without
     * it, the two-thread stretch that follows a one-thread one starts with a second virtual CPU that has been idle
     * and reads too low a scaling; a few warm-up calls do not close the gap, a whole stretch does.
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

    /**
     * GFLOP/s of two plain threads each running {@code calls} one-thread products of its own matrices at the same
     * time (after an untimed round): what the VM gives two independent workloads, with no packing shared and no
     * waiting at the end of a parallel loop. Two threads on one product cannot be expected to beat this ratio.
     */
    private static double independentGflops(int calls, int size, float[][] a, float[][] b, float[][] c) {
        Kernels kernels = Kernels.get();
        long elapsed = 0;
        for (int round = 0; round < 2; round++) {
            Thread[] threads = new Thread[2];
            for (int i = 0; i < 2; i++) {
                int own = i;
                threads[i] = new Thread(() -> {
                    for (int call = 0; call < calls; call++) {
                        kernels.sgemm(false, false, size, size, size, 1f, a[own], 0, size, b[own], 0, size,
                                0f, c[own], 0, size);
                    }
                });
            }
            long start = System.nanoTime();
            for (Thread thread : threads) {
                thread.start();
            }
            for (Thread thread : threads) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while timing", e);
                }
            }
            elapsed = System.nanoTime() - start;
        }
        return 2 * 2.0 * size * size * size * calls / elapsed;
    }
}
