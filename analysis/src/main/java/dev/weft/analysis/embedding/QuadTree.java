package dev.weft.analysis.embedding;

import java.util.Arrays;

/**
 * A point-region quadtree over 2-D points with each cell's point count and centre of mass: the Barnes-Hut
 * summary of the repulsive forces of t-SNE (van der Maaten 2014, "Accelerating t-SNE using tree-based
 * algorithms", section 4.2; Barnes and Hut 1986).
 *
 * <p>Cells are squares; a cell holding two points at different positions splits into four. A leaf normally holds
 * one point; points at the same position (or below {@value #MAX_DEPTH} levels, where a cell is narrower than the
 * rounding of its coordinates) share a leaf. Points are inserted in index order, so the tree, and everything
 * summed over it, is the same on every run.
 *
 * <p>{@link #repulsion} visits the tree from the root for one point {@code i}: a cell far enough away,
 * {@code width / ‖y_i - y_cell‖ < theta}, counts as {@code N_cell} points at its centre of mass; otherwise its
 * children are visited, down to the leaves, whose points are taken one by one (skipping {@code i} itself). With
 * {@code theta = 0} every point is taken one by one, so the sums are the exact ones (added in another order).
 */
final class QuadTree {

    /** Deeper cells are narrower than the rounding of a double coordinate over the root's width. */
    static final int MAX_DEPTH = 48;

    private final double[] y;
    private int nodes;
    private double[] centreX = new double[64];
    private double[] centreY = new double[64];
    private double[] halfWidth = new double[64];
    private double[] sumX = new double[64];
    private double[] sumY = new double[64];
    private int[] count = new int[64];
    /** The first of four consecutive children, or -1 for a leaf. */
    private int[] firstChild = new int[64];
    /** A leaf's first point, -1 if empty; its further points follow {@link #nextPoint}. */
    private int[] firstPoint = new int[64];
    private final int[] nextPoint;

    /** Builds the tree of the {@code points} 2-D positions stored as {@code y[2i], y[2i + 1]}. */
    QuadTree(double[] y, int points) {
        this.y = y;
        this.nextPoint = new int[points];
        double minX = Double.POSITIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < points; i++) {
            minX = Math.min(minX, y[2 * i]);
            maxX = Math.max(maxX, y[2 * i]);
            minY = Math.min(minY, y[2 * i + 1]);
            maxY = Math.max(maxY, y[2 * i + 1]);
        }
        // A little wider than the points, so the largest lies strictly inside.
        double half = 0.5 * Math.max(maxX - minX, maxY - minY) * (1 + 1e-9) + Double.MIN_NORMAL;
        newNode(0.5 * (minX + maxX), 0.5 * (minY + maxY), half);
        for (int i = 0; i < points; i++) {
            insert(i);
        }
    }

    private void insert(int p) {
        double px = y[2 * p];
        double py = y[2 * p + 1];
        int node = 0;
        for (int depth = 0; ; depth++) {
            if (firstChild[node] < 0) {
                int q = firstPoint[node];
                if (q < 0 || depth == MAX_DEPTH || (y[2 * q] == px && y[2 * q + 1] == py)) {
                    nextPoint[p] = q;
                    firstPoint[node] = p;
                    add(node, px, py);
                    return;
                }
                split(node, q);
            }
            add(node, px, py);
            node = child(node, px, py);
        }
    }

    /** Turns a leaf into a cell of four children and moves its points (all at {@code q}'s position) down. */
    private void split(int node, int q) {
        double h = 0.5 * halfWidth[node];
        int first = nodes;
        for (int quadrant = 0; quadrant < 4; quadrant++) {
            newNode(centreX[node] + ((quadrant & 1) == 0 ? -h : h), centreY[node] + ((quadrant & 2) == 0 ? -h : h), h);
        }
        firstChild[node] = first;
        int moved = child(node, y[2 * q], y[2 * q + 1]);
        firstPoint[moved] = firstPoint[node];
        count[moved] = count[node];
        sumX[moved] = sumX[node];
        sumY[moved] = sumY[node];
        firstPoint[node] = -1;
    }

    private int child(int node, double px, double py) {
        return firstChild[node] + (px >= centreX[node] ? 1 : 0) + (py >= centreY[node] ? 2 : 0);
    }

    private void add(int node, double px, double py) {
        count[node]++;
        sumX[node] += px;
        sumY[node] += py;
    }

    private void newNode(double cx, double cy, double half) {
        if (nodes == count.length) {
            int size = 2 * nodes;
            centreX = Arrays.copyOf(centreX, size);
            centreY = Arrays.copyOf(centreY, size);
            halfWidth = Arrays.copyOf(halfWidth, size);
            sumX = Arrays.copyOf(sumX, size);
            sumY = Arrays.copyOf(sumY, size);
            count = Arrays.copyOf(count, size);
            firstChild = Arrays.copyOf(firstChild, size);
            firstPoint = Arrays.copyOf(firstPoint, size);
        }
        centreX[nodes] = cx;
        centreY[nodes] = cy;
        halfWidth[nodes] = half;
        firstChild[nodes] = -1;
        firstPoint[nodes] = -1;
        nodes++;
    }

    /** A stack for {@link #repulsion}, deep enough for any tree (three siblings wait at each level). */
    int[] newStack() {
        return new int[3 * MAX_DEPTH + 4];
    }

    /**
     * Point {@code i}'s share of the repulsion with the Barnes-Hut criterion {@code theta}: returns
     * {@code Σ_j w_ij} and writes {@code Σ_j w_ij²·(y_i - y_j)} to {@code force[0..1]}, where
     * {@code w_ij = 1 / (1 + ‖y_i - y_j‖²)} and {@code j} runs over every other point (a far cell's points all at
     * its centre of mass). The sums run in a fixed order: the children of each cell in quadrant order.
     */
    double repulsion(int i, double theta, int[] stack, double[] force) {
        double xi = y[2 * i];
        double yi = y[2 * i + 1];
        double z = 0;
        double fx = 0;
        double fy = 0;
        int top = 0;
        stack[top++] = 0;
        while (top > 0) {
            int node = stack[--top];
            if (count[node] == 0) {
                continue;
            }
            if (firstChild[node] < 0) {
                for (int j = firstPoint[node]; j >= 0; j = nextPoint[j]) {
                    if (j != i) {
                        double dx = xi - y[2 * j];
                        double dy = yi - y[2 * j + 1];
                        double w = 1 / (1 + dx * dx + dy * dy);
                        z += w;
                        fx += w * w * dx;
                        fy += w * w * dy;
                    }
                }
                continue;
            }
            double dx = xi - sumX[node] / count[node];
            double dy = yi - sumY[node] / count[node];
            double d2 = dx * dx + dy * dy;
            if (2 * halfWidth[node] < theta * Math.sqrt(d2)) {
                double w = 1 / (1 + d2);
                double nw = count[node] * w;
                z += nw;
                fx += nw * w * dx;
                fy += nw * w * dy;
            } else {
                for (int quadrant = 3; quadrant >= 0; quadrant--) {
                    stack[top++] = firstChild[node] + quadrant;
                }
            }
        }
        force[0] = fx;
        force[1] = fy;
        return z;
    }
}
