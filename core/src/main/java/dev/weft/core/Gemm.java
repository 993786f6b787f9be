package dev.weft.core;

import dev.weft.core.simd.Kernels;

/**
 * Multi-threaded SGEMM over row-major arrays: {@code C = alpha * op(A) * op(B) + beta * C}.
 *
 * <p>Threads take disjoint blocks of rows of {@code C} or of columns, whichever makes them pack less twice; each
 * element's reduction over {@code k} runs in the same order whatever the block it falls in, so results are
 * bit-identical for 1 or N threads. Each thread packs its own panels of A (inside {@link Kernels#sgemm}); when
 * threads take rows, each thread packs the whole of B once per product, into its own buffer, before its first
 * block of rows, and multiplies every block it claims from it ({@link Kernels.PackedPanels}). The pool is
 * {@link Parallel}'s. See {@code docs/kernels.md} for the design.
 *
 * <pre>{@code
 * // C[m x n] = A[m x k] * B[k x n]^T
 * Gemm.sgemm(false, true, m, n, k, 1f, a, 0, k, b, 0, k, 0f, c, 0, n);
 * }</pre>
 */
public final class Gemm {
    /**
     * Below this many flops (2^24, about 16.8 M) the product stays on the calling thread: smaller products finish
     * sooner on one thread than the pool can share them out ({@code GemmScaling} in the benchmarks measures both).
     */
    private static final long PARALLEL_FLOPS = 1L << 24;
    /**
     * Rows per unit of work: a multiple of the micro-tile height (8), so threads split between tiles, and small
     * enough that a 2-way split of the reference CNN's 32, 64 or 128 output channels is even.
     */
    private static final int ROW_GRAIN = 16;
    /** Columns per unit of work when splitting over columns: a multiple of the micro-tile width (32). */
    private static final int COLUMN_GRAIN = 32;

    /**
     * Largest B (in floats, 16 MiB) that each thread packs whole, once per product; beyond it every block of rows
     * packs the parts of B it needs as it goes.
     */
    private static final long PACK_ONCE_LIMIT = 1L << 22;
    /** Each thread's packing of B, reused from one block of rows to the next of the same product. */
    private static final ThreadLocal<OwnPacking> OWN_PACK = ThreadLocal.withInitial(OwnPacking::new);

    /** One thread's packed copy of a product's B (the scratch of the row split). */
    private static final class OwnPacking {
        /** The product whose B {@link #panels} holds: an object made per call, compared by identity. */
        Object product;
        /** The packed panels, grown to the largest packing this thread has seen. */
        float[] panels = new float[0];
    }

    private Gemm() {
    }

    /** See {@link Kernels#sgemm}; parallel over blocks of rows (or columns) of {@code C}. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                             float beta, float[] c, int cOffset, int ldc) {
        Kernels kernels = Kernels.get();
        long flops = 2L * m * n * k;
        int threads = Parallel.threads();
        if (flops < PARALLEL_FLOPS || threads == 1) {
            kernels.sgemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
        } else if (splitRows(m, n, threads)) {
            // One block of rows per thread: every block multiplies all of B, and a block of few rows would read
            // each panel of B (larger than L2) back from memory for only those rows.
            int rows = onePerThread(m, ROW_GRAIN, threads);
            int width = kernels.panelWidth();
            long packedSize = (long) k * ceilDiv(n, Math.max(1, width)) * width;
            if (width > 0 && packedSize <= PACK_ONCE_LIMIT) {
                // Each thread packs B once, before its first block, and keeps it for any block it claims after
                // that: one packing shared by all threads would make them wait between packing and multiplying,
                // and read half of B from another core's cache.
                Object call = new Object();
                Parallel.forRange(m, rows, (from, to) -> kernels.sgemm(transA, to - from, n, k, alpha,
                        a, aOffset + (transA ? from : from * lda), lda,
                        ownPacking(call, transB, k, n, b, bOffset, ldb, width, (int) packedSize),
                        beta, c, cOffset + from * ldc, ldc));
                return;
            }
            // Each block packs the parts of B it needs as it goes, all of B in the end.
            Parallel.forRange(m, rows, (from, to) -> kernels.sgemm(transA, transB,
                    to - from, n, k, alpha, a, aOffset + (transA ? from : from * lda), lda, b, bOffset, ldb,
                    beta, c, cOffset + from * ldc, ldc));
        } else {
            // Each block of columns packs all of A: one block per thread.
            Parallel.forRange(n, onePerThread(n, COLUMN_GRAIN, threads), (from, to) -> kernels.sgemm(transA, transB,
                    m, to - from, k, alpha,
                    a, aOffset, lda, b, bOffset + (transB ? from * ldb : from), ldb,
                    beta, c, cOffset + from, ldc));
        }
    }

    /**
     * See {@link Kernels#sgemm(boolean, int, int, int, float, float[], int, int, Kernels.PanelSource, float,
     * float[], int, int)}: {@code B} comes from a {@link Kernels.PanelSource}. Parallel over blocks of columns of
     * {@code C}, so that each thread asks the source only for its own columns.
     */
    public static void sgemm(boolean transA, int m, int n, int k, float alpha, float[] a, int aOffset, int lda,
                             Kernels.PanelSource b, float beta, float[] c, int cOffset, int ldc) {
        Kernels kernels = Kernels.get();
        long flops = 2L * m * n * k;
        if (flops < PARALLEL_FLOPS || Parallel.threads() == 1) {
            kernels.sgemm(transA, m, n, k, alpha, a, aOffset, lda, b, beta, c, cOffset, ldc);
            return;
        }
        // Each block of columns packs all of A: one block per thread.
        Parallel.forRange(n, onePerThread(n, COLUMN_GRAIN, Parallel.threads()), (from, to) -> kernels.sgemm(transA,
                m, to - from, k, alpha, a, aOffset, lda,
                (row, column, rows, columns, width, panels) -> b.pack(row, from + column, rows, columns, width, panels),
                beta, c, cOffset + from, ldc));
    }

    /**
     * This thread's packing of {@code op(B)} for the product {@code call}: packed on the thread's first block of
     * that product, then reused.
     */
    private static Kernels.PackedPanels ownPacking(Object call, boolean transB, int k, int n, float[] b, int bOffset,
                                                   int ldb, int width, int size) {
        OwnPacking own = OWN_PACK.get();
        if (own.product != call) {
            if (own.panels.length < size) {
                own.panels = new float[size];
            }
            packPanels(transB, k, n, b, bOffset, ldb, width, own.panels);
            own.product = call;
        }
        return new Kernels.PackedPanels(own.panels, k, n, width);
    }

    /**
     * Packs {@code op(B)} ({@code k x n}) as {@link Kernels.PackedPanels} of the given width.
     */
    private static void packPanels(boolean transB, int k, int n, float[] b, int bOffset, int ldb, int width,
                                   float[] panels) {
        // Untransposed, a panel is k runs of B's rows, copied by the gather kernel (consecutive indices: plain
        // vector loads); System.arraycopy of 32 floats costs more in its call than in its copy.
        Kernels kernels = Kernels.get();
        int[] rowStarts = transB ? null : new int[k];
        int[] consecutive = new int[width];
        for (int j = 0; j < width; j++) {
            consecutive[j] = j;
        }
        for (int q = 0, panelCount = ceilDiv(n, width); q < panelCount; q++) {
            int first = q * width;
            int count = Math.min(width, n - first);
            int base = q * k * width;
            if (transB) {
                for (int j = 0; j < count; j++) {
                    int src = bOffset + (first + j) * ldb;
                    for (int p = 0; p < k; p++) {
                        panels[base + p * width + j] = b[src + p];
                    }
                }
            } else {
                for (int p = 0; p < k; p++) {
                    rowStarts[p] = bOffset + p * ldb + first;
                }
                kernels.gather(k, count, b, rowStarts, consecutive, 0, panels, base, width);
            }
            if (count < width) {
                for (int p = 0; p < k; p++) {
                    java.util.Arrays.fill(panels, base + p * width + count, base + (p + 1) * width, 0f);
                }
            }
        }
    }

    /**
     * A grain (a multiple of {@code grain}) that cuts {@code count} into one chunk per thread. {@link Parallel}
     * otherwise cuts a loop into several chunks per thread so that the threads can even out; but a block that
     * packs a whole operand for itself (A for a block of columns, B for a block of rows when B is too large to
     * pack once per thread) would pack it once per chunk, and packing several times costs more than an uneven
     * split.
     */
    private static int onePerThread(int count, int grain, int threads) {
        return ceilDiv(ceilDiv(count, threads), grain) * grain;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /**
     * Whether to split C by rows rather than by columns. Each thread packs the whole of the operand it does not
     * split (all of B when rows are split, all of A when columns are), so the smaller of the two is the one to
     * duplicate: B ({@code k x n}) when {@code n <= m}. Either way there must be a block per thread.
     */
    private static boolean splitRows(int m, int n, int threads) {
        boolean rowsPossible = m >= threads * ROW_GRAIN;
        boolean columnsPossible = n >= threads * COLUMN_GRAIN;
        return rowsPossible && (n <= m || !columnsPossible) || !columnsPossible && m >= n;
    }

    /** {@code C = op(A) * op(B)} on 2-D tensors, returning a new tensor. */
    public static Tensor matmul(Tensor a, boolean transA, Tensor b, boolean transB) {
        if (a.rank() != 2 || b.rank() != 2) {
            throw new IllegalArgumentException("matmul needs two matrices, got " + java.util.Arrays.toString(a.shape())
                    + " and " + java.util.Arrays.toString(b.shape()));
        }
        int m = transA ? a.dim(1) : a.dim(0);
        int k = transA ? a.dim(0) : a.dim(1);
        int kb = transB ? b.dim(1) : b.dim(0);
        int n = transB ? b.dim(0) : b.dim(1);
        if (k != kb) {
            throw new IllegalArgumentException("matmul inner dimensions differ: op(A) is " + m + "x" + k
                    + " (from " + java.util.Arrays.toString(a.shape()) + "), op(B) is " + kb + "x" + n
                    + " (from " + java.util.Arrays.toString(b.shape()) + ")");
        }
        Tensor c = Tensor.zeros(m, n);
        sgemm(transA, transB, m, n, k, 1f, a.data(), a.offset(), a.dim(1), b.data(), b.offset(), b.dim(1),
                0f, c.data(), 0, n);
        return c;
    }
}
