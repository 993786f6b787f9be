package dev.weft.analysis.linalg;

import dev.weft.core.Parallel;

import java.util.Arrays;

/**
 * Eigendecomposition {@code A = V·diag(λ)·Vᵀ} of a real symmetric matrix, in double precision: eigenvalues sorted
 * in descending order, each with a unit eigenvector.
 *
 * <pre>{@code
 * SymmetricEigen eig = SymmetricEigen.decompose(covariance, 784);   // row-major 784 x 784
 * double largest = eig.value(0);
 * double[] firstComponent = eig.vector(0);                          // unit length, largest |entry| positive
 * }</pre>
 *
 * <h2>Method</h2>
 * The classic two-phase method of the EISPACK routines {@code tred2}/{@code tql2} (Wilkinson and Reinsch,
 * <i>Handbook for Automatic Computation, Vol. II: Linear Algebra</i>, Springer 1971; Golub and Van Loan,
 * <i>Matrix Computations</i>, 4th ed., §8.3), whose JAMA translation is public domain:
 * <ol>
 *   <li><b>Householder tridiagonalisation</b> ({@code tred2}): {@code A = Q·T·Qᵀ} with {@code T} tridiagonal,
 *       diagonal {@code d}, sub-diagonal {@code e}. Step {@code k} reflects row {@code k} below the diagonal onto
 *       a multiple of the first unit vector with {@code H = I - τ·v·vᵀ} and updates the trailing block as
 *       {@code A₂₂ ← H·A₂₂·H = A₂₂ - v·wᵀ - w·vᵀ}, where {@code p = τ·A₂₂·v} and
 *       {@code w = p - (τ/2)(pᵀv)·v} (Golub and Van Loan, Alg. 8.3.1). {@code Q = H₀·H₁·…} is then accumulated
 *       backwards.</li>
 *   <li><b>Implicit QL with shifts</b> ({@code tql2}): plane rotations drive the sub-diagonal of {@code T} to
 *       zero; their product, applied to {@code Q}, gives the eigenvectors {@code V}.</li>
 * </ol>
 *
 * <h2>Why this is not the JAMA loop nest</h2>
 * JAMA walks the eigenvector matrix by columns ({@code V[k][i]} for all {@code k}), which on a row-major
 * {@code 784 x 784} matrix touches one cache line per element. Here every inner loop runs along a row, with the same
 * index on all its arrays, so that the JIT vectorises it (the matrices are arrays of rows for that reason):
 * <ul>
 *   <li>the reduction keeps a full symmetric copy and forms {@code A₂₂·v} as a sum of rows,
 *       {@code Σᵢ vᵢ·A[i][·]}; the rank-2 update of step {@code k} and that product for step {@code k+1} are
 *       fused into one pass over the trailing block, split over columns between threads;</li>
 *   <li>{@code Q} is accumulated four reflectors per pass over it (a compact WY form);</li>
 *   <li>the QL phase works on {@code Z = Vᵀ}, where a rotation of two eigenvector columns becomes a rotation of two
 *       contiguous rows. The rotations depend only on {@code d} and {@code e}, never on the vectors: the QL
 *       iteration first runs on {@code d, e} alone, recording every rotation, and the recorded sequence is then
 *       replayed on {@code Z} in column blocks small enough to stay in cache, two rotations per pass, the blocks
 *       split between threads in a single parallel loop.</li>
 * </ul>
 * Each matrix element sees the same operations in the same order whatever the number of threads, so results are
 * bit-identical for one or many threads.
 *
 * <h2>Conventions</h2>
 * Only the lower triangle of the input is used after checking that the input is symmetric to a relative
 * tolerance of {@code 1e-10}. Each eigenvector is normalised so that its entry of largest magnitude is positive
 * (the first such entry on ties), which makes the signs deterministic. Equal eigenvalues have an arbitrary (but
 * deterministic and orthonormal) basis of their eigenspace.
 */
public final class SymmetricEigen {

    /** Unit round-off of double precision, the convergence threshold of {@code tql2}. */
    private static final double EPS = Math.ulp(1.0);
    /** QL iterations allowed per eigenvalue before giving up (two or three are typical). */
    private static final int MAX_ITERATIONS_PER_VALUE = 60;
    /**
     * Columns of {@code Z} replayed together: long enough rows for the vectorised loop to run at speed (blocks
     * of 16 or 32 columns are too short for it), short enough that a block of a 784-row matrix
     * (784 x 256 doubles = 1.6 MB) stays in the L2/L3 caches while every rotation sweeps over it.
     */
    private static final int ROTATION_BLOCK = 256;
    /**
     * Below this many columns a step runs on the calling thread: the work (~6·len² flops) no longer pays for a
     * fork and join. At n = 784 (the study's PCA, {@code EigenBenchmark}) splitting the Householder steps makes
     * two threads slower than one, so they all run inline there; wider matrices have not been tried.
     */
    private static final int PARALLEL_COLUMNS = 1024;
    /** Relative asymmetry tolerated in the input. */
    private static final double SYMMETRY_TOLERANCE = 1e-10;

    private final int n;
    private final double[] values;
    /** Row {@code j} (offset {@code j * n}) is the eigenvector of {@code values[j]}. */
    private final double[] vectorRows;

    private SymmetricEigen(int n, double[] values, double[] vectorRows) {
        this.n = n;
        this.values = values;
        this.vectorRows = vectorRows;
    }

    /**
     * Decomposes a symmetric matrix given as rows.
     *
     * @throws IllegalArgumentException if the matrix is empty, not square, not symmetric or not finite
     */
    public static SymmetricEigen decompose(double[][] a) {
        int n = a.length;
        double[] flat = new double[n * n];
        for (int i = 0; i < n; i++) {
            if (a[i].length != n) {
                throw new IllegalArgumentException("matrix is not square: row " + i + " has " + a[i].length
                        + " entries, expected " + n);
            }
            System.arraycopy(a[i], 0, flat, i * n, n);
        }
        return decompose(flat, n);
    }

    /**
     * Decomposes the symmetric {@code n x n} matrix stored row-major in {@code a} (not modified).
     *
     * @throws IllegalArgumentException if {@code a.length != n * n}, {@code n < 1}, or the matrix is not symmetric
     *                                  or not finite
     * @throws EigenConvergenceException if the QL iteration fails to converge (not expected for finite input)
     */
    public static SymmetricEigen decompose(double[] a, int n) {
        if (n < 1 || a.length != (long) n * n) {
            throw new IllegalArgumentException("expected an n x n row-major matrix with n >= 1: n = " + n
                    + ", array length " + a.length + ", expected " + ((long) n * n));
        }
        double[][] work = symmetricCopy(a, n);
        double[] d = new double[n];
        double[] e = new double[n];
        double[] tau = new double[n];
        tridiagonalize(work, n, d, e, tau);
        double[][] z = accumulateTransposed(work, n, tau);
        Rotations rotations = tql2(d, e, n);
        rotations.applyTo(z, n);
        return sorted(d, z, n);
    }

    /** The order {@code n} of the matrix. */
    public int size() {
        return n;
    }

    /** The eigenvalues, largest first (a copy). */
    public double[] values() {
        return values.clone();
    }

    /** The {@code j}-th largest eigenvalue. */
    public double value(int j) {
        return values[j];
    }

    /** The unit eigenvector of {@link #value(int) value(j)} (a copy; largest-magnitude entry positive). */
    public double[] vector(int j) {
        java.util.Objects.checkIndex(j, n);
        return Arrays.copyOfRange(vectorRows, j * n, (j + 1) * n);
    }

    /**
     * The eigenvectors as the rows of a row-major {@code n x n} array (a copy): row {@code j} is
     * {@link #vector(int) vector(j)}. This is {@code Vᵀ}, the layout of PCA components.
     */
    public double[] vectorRows() {
        return vectorRows.clone();
    }

    /** The matrix {@code V}, row-major, whose column {@code j} is {@link #vector(int) vector(j)}: {@code A·V = V·Λ}. */
    public double[] vectors() {
        double[] v = new double[n * n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < n; i++) {
                v[i * n + j] = vectorRows[j * n + i];
            }
        }
        return v;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Input check

    /** Checks symmetry and finiteness, then returns a copy whose upper triangle mirrors the lower one. */
    private static double[][] symmetricCopy(double[] a, int n) {
        double max = 0;
        for (double x : a) {
            if (!Double.isFinite(x)) {
                throw new IllegalArgumentException("matrix has a non-finite entry: " + x);
            }
            max = Math.max(max, Math.abs(x));
        }
        double[][] work = new double[n][n];
        double tolerance = SYMMETRY_TOLERANCE * max;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double lower = a[i * n + j];
                double upper = a[j * n + i];
                if (Math.abs(lower - upper) > tolerance) {
                    throw new IllegalArgumentException("matrix is not symmetric: a[" + i + "][" + j + "] = " + lower
                            + " but a[" + j + "][" + i + "] = " + upper);
                }
                work[i][j] = lower;
                work[j][i] = lower;
            }
        }
        return work;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Phase 1: Householder tridiagonalisation (tred2), A = Q T Q^T
    //
    // The matrix is held as an array of rows (double[][]) rather than one flat array: every inner loop below then
    // indexes all its arrays with the same j, which lets C2's superword pass vectorise it (with a flat array and
    // per-row offsets it cannot rule out overlap between the row written and the vectors read, and stays scalar).

    /**
     * Reduces the full symmetric {@code a} (rows, overwritten) to tridiagonal form: diagonal {@code d[0..n-1]},
     * sub-diagonal {@code e[k] = T[k+1][k]} for {@code k < n-1} and {@code e[n-1] = 0}. The Householder vector of
     * step {@code k} is left in {@code a[k][k+1..n-1]} (with {@code v[k+1] = 1}) and its {@code τ} in
     * {@code tau[k]}.
     *
     * <p>Each step reads and writes the trailing block once: the rank-2 update of step {@code k} and the product
     * {@code A₂₂·v} of step {@code k+1} are fused into one pass. The product is formed as a sum of rows,
     * {@code p = Σᵢ vᵢ·A[i][·]} (valid because {@code A₂₂} is symmetric), so that it too is a vectorisable axpy.
     */
    private static void tridiagonalize(double[][] a, int n, double[] d, double[] e, double[] tau) {
        if (n < 3) {
            finishTridiagonal(a, n, d, e);
            return;
        }
        double[] v = new double[n];
        double[] p = new double[n];
        double[] w = new double[n];
        // Step 0's reflector and product; later steps get theirs from the fused pass of the step before.
        tau[0] = reflector(a[0], 0, n, v, e);
        if (tau[0] != 0) {
            double t = tau[0];
            forColumns(n - 1, (from, to) -> {
                int j0 = 1 + from;
                int j1 = 1 + to;
                for (int i = 1; i < n; i++) {
                    axpy(v[i], a[i], p, j0, j1);
                }
                for (int j = j0; j < j1; j++) {
                    p[j] *= t;
                }
            });
        }
        for (int k = 0; k < n - 2; k++) {
            int lo = k + 1;
            d[k] = a[k][k];
            double t = tau[k];
            if (t == 0) {
                // H = I: nothing to update; the next step's product is formed from scratch.
                if (k + 1 < n - 2) {
                    tau[k + 1] = reflector(a[lo], lo, n, v, e);
                    double t1 = tau[k + 1];
                    if (t1 != 0) {
                        Arrays.fill(p, 0);
                        forColumns(n - lo - 1, (from, to) -> {
                            int j0 = lo + 1 + from;
                            int j1 = lo + 1 + to;
                            for (int i = lo + 1; i < n; i++) {
                                axpy(v[i], a[i], p, j0, j1);
                            }
                            for (int j = j0; j < j1; j++) {
                                p[j] *= t1;
                            }
                        });
                    }
                }
                continue;
            }
            // w = p - (tau/2)(p.v) v
            double half = -0.5 * t * dot(p, v, lo, n);
            for (int i = lo; i < n; i++) {
                w[i] = p[i] + half * v[i];
            }
            // Row lo (the next step's Householder source) first, then the next reflector v' from it.
            rank2(a[lo], v, w, -v[lo], -w[lo], lo, n);
            boolean more = k + 1 < n - 2;
            double[] vNext = more ? new double[n] : null;
            double t1 = more ? reflector(a[lo], lo, n, vNext, e) : 0;
            if (more) {
                tau[k + 1] = t1;
            }
            // Rows lo+1..n-1, columns lo+1..n-1: A22 -= v w^T + w v^T, and p' = t1 * sum_i v'_i A[i][.].
            // Column lo of these rows is never read again (row lo holds it), so it is not updated.
            forColumns(n - lo - 1, (from, to) -> {
                int j0 = lo + 1 + from;
                int j1 = lo + 1 + to;
                for (int j = j0; j < j1; j++) {
                    p[j] = 0;
                }
                for (int i = lo + 1; i < n; i++) {
                    double[] row = a[i];
                    rank2(row, v, w, -v[i], -w[i], j0, j1);
                    if (t1 != 0) {
                        axpy(vNext[i], row, p, j0, j1);
                    }
                }
                for (int j = j0; j < j1; j++) {
                    p[j] *= t1;
                }
            });
            if (more) {
                System.arraycopy(vNext, 0, v, 0, n);
            }
        }
        finishTridiagonal(a, n, d, e);
    }

    /** Runs {@code body} over column range {@code [0, len)}, split between threads when it is wide enough. */
    private static void forColumns(int len, Parallel.RangeBody body) {
        if (len < PARALLEL_COLUMNS) {
            body.run(0, len);
        } else {
            Parallel.forRange(len, 8, body);
        }
    }

    /** The last 2x2 block needs no reflector. */
    private static void finishTridiagonal(double[][] a, int n, double[] d, double[] e) {
        if (n >= 2) {
            d[n - 2] = a[n - 2][n - 2];
            e[n - 2] = a[n - 2][n - 1]; // the upper side: rows are kept current, columns are not
        }
        d[n - 1] = a[n - 1][n - 1];
        e[n - 1] = 0;
    }

    /**
     * The Householder reflector {@code H = I - τ·v·vᵀ} with {@code H·x = β·e₁} for {@code x = row[k+1..n-1]}:
     * writes {@code v} into {@code v[k+1..n-1]} (zeros elsewhere) and into {@code row[k+1..n-1]}, {@code β} into
     * {@code e[k]}, and returns {@code τ} (0 when {@code x} is already a multiple of {@code e₁}).
     */
    private static double reflector(double[] row, int k, int n, double[] v, double[] e) {
        int lo = k + 1;
        double alpha = row[lo];
        double xnorm = norm(row, lo + 1, n);
        Arrays.fill(v, 0);
        if (xnorm == 0) {
            e[k] = alpha;
            return 0;
        }
        // beta = -sign(alpha) ||x||: the sign avoids cancellation in alpha - beta.
        double beta = -Math.copySign(Math.hypot(alpha, xnorm), alpha);
        double scale = 1 / (alpha - beta);
        v[lo] = 1;
        for (int j = lo + 1; j < n; j++) {
            v[j] = row[j] * scale;
        }
        System.arraycopy(v, lo, row, lo, n - lo);
        e[k] = beta;
        return (beta - alpha) / beta;
    }

    /** {@code row[j] += vi * w[j] + wi * v[j]} for {@code j} in {@code [j0, j1)}. */
    private static void rank2(double[] row, double[] v, double[] w, double vi, double wi, int j0, int j1) {
        for (int j = j0; j < j1; j++) {
            row[j] += vi * w[j] + wi * v[j];
        }
    }

    /** {@code y[j] += alpha * x[j]} for {@code j} in {@code [j0, j1)}. */
    private static void axpy(double alpha, double[] x, double[] y, int j0, int j1) {
        if (alpha == 0) {
            return;
        }
        for (int j = j0; j < j1; j++) {
            y[j] += alpha * x[j];
        }
    }

    /** Householder reflectors applied to {@code Q} per pass over it. */
    private static final int REFLECTORS_PER_PASS = 4;

    /**
     * Accumulates {@code Q = H₀·H₁·…·H_{n-3}} backwards ({@code Q ← H_k·Q} on the trailing block) and returns
     * {@code Z = Qᵀ} as rows ({@code z[r]} is column {@code r} of {@code Q}), the starting point of the QL phase.
     *
     * <p>Up to {@value #REFLECTORS_PER_PASS} reflectors are applied per pass over {@code Q}. Applying
     * {@code H₁} (the highest index) first, then {@code H₂, H₃, …}: with {@code rᵢ = vᵢᵀ·Q} all read from the old
     * {@code Q} in one sweep over its rows, the rows actually needed are
     * {@code wᵢ = rᵢ - Σ_{j<i} τⱼ(vᵢᵀvⱼ)·wⱼ}, and the new {@code Q = Q - Σᵢ τᵢ·vᵢ·wᵢᵀ} (a compact form of the
     * WY representation). This cuts the passes over {@code Q}, and the joins between threads, by that factor.
     * Threads take disjoint column ranges.
     */
    private static double[][] accumulateTransposed(double[][] a, int n, double[] tau) {
        double[][] q = new double[n][n];
        for (int i = 0; i < n; i++) {
            q[i][i] = 1;
        }
        double[][] w = new double[REFLECTORS_PER_PASS][n];
        for (int k = n - 3; k >= 0; k -= REFLECTORS_PER_PASS) {
            int count = Math.min(REFLECTORS_PER_PASS, k + 1);
            applyReflectors(a, q, n, k, count, tau, w);
        }
        double[][] z = new double[n][n];
        for (int i = 0; i < n; i++) {
            double[] row = q[i];
            for (int j = 0; j < n; j++) {
                z[j][i] = row[j];
            }
        }
        return z;
    }

    /**
     * {@code Q ← H_{k-count+1}·…·H_{k-1}·H_k·Q}. Reflector {@code k} has {@code vᵢ = a[k][i]} for {@code i > k}
     * (zero at and above {@code k}).
     */
    private static void applyReflectors(double[][] a, double[][] q, int n, int k, int count, double[] tau,
                                        double[][] w) {
        int lo = k - count + 2;
        // cross[i][j] = tau_j (v_i . v_j) for j < i: the corrections of w_i by the earlier w_j.
        double[][] cross = new double[count][count];
        for (int i = 1; i < count; i++) {
            double[] vi = a[k - i];
            for (int j = 0; j < i; j++) {
                double[] vj = a[k - j];
                double dot = 0;
                for (int r = k - j + 1; r < n; r++) {
                    dot += vi[r] * vj[r];
                }
                cross[i][j] = tau[k - j] * dot;
            }
        }
        forColumns(n - lo, (from, to) -> {
            int j0 = lo + from;
            int j1 = lo + to;
            for (int t = 0; t < count; t++) {
                for (int j = j0; j < j1; j++) {
                    w[t][j] = 0;
                }
            }
            // r_t = v_t^T Q, one sweep over the rows.
            for (int i = lo; i < n; i++) {
                double[] row = q[i];
                for (int t = 0; t < count; t++) {
                    if (i > k - t) {
                        axpy(a[k - t][i], row, w[t], j0, j1);
                    }
                }
            }
            // w_t = r_t - sum_{s<t} tau_s (v_t . v_s) w_s
            for (int t = 1; t < count; t++) {
                for (int s = 0; s < t; s++) {
                    axpy(-cross[t][s], w[s], w[t], j0, j1);
                }
            }
            // Q -= sum_t tau_t v_t w_t^T, row by row.
            for (int i = lo; i < n; i++) {
                double[] row = q[i];
                for (int t = 0; t < count; t++) {
                    if (i > k - t) {
                        axpy(-tau[k - t] * a[k - t][i], w[t], row, j0, j1);
                    }
                }
            }
        });
    }

    // ---------------------------------------------------------------------------------------------------------
    // Phase 2: implicit QL on the tridiagonal matrix (tql2), rotations recorded and replayed on Z = V^T

    /**
     * The plane rotations of the QL iteration in the order they are applied. Sweep {@code s} rotates the pairs
     * {@code (i, i+1)} for {@code i = m[s]-1} down to {@code l[s]}, with cosines and sines
     * {@code c[start[s]..]}, {@code s[start[s]..]}.
     */
    private static final class Rotations {
        int sweeps;
        int[] l = new int[64];
        int[] m = new int[64];
        int[] start = new int[65];
        double[] c = new double[1024];
        double[] s = new double[1024];
        int count;

        void beginSweep(int low, int high) {
            if (sweeps + 1 >= l.length) {
                l = Arrays.copyOf(l, 2 * l.length);
                m = Arrays.copyOf(m, 2 * m.length);
                start = Arrays.copyOf(start, 2 * start.length);
            }
            l[sweeps] = low;
            m[sweeps] = high;
            start[sweeps] = count;
            sweeps++;
        }

        void add(double cos, double sin) {
            if (count == c.length) {
                c = Arrays.copyOf(c, 2 * c.length);
                s = Arrays.copyOf(s, 2 * s.length);
            }
            c[count] = cos;
            s[count] = sin;
            count++;
        }

        /**
         * Replays every rotation on the rows of {@code z} (JAMA's {@code V[k][i], V[k][i+1]} for all {@code k}
         * become rows {@code i} and {@code i+1} of {@code Z = Vᵀ}), one block of columns at a time.
         */
        void applyTo(double[][] z, int n) {
            Parallel.forRange(n, 8, (from, to) -> {
                for (int k0 = from; k0 < to; k0 += ROTATION_BLOCK) {
                    int k1 = Math.min(to, k0 + ROTATION_BLOCK);
                    for (int sweep = 0; sweep < sweeps; sweep++) {
                        int pos = start[sweep];
                        int low = l[sweep];
                        int i = m[sweep] - 1;
                        // Two rotations per pass: the row they share stays in registers.
                        for (; i - 1 >= low; i -= 2, pos += 2) {
                            rotateTwice(z[i - 1], z[i], z[i + 1], c[pos], s[pos], c[pos + 1], s[pos + 1], k0, k1);
                        }
                        if (i >= low) {
                            rotate(z[i], z[i + 1], c[pos], s[pos], k0, k1);
                        }
                    }
                }
            });
        }
    }

    /** {@code (zi, zi1) ← (c·zi - s·zi1, s·zi + c·zi1)} on columns {@code [k0, k1)}. */
    private static void rotate(double[] zi, double[] zi1, double c, double s, int k0, int k1) {
        for (int k = k0; k < k1; k++) {
            double h = zi1[k];
            double x = zi[k];
            zi1[k] = s * x + c * h;
            zi[k] = c * x - s * h;
        }
    }

    /**
     * The rotation {@code (c1, s1)} of rows {@code (z1, z2)} followed by {@code (c0, s0)} of rows {@code (z0, z1)},
     * as {@link #rotate} twice but with the intermediate {@code z1} kept in a register.
     */
    private static void rotateTwice(double[] z0, double[] z1, double[] z2, double c1, double s1, double c0,
                                    double s0, int k0, int k1) {
        for (int k = k0; k < k1; k++) {
            double h = z2[k];
            double x = z1[k];
            z2[k] = s1 * x + c1 * h;
            double y = c1 * x - s1 * h;
            double w = z0[k];
            z1[k] = s0 * w + c0 * y;
            z0[k] = c0 * w - s0 * y;
        }
    }

    /**
     * The QL iteration of {@code tql2} on {@code d, e} (overwritten: {@code d} ends holding the eigenvalues,
     * unsorted), returning the rotations it applied.
     */
    private static Rotations tql2(double[] d, double[] e, int n) {
        Rotations rotations = new Rotations();
        double f = 0;
        double tst1 = 0;
        for (int l = 0; l < n; l++) {
            // Find a small sub-diagonal element: T splits there.
            tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
            int m = l;
            while (m < n) {
                if (Math.abs(e[m]) <= EPS * tst1) {
                    break;
                }
                m++;
            }
            // If m == l, d[l] is already an eigenvalue; otherwise iterate.
            if (m > l) {
                int iter = 0;
                do {
                    if (++iter > MAX_ITERATIONS_PER_VALUE) {
                        throw new EigenConvergenceException("QL iteration did not converge for eigenvalue " + l
                                + " of " + n + " after " + MAX_ITERATIONS_PER_VALUE + " iterations");
                    }
                    // Compute the implicit shift.
                    double g = d[l];
                    double p = (d[l + 1] - g) / (2.0 * e[l]);
                    double r = hypot(p, 1.0);
                    if (p < 0) {
                        r = -r;
                    }
                    d[l] = e[l] / (p + r);
                    d[l + 1] = e[l] * (p + r);
                    double dl1 = d[l + 1];
                    double h = g - d[l];
                    for (int i = l + 2; i < n; i++) {
                        d[i] -= h;
                    }
                    f += h;

                    // Implicit QL transformation.
                    p = d[m];
                    double c = 1.0;
                    double c2 = c;
                    double c3 = c;
                    double el1 = e[l + 1];
                    double s = 0.0;
                    double s2 = 0.0;
                    rotations.beginSweep(l, m);
                    for (int i = m - 1; i >= l; i--) {
                        c3 = c2;
                        c2 = c;
                        s2 = s;
                        g = c * e[i];
                        h = c * p;
                        r = hypot(p, e[i]);
                        e[i + 1] = s * r;
                        s = e[i] / r;
                        c = p / r;
                        p = c * d[i] - s * g;
                        d[i + 1] = h + s * (c * g + s * d[i]);
                        rotations.add(c, s);
                    }
                    p = -s * s2 * c3 * el1 * e[l] / dl1;
                    e[l] = s * p;
                    d[l] = c * p;
                } while (Math.abs(e[l]) > EPS * tst1);
            }
            d[l] = d[l] + f;
            e[l] = 0.0;
        }
        return rotations;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Ordering and signs

    private static SymmetricEigen sorted(double[] d, double[][] z, int n) {
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        // Stable sort, descending; ties keep QL order, so the result is deterministic.
        Arrays.sort(order, (x, y) -> Double.compare(d[y], d[x]));
        double[] values = new double[n];
        double[] rows = new double[n * n];
        for (int j = 0; j < n; j++) {
            int src = order[j];
            values[j] = d[src];
            double[] vector = z[src];
            int largest = 0;
            for (int i = 1; i < n; i++) {
                if (Math.abs(vector[i]) > Math.abs(vector[largest])) {
                    largest = i;
                }
            }
            double sign = vector[largest] < 0 ? -1 : 1;
            for (int i = 0; i < n; i++) {
                rows[j * n + i] = sign * vector[i];
            }
        }
        return new SymmetricEigen(n, values, rows);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Small dense kernels (double precision; the SIMD seam is float-only, these loops are left to the JIT)

    /** {@code sum_j x[j] * y[j]} over {@code [j0, j1)}. */
    private static double dot(double[] x, double[] y, int j0, int j1) {
        double sum = 0;
        for (int j = j0; j < j1; j++) {
            sum += x[j] * y[j];
        }
        return sum;
    }

    /**
     * {@code sqrt(x² + y²)}: the plain formula where it cannot overflow or underflow, {@link Math#hypot}
     * otherwise ({@code Math.hypot} is exact but much slower, and the QL phase calls this once per rotation).
     */
    private static double hypot(double x, double y) {
        double m = Math.max(Math.abs(x), Math.abs(y));
        if (m < 1e150 && m > 1e-150) {
            return Math.sqrt(x * x + y * y);
        }
        return Math.hypot(x, y);
    }

    /** Euclidean norm of {@code x[j0..j1)}, scaled to avoid overflow and underflow. */
    private static double norm(double[] x, int j0, int j1) {
        double scale = 0;
        for (int j = j0; j < j1; j++) {
            scale = Math.max(scale, Math.abs(x[j]));
        }
        if (scale == 0) {
            return 0;
        }
        double sum = 0;
        double inv = 1 / scale;
        for (int j = j0; j < j1; j++) {
            double t = x[j] * inv;
            sum += t * t;
        }
        return scale * Math.sqrt(sum);
    }
}
