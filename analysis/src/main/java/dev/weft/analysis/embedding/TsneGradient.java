package dev.weft.analysis.embedding;

import dev.weft.core.Parallel;

/**
 * The gradient of t-SNE's cost, the Kullback-Leibler divergence {@code C = Σ_ij p_ij·log(p_ij / q_ij)} between the
 * input affinities {@code P} ({@link Affinities}) and the Student-t affinities of the 2-D points {@code y}:
 * {@code q_ij = w_ij / Z} with {@code w_ij = 1 / (1 + ‖y_i - y_j‖²)} and {@code Z = Σ_{k≠l} w_kl}
 * (van der Maaten and Hinton 2008, equation 5):
 * <pre>
 * ∂C/∂y_i = 4·Σ_j (p_ij - q_ij)·w_ij·(y_i - y_j)
 *         = 4·(exaggeration·F_attr,i - F_rep,i / Z),
 * F_attr,i = Σ_j p_ij·w_ij·(y_i - y_j)      over the stored entries of P (sparse)
 * F_rep,i  = Σ_j w_ij²·(y_i - y_j)          over all j ≠ i
 * </pre>
 * {@code exaggeration} multiplies {@code P} (1 for the plain gradient; t-SNE's early exaggeration uses 12).
 * {@link #barnesHut} approximates {@code F_rep} and {@code Z} with a {@link QuadTree} (van der Maaten 2014,
 * "Accelerating t-SNE using tree-based algorithms", section 4.2); {@link #exact} sums them over all pairs,
 * {@code O(points²)}, as the reference to test it against.
 *
 * <p>Both run in parallel over points; each point's sums run in a fixed order and {@code Z} is added up point by
 * point in index order, so the gradient is bit-identical whatever the thread count.
 */
public final class TsneGradient {

    private TsneGradient() {
    }

    /**
     * The gradient with the repulsion by Barnes-Hut, written to {@code gradient} ({@code [points, 2]}, row-major
     * like {@code y}).
     *
     * @param theta the Barnes-Hut criterion: a cell of width {@code w} at distance {@code d} is summarised when
     *              {@code w / d < theta}; 0 sums every pair
     */
    public static void barnesHut(Affinities P, double[] y, double exaggeration, double theta, double[] gradient) {
        int points = check(P, y, gradient);
        QuadTree tree = new QuadTree(y, points);
        double[] zPerPoint = new double[points];
        double[] attraction = new double[2 * points];
        double[] repulsion = new double[2 * points];
        // One parallel loop per gradient: the rest is O(points) and cheaper than handing it to threads.
        Parallel.forRange(points, 32, (from, to) -> {
            int[] stack = tree.newStack();
            double[] force = new double[2];
            for (int i = from; i < to; i++) {
                zPerPoint[i] = tree.repulsion(i, theta, stack, force);
                repulsion[2 * i] = force[0];
                repulsion[2 * i + 1] = force[1];
                attract(P, y, i, attraction);
            }
        });
        combine(exaggeration, zPerPoint, attraction, repulsion, gradient);
    }

    /** The gradient with every pair summed exactly, {@code O(points²)}. */
    public static void exact(Affinities P, double[] y, double exaggeration, double[] gradient) {
        int points = check(P, y, gradient);
        double[] zPerPoint = new double[points];
        double[] attraction = new double[2 * points];
        double[] repulsion = new double[2 * points];
        Parallel.forRange(points, 16, (from, to) -> {
            for (int i = from; i < to; i++) {
                double z = 0;
                double fx = 0;
                double fy = 0;
                for (int j = 0; j < points; j++) {
                    if (j != i) {
                        double dx = y[2 * i] - y[2 * j];
                        double dy = y[2 * i + 1] - y[2 * j + 1];
                        double w = 1 / (1 + dx * dx + dy * dy);
                        z += w;
                        fx += w * w * dx;
                        fy += w * w * dy;
                    }
                }
                zPerPoint[i] = z;
                repulsion[2 * i] = fx;
                repulsion[2 * i + 1] = fy;
                attract(P, y, i, attraction);
            }
        });
        combine(exaggeration, zPerPoint, attraction, repulsion, gradient);
    }

    /** {@code F_attr,i = Σ_j p_ij·w_ij·(y_i - y_j)} over row {@code i} of {@code P}, in column order. */
    private static void attract(Affinities P, double[] y, int i, double[] attraction) {
        double ax = 0;
        double ay = 0;
        for (int e = P.rowStart(i); e < P.rowStart(i + 1); e++) {
            int j = P.column(e);
            double dx = y[2 * i] - y[2 * j];
            double dy = y[2 * i + 1] - y[2 * j + 1];
            double pw = P.value(e) / (1 + dx * dx + dy * dy);
            ax += pw * dx;
            ay += pw * dy;
        }
        attraction[2 * i] = ax;
        attraction[2 * i + 1] = ay;
    }

    /** {@code gradient_i = 4·(exaggeration·F_attr,i - F_rep,i / Z)}, with {@code Z} summed in index order. */
    private static void combine(double exaggeration, double[] zPerPoint, double[] attraction, double[] repulsion,
                                double[] gradient) {
        double Z = 0;
        for (double z : zPerPoint) {
            Z += z;
        }
        double invZ = 1 / Z;
        for (int d = 0; d < gradient.length; d++) {
            gradient[d] = 4 * (exaggeration * attraction[d] - repulsion[d] * invZ);
        }
    }

    /**
     * The cost {@code C = KL(P ‖ Q) = Σ_ij p_ij·log(p_ij / q_ij)} over the stored entries of {@code P}, with
     * {@code Z} summed exactly ({@code O(points²)}): for tests and for reading a small embedding.
     */
    public static double klDivergence(Affinities P, double[] y) {
        int points = P.points();
        double Z = 0;
        for (int i = 0; i < points; i++) {
            for (int j = 0; j < points; j++) {
                if (j != i) {
                    Z += 1 / (1 + squaredDistance(y, i, j));
                }
            }
        }
        double C = 0;
        for (int i = 0; i < points; i++) {
            for (int e = P.rowStart(i); e < P.rowStart(i + 1); e++) {
                double p = P.value(e);
                if (p > 0) {
                    double q = 1 / (1 + squaredDistance(y, i, P.column(e))) / Z;
                    C += p * Math.log(p / q);
                }
            }
        }
        return C;
    }

    private static double squaredDistance(double[] y, int i, int j) {
        double dx = y[2 * i] - y[2 * j];
        double dy = y[2 * i + 1] - y[2 * j + 1];
        return dx * dx + dy * dy;
    }

    private static int check(Affinities P, double[] y, double[] gradient) {
        int points = P.points();
        if (y.length != 2 * points || gradient.length != 2 * points) {
            throw new IllegalArgumentException("P is over " + points + " points, so y and the gradient need "
                    + 2 * points + " values (2-D), got " + y.length + " and " + gradient.length);
        }
        return points;
    }
}
