package dev.weft.core.simd;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API (Panama) implementation of {@link Kernels}: the only class of Weft that imports
 * {@code jdk.incubator.vector}. It uses {@link FloatVector#SPECIES_PREFERRED} (16 lanes with AVX-512, 8 with AVX2)
 * and is tested against {@link ScalarKernels}, its readable specification.
 *
 * <p>Element-wise kernels run one vector at a time with a scalar tail; reductions ({@link #dot}, {@link #sum})
 * keep several vector accumulators (four for {@code dot}, two for {@code sum}), so their rounding differs from
 * the scalar left-to-right sum (within {@code (n + 1) * 1e-6} of the sum of magnitudes, as the tests check).
 * {@code axpy} multiplies then adds (no FMA) so that it matches the scalar twin bit for bit; {@code expShifted}
 * uses the Vector API's {@code EXP}, within a few ulps of {@link Math#exp}.
 *
 * <p>The micro-kernel is tuned for AVX-512's 32 vector registers; on AVX2 (16 registers) its 16 accumulators
 * spill, and it is correct but slower there.
 *
 * <p>{@link #sgemm} follows the GotoBLAS/BLIS design (Goto and van de Geijn, "Anatomy of high-performance matrix
 * multiplication", ACM TOMS 34(3), 2008; Van Zee and van de Geijn, "BLIS", ACM TOMS 41(3), 2015): {@code op(B)}
 * is packed into {@code KC x NC} blocks of {@code NR}-wide column panels, {@code alpha * op(A)} into
 * {@code MC x KC} blocks of {@code MR}-tall row panels (every transpose case is absorbed by the packing, so the
 * micro-kernel sees one layout), and a register-blocked micro-kernel updates one {@code MR x NR} tile of
 * {@code C} with {@code MR * NR / L} FMA accumulators. Edge tiles are zero-padded in the packs and computed into
 * a scratch tile. For a given {@code k}, the arithmetic applied to each element of {@code C} depends neither on
 * its position nor on {@code m} or {@code n}, so splitting {@code C} into blocks of rows or columns across
 * threads gives bit-identical results.
 *
 * <p>Package-private: {@link KernelsProvider} loads it by name once it has checked that the module is present, and
 * callers see only {@link Kernels}.
 */
final class VectorKernels implements Kernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Lanes per vector. */
    private static final int L = S.length();
    /** Int vectors of as many lanes, for index arithmetic (gathers, pooling winners). */
    private static final VectorSpecies<Integer> IS = S.withLanes(int.class);
    /**
     * Half the preferred width (8 lanes of 256 bits with AVX-512), for tails; null below 256-bit vectors, and
     * before JDK 25. On JDK 17 one float vector of a second shape is enough to spoil C2's code for every kernel:
     * the type profile inside {@code FloatVector.intoArray} then sees two vector classes, the store is no longer
     * compiled as an intrinsic, and each store goes through the API's scalar fallback ({@code FloatVector.stOp} in
     * a JFR profile); JDK 25 compiles both shapes well. {@link #maxPool2x2} keeps to the preferred shape for the
     * same reason.
     */
    private static final VectorSpecies<Float> HALF = S.vectorBitSize() >= 256 && Runtime.version().feature() >= 25
            ? VectorSpecies.of(float.class, VectorShape.forBitSize(S.vectorBitSize() / 2)) : null;
    private static final int HALF_L = HALF == null ? 0 : HALF.length();
    /** {@code 0, 1, ..., L - 1}. */
    private static final IntVector IOTA = IntVector.zero(IS).addIndex(1);

    /**
     * Micro-tile rows (values of A broadcast per step). 8 rows x 2 vectors keep 16 accumulators, 2 B vectors and 8
     * broadcasts in 26 of AVX-512's 32 registers; 12 x 2 or 8 x 3 make C2 spill.
     */
    static final int MR = 8;
    /** Micro-tile columns: 2 vectors. */
    static final int NR = 2 * L;
    /** Depth of a packed block: a {@code KC x NR} panel of B stays in L1 while the A panels stream from L2. */
    static final int KC = 256;
    /** Rows of A packed at once (a multiple of MR): the {@code MC x KC} block is sized for L2. */
    static final int MC = 192;
    /** Columns of B packed at once (a multiple of NR): the {@code KC x NC} block is sized for the outer caches. */
    static final int NC = 4096;

    /**
     * One thread's scratch for the products: allocated once per thread, so that a call allocates nothing.
     *
     * @param aPack the packed {@code MC x KC} block of {@code alpha * op(A)}
     * @param bPack the packed {@code KC x NC} block of {@code op(B)}, unless B comes packed whole
     * @param tile  an {@code MR x NR} tile for the edges of C, computed whole and copied in part
     */
    private record Scratch(float[] aPack, float[] bPack, float[] tile) {
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(() -> new Scratch(
            new float[MC * KC], new float[KC * NC], new float[MR * NR]));

    /** Per-thread row offsets {@code j * ldb} for the gathers of {@link #packB} on a transposed B. */
    private static final ThreadLocal<int[]> ROW_STARTS = ThreadLocal.withInitial(() -> new int[NR]);

    /**
     * Per-thread gather offsets of {@link #packA} on a plain A: lane {@code q} reads row {@code q % MR}, step
     * {@code q / MR}.
     */
    private static final ThreadLocal<int[]> LANE_OFFSETS = ThreadLocal.withInitial(() -> new int[L]);

    /** Per-thread gather offsets for {@link #transpose} below 16 lanes. */
    private static final ThreadLocal<int[]> STRIDED = ThreadLocal.withInitial(() -> new int[L]);

    private static int[] laneOffsets(int lda) {
        int[] lanes = LANE_OFFSETS.get();
        for (int q = 0; q < L; q++) {
            lanes[q] = (q % MR) * lda + q / MR;
        }
        return lanes;
    }

    /** Creates the kernels; the provider calls this only when the Vector API module is present. */
    VectorKernels() {
    }

    @Override
    public String name() {
        return "simd-" + S.vectorBitSize();
    }

    @Override
    public boolean isSimd() {
        return true;
    }

    /** Lanes per vector of the preferred species (for tests). */
    static int lanes() {
        return L;
    }

    // ---------------------------------------------------------------------------------------------- SGEMM

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
                      float beta, float[] c, int cOffset, int ldc) {
        sgemm(transA, m, n, k, alpha, a, aOffset, lda,
                (row, column, rows, columns, panelWidth, panels) ->
                        packB(transB, b, bOffset, ldb, row, column, rows, columns, panelWidth, panels),
                beta, c, cOffset, ldc);
    }

    @Override
    public int panelWidth() {
        return NR;
    }

    @Override
    public void sgemm(boolean transA, int m, int n, int k, float alpha, float[] a, int aOffset, int lda,
                      PanelSource b, float beta, float[] c, int cOffset, int ldc) {
        if (m <= 0 || n <= 0) {
            return;
        }
        if (k <= 0 || alpha == 0f) {
            scaleC(m, n, beta, c, cOffset, ldc);
            return;
        }
        if (beta != 0f) {
            scaleC(m, n, beta, c, cOffset, ldc);
        }
        Scratch scratch = SCRATCH.get();
        float[] aPack = scratch.aPack();
        float[] tile = scratch.tile();
        // B packed once for all threads, in this kernel's panel width: multiplied where it lies.
        PackedPanels shared = b instanceof PackedPanels p && p.width() == NR && p.depth() == k && p.columns() >= n
                ? p : null;
        float[] bPack = shared != null ? shared.data() : scratch.bPack();
        // Depth blocks of equal size (288 -> 144 + 144 rather than 256 + 32): fewer passes over C for a thin tail.
        int depthBlocks = (k + KC - 1) / KC;
        int depth = (k + depthBlocks - 1) / depthBlocks;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += depth) {
                int kc = Math.min(depth, k - pc);
                // The first depth block of a beta == 0 product stores its tiles: C is never read, nor cleared first.
                boolean accumulate = pc > 0 || beta != 0f;
                if (shared == null) {
                    b.pack(pc, jc, kc, nc, NR, bPack);
                }
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    packA(transA, a, aOffset, lda, ic, pc, mc, kc, alpha, aPack);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        int bi = shared == null ? jr * kc : (jc + jr) * k + pc * NR;
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            int ai = ir * kc;
                            int ci = cOffset + (ic + ir) * ldc + jc + jr;
                            if (mr == MR && nr == NR) {
                                microKernel(kc, aPack, ai, bPack, bi, c, ci, ldc, accumulate);
                            } else {
                                // Edge tile: the padded packs make a full tile; keep only its valid part.
                                microKernel(kc, aPack, ai, bPack, bi, tile, 0, NR, false);
                                addTile(mr, nr, accumulate, tile, 0, c, ci, ldc);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Tiles of {@code MR} positions by {@code NR} output channels, the micro-kernel's shape with the roles of the
     * operands swapped: each step broadcasts the tile's {@code MR} input values of one tap (consecutive in the
     * input) and loads two vectors of that tap's weights; a depth block whose taps come in runs of three consecutive
     * offsets (a 3x3 kernel's) runs {@link #convolutionRunsTile}, which gives the same sums with fewer loads. Depth
     * blocks as in {@link #sgemm}; a last tile shorter than {@code MR} positions is computed from {@code MR}
     * positions back into the edge tile, and only its new positions are kept. Widths that are not a multiple of
     * {@code NR}, and fewer than {@code MR} positions, are computed one element at a time with the same fused
     * multiply-adds.
     */
    @Override
    public void convolveRows(int positions, int rowLength, int rowStride, int width, float[] x, int xOffset,
                             int[] taps, float[] wT, float[] out, int outOffset) {
        int k = taps.length;
        if (k == 0) {
            for (int p = 0; p < positions; p++) {
                Arrays.fill(out, outOffset + p * width, outOffset + (p + 1) * width, 0f);
            }
            return;
        }
        float[] tile = SCRATCH.get().tile();
        int depthBlocks = (k + KC - 1) / KC;
        int depth = (k + depthBlocks - 1) / depthBlocks;
        for (int pc = 0; pc < k; pc += depth) {
            int kc = Math.min(depth, k - pc);
            boolean accumulate = pc > 0;
            if (width % NR != 0 || positions < MR) {
                for (int p = 0; p < positions; p++) {
                    for (int o = 0; o < width; o++) {
                        float sum = 0f;
                        for (int t = pc; t < pc + kc; t++) {
                            sum = Math.fma(x[xOffset + p + taps[t]], wT[tapWeightIndex(k, width, t, o)], sum);
                        }
                        int at = outOffset + p * width + o;
                        out[at] = accumulate ? out[at] + sum : sum;
                    }
                }
                continue;
            }
            boolean runs = kc % 3 == 0 && inRunsOfThree(taps, pc, kc);
            for (int jr = 0; jr < width; jr += NR) {
                int wi = tapWeightIndex(k, width, pc, jr);
                // Each tile starts at the first position asked for that no tile has covered: between two rows,
                // a tile that would hold only positions not asked for is skipped.
                for (int p = 0; p < positions; p = nextAskedFor(p + MR, rowLength, rowStride)) {
                    int ci = outOffset + p * width + jr;
                    boolean whole = p + MR <= positions;
                    int start = whole ? p : positions - MR;
                    // The tiles only store (see convolutionRunsTile): a tile that adds to C, or an edge tile, is
                    // computed into scratch and added after.
                    boolean direct = whole && !accumulate;
                    float[] into = direct ? out : tile;
                    int at = direct ? ci : 0;
                    int ld = direct ? width : NR;
                    if (runs) {
                        convolutionRunsTile(kc, x, xOffset + start, taps, pc, wT, wi, into, at, ld);
                    } else {
                        convolutionTile(kc, x, xOffset + start, taps, pc, wT, wi, into, at, ld);
                    }
                    if (!whole) {
                        addTile(positions - p, NR, accumulate, tile, (p - start) * NR, out, ci, width);
                    } else if (accumulate) {
                        addWholeTile(tile, out, ci, width);
                    }
                }
            }
        }
    }

    /**
     * Row by row, two vectors of outputs at a time: the nine input vectors under each are loaded once and serve every
     * output channel, whose nine weights are broadcast; a row's last vector overlaps the one before rather than
     * running past it. Each element takes {@link #microKernel}'s fused multiply-adds from zero, tap by tap, then the
     * bias and the ReLU's blend as {@code addBiasAndRelu} applies them.
     */
    @Override
    public void convolve3x3(int height, int width, float[] x, int xOffset, int outChannels, float[] w, int wOffset,
                            float[] bias, int biasOffset, boolean relu, float[] out, int outOffset) {
        int outHeight = height - 2;
        int outWidth = width - 2;
        int pixels = outHeight * outWidth;
        if (outWidth < L) {
            for (int o = 0; o < outChannels; o++) {
                for (int p = 0; p < pixels; p++) {
                    int at = xOffset + p / outWidth * width + p % outWidth;
                    float sum = 0f;
                    for (int t = 0; t < 9; t++) {
                        sum = Math.fma(w[wOffset + 9 * o + t], x[at + t / 3 * width + t % 3], sum);
                    }
                    sum = bias == null ? sum : sum + bias[biasOffset + o];
                    out[outOffset + o * pixels + p] = relu && !(sum > 0f) ? 0f : sum;
                }
            }
            return;
        }
        for (int y = 0; y < outHeight; y++) {
            int row = xOffset + y * width;
            int at = outOffset + y * outWidth;
            int next = 0;
            for (; next + L < outWidth; next += 2 * L) {
                int second = Math.min(next + L, outWidth - L);
                convolve3x3Pair(row + next, row + second, width, x, outChannels, w, wOffset, bias, biasOffset, relu,
                        out, at + next, at + second, pixels);
            }
            if (next < outWidth) {
                int col = Math.min(next, outWidth - L);
                convolve3x3Pair(row + col, row + col, width, x, outChannels, w, wOffset, bias, biasOffset, relu, out,
                        at + col, at + col, pixels);
            }
        }
    }

    /**
     * Two runs of {@code L} outputs of {@link #convolve3x3} at once, input runs from {@code a} and {@code b}, output
     * runs at {@code outA} and {@code outB} (the same run twice for a row's last vector alone): two independent
     * chains of fused multiply-adds per broadcast weight.
     */
    private static void convolve3x3Pair(int a, int b, int width, float[] x, int outChannels, float[] w, int wOffset,
                                        float[] bias, int biasOffset, boolean relu, float[] out, int outA, int outB,
                                        int pixels) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector a0 = FloatVector.fromArray(S, x, a);
        FloatVector a1 = FloatVector.fromArray(S, x, a + 1);
        FloatVector a2 = FloatVector.fromArray(S, x, a + 2);
        FloatVector a3 = FloatVector.fromArray(S, x, a + width);
        FloatVector a4 = FloatVector.fromArray(S, x, a + width + 1);
        FloatVector a5 = FloatVector.fromArray(S, x, a + width + 2);
        FloatVector a6 = FloatVector.fromArray(S, x, a + 2 * width);
        FloatVector a7 = FloatVector.fromArray(S, x, a + 2 * width + 1);
        FloatVector a8 = FloatVector.fromArray(S, x, a + 2 * width + 2);
        FloatVector b0 = FloatVector.fromArray(S, x, b);
        FloatVector b1 = FloatVector.fromArray(S, x, b + 1);
        FloatVector b2 = FloatVector.fromArray(S, x, b + 2);
        FloatVector b3 = FloatVector.fromArray(S, x, b + width);
        FloatVector b4 = FloatVector.fromArray(S, x, b + width + 1);
        FloatVector b5 = FloatVector.fromArray(S, x, b + width + 2);
        FloatVector b6 = FloatVector.fromArray(S, x, b + 2 * width);
        FloatVector b7 = FloatVector.fromArray(S, x, b + 2 * width + 1);
        FloatVector b8 = FloatVector.fromArray(S, x, b + 2 * width + 2);
        for (int o = 0; o < outChannels; o++) {
            int wo = wOffset + 9 * o;
            FloatVector t = FloatVector.broadcast(S, w[wo]);
            FloatVector sa = t.fma(a0, zero);
            FloatVector sb = t.fma(b0, zero);
            t = FloatVector.broadcast(S, w[wo + 1]);
            sa = t.fma(a1, sa);
            sb = t.fma(b1, sb);
            t = FloatVector.broadcast(S, w[wo + 2]);
            sa = t.fma(a2, sa);
            sb = t.fma(b2, sb);
            t = FloatVector.broadcast(S, w[wo + 3]);
            sa = t.fma(a3, sa);
            sb = t.fma(b3, sb);
            t = FloatVector.broadcast(S, w[wo + 4]);
            sa = t.fma(a4, sa);
            sb = t.fma(b4, sb);
            t = FloatVector.broadcast(S, w[wo + 5]);
            sa = t.fma(a5, sa);
            sb = t.fma(b5, sb);
            t = FloatVector.broadcast(S, w[wo + 6]);
            sa = t.fma(a6, sa);
            sb = t.fma(b6, sb);
            t = FloatVector.broadcast(S, w[wo + 7]);
            sa = t.fma(a7, sa);
            sb = t.fma(b7, sb);
            t = FloatVector.broadcast(S, w[wo + 8]);
            sa = t.fma(a8, sa);
            sb = t.fma(b8, sb);
            int plane = o * pixels;
            // Plain branches, each ending in its stores: a vector merged from two branches can be boxed.
            if (bias == null && !relu) {
                sa.intoArray(out, outA + plane);
                sb.intoArray(out, outB + plane);
            } else if (bias == null) {
                zero.blend(sa, sa.compare(VectorOperators.GT, 0f)).intoArray(out, outA + plane);
                zero.blend(sb, sb.compare(VectorOperators.GT, 0f)).intoArray(out, outB + plane);
            } else if (!relu) {
                sa.add(bias[biasOffset + o]).intoArray(out, outA + plane);
                sb.add(bias[biasOffset + o]).intoArray(out, outB + plane);
            } else {
                FloatVector ya = sa.add(bias[biasOffset + o]);
                FloatVector yb = sb.add(bias[biasOffset + o]);
                zero.blend(ya, ya.compare(VectorOperators.GT, 0f)).intoArray(out, outA + plane);
                zero.blend(yb, yb.compare(VectorOperators.GT, 0f)).intoArray(out, outB + plane);
            }
        }
    }

    /** {@code p}, or the start of the next row when {@code p} falls between rows of {@code rowLength}. */
    private static int nextAskedFor(int p, int rowLength, int rowStride) {
        return p % rowStride < rowLength ? p : (p / rowStride + 1) * rowStride;
    }

    /** Rows {@code [0, mr)} of an edge tile from row {@code from}, {@code nr} columns, stored into or added to C. */
    private static void addTile(int mr, int nr, boolean accumulate, float[] tile, int from, float[] c, int ci,
                                int ldc) {
        for (int r = 0; r < mr; r++) {
            for (int j = 0; j < nr; j++) {
                int at = ci + r * ldc + j;
                float value = tile[from + r * NR + j];
                c[at] = accumulate ? c[at] + value : value;
            }
        }
    }

    /** {@code C *= beta}, with {@code beta == 0} meaning "overwrite" (old NaNs do not propagate). */
    private static void scaleC(int m, int n, float beta, float[] c, int cOffset, int ldc) {
        if (beta == 1f) {
            return;
        }
        for (int i = 0; i < m; i++) {
            int row = cOffset + i * ldc;
            if (beta == 0f) {
                Arrays.fill(c, row, row + n, 0f);
            } else {
                scaleRow(n, beta, c, row);
            }
        }
    }

    private static void scaleRow(int n, float alpha, float[] x, int off) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, x, off + i).mul(alpha).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            x[off + i] *= alpha;
        }
    }

    /**
     * Packs {@code alpha * op(A)[ic:ic+mc, pc:pc+kc]} as row panels of {@code MR} rows: panel {@code q} holds,
     * for each {@code p}, the {@code MR} values {@code op(A)[ic+q*MR+r, pc+p]} contiguously; rows past {@code mc}
     * are zero.
     */
    private static void packA(boolean transA, float[] a, int aOffset, int lda, int ic, int pc, int mc, int kc,
                              float alpha, float[] aPack) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int base = ir * kc;
            if (transA && mr == MR && HALF_L == MR) {
                // op(A)[i, p] = A[p, i]: the MR values of one step are contiguous in A's row p, so one half-width
                // load replaces MR scalar ones (a convolution's input gradient packs its weights this way).
                for (int p = 0; p < kc; p++) {
                    FloatVector.fromArray(HALF, a, aOffset + (pc + p) * lda + ic + ir).mul(alpha)
                            .intoArray(aPack, base + p * MR);
                }
            } else if (transA) {
                for (int p = 0; p < kc; p++) {
                    int src = aOffset + (pc + p) * lda + ic + ir;
                    int dst = base + p * MR;
                    for (int r = 0; r < mr; r++) {
                        aPack[dst + r] = alpha * a[src + r];
                    }
                    for (int r = mr; r < MR; r++) {
                        aPack[dst + r] = 0f;
                    }
                }
            } else if (mr == MR && L == 2 * MR) {
                // op(A)[i, p] = A[i, p]: L steps of the MR rows at a time, turned in registers (much cheaper than
                // the gathers below, 16 lanes from 8 rows).
                int src = aOffset + (ic + ir) * lda + pc;
                int p = 0;
                for (; p + L <= kc; p += L) {
                    packEightRows(a, src + p, lda, alpha, aPack, base + p * MR);
                }
                for (; p < kc; p++) {
                    for (int r = 0; r < MR; r++) {
                        aPack[base + p * MR + r] = alpha * a[src + r * lda + p];
                    }
                }
            } else if (mr == MR && L % MR == 0) {
                // op(A)[i, p] = A[i, p]: one gather takes L / MR steps of all MR rows (lane q: row q % MR, step
                // q / MR), so the panel is written out contiguously rather than MR interleaved strided streams.
                int steps = L / MR;
                int[] lanes = laneOffsets(lda);
                int src = aOffset + (ic + ir) * lda + pc;
                int p = 0;
                for (; p + steps <= kc; p += steps) {
                    FloatVector.fromArray(S, a, src + p, lanes, 0).mul(alpha).intoArray(aPack, base + p * MR);
                }
                for (; p < kc; p++) {
                    for (int r = 0; r < MR; r++) {
                        aPack[base + p * MR + r] = alpha * a[src + r * lda + p];
                    }
                }
            } else {
                for (int r = 0; r < mr; r++) {
                    int src = aOffset + (ic + ir + r) * lda + pc;
                    for (int p = 0; p < kc; p++) {
                        aPack[base + p * MR + r] = alpha * a[src + p];
                    }
                }
                for (int r = mr; r < MR; r++) {
                    for (int p = 0; p < kc; p++) {
                        aPack[base + p * MR + r] = 0f;
                    }
                }
            }
        }
    }

    /**
     * For the butterfly steps of {@link #packEightRows} (distance {@code d} = 1, 2, 4, 8): lane {@code l} of
     * {@code UPd} reads lane {@code l - d}, of {@code DOWNd} lane {@code l + d} (both wrapped), and {@code HIGHd}
     * marks the lanes with bit {@code d} set. Fields rather than an array, so that C2 sees constants.
     */
    private static final VectorShuffle<Float> UP1 = shifted(-1);
    private static final VectorShuffle<Float> UP2 = shifted(-2);
    private static final VectorShuffle<Float> UP4 = shifted(-4);
    private static final VectorShuffle<Float> UP8 = shifted(-8);
    private static final VectorShuffle<Float> DOWN1 = shifted(1);
    private static final VectorShuffle<Float> DOWN2 = shifted(2);
    private static final VectorShuffle<Float> DOWN4 = shifted(4);
    private static final VectorShuffle<Float> DOWN8 = shifted(8);
    private static final VectorMask<Float> HIGH1 = lanesWithBit(1);
    private static final VectorMask<Float> HIGH2 = lanesWithBit(2);
    private static final VectorMask<Float> HIGH4 = lanesWithBit(4);
    private static final VectorMask<Float> HIGH8 = lanesWithBit(8);

    /**
     * For {@link #maxPool2x2Values}: lane {@code l} of {@code EVENS} reads lane {@code 2l} (wrapped), of
     * {@code ODDS} lane {@code 2l + 1}, and {@code UPPER_HALF} marks lanes L/2 and up. The pair of vectors
     * {@code (v, w)} taken as one of 2L lanes has its even lanes in {@code v.rearrange(EVENS).blend(
     * w.rearrange(EVENS), UPPER_HALF)}: the API's rearrange of two vectors is no intrinsic on JDK 17.
     */
    private static final VectorShuffle<Float> EVENS = VectorShuffle.fromOp(S, l -> 2 * l % L);
    private static final VectorShuffle<Float> ODDS = VectorShuffle.fromOp(S, l -> (2 * l + 1) % L);
    private static final VectorMask<Float> UPPER_HALF = VectorMask.fromLong(S, -1L << (L / 2));

    private static VectorShuffle<Float> shifted(int by) {
        return VectorShuffle.fromOp(S, l -> Math.floorMod(l + by, L));
    }

    private static VectorMask<Float> lanesWithBit(int bit) {
        boolean[] set = new boolean[L];
        for (int l = 0; l < L; l++) {
            set[l] = (l & bit) != 0;
        }
        return VectorMask.fromArray(S, set, 0);
    }

    /**
     * Packs {@code alpha} times 16 steps of 8 rows of A ({@code a[src + r * lda + s]}, {@code r < 8}, {@code s < 16})
     * as 128 consecutive values, step by step ({@code aPack[dst + s * 8 + r]}); only for 16 lanes. Three butterfly
     * steps (distances 4, 2, 1) transpose the 8 x 8 block in each half of the vectors, leaving in vector {@code s}
     * step {@code s} of the 8 rows in its low half and step {@code s + 8} in its high half; a last step of
     * distance 8 pairs the halves in step order. Written out in full: a helper taking vectors is not always inlined.
     */
    private static void packEightRows(float[] a, int src, int lda, float alpha, float[] aPack, int dst) {
        FloatVector v0 = FloatVector.fromArray(S, a, src).mul(alpha);
        FloatVector v1 = FloatVector.fromArray(S, a, src + lda).mul(alpha);
        FloatVector v2 = FloatVector.fromArray(S, a, src + 2 * lda).mul(alpha);
        FloatVector v3 = FloatVector.fromArray(S, a, src + 3 * lda).mul(alpha);
        FloatVector v4 = FloatVector.fromArray(S, a, src + 4 * lda).mul(alpha);
        FloatVector v5 = FloatVector.fromArray(S, a, src + 5 * lda).mul(alpha);
        FloatVector v6 = FloatVector.fromArray(S, a, src + 6 * lda).mul(alpha);
        FloatVector v7 = FloatVector.fromArray(S, a, src + 7 * lda).mul(alpha);
        FloatVector t;
        t = v0.blend(v4.rearrange(UP4), HIGH4); v4 = v0.rearrange(DOWN4).blend(v4, HIGH4); v0 = t;
        t = v1.blend(v5.rearrange(UP4), HIGH4); v5 = v1.rearrange(DOWN4).blend(v5, HIGH4); v1 = t;
        t = v2.blend(v6.rearrange(UP4), HIGH4); v6 = v2.rearrange(DOWN4).blend(v6, HIGH4); v2 = t;
        t = v3.blend(v7.rearrange(UP4), HIGH4); v7 = v3.rearrange(DOWN4).blend(v7, HIGH4); v3 = t;

        t = v0.blend(v2.rearrange(UP2), HIGH2); v2 = v0.rearrange(DOWN2).blend(v2, HIGH2); v0 = t;
        t = v1.blend(v3.rearrange(UP2), HIGH2); v3 = v1.rearrange(DOWN2).blend(v3, HIGH2); v1 = t;
        t = v4.blend(v6.rearrange(UP2), HIGH2); v6 = v4.rearrange(DOWN2).blend(v6, HIGH2); v4 = t;
        t = v5.blend(v7.rearrange(UP2), HIGH2); v7 = v5.rearrange(DOWN2).blend(v7, HIGH2); v5 = t;

        t = v0.blend(v1.rearrange(UP1), HIGH1); v1 = v0.rearrange(DOWN1).blend(v1, HIGH1); v0 = t;
        t = v2.blend(v3.rearrange(UP1), HIGH1); v3 = v2.rearrange(DOWN1).blend(v3, HIGH1); v2 = t;
        t = v4.blend(v5.rearrange(UP1), HIGH1); v5 = v4.rearrange(DOWN1).blend(v5, HIGH1); v4 = t;
        t = v6.blend(v7.rearrange(UP1), HIGH1); v7 = v6.rearrange(DOWN1).blend(v7, HIGH1); v6 = t;

        // Vector s now holds step s (low half) and step s + 8 (high half); pack steps 2j and 2j + 1 together.
        v0.blend(v1.rearrange(UP8), HIGH8).intoArray(aPack, dst);
        v2.blend(v3.rearrange(UP8), HIGH8).intoArray(aPack, dst + L);
        v4.blend(v5.rearrange(UP8), HIGH8).intoArray(aPack, dst + 2 * L);
        v6.blend(v7.rearrange(UP8), HIGH8).intoArray(aPack, dst + 3 * L);
        v0.rearrange(DOWN8).blend(v1, HIGH8).intoArray(aPack, dst + 4 * L);
        v2.rearrange(DOWN8).blend(v3, HIGH8).intoArray(aPack, dst + 5 * L);
        v4.rearrange(DOWN8).blend(v5, HIGH8).intoArray(aPack, dst + 6 * L);
        v6.rearrange(DOWN8).blend(v7, HIGH8).intoArray(aPack, dst + 7 * L);
    }

    /**
     * Packs {@code op(B)[pc:pc+kc, jc:jc+nc]} as column panels of {@code width} columns: panel {@code q} holds,
     * for each {@code p}, the {@code width} values {@code op(B)[pc+p, jc+q*width+j]} contiguously; columns past
     * {@code nc} are zero (the layout of {@link PanelSource#pack}).
     */
    private static void packB(boolean transB, float[] b, int bOffset, int ldb, int pc, int jc, int kc, int nc,
                              int width, float[] bPack) {
        for (int jr = 0; jr < nc; jr += width) {
            int nr = Math.min(width, nc - jr);
            int base = jr * kc;
            if (transB && nr == NR && width == NR) {
                // op(B)[p, j] = B[j, p]: one step p of a full panel is a gather down NR rows of B, written out
                // contiguously (a strided scatter of each row instead costs a cache line per store).
                int[] rowStarts = ROW_STARTS.get();
                for (int j = 0; j < NR; j++) {
                    rowStarts[j] = j * ldb;
                }
                int src = bOffset + (jc + jr) * ldb + pc;
                for (int p = 0; p < kc; p++) {
                    FloatVector.fromArray(S, b, src + p, rowStarts, 0).intoArray(bPack, base + p * NR);
                    FloatVector.fromArray(S, b, src + p, rowStarts, L).intoArray(bPack, base + p * NR + L);
                }
            } else if (transB) {
                // A partial panel: walk B's rows (contiguous in p), scatter with stride width.
                for (int j = 0; j < nr; j++) {
                    int src = bOffset + (jc + jr + j) * ldb + pc;
                    for (int p = 0; p < kc; p++) {
                        bPack[base + p * width + j] = b[src + p];
                    }
                }
                if (nr < width) {
                    for (int p = 0; p < kc; p++) {
                        Arrays.fill(bPack, base + p * width + nr, base + (p + 1) * width, 0f);
                    }
                }
            } else if (nr == NR && width == NR) {
                // A full panel: each step is two vector copies; System.arraycopy of 32 floats costs more in its
                // call than in its copy.
                for (int p = 0; p < kc; p++) {
                    int src = bOffset + (pc + p) * ldb + jc + jr;
                    int dst = base + p * NR;
                    FloatVector.fromArray(S, b, src).intoArray(bPack, dst);
                    FloatVector.fromArray(S, b, src + L).intoArray(bPack, dst + L);
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = bOffset + (pc + p) * ldb + jc + jr;
                    int dst = base + p * width;
                    System.arraycopy(b, src, bPack, dst, nr);
                    if (nr < width) {
                        Arrays.fill(bPack, dst + nr, dst + width, 0f);
                    }
                }
            }
        }
    }

    /**
     * The register-blocked micro-kernel: {@code C[8 x 2L] += Apanel · Bpanel} over {@code kc} steps, with
     * 16 FMA accumulators held in registers. {@code ap} holds 8 values of a column of A per step, {@code bp}
     * 2L values of a row of B per step (see the packing routines).
     */
    private static void microKernel(int kc, float[] ap, int ai, float[] bp, int bi, float[] c, int ci, int ldc,
                                    boolean accumulate) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int pa = ai + p * MR;
            int pb = bi + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, pb);
            FloatVector b1 = FloatVector.fromArray(S, bp, pb + 1 * L);
            FloatVector a0 = FloatVector.broadcast(S, ap[pa + 0]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, ap[pa + 1]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, ap[pa + 2]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, ap[pa + 3]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, ap[pa + 4]);
            c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, ap[pa + 5]);
            c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, ap[pa + 6]);
            c60 = a6.fma(b0, c60); c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, ap[pa + 7]);
            c70 = a7.fma(b0, c70); c71 = a7.fma(b1, c71);
        }
        // Two plain branches: a vector chosen by a conditional expression defeats the intrinsics.
        if (accumulate) {
            FloatVector.fromArray(S, c, ci + 0 * ldc).add(c00).intoArray(c, ci + 0 * ldc);
            FloatVector.fromArray(S, c, ci + 0 * ldc + 1 * L).add(c01).intoArray(c, ci + 0 * ldc + 1 * L);
            FloatVector.fromArray(S, c, ci + 1 * ldc).add(c10).intoArray(c, ci + 1 * ldc);
            FloatVector.fromArray(S, c, ci + 1 * ldc + 1 * L).add(c11).intoArray(c, ci + 1 * ldc + 1 * L);
            FloatVector.fromArray(S, c, ci + 2 * ldc).add(c20).intoArray(c, ci + 2 * ldc);
            FloatVector.fromArray(S, c, ci + 2 * ldc + 1 * L).add(c21).intoArray(c, ci + 2 * ldc + 1 * L);
            FloatVector.fromArray(S, c, ci + 3 * ldc).add(c30).intoArray(c, ci + 3 * ldc);
            FloatVector.fromArray(S, c, ci + 3 * ldc + 1 * L).add(c31).intoArray(c, ci + 3 * ldc + 1 * L);
            FloatVector.fromArray(S, c, ci + 4 * ldc).add(c40).intoArray(c, ci + 4 * ldc);
            FloatVector.fromArray(S, c, ci + 4 * ldc + 1 * L).add(c41).intoArray(c, ci + 4 * ldc + 1 * L);
            FloatVector.fromArray(S, c, ci + 5 * ldc).add(c50).intoArray(c, ci + 5 * ldc);
            FloatVector.fromArray(S, c, ci + 5 * ldc + 1 * L).add(c51).intoArray(c, ci + 5 * ldc + 1 * L);
            FloatVector.fromArray(S, c, ci + 6 * ldc).add(c60).intoArray(c, ci + 6 * ldc);
            FloatVector.fromArray(S, c, ci + 6 * ldc + 1 * L).add(c61).intoArray(c, ci + 6 * ldc + 1 * L);
            FloatVector.fromArray(S, c, ci + 7 * ldc).add(c70).intoArray(c, ci + 7 * ldc);
            FloatVector.fromArray(S, c, ci + 7 * ldc + 1 * L).add(c71).intoArray(c, ci + 7 * ldc + 1 * L);
        } else {
            c00.intoArray(c, ci + 0 * ldc);
            c01.intoArray(c, ci + 0 * ldc + 1 * L);
            c10.intoArray(c, ci + 1 * ldc);
            c11.intoArray(c, ci + 1 * ldc + 1 * L);
            c20.intoArray(c, ci + 2 * ldc);
            c21.intoArray(c, ci + 2 * ldc + 1 * L);
            c30.intoArray(c, ci + 3 * ldc);
            c31.intoArray(c, ci + 3 * ldc + 1 * L);
            c40.intoArray(c, ci + 4 * ldc);
            c41.intoArray(c, ci + 4 * ldc + 1 * L);
            c50.intoArray(c, ci + 5 * ldc);
            c51.intoArray(c, ci + 5 * ldc + 1 * L);
            c60.intoArray(c, ci + 6 * ldc);
            c61.intoArray(c, ci + 6 * ldc + 1 * L);
            c70.intoArray(c, ci + 7 * ldc);
            c71.intoArray(c, ci + 7 * ldc + 1 * L);
        }
    }

    /**
     * {@link #microKernel} for {@link #convolveRows}: the {@code MR} values broadcast per step are the input at
     * {@code x[xBase + taps[t0 + p] + r]} (consecutive), the two vectors are row {@code p} of a panel of the weights
     * ({@code w[wi + p * NR ...]}: a constant stride, whose range checks C2 hoists out of the loop). The same
     * arithmetic per element of C, stored: {@link #convolveRows} adds a later depth block's tile itself. A copy
     * rather than one loop for both: reading A through an offset table would slow the plain GEMM's inner loop.
     */
    private static void convolutionTile(int kc, float[] x, int xBase, int[] taps, int t0, float[] w, int wi,
                                        float[] c, int ci, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int pa = xBase + taps[t0 + p];
            int pb = wi + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, w, pb);
            FloatVector b1 = FloatVector.fromArray(S, w, pb + 1 * L);
            FloatVector a0 = FloatVector.broadcast(S, x[pa + 0]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, x[pa + 1]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, x[pa + 2]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, x[pa + 3]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, x[pa + 4]);
            c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, x[pa + 5]);
            c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, x[pa + 6]);
            c60 = a6.fma(b0, c60); c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, x[pa + 7]);
            c70 = a7.fma(b0, c70); c71 = a7.fma(b1, c71);
        }
        c00.intoArray(c, ci + 0 * ldc);
        c01.intoArray(c, ci + 0 * ldc + 1 * L);
        c10.intoArray(c, ci + 1 * ldc);
        c11.intoArray(c, ci + 1 * ldc + 1 * L);
        c20.intoArray(c, ci + 2 * ldc);
        c21.intoArray(c, ci + 2 * ldc + 1 * L);
        c30.intoArray(c, ci + 3 * ldc);
        c31.intoArray(c, ci + 3 * ldc + 1 * L);
        c40.intoArray(c, ci + 4 * ldc);
        c41.intoArray(c, ci + 4 * ldc + 1 * L);
        c50.intoArray(c, ci + 5 * ldc);
        c51.intoArray(c, ci + 5 * ldc + 1 * L);
        c60.intoArray(c, ci + 6 * ldc);
        c61.intoArray(c, ci + 6 * ldc + 1 * L);
        c70.intoArray(c, ci + 7 * ldc);
        c71.intoArray(c, ci + 7 * ldc + 1 * L);
    }

    /**
     * {@link #convolutionTile} for a depth block whose taps come in runs of three consecutive offsets (see
     * {@link #inRunsOfThree}), as a 3x3 kernel's {@code (c, i, 0..2)} do. The three taps of a run read the tile's
     * input shifted by 0, 1 and 2, so one step takes a run: it broadcasts the ten input values {@code x[pa + 0..9]}
     * once each, in order, and multiplies each by the run's weight vectors ({@code u}, {@code v}, {@code z}) of the
     * rows it belongs to: 10 broadcasts and 6 weight loads per 48 multiply-adds, where three steps of
     * {@link #convolutionTile} take 24 and 6, with three range checks and three loads of the tap table. Each
     * accumulator still takes the run's taps in order, so every element gets the same sums, bit for bit. Like
     * {@link #convolutionTile}, the tile only stores and a later depth block's tile is added to C by
     * {@link #addWholeTile}: with an adding branch in the tile as well, JDK 17's C2 at times left the stores'
     * intrinsics out of the compiled method, boxing every vector.
     */
    private static void convolutionRunsTile(int kc, float[] x, int xBase, int[] taps, int t0, float[] w, int wi,
                                            float[] c, int ci, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        for (int p = 0; p < kc; p += 3) {
            int pa = xBase + taps[t0 + p];
            int pb = wi + p * NR;
            FloatVector u0 = FloatVector.fromArray(S, w, pb);
            FloatVector u1 = FloatVector.fromArray(S, w, pb + 1 * L);
            FloatVector v0 = FloatVector.fromArray(S, w, pb + NR);
            FloatVector v1 = FloatVector.fromArray(S, w, pb + NR + 1 * L);
            FloatVector z0 = FloatVector.fromArray(S, w, pb + 2 * NR);
            FloatVector z1 = FloatVector.fromArray(S, w, pb + 2 * NR + 1 * L);
            FloatVector a = FloatVector.broadcast(S, x[pa + 0]);
            c00 = a.fma(u0, c00); c01 = a.fma(u1, c01);
            a = FloatVector.broadcast(S, x[pa + 1]);
            c10 = a.fma(u0, c10); c11 = a.fma(u1, c11);
            c00 = a.fma(v0, c00); c01 = a.fma(v1, c01);
            a = FloatVector.broadcast(S, x[pa + 2]);
            c20 = a.fma(u0, c20); c21 = a.fma(u1, c21);
            c10 = a.fma(v0, c10); c11 = a.fma(v1, c11);
            c00 = a.fma(z0, c00); c01 = a.fma(z1, c01);
            a = FloatVector.broadcast(S, x[pa + 3]);
            c30 = a.fma(u0, c30); c31 = a.fma(u1, c31);
            c20 = a.fma(v0, c20); c21 = a.fma(v1, c21);
            c10 = a.fma(z0, c10); c11 = a.fma(z1, c11);
            a = FloatVector.broadcast(S, x[pa + 4]);
            c40 = a.fma(u0, c40); c41 = a.fma(u1, c41);
            c30 = a.fma(v0, c30); c31 = a.fma(v1, c31);
            c20 = a.fma(z0, c20); c21 = a.fma(z1, c21);
            a = FloatVector.broadcast(S, x[pa + 5]);
            c50 = a.fma(u0, c50); c51 = a.fma(u1, c51);
            c40 = a.fma(v0, c40); c41 = a.fma(v1, c41);
            c30 = a.fma(z0, c30); c31 = a.fma(z1, c31);
            a = FloatVector.broadcast(S, x[pa + 6]);
            c60 = a.fma(u0, c60); c61 = a.fma(u1, c61);
            c50 = a.fma(v0, c50); c51 = a.fma(v1, c51);
            c40 = a.fma(z0, c40); c41 = a.fma(z1, c41);
            a = FloatVector.broadcast(S, x[pa + 7]);
            c70 = a.fma(u0, c70); c71 = a.fma(u1, c71);
            c60 = a.fma(v0, c60); c61 = a.fma(v1, c61);
            c50 = a.fma(z0, c50); c51 = a.fma(z1, c51);
            a = FloatVector.broadcast(S, x[pa + 8]);
            c70 = a.fma(v0, c70); c71 = a.fma(v1, c71);
            c60 = a.fma(z0, c60); c61 = a.fma(z1, c61);
            a = FloatVector.broadcast(S, x[pa + 9]);
            c70 = a.fma(z0, c70); c71 = a.fma(z1, c71);
        }
        c00.intoArray(c, ci + 0 * ldc);
        c01.intoArray(c, ci + 0 * ldc + 1 * L);
        c10.intoArray(c, ci + 1 * ldc);
        c11.intoArray(c, ci + 1 * ldc + 1 * L);
        c20.intoArray(c, ci + 2 * ldc);
        c21.intoArray(c, ci + 2 * ldc + 1 * L);
        c30.intoArray(c, ci + 3 * ldc);
        c31.intoArray(c, ci + 3 * ldc + 1 * L);
        c40.intoArray(c, ci + 4 * ldc);
        c41.intoArray(c, ci + 4 * ldc + 1 * L);
        c50.intoArray(c, ci + 5 * ldc);
        c51.intoArray(c, ci + 5 * ldc + 1 * L);
        c60.intoArray(c, ci + 6 * ldc);
        c61.intoArray(c, ci + 6 * ldc + 1 * L);
        c70.intoArray(c, ci + 7 * ldc);
        c71.intoArray(c, ci + 7 * ldc + 1 * L);
    }

    /** Adds an {@code MR x NR} tile ({@code NR} floats a row) to C. */
    private static void addWholeTile(float[] tile, float[] c, int ci, int ldc) {
        for (int r = 0; r < MR; r++) {
            int at = ci + r * ldc;
            FloatVector.fromArray(S, c, at).add(FloatVector.fromArray(S, tile, r * NR)).intoArray(c, at);
            FloatVector.fromArray(S, c, at + L).add(FloatVector.fromArray(S, tile, r * NR + L)).intoArray(c, at + L);
        }
    }

    @Override
    public void weightRows(int[] positions, float[] x, int xOffset, int[] rowStarts, float[] g, int width,
                           float[] out, int outOffset) {
        int rows = rowStarts.length;
        int r = 0;
        if (width % NR == 0) {
            if (inRunsOfThree(rowStarts)) {
                for (; r < rows; r += 9) {
                    for (int jr = 0; jr < width; jr += NR) {
                        weightTile9(positions, x, xOffset, rowStarts, r, g, jr, width, out,
                                outOffset + r * width + jr, width);
                    }
                }
            }
            for (; r + MR <= rows; r += MR) {
                for (int jr = 0; jr < width; jr += NR) {
                    weightTile(positions, x, xOffset, rowStarts, r, g, jr, width, out, outOffset + r * width + jr,
                            width);
                }
            }
        }
        // The rows left over (and any width that is not a number of panels): the same sums, one lane at a time.
        ScalarKernels.weightRows(r, positions, x, xOffset, rowStarts, g, width, out, outOffset);
    }

    /**
     * Whether the rows come in groups of nine that are three runs of three consecutive starts, as the taps of a
     * 3x3 kernel do ({@code (c, i, 0..2)} lie side by side in the input): then {@link #weightTile9} reads each run
     * with one range check where {@link #weightTile} pays one per row.
     */
    private static boolean inRunsOfThree(int[] rowStarts) {
        return rowStarts.length != 0 && rowStarts.length % 9 == 0 && inRunsOfThree(rowStarts, 0, rowStarts.length);
    }

    /** Whether {@code starts[from, from + count)} are runs of three consecutive values ({@code count % 3 == 0}). */
    private static boolean inRunsOfThree(int[] starts, int from, int count) {
        for (int r = from; r < from + count; r += 3) {
            if (starts[r + 1] != starts[r] + 1 || starts[r + 2] != starts[r] + 2) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@link #weightTile} for nine rows that are three runs of three consecutive starts (see
     * {@link #inRunsOfThree}): 18 accumulators, and per step two vectors of {@code g} and nine broadcasts from three
     * runs. The same fused multiply-adds in the same order for every element.
     */
    private static void weightTile9(int[] positions, float[] x, int xOffset, int[] rowStarts, int r0, float[] g,
                                    int gj, int ldg, float[] c, int ci, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        FloatVector c80 = FloatVector.zero(S), c81 = FloatVector.zero(S);
        int x0 = xOffset + rowStarts[r0];
        int x1 = xOffset + rowStarts[r0 + 3];
        int x2 = xOffset + rowStarts[r0 + 6];
        for (int p = 0; p < positions.length; p++) {
            int q = positions[p];
            int pb = gj + p * ldg;
            FloatVector b0 = FloatVector.fromArray(S, g, pb);
            FloatVector b1 = FloatVector.fromArray(S, g, pb + 1 * L);
            int a = x0 + q;
            FloatVector a0 = FloatVector.broadcast(S, x[a]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, x[a + 1]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, x[a + 2]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
            a = x1 + q;
            FloatVector a3 = FloatVector.broadcast(S, x[a]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, x[a + 1]);
            c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, x[a + 2]);
            c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51);
            a = x2 + q;
            FloatVector a6 = FloatVector.broadcast(S, x[a]);
            c60 = a6.fma(b0, c60); c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, x[a + 1]);
            c70 = a7.fma(b0, c70); c71 = a7.fma(b1, c71);
            FloatVector a8 = FloatVector.broadcast(S, x[a + 2]);
            c80 = a8.fma(b0, c80); c81 = a8.fma(b1, c81);
        }
        c00.intoArray(c, ci + 0 * ldc);
        c01.intoArray(c, ci + 0 * ldc + 1 * L);
        c10.intoArray(c, ci + 1 * ldc);
        c11.intoArray(c, ci + 1 * ldc + 1 * L);
        c20.intoArray(c, ci + 2 * ldc);
        c21.intoArray(c, ci + 2 * ldc + 1 * L);
        c30.intoArray(c, ci + 3 * ldc);
        c31.intoArray(c, ci + 3 * ldc + 1 * L);
        c40.intoArray(c, ci + 4 * ldc);
        c41.intoArray(c, ci + 4 * ldc + 1 * L);
        c50.intoArray(c, ci + 5 * ldc);
        c51.intoArray(c, ci + 5 * ldc + 1 * L);
        c60.intoArray(c, ci + 6 * ldc);
        c61.intoArray(c, ci + 6 * ldc + 1 * L);
        c70.intoArray(c, ci + 7 * ldc);
        c71.intoArray(c, ci + 7 * ldc + 1 * L);
        c80.intoArray(c, ci + 8 * ldc);
        c81.intoArray(c, ci + 8 * ldc + 1 * L);
    }

    /**
     * Rows {@code [r0, r0 + MR)} of {@link #weightRows} by {@code NR} columns from {@code gj}: 16 accumulators over
     * the whole depth. Each step loads two vectors of {@code g}'s row and broadcasts one value of each of the
     * {@code MR} input runs (the convolution tile's roles, with the runs' starts from a table). One loop over the
     * positions, as in the other tiles: JDK 17's C2 compiles a loop per output row inside a loop over rows into
     * far slower code (JDK 25 does not).
     */
    private static void weightTile(int[] positions, float[] x, int xOffset, int[] rowStarts, int r0, float[] g,
                                   int gj, int ldg, float[] c, int ci, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        int x0 = xOffset + rowStarts[r0];
        int x1 = xOffset + rowStarts[r0 + 1];
        int x2 = xOffset + rowStarts[r0 + 2];
        int x3 = xOffset + rowStarts[r0 + 3];
        int x4 = xOffset + rowStarts[r0 + 4];
        int x5 = xOffset + rowStarts[r0 + 5];
        int x6 = xOffset + rowStarts[r0 + 6];
        int x7 = xOffset + rowStarts[r0 + 7];
        for (int p = 0; p < positions.length; p++) {
            int q = positions[p];
            int pb = gj + p * ldg;
            FloatVector b0 = FloatVector.fromArray(S, g, pb);
            FloatVector b1 = FloatVector.fromArray(S, g, pb + 1 * L);
            FloatVector a0 = FloatVector.broadcast(S, x[x0 + q]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, x[x1 + q]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, x[x2 + q]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, x[x3 + q]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, x[x4 + q]);
            c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, x[x5 + q]);
            c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, x[x6 + q]);
            c60 = a6.fma(b0, c60); c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, x[x7 + q]);
            c70 = a7.fma(b0, c70); c71 = a7.fma(b1, c71);
        }
        c00.intoArray(c, ci + 0 * ldc);
        c01.intoArray(c, ci + 0 * ldc + 1 * L);
        c10.intoArray(c, ci + 1 * ldc);
        c11.intoArray(c, ci + 1 * ldc + 1 * L);
        c20.intoArray(c, ci + 2 * ldc);
        c21.intoArray(c, ci + 2 * ldc + 1 * L);
        c30.intoArray(c, ci + 3 * ldc);
        c31.intoArray(c, ci + 3 * ldc + 1 * L);
        c40.intoArray(c, ci + 4 * ldc);
        c41.intoArray(c, ci + 4 * ldc + 1 * L);
        c50.intoArray(c, ci + 5 * ldc);
        c51.intoArray(c, ci + 5 * ldc + 1 * L);
        c60.intoArray(c, ci + 6 * ldc);
        c61.intoArray(c, ci + 6 * ldc + 1 * L);
        c70.intoArray(c, ci + 7 * ldc);
        c71.intoArray(c, ci + 7 * ldc + 1 * L);
    }

    @Override
    public void transpose(int rows, int columns, float[] x, int xOffset, int ldx, float[] out, int outOffset,
                          int ldo) {
        int i = 0;
        if (L == 16) {
            // 16 x 16 blocks turned in registers: each row's run is one load, where a gather reads 16 cache lines.
            for (; i + L <= rows; i += L) {
                int j = 0;
                for (; j + L <= columns; j += L) {
                    transposeSixteen(x, xOffset + i * ldx + j, ldx, out, outOffset + j * ldo + i, ldo);
                }
                for (; j < columns; j++) {
                    for (int r = i; r < i + L; r++) {
                        out[outOffset + j * ldo + r] = x[xOffset + r * ldx + j];
                    }
                }
            }
        } else {
            // Other widths: each output row's runs of L values gathered down the input's rows.
            int[] down = stridedIndex(L, ldx);
            for (; i + L <= rows; i += L) {
                for (int j = 0; j < columns; j++) {
                    FloatVector.fromArray(S, x, xOffset + i * ldx + j, down, 0).intoArray(out, outOffset + j * ldo + i);
                }
            }
        }
        for (; i < rows; i++) {
            for (int j = 0; j < columns; j++) {
                out[outOffset + j * ldo + i] = x[xOffset + i * ldx + j];
            }
        }
    }

    /** {@code 0, stride, 2 * stride, ...}: {@code count} values in a per-thread array. */
    private static int[] stridedIndex(int count, int stride) {
        int[] index = STRIDED.get();
        for (int q = 0; q < count; q++) {
            index[q] = q * stride;
        }
        return index;
    }

    /**
     * {@code out[dst + q * ldo + m] = x[src + m * lds + q]} for {@code m, q < 16}: sixteen row loads, then the
     * butterfly steps of {@link #packEightRows} at distances 8, 4, 2 and 1, each of which swaps element
     * {@code (m, q)} with {@code (m ^ d, q ^ d)} where bit {@code d} of {@code m} and {@code q} differ, so that
     * vector {@code q} ends up holding column {@code q}. Only for 16 lanes; written out in full for the same reason
     * as {@link #packEightRows}.
     */
    private static void transposeSixteen(float[] x, int src, int lds, float[] out, int dst, int ldo) {
        FloatVector v0 = FloatVector.fromArray(S, x, src);
        FloatVector v1 = FloatVector.fromArray(S, x, src + lds);
        FloatVector v2 = FloatVector.fromArray(S, x, src + 2 * lds);
        FloatVector v3 = FloatVector.fromArray(S, x, src + 3 * lds);
        FloatVector v4 = FloatVector.fromArray(S, x, src + 4 * lds);
        FloatVector v5 = FloatVector.fromArray(S, x, src + 5 * lds);
        FloatVector v6 = FloatVector.fromArray(S, x, src + 6 * lds);
        FloatVector v7 = FloatVector.fromArray(S, x, src + 7 * lds);
        FloatVector v8 = FloatVector.fromArray(S, x, src + 8 * lds);
        FloatVector v9 = FloatVector.fromArray(S, x, src + 9 * lds);
        FloatVector v10 = FloatVector.fromArray(S, x, src + 10 * lds);
        FloatVector v11 = FloatVector.fromArray(S, x, src + 11 * lds);
        FloatVector v12 = FloatVector.fromArray(S, x, src + 12 * lds);
        FloatVector v13 = FloatVector.fromArray(S, x, src + 13 * lds);
        FloatVector v14 = FloatVector.fromArray(S, x, src + 14 * lds);
        FloatVector v15 = FloatVector.fromArray(S, x, src + 15 * lds);
        FloatVector t;
        t = v0.blend(v8.rearrange(UP8), HIGH8); v8 = v0.rearrange(DOWN8).blend(v8, HIGH8); v0 = t;
        t = v1.blend(v9.rearrange(UP8), HIGH8); v9 = v1.rearrange(DOWN8).blend(v9, HIGH8); v1 = t;
        t = v2.blend(v10.rearrange(UP8), HIGH8); v10 = v2.rearrange(DOWN8).blend(v10, HIGH8); v2 = t;
        t = v3.blend(v11.rearrange(UP8), HIGH8); v11 = v3.rearrange(DOWN8).blend(v11, HIGH8); v3 = t;
        t = v4.blend(v12.rearrange(UP8), HIGH8); v12 = v4.rearrange(DOWN8).blend(v12, HIGH8); v4 = t;
        t = v5.blend(v13.rearrange(UP8), HIGH8); v13 = v5.rearrange(DOWN8).blend(v13, HIGH8); v5 = t;
        t = v6.blend(v14.rearrange(UP8), HIGH8); v14 = v6.rearrange(DOWN8).blend(v14, HIGH8); v6 = t;
        t = v7.blend(v15.rearrange(UP8), HIGH8); v15 = v7.rearrange(DOWN8).blend(v15, HIGH8); v7 = t;

        t = v0.blend(v4.rearrange(UP4), HIGH4); v4 = v0.rearrange(DOWN4).blend(v4, HIGH4); v0 = t;
        t = v1.blend(v5.rearrange(UP4), HIGH4); v5 = v1.rearrange(DOWN4).blend(v5, HIGH4); v1 = t;
        t = v2.blend(v6.rearrange(UP4), HIGH4); v6 = v2.rearrange(DOWN4).blend(v6, HIGH4); v2 = t;
        t = v3.blend(v7.rearrange(UP4), HIGH4); v7 = v3.rearrange(DOWN4).blend(v7, HIGH4); v3 = t;
        t = v8.blend(v12.rearrange(UP4), HIGH4); v12 = v8.rearrange(DOWN4).blend(v12, HIGH4); v8 = t;
        t = v9.blend(v13.rearrange(UP4), HIGH4); v13 = v9.rearrange(DOWN4).blend(v13, HIGH4); v9 = t;
        t = v10.blend(v14.rearrange(UP4), HIGH4); v14 = v10.rearrange(DOWN4).blend(v14, HIGH4); v10 = t;
        t = v11.blend(v15.rearrange(UP4), HIGH4); v15 = v11.rearrange(DOWN4).blend(v15, HIGH4); v11 = t;

        t = v0.blend(v2.rearrange(UP2), HIGH2); v2 = v0.rearrange(DOWN2).blend(v2, HIGH2); v0 = t;
        t = v1.blend(v3.rearrange(UP2), HIGH2); v3 = v1.rearrange(DOWN2).blend(v3, HIGH2); v1 = t;
        t = v4.blend(v6.rearrange(UP2), HIGH2); v6 = v4.rearrange(DOWN2).blend(v6, HIGH2); v4 = t;
        t = v5.blend(v7.rearrange(UP2), HIGH2); v7 = v5.rearrange(DOWN2).blend(v7, HIGH2); v5 = t;
        t = v8.blend(v10.rearrange(UP2), HIGH2); v10 = v8.rearrange(DOWN2).blend(v10, HIGH2); v8 = t;
        t = v9.blend(v11.rearrange(UP2), HIGH2); v11 = v9.rearrange(DOWN2).blend(v11, HIGH2); v9 = t;
        t = v12.blend(v14.rearrange(UP2), HIGH2); v14 = v12.rearrange(DOWN2).blend(v14, HIGH2); v12 = t;
        t = v13.blend(v15.rearrange(UP2), HIGH2); v15 = v13.rearrange(DOWN2).blend(v15, HIGH2); v13 = t;

        t = v0.blend(v1.rearrange(UP1), HIGH1); v1 = v0.rearrange(DOWN1).blend(v1, HIGH1); v0 = t;
        t = v2.blend(v3.rearrange(UP1), HIGH1); v3 = v2.rearrange(DOWN1).blend(v3, HIGH1); v2 = t;
        t = v4.blend(v5.rearrange(UP1), HIGH1); v5 = v4.rearrange(DOWN1).blend(v5, HIGH1); v4 = t;
        t = v6.blend(v7.rearrange(UP1), HIGH1); v7 = v6.rearrange(DOWN1).blend(v7, HIGH1); v6 = t;
        t = v8.blend(v9.rearrange(UP1), HIGH1); v9 = v8.rearrange(DOWN1).blend(v9, HIGH1); v8 = t;
        t = v10.blend(v11.rearrange(UP1), HIGH1); v11 = v10.rearrange(DOWN1).blend(v11, HIGH1); v10 = t;
        t = v12.blend(v13.rearrange(UP1), HIGH1); v13 = v12.rearrange(DOWN1).blend(v13, HIGH1); v12 = t;
        t = v14.blend(v15.rearrange(UP1), HIGH1); v15 = v14.rearrange(DOWN1).blend(v15, HIGH1); v14 = t;

        v0.intoArray(out, dst);
        v1.intoArray(out, dst + ldo);
        v2.intoArray(out, dst + 2 * ldo);
        v3.intoArray(out, dst + 3 * ldo);
        v4.intoArray(out, dst + 4 * ldo);
        v5.intoArray(out, dst + 5 * ldo);
        v6.intoArray(out, dst + 6 * ldo);
        v7.intoArray(out, dst + 7 * ldo);
        v8.intoArray(out, dst + 8 * ldo);
        v9.intoArray(out, dst + 9 * ldo);
        v10.intoArray(out, dst + 10 * ldo);
        v11.intoArray(out, dst + 11 * ldo);
        v12.intoArray(out, dst + 12 * ldo);
        v13.intoArray(out, dst + 13 * ldo);
        v14.intoArray(out, dst + 14 * ldo);
        v15.intoArray(out, dst + 15 * ldo);
    }

    @Override
    public void gather(int rows, int n, float[] x, int[] rowOffsets, int[] index, int indexOffset, float[] out,
                       int outOffset, int outStride) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            // The index pattern is the same for every row: whether it is a run of consecutive indices (then each
            // row is one plain load) is decided once per vector, not once per row.
            int start = index[indexOffset + i];
            boolean consecutive = IntVector.fromArray(IS, index, indexOffset + i).sub(IOTA)
                    .compare(VectorOperators.EQ, start).allTrue();
            int dst = outOffset + i;
            if (consecutive) {
                for (int r = 0; r < rows; r++, dst += outStride) {
                    FloatVector.fromArray(S, x, rowOffsets[r] + start).intoArray(out, dst);
                }
            } else {
                for (int r = 0; r < rows; r++, dst += outStride) {
                    FloatVector.fromArray(S, x, rowOffsets[r], index, indexOffset + i).intoArray(out, dst);
                }
            }
        }
        if (i < n) {
            for (int r = 0; r < rows; r++) {
                int src = rowOffsets[r];
                int dst = outOffset + r * outStride;
                for (int j = i; j < n; j++) {
                    out[dst + j] = x[src + index[indexOffset + j]];
                }
            }
        }
    }

    @Override
    public void gatherBiasRelu(int rows, int n, float[] x, int[] rowOffsets, int[] index, int indexOffset,
                               float[] bias, int biasOffset, float[] out, int outOffset, int outStride) {
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            // As in gather: a run of consecutive indices is one plain load per row. gather's loops are copied
            // rather than shared through a null bias, whose test per row made training and inference slower.
            int start = index[indexOffset + i];
            boolean consecutive = IntVector.fromArray(IS, index, indexOffset + i).sub(IOTA)
                    .compare(VectorOperators.EQ, start).allTrue();
            int dst = outOffset + i;
            if (consecutive) {
                for (int r = 0; r < rows; r++, dst += outStride) {
                    FloatVector v = FloatVector.fromArray(S, x, rowOffsets[r] + start).add(bias[biasOffset + r]);
                    zero.blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(out, dst);
                }
            } else {
                for (int r = 0; r < rows; r++, dst += outStride) {
                    FloatVector v = FloatVector.fromArray(S, x, rowOffsets[r], index, indexOffset + i)
                            .add(bias[biasOffset + r]);
                    zero.blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(out, dst);
                }
            }
        }
        if (i < n) {
            for (int r = 0; r < rows; r++) {
                float b = bias[biasOffset + r];
                for (int j = i; j < n; j++) {
                    float v = x[rowOffsets[r] + index[indexOffset + j]] + b;
                    out[outOffset + r * outStride + j] = v > 0f ? v : 0f;
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------- element-wise

    @Override
    public float dot(int n, float[] x, int xOffset, float[] y, int yOffset) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        FloatVector s2 = FloatVector.zero(S);
        FloatVector s3 = FloatVector.zero(S);
        int i = 0;
        for (int bound = n - 4 * L; i <= bound; i += 4 * L) {
            s0 = FloatVector.fromArray(S, x, xOffset + i).fma(FloatVector.fromArray(S, y, yOffset + i), s0);
            s1 = FloatVector.fromArray(S, x, xOffset + i + L).fma(FloatVector.fromArray(S, y, yOffset + i + L), s1);
            s2 = FloatVector.fromArray(S, x, xOffset + i + 2 * L)
                    .fma(FloatVector.fromArray(S, y, yOffset + i + 2 * L), s2);
            s3 = FloatVector.fromArray(S, x, xOffset + i + 3 * L)
                    .fma(FloatVector.fromArray(S, y, yOffset + i + 3 * L), s3);
        }
        for (int bound = S.loopBound(n); i < bound; i += L) {
            s0 = FloatVector.fromArray(S, x, xOffset + i).fma(FloatVector.fromArray(S, y, yOffset + i), s0);
        }
        float s = i == 0 ? 0f : sumLanes(s0.add(s1).add(s2.add(s3)));
        for (; i < n; i++) {
            s += x[xOffset + i] * y[yOffset + i];
        }
        return s;
    }

    @Override
    public void dots(int n, float[] x, int xOffset, float[] y, int yOffset, int yStride, int rows, float[] out,
                     int outOffset) {
        int r = 0;
        for (; r + 3 <= rows; r += 3) {
            dots3(n, x, xOffset, y, yOffset + r * yStride, yStride, out, outOffset + r);
        }
        for (; r < rows; r++) {
            out[outOffset + r] = dot(n, x, xOffset, y, yOffset + r * yStride);
        }
    }

    /** Three rows of {@link #dots}, each with {@link #dot}'s accumulators in {@link #dot}'s order. */
    private static void dots3(int n, float[] x, int xOffset, float[] y, int y0, int yStride, float[] out, int at) {
        int y1 = y0 + yStride;
        int y2 = y1 + yStride;
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S);
        FloatVector b0 = FloatVector.zero(S), b1 = FloatVector.zero(S), b2 = FloatVector.zero(S);
        FloatVector b3 = FloatVector.zero(S);
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S);
        FloatVector c3 = FloatVector.zero(S);
        int i = 0;
        for (int bound = n - 4 * L; i <= bound; i += 4 * L) {
            FloatVector x0 = FloatVector.fromArray(S, x, xOffset + i);
            FloatVector x1 = FloatVector.fromArray(S, x, xOffset + i + L);
            FloatVector x2 = FloatVector.fromArray(S, x, xOffset + i + 2 * L);
            FloatVector x3 = FloatVector.fromArray(S, x, xOffset + i + 3 * L);
            a0 = x0.fma(FloatVector.fromArray(S, y, y0 + i), a0);
            a1 = x1.fma(FloatVector.fromArray(S, y, y0 + i + L), a1);
            a2 = x2.fma(FloatVector.fromArray(S, y, y0 + i + 2 * L), a2);
            a3 = x3.fma(FloatVector.fromArray(S, y, y0 + i + 3 * L), a3);
            b0 = x0.fma(FloatVector.fromArray(S, y, y1 + i), b0);
            b1 = x1.fma(FloatVector.fromArray(S, y, y1 + i + L), b1);
            b2 = x2.fma(FloatVector.fromArray(S, y, y1 + i + 2 * L), b2);
            b3 = x3.fma(FloatVector.fromArray(S, y, y1 + i + 3 * L), b3);
            c0 = x0.fma(FloatVector.fromArray(S, y, y2 + i), c0);
            c1 = x1.fma(FloatVector.fromArray(S, y, y2 + i + L), c1);
            c2 = x2.fma(FloatVector.fromArray(S, y, y2 + i + 2 * L), c2);
            c3 = x3.fma(FloatVector.fromArray(S, y, y2 + i + 3 * L), c3);
        }
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector x0 = FloatVector.fromArray(S, x, xOffset + i);
            a0 = x0.fma(FloatVector.fromArray(S, y, y0 + i), a0);
            b0 = x0.fma(FloatVector.fromArray(S, y, y1 + i), b0);
            c0 = x0.fma(FloatVector.fromArray(S, y, y2 + i), c0);
        }
        float sa = i == 0 ? 0f : sumLanes(a0.add(a1).add(a2.add(a3)));
        float sb = i == 0 ? 0f : sumLanes(b0.add(b1).add(b2.add(b3)));
        float sc = i == 0 ? 0f : sumLanes(c0.add(c1).add(c2.add(c3)));
        for (; i < n; i++) {
            sa += x[xOffset + i] * y[y0 + i];
            sb += x[xOffset + i] * y[y1 + i];
            sc += x[xOffset + i] * y[y2 + i];
        }
        out[at] = sa;
        out[at + 1] = sb;
        out[at + 2] = sc;
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOffset, float[] y, int yOffset) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            // mul then add (not fma): the same two roundings as the scalar twin, so results are identical.
            FloatVector.fromArray(S, x, xOffset + i).mul(alpha).add(FloatVector.fromArray(S, y, yOffset + i))
                    .intoArray(y, yOffset + i);
        }
        for (; i < n; i++) {
            y[yOffset + i] += alpha * x[xOffset + i];
        }
    }

    @Override
    public void scale(int n, float alpha, float[] x, int xOffset) {
        scaleRow(n, alpha, x, xOffset);
    }

    @Override
    public void affine(int n, float[] x, int xOffset, float scale, float shift, float[] out, int outOffset) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            // mul then add (not fma), as the scalar twin rounds.
            FloatVector.fromArray(S, x, xOffset + i).mul(scale).add(shift).intoArray(out, outOffset + i);
        }
        for (; i < n; i++) {
            out[outOffset + i] = x[xOffset + i] * scale + shift;
        }
    }

    @Override
    public void affineRelu(int n, float[] x, int xOffset, float scale, float shift, float[] out, int outOffset) {
        int i = 0;
        FloatVector zero = FloatVector.zero(S);
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOffset + i).mul(scale).add(shift);
            zero.blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(out, outOffset + i);
        }
        for (; i < n; i++) {
            float v = x[xOffset + i] * scale + shift;
            out[outOffset + i] = v > 0f ? v : 0f;
        }
    }

    @Override
    public void affineAxpy(int n, float[] g, int gOffset, float scale, float shift, float alpha, float[] x,
                           int xOffset, float[] out, int outOffset) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector affine = FloatVector.fromArray(S, g, gOffset + i).mul(scale).add(shift);
            FloatVector.fromArray(S, x, xOffset + i).mul(alpha).add(affine).intoArray(out, outOffset + i);
        }
        for (; i < n; i++) {
            out[outOffset + i] = (g[gOffset + i] * scale + shift) + alpha * x[xOffset + i];
        }
    }

    @Override
    public void affineAxpyMasked(int n, float[] dy, int dyOffset, float scale, float shift, float alpha, float[] x,
                                 int xOffset, float maskScale, float maskShift, float[] out, int outOffset) {
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector xv = FloatVector.fromArray(S, x, xOffset + i);
            FloatVector g = zero.blend(FloatVector.fromArray(S, dy, dyOffset + i),
                    xv.mul(maskScale).add(maskShift).compare(VectorOperators.GT, 0f));
            FloatVector affine = g.mul(scale).add(shift);
            xv.mul(alpha).add(affine).intoArray(out, outOffset + i);
        }
        for (; i < n; i++) {
            float xi = x[xOffset + i];
            float g = xi * maskScale + maskShift > 0f ? dy[dyOffset + i] : 0f;
            out[outOffset + i] = (g * scale + shift) + alpha * xi;
        }
    }

    @Override
    public float squaredDeviations(int n, float[] x, int xOffset, float mean) {
        // dot's accumulators, steps and tail, on d = x - mean (which is what affine(x, 1, -mean) writes).
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        FloatVector s2 = FloatVector.zero(S);
        FloatVector s3 = FloatVector.zero(S);
        int i = 0;
        for (int bound = n - 4 * L; i <= bound; i += 4 * L) {
            FloatVector d0 = FloatVector.fromArray(S, x, xOffset + i).sub(mean);
            FloatVector d1 = FloatVector.fromArray(S, x, xOffset + i + L).sub(mean);
            FloatVector d2 = FloatVector.fromArray(S, x, xOffset + i + 2 * L).sub(mean);
            FloatVector d3 = FloatVector.fromArray(S, x, xOffset + i + 3 * L).sub(mean);
            s0 = d0.fma(d0, s0);
            s1 = d1.fma(d1, s1);
            s2 = d2.fma(d2, s2);
            s3 = d3.fma(d3, s3);
        }
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector d = FloatVector.fromArray(S, x, xOffset + i).sub(mean);
            s0 = d.fma(d, s0);
        }
        float s = i == 0 ? 0f : sumLanes(s0.add(s1).add(s2.add(s3)));
        for (; i < n; i++) {
            float d = x[xOffset + i] - mean;
            s += d * d;
        }
        return s;
    }

    @Override
    public void add(int n, float[] a, int aOffset, float[] b, int bOffset, float[] out, int outOffset) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, a, aOffset + i).add(FloatVector.fromArray(S, b, bOffset + i))
                    .intoArray(out, outOffset + i);
        }
        // A tail of half a vector or more takes one half-width step: col2im adds runs as short as an output row.
        if (HALF != null && n - i >= HALF_L) {
            FloatVector.fromArray(HALF, a, aOffset + i).add(FloatVector.fromArray(HALF, b, bOffset + i))
                    .intoArray(out, outOffset + i);
            i += HALF_L;
        }
        for (; i < n; i++) {
            out[outOffset + i] = a[aOffset + i] + b[bOffset + i];
        }
    }

    @Override
    public void addRows(int rows, int n, float[] x, int xOffset, int xStride, float[] out, int outOffset,
                        int outStride) {
        for (int r = 0; r < rows; r++) {
            add(n, out, outOffset + r * outStride, x, xOffset + r * xStride, out, outOffset + r * outStride);
        }
    }

    @Override
    public void mul(int n, float[] a, int aOffset, float[] b, int bOffset, float[] out, int outOffset) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, a, aOffset + i).mul(FloatVector.fromArray(S, b, bOffset + i))
                    .intoArray(out, outOffset + i);
        }
        for (; i < n; i++) {
            out[outOffset + i] = a[aOffset + i] * b[bOffset + i];
        }
    }

    @Override
    public void relu(int n, float[] x, int xOffset, float[] out, int outOffset) {
        int i = 0;
        FloatVector zero = FloatVector.zero(S);
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOffset + i);
            // blend, not max: keeps the scalar twin's "v > 0 ? v : 0" for -0 and NaN.
            zero.blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(out, outOffset + i);
        }
        for (; i < n; i++) {
            float v = x[xOffset + i];
            out[outOffset + i] = v > 0f ? v : 0f;
        }
    }

    @Override
    public void reluBackward(int n, float[] x, int xOffset, float[] dy, int dyOffset, float[] dx, int dxOffset) {
        int i = 0;
        FloatVector zero = FloatVector.zero(S);
        for (int bound = S.loopBound(n); i < bound; i += L) {
            VectorMask<Float> positive = FloatVector.fromArray(S, x, xOffset + i).compare(VectorOperators.GT, 0f);
            zero.blend(FloatVector.fromArray(S, dy, dyOffset + i), positive).intoArray(dx, dxOffset + i);
        }
        for (; i < n; i++) {
            dx[dxOffset + i] = x[xOffset + i] > 0f ? dy[dyOffset + i] : 0f;
        }
    }

    @Override
    public float sum(int n, float[] x, int xOffset) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        int i = 0;
        for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
            s0 = s0.add(FloatVector.fromArray(S, x, xOffset + i));
            s1 = s1.add(FloatVector.fromArray(S, x, xOffset + i + L));
        }
        for (int bound = S.loopBound(n); i < bound; i += L) {
            s0 = s0.add(FloatVector.fromArray(S, x, xOffset + i));
        }
        float s = i == 0 ? 0f : sumLanes(s0.add(s1));
        for (; i < n; i++) {
            s += x[xOffset + i];
        }
        return s;
    }

    /**
     * {@link #sum}'s two accumulators ({@code s0, s1}) and {@link #dot}'s four ({@code d0..d3}) side by side, over
     * one read of {@code g}. A block of {@code 4L} is two of sum's steps and one of dot's; after the blocks, one
     * step of {@code 2L} is sum's last double step and two of dot's single ones; then single steps and the scalar
     * tail, as in both. Every accumulator so receives the separate kernels' terms in their order: the same bits.
     */
    @Override
    public void sumAndDot(int n, float[] g, int gOffset, float[] x, int xOffset, float[] sums) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        FloatVector d0 = FloatVector.zero(S);
        FloatVector d1 = FloatVector.zero(S);
        FloatVector d2 = FloatVector.zero(S);
        FloatVector d3 = FloatVector.zero(S);
        int i = 0;
        for (int bound = n - 4 * L; i <= bound; i += 4 * L) {
            FloatVector g0 = FloatVector.fromArray(S, g, gOffset + i);
            s0 = s0.add(g0);
            d0 = g0.fma(FloatVector.fromArray(S, x, xOffset + i), d0);
            FloatVector g1 = FloatVector.fromArray(S, g, gOffset + i + L);
            s1 = s1.add(g1);
            d1 = g1.fma(FloatVector.fromArray(S, x, xOffset + i + L), d1);
            FloatVector g2 = FloatVector.fromArray(S, g, gOffset + i + 2 * L);
            s0 = s0.add(g2);
            d2 = g2.fma(FloatVector.fromArray(S, x, xOffset + i + 2 * L), d2);
            FloatVector g3 = FloatVector.fromArray(S, g, gOffset + i + 3 * L);
            s1 = s1.add(g3);
            d3 = g3.fma(FloatVector.fromArray(S, x, xOffset + i + 3 * L), d3);
        }
        if (i <= n - 2 * L) {
            FloatVector g0 = FloatVector.fromArray(S, g, gOffset + i);
            s0 = s0.add(g0);
            d0 = g0.fma(FloatVector.fromArray(S, x, xOffset + i), d0);
            FloatVector g1 = FloatVector.fromArray(S, g, gOffset + i + L);
            s1 = s1.add(g1);
            d0 = g1.fma(FloatVector.fromArray(S, x, xOffset + i + L), d0);
            i += 2 * L;
        }
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector gi = FloatVector.fromArray(S, g, gOffset + i);
            s0 = s0.add(gi);
            d0 = gi.fma(FloatVector.fromArray(S, x, xOffset + i), d0);
        }
        float sum = i == 0 ? 0f : sumLanes(s0.add(s1));
        float dot = i == 0 ? 0f : sumLanes(d0.add(d1).add(d2.add(d3)));
        for (; i < n; i++) {
            float gi = g[gOffset + i];
            sum += gi;
            dot += gi * x[xOffset + i];
        }
        sums[0] = sum;
        sums[1] = dot;
    }

    /**
     * {@link #sumAndDot}'s steps on the masked gradient, each vector of it made where it is used: {@code dy} where
     * {@code x * maskScale + maskShift > 0} (the multiply and add {@link #affineRelu} computed), zero elsewhere.
     * Written out at each use: as a helper taking the vector, C2 at times compiled it on its own and called it
     * ("already compiled into a medium method"), boxing each vector.
     */
    @Override
    public void sumAndDotMasked(int n, float[] dy, int dyOffset, float[] x, int xOffset, float maskScale,
                                float maskShift, float[] sums) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = FloatVector.zero(S);
        FloatVector d0 = FloatVector.zero(S);
        FloatVector d1 = FloatVector.zero(S);
        FloatVector d2 = FloatVector.zero(S);
        FloatVector d3 = FloatVector.zero(S);
        int i = 0;
        for (int bound = n - 4 * L; i <= bound; i += 4 * L) {
            FloatVector x0 = FloatVector.fromArray(S, x, xOffset + i);
            FloatVector g0 = zero.blend(FloatVector.fromArray(S, dy, dyOffset + i),
                    x0.mul(maskScale).add(maskShift).compare(VectorOperators.GT, 0f));
            s0 = s0.add(g0);
            d0 = g0.fma(x0, d0);
            FloatVector x1 = FloatVector.fromArray(S, x, xOffset + i + L);
            FloatVector g1 = zero.blend(FloatVector.fromArray(S, dy, dyOffset + i + L),
                    x1.mul(maskScale).add(maskShift).compare(VectorOperators.GT, 0f));
            s1 = s1.add(g1);
            d1 = g1.fma(x1, d1);
            FloatVector x2 = FloatVector.fromArray(S, x, xOffset + i + 2 * L);
            FloatVector g2 = zero.blend(FloatVector.fromArray(S, dy, dyOffset + i + 2 * L),
                    x2.mul(maskScale).add(maskShift).compare(VectorOperators.GT, 0f));
            s0 = s0.add(g2);
            d2 = g2.fma(x2, d2);
            FloatVector x3 = FloatVector.fromArray(S, x, xOffset + i + 3 * L);
            FloatVector g3 = zero.blend(FloatVector.fromArray(S, dy, dyOffset + i + 3 * L),
                    x3.mul(maskScale).add(maskShift).compare(VectorOperators.GT, 0f));
            s1 = s1.add(g3);
            d3 = g3.fma(x3, d3);
        }
        if (i <= n - 2 * L) {
            FloatVector x0 = FloatVector.fromArray(S, x, xOffset + i);
            FloatVector g0 = zero.blend(FloatVector.fromArray(S, dy, dyOffset + i),
                    x0.mul(maskScale).add(maskShift).compare(VectorOperators.GT, 0f));
            s0 = s0.add(g0);
            d0 = g0.fma(x0, d0);
            FloatVector x1 = FloatVector.fromArray(S, x, xOffset + i + L);
            FloatVector g1 = zero.blend(FloatVector.fromArray(S, dy, dyOffset + i + L),
                    x1.mul(maskScale).add(maskShift).compare(VectorOperators.GT, 0f));
            s1 = s1.add(g1);
            d0 = g1.fma(x1, d0);
            i += 2 * L;
        }
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector xi = FloatVector.fromArray(S, x, xOffset + i);
            FloatVector gi = zero.blend(FloatVector.fromArray(S, dy, dyOffset + i),
                    xi.mul(maskScale).add(maskShift).compare(VectorOperators.GT, 0f));
            s0 = s0.add(gi);
            d0 = gi.fma(xi, d0);
        }
        float sum = i == 0 ? 0f : sumLanes(s0.add(s1));
        float dot = i == 0 ? 0f : sumLanes(d0.add(d1).add(d2.add(d3)));
        for (; i < n; i++) {
            float xi = x[xOffset + i];
            float gi = xi * maskScale + maskShift > 0f ? dy[dyOffset + i] : 0f;
            sum += gi;
            dot += gi * xi;
        }
        sums[0] = sum;
        sums[1] = dot;
    }

    /**
     * The lanes of {@code v} added from lane 0 up, always in that order. {@code reduceLanes(ADD)} leaves the order
     * open, so the compiled intrinsic and the interpreter's fallback may round differently and a result could
     * depend on whether the caller is JIT-compiled yet ({@code DeterminismTest}, 1 against 2 threads, catches
     * it on JDK 25). Callers skip it when no vector was added (short runs allocate nothing).
     */
    private static float sumLanes(FloatVector v) {
        float[] lanes = v.toArray();
        float s = lanes[0];
        for (int i = 1; i < lanes.length; i++) {
            s += lanes[i];
        }
        return s;
    }

    @Override
    public float max(int n, float[] x, int xOffset) {
        if (n < 1) {
            throw new IllegalArgumentException("max of an empty range");
        }
        float m = x[xOffset];
        int i = 0;
        int bound = S.loopBound(n);
        if (bound > 0) {
            FloatVector v = FloatVector.fromArray(S, x, xOffset);
            for (i = L; i < bound; i += L) {
                v = v.max(FloatVector.fromArray(S, x, xOffset + i));
            }
            m = Math.max(m, v.reduceLanes(VectorOperators.MAX));
        }
        for (; i < n; i++) {
            m = Math.max(m, x[xOffset + i]);
        }
        return m;
    }

    @Override
    public int argmax(int n, float[] x, int xOffset) {
        float m = max(n, x, xOffset);
        // The first element equal to the maximum is the scalar twin's answer; a NaN (equal to nothing) falls
        // back to the scalar scan.
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            VectorMask<Float> hit = FloatVector.fromArray(S, x, xOffset + i).compare(VectorOperators.EQ, m);
            if (hit.anyTrue()) {
                return i + hit.firstTrue();
            }
        }
        for (; i < n; i++) {
            if (x[xOffset + i] == m) {
                return i;
            }
        }
        int best = 0;
        for (int j = 1; j < n; j++) {
            if (x[xOffset + j] > x[xOffset + best]) {
                best = j;
            }
        }
        return best;
    }

    @Override
    public float expShifted(int n, float[] x, int xOffset, float shift, float[] out, int outOffset) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector e = FloatVector.fromArray(S, x, xOffset + i).sub(shift).lanewise(VectorOperators.EXP);
            e.intoArray(out, outOffset + i);
            acc = acc.add(e);
        }
        float s = i == 0 ? 0f : sumLanes(acc);
        for (; i < n; i++) {
            float e = (float) Math.exp(x[xOffset + i] - shift);
            out[outOffset + i] = e;
            s += e;
        }
        return s;
    }

    // ------------------------------------------------------------------------ 2x2 max pooling (stride 2)
    //
    // Each chunk handles L/2 windows of one output row with four loads: the top input row at 2x and at 2x + 1
    // and the bottom row likewise, so lane 2k of (va, vb, vc, vd) holds the window's (a, b, c, d). The ops are
    // the scalar twin's, lane-wise (Math.max semantics, '>' for the indices), so the results are identical; the
    // odd lanes compute junk (pairs straddling two windows) and are dropped by evenLanes, which leaves L/2
    // results and L/2 zeros; all L lanes are stored, and the next chunk overwrites the zeros. So a row's stores may
    // run past its end: the extra outputs land at the start of the next row, which is written after it, and only
    // the end of the run and of the arrays must not be crossed; rows that would cross go to the scalar twin.


    /**
     * The even lanes of {@code v} in the low half of the result (the high half is zero). Seen as longs, lane
     * {@code k} is the pair (2k, 2k+1) with lane 2k in the low half (the Vector API reinterprets in
     * little-endian order), so narrowing each long to an int keeps exactly the even lanes (one {@code vpmovqd} on
     * AVX-512). The result keeps {@link #S}'s shape: a float vector of another shape (even only stored) makes C2
     * on JDK 17 compile the SGEMM micro-kernel's vector ops into slow calls; an int vector of the same shape does
     * not.
     */
    private static IntVector evenLanes(IntVector v) {
        return (IntVector) v.reinterpretAsLongs().convert(VectorOperators.L2I, 0);
    }

    @Override
    public void maxPool2x2(int planes, int height, int width, float[] in, int inOffset, float[] out, int outOffset,
                           int[] argmax, int argmaxOffset, int indexBase) {
        if (argmax == null) {
            maxPool2x2Values(planes, height, width, in, inOffset, out, outOffset);
            return;
        }
        int outH = height / 2;
        int outW = width / 2;
        int half = L / 2;
        // Windows the chunks of one row cover (a multiple of L/2); each chunk stores L lanes (the upper half zeros,
        // overwritten by the next chunk), so a row's stores end at chunked + L/2, up to L - 1 past its end.
        int chunked = (outW + half - 1) / half * half;
        int runEnd = planes * outH * outW;
        for (int p = 0; p < planes; p++) {
            int top = inOffset + p * height * width;
            int row = p * outH * outW;
            int topIndex = indexBase + p * height * width;
            // Rows [0, vectorRows) keep their chunks' stores inside the run and loads inside the array (a row's
            // last load ends at its top + width + 2 * chunked); the rest, at the end of a run, go value by value.
            int vectorRows = outH;
            while (vectorRows > 0 && (row + (vectorRows - 1) * outW + chunked + half > runEnd
                    || top + (2 * vectorRows - 1) * width + 2 * chunked >= in.length)) {
                vectorRows--;
            }
            // One loop over the chunks of all those rows: a loop per row costs more than the row's one or two
            // chunks. Each chunk takes L/2 windows, the comparisons of ScalarKernels.maxPool2x2Row lane by lane,
            // and stores L lanes (the upper half zeros). Written out, not a helper: a call C2 does not inline
            // runs the vector operations out of line, many times slower.
            int x = 0;
            int y = 0;
            for (int c = 0, chunks = vectorRows * (chunked / half); c < chunks; c++) {
                int o = row + y * outW + x;
                int i = top + 2 * y * width + 2 * x;
                FloatVector va = FloatVector.fromArray(S, in, i);
                FloatVector vb = FloatVector.fromArray(S, in, i + 1);
                FloatVector vc = FloatVector.fromArray(S, in, i + width);
                FloatVector vd = FloatVector.fromArray(S, in, i + width + 1);
                FloatVector upper = va.max(vb);
                FloatVector lower = vc.max(vd);
                evenLanes(upper.max(lower).reinterpretAsInts()).reinterpretAsFloats().intoArray(out, outOffset + o);
                IntVector index = IOTA.add(topIndex + i - top);
                IntVector upperIndex = index.add(1, vb.compare(VectorOperators.GT, va).cast(IS));
                IntVector lowerIndex = index.add(width).add(1, vd.compare(VectorOperators.GT, vc).cast(IS));
                IntVector winner = upperIndex.blend(lowerIndex, lower.compare(VectorOperators.GT, upper).cast(IS));
                evenLanes(winner).intoArray(argmax, argmaxOffset + o);
                x += half;
                if (x >= outW) {
                    x = 0;
                    y++;
                }
            }
            for (int r = vectorRows; r < outH; r++) {
                int o = row + r * outW;
                ScalarKernels.maxPool2x2Row(0, outW, width, in, top + 2 * r * width, out, outOffset + o, argmax,
                        argmaxOffset + o, topIndex + 2 * r * width);
            }
        }
    }

    /**
     * {@link #maxPool2x2} without winners: each chunk takes the two rows' maxima of 2L columns, then pairs them
     * up, L windows from three maxima where the winners' pass, which compares in the windows' own order, takes
     * L/2 windows from three. The maxima of a window are the same in any order; a NaN in it makes the output NaN.
     */
    private static void maxPool2x2Values(int planes, int height, int width, float[] in, int inOffset, float[] out,
                                         int outOffset) {
        int outH = height / 2;
        int outW = width / 2;
        // Windows the chunks of one row cover (a multiple of L); a row's stores end at chunked, past its end (into
        // the next row's, written after it).
        int chunked = (outW + L - 1) / L * L;
        int runEnd = planes * outH * outW;
        for (int p = 0; p < planes; p++) {
            int top = inOffset + p * height * width;
            int row = p * outH * outW;
            // Rows [0, vectorRows) keep their chunks' stores inside the run and loads inside the array (a row's
            // last load ends at its top + width + 2 * chunked); the rest, at the end of a run, go value by value.
            int vectorRows = outH;
            while (vectorRows > 0 && (row + (vectorRows - 1) * outW + chunked > runEnd
                    || top + (2 * vectorRows - 1) * width + 2 * chunked > in.length)) {
                vectorRows--;
            }
            // One loop over the chunks of all those rows, as with winners.
            int x = 0;
            int y = 0;
            for (int c = 0, chunks = vectorRows * (chunked / L); c < chunks; c++) {
                int i = top + 2 * y * width + 2 * x;
                FloatVector left = FloatVector.fromArray(S, in, i).max(FloatVector.fromArray(S, in, i + width));
                FloatVector right = FloatVector.fromArray(S, in, i + L)
                        .max(FloatVector.fromArray(S, in, i + L + width));
                FloatVector evens = left.rearrange(EVENS).blend(right.rearrange(EVENS), UPPER_HALF);
                FloatVector odds = left.rearrange(ODDS).blend(right.rearrange(ODDS), UPPER_HALF);
                evens.max(odds).intoArray(out, outOffset + row + y * outW + x);
                x += L;
                if (x >= outW) {
                    x = 0;
                    y++;
                }
            }
            for (int r = vectorRows; r < outH; r++) {
                ScalarKernels.maxPool2x2Row(0, outW, width, in, top + 2 * r * width, out, outOffset + row + r * outW,
                        null, 0, 0);
            }
        }
    }

    // ------------------------------------------------------------------------------------- Adam update

    @Override
    public void adamStep(int n, float[] w, int wOffset, float[] g, int gOffset, float[] m, float[] v,
                         int momentOffset, float oneMinusBeta1, float oneMinusBeta2, float alpha, float epsilon,
                         float keep) {
        // The scalar twin's operations in its order (mul, add, sub, IEEE sqrt and div; no FMA): identical bits.
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            int k = momentOffset + i;
            FloatVector gi = FloatVector.fromArray(S, g, gOffset + i);
            FloatVector m0 = FloatVector.fromArray(S, m, k);
            FloatVector v0 = FloatVector.fromArray(S, v, k);
            FloatVector mi = m0.add(gi.sub(m0).mul(oneMinusBeta1));
            FloatVector vi = v0.add(gi.mul(gi).sub(v0).mul(oneMinusBeta2));
            mi.intoArray(m, k);
            vi.intoArray(v, k);
            FloatVector step = mi.mul(alpha).div(vi.lanewise(VectorOperators.SQRT).add(epsilon));
            FloatVector.fromArray(S, w, wOffset + i).mul(keep).sub(step).intoArray(w, wOffset + i);
        }
        ScalarKernels.adamRange(n - i, w, wOffset + i, g, gOffset + i, m, v, momentOffset + i, oneMinusBeta1,
                oneMinusBeta2, alpha, epsilon, keep);
    }
}
