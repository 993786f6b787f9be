package dev.weft.benchmarks;

import dev.weft.analysis.linalg.SymmetricEigen;
import dev.weft.analysis.pca.Covariance;
import dev.weft.core.Parallel;
import dev.weft.core.simd.Kernels;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
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

/**
 * The symmetric eigendecomposition (all values and vectors) of a 784 x 784 covariance matrix, Weft's
 * {@link SymmetricEigen} against EJML's symmetric QR algorithm on the same matrix, and the covariance of 60,000
 * samples of 784 features as PCA builds it ({@link Covariance}).
 *
 * <p>The matrix is {@code XᵀX / m} for a seeded Gaussian {@code X} with {@code m = 2n} rows: symmetric by
 * construction, positive definite, with a spread-out spectrum like a pixel covariance. Both solvers get a fresh
 * copy each call (EJML overwrites its input; Weft copies internally). The setup prints both solvers' largest
 * residual {@code ||A v - λ v|| / ||A||_F}. Run, for example:
 * <pre>{@code
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar EigenBenchmark -wi 3 -i 5 -f 1
 * }</pre>
 * The covariance benchmark allocates 188 MB of samples: the fork runs with {@code -Xmx2g}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
@State(Scope.Benchmark)
public class EigenBenchmark {

    @Param({"784"})
    public int n;

    /** Threads for Weft's solver and the covariance (EJML is single-threaded). */
    @Param({"1", "2"})
    public int threads;

    private double[] a;
    private float[] samples;

    private static final int SAMPLES = 60_000;

    @Setup(Level.Trial)
    public void setUp() {
        Parallel.setThreads(threads);
        a = seededCovariance(n, 2 * n, 42);
        samples = new float[SAMPLES * n];
        Random random = new Random(7);
        for (int i = 0; i < samples.length; i++) {
            samples[i] = random.nextInt(256) / 255f;
        }
        System.out.println("# kernels: " + Kernels.get().name() + ", threads: " + Parallel.threads());
        System.out.printf("# residual max ||Av - lv|| / ||A||: weft %.2e, ejml %.2e%n",
                weftResidual(a, n), ejmlResidual(a, n));
    }

    /** Weft: Householder tridiagonalisation + implicit QL, values and vectors. */
    @Benchmark
    public SymmetricEigen weft() {
        return SymmetricEigen.decompose(a, n);
    }

    /** EJML 0.46.1: {@code DecompositionFactory_DDRM.eig(n, true, true)} (symmetric QR algorithm), values and vectors. */
    @Benchmark
    public EigenDecomposition_F64<DMatrixRMaj> ejml() {
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
        if (!eig.decompose(new DMatrixRMaj(n, n, true, a))) {
            throw new IllegalStateException("EJML failed to decompose");
        }
        return eig;
    }

    /** The {@code n x n} covariance of 60,000 samples (float GEMM in chunks, double accumulation). */
    @Benchmark
    public Covariance covariance() {
        return Covariance.of(samples, 0, SAMPLES, n);
    }

    static double[] seededCovariance(int n, int rows, long seed) {
        Random random = new Random(seed);
        double[] x = new double[rows * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextGaussian();
        }
        double[] c = new double[n * n];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < n; i++) {
                double xi = x[r * n + i] / rows;
                for (int j = 0; j <= i; j++) {
                    c[i * n + j] += xi * x[r * n + j];
                }
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                c[j * n + i] = c[i * n + j];
            }
        }
        return c;
    }

    private static double weftResidual(double[] a, int n) {
        SymmetricEigen eig = SymmetricEigen.decompose(a, n);
        double worst = 0;
        for (int j = 0; j < n; j++) {
            worst = Math.max(worst, residual(a, n, eig.value(j), eig.vector(j)));
        }
        return worst;
    }

    private static double ejmlResidual(double[] a, int n) {
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
        eig.decompose(new DMatrixRMaj(n, n, true, a));
        double worst = 0;
        for (int j = 0; j < n; j++) {
            DMatrixRMaj v = eig.getEigenVector(j);
            worst = Math.max(worst, residual(a, n, eig.getEigenvalue(j).getReal(), v.getData()));
        }
        return worst;
    }

    private static double residual(double[] a, int n, double lambda, double[] v) {
        double norm = 0;
        for (double x : a) {
            norm += x * x;
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double av = 0;
            for (int k = 0; k < n; k++) {
                av += a[i * n + k] * v[k];
            }
            double r = av - lambda * v[i];
            sum += r * r;
        }
        return Math.sqrt(sum / norm);
    }
}
