package tfpeer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Central finite differences of the training loss (batch statistics, dropout masks held fixed by feeding the
 * RandomUniform outputs) against the graph's gradients, per variable, along the gradient's own direction and along
 * a random one. Parameters are perturbed by feeding their ReadVariableOp outputs, so the variables stay untouched.
 */
final class GradCheck {
    private GradCheck() {
    }

    static void run(Net net, Session s, FashionData train) {
        int b = 16;
        int offset = 1000;
        SplittableRandom rnd = new SplittableRandom(7);
        List<TFloat32> fixed = new ArrayList<>();
        try (TFloat32 x = TFloat32.tensorOf(Shape.of(b, 28, 28, 1),
                DataBuffers.of(train.images, true, false).slice((long) offset * 784, (long) b * 784));
             TInt32 y = TInt32.tensorOf(Shape.of(b), DataBuffers.of(train.labels, true, false).slice(offset, b))) {
            for (Output<TFloat32> u : net.dropoutUniforms) {
                long features = u.shape().get(1) > 0 ? u.shape().get(1) : 256;
                float[] vals = new float[(int) (b * features)];
                for (int i = 0; i < vals.length; i++) {
                    vals[i] = (float) rnd.nextDouble();
                }
                fixed.add(TFloat32.tensorOf(Shape.of(b, features), DataBuffers.of(vals, true, false)));
            }
            List<Net.Var> vars = net.trainables;
            int nv = vars.size();
            float[][] theta = new float[nv][];
            float[][] grad = new float[nv][];
            float base;
            Session.Runner r0 = runner(net, s, x, y, fixed);
            for (Net.Var v : vars) {
                r0.fetch(v.trainRead);
            }
            for (Output<?> g : net.grads) {
                r0.fetch(g);
            }
            try (Result r = r0.run()) {
                base = ((TFloat32) r.get(0)).getFloat();
                for (int i = 0; i < nv; i++) {
                    theta[i] = toArray((TFloat32) r.get(1 + i));
                    grad[i] = toArray((TFloat32) r.get(1 + nv + i));
                }
            }
            System.out.printf(Locale.ROOT, "gradient check: batch %d, loss %.6f, %d trainable variables%n", b, base,
                    nv);

            // All parameters at once along the full gradient.
            double gnorm = 0;
            for (float[] g : grad) {
                gnorm += dot(g, g);
            }
            gnorm = Math.sqrt(gnorm);
            double eps = Double.parseDouble(System.getProperty("tfpeer.eps", "1e-3"));
            float[][] plus = new float[nv][];
            float[][] minus = new float[nv][];
            for (int i = 0; i < nv; i++) {
                plus[i] = new float[theta[i].length];
                minus[i] = new float[theta[i].length];
                for (int k = 0; k < theta[i].length; k++) {
                    double d = grad[i][k] / gnorm;
                    plus[i][k] = (float) (theta[i][k] + eps * d);
                    minus[i][k] = (float) (theta[i][k] - eps * d);
                }
            }
            double fd = (lossWith(net, s, x, y, fixed, plus) - lossWith(net, s, x, y, fixed, minus)) / (2 * eps);
            System.out.printf(Locale.ROOT, "  all parameters, gradient direction: analytic %.6f, finite difference"
                    + " %.6f, relative error %.2e%n", gnorm, fd, Math.abs(fd - gnorm) / gnorm);

            System.out.printf(Locale.ROOT, "  %-24s %10s | %12s %12s %9s | %12s %12s %9s%n", "variable", "|grad|",
                    "g.dir", "fd", "rel err", "g.rand", "fd", "rel err");
            for (int i = 0; i < nv; i++) {
                Net.Var v = vars.get(i);
                double norm = Math.sqrt(dot(grad[i], grad[i]));
                float[] dg = new float[grad[i].length];
                float[] dr = new float[grad[i].length];
                double rn = 0;
                for (int k = 0; k < dr.length; k++) {
                    dg[k] = norm > 0 ? (float) (grad[i][k] / norm) : 0f;
                    dr[k] = (float) rnd.nextGaussian();
                    rn += (double) dr[k] * dr[k];
                }
                for (int k = 0; k < dr.length; k++) {
                    dr[k] /= (float) Math.sqrt(rn);
                }
                double[] a = new double[2];
                double[] f = new double[2];
                float[][] dirs = {dg, dr};
                for (int j = 0; j < 2; j++) {
                    a[j] = dot(grad[i], dirs[j]);
                    float[][] p = theta.clone();
                    float[][] m = theta.clone();
                    p[i] = axpy(theta[i], eps, dirs[j]);
                    m[i] = axpy(theta[i], -eps, dirs[j]);
                    f[j] = (lossWith(net, s, x, y, fixed, p) - lossWith(net, s, x, y, fixed, m)) / (2 * eps);
                }
                System.out.printf(Locale.ROOT, "  %-24s %10.3e | %12.5e %12.5e %9.2e | %12.5e %12.5e %9.2e%n", v.name,
                        norm, a[0], f[0], rel(a[0], f[0], norm), a[1], f[1], rel(a[1], f[1], norm));
            }
            System.out.println("  (rel err = |analytic - fd| / max(|analytic|, |fd|, 1e-3 |grad|); conv biases"
                    + " directly before a training-mode BatchNorm have a true gradient of 0)");
            movingStatistics(net, s, x, y);
        } finally {
            fixed.forEach(TFloat32::close);
        }
    }

    /**
     * One full training step (Adam and moving-statistics assigns), then each BatchNorm's moving mean and variance
     * against 0.99 * old + 0.01 * (batch mean, unbiased batch variance) of its input computed here in Java.
     */
    private static void movingStatistics(Net net, Session s, TFloat32 x, TInt32 y) {
        int layers = net.bnInputs.size();
        float[][][] before = new float[layers][2][];
        float[][] inputs = new float[layers][];
        long[][] shapes = new long[layers][];
        Session.Runner r = s.runner().feed(net.trainX, x).feed(net.trainY, y).fetch(net.loss);
        for (int l = 0; l < layers; l++) {
            r.fetch(net.bnMoving.get(l)[0].trainRead).fetch(net.bnMoving.get(l)[1].trainRead)
                    .fetch(net.bnInputs.get(l));
        }
        r.addTarget(net.iterIncrement);
        net.movingUpdates.forEach(r::addTarget);
        int nv = net.trainables.size();
        for (int i = 0; i < nv; i++) {
            r.fetch(net.trainables.get(i).trainRead).fetch(net.grads[i]);
        }
        float[][] theta0 = new float[nv][];
        float[][] g0 = new float[nv][];
        try (Result res = r.run()) {
            for (int i = 0; i < nv; i++) {
                theta0[i] = toArray((TFloat32) res.get(1 + 3 * layers + 2 * i));
                g0[i] = toArray((TFloat32) res.get(2 + 3 * layers + 2 * i));
            }
            for (int l = 0; l < layers; l++) {
                before[l][0] = toArray((TFloat32) res.get(1 + 3 * l));
                before[l][1] = toArray((TFloat32) res.get(2 + 3 * l));
                TFloat32 in = (TFloat32) res.get(3 + 3 * l);
                inputs[l] = toArray(in);
                shapes[l] = in.shape().asArray();
            }
        }
        Session.Runner after = s.runner();
        for (int l = 0; l < layers; l++) {
            after.fetch(net.bnMoving.get(l)[0].inferRead).fetch(net.bnMoving.get(l)[1].inferRead);
        }
        for (int i = 0; i < nv; i++) {
            after.fetch(net.trainables.get(i).inferRead);
        }
        try (Result res = after.run()) {
            // First Adam step (t = 1): m = 0.1 g, v = 0.001 g^2, lr_t = 1e-3 sqrt(1 - 0.999) / (1 - 0.9).
            double maxAdam = 0;
            double lrT = 1e-3 * Math.sqrt(1 - 0.999) / (1 - 0.9);
            for (int i = 0; i < nv; i++) {
                float[] th = toArray((TFloat32) res.get(2 * layers + i));
                for (int k = 0; k < th.length; k++) {
                    double g = g0[i][k];
                    double expected = theta0[i][k] - lrT * (0.1 * g) / (Math.sqrt(0.001 * g * g) + 1e-7);
                    maxAdam = Math.max(maxAdam, Math.abs(th[k] - expected));
                }
            }
            System.out.printf(Locale.ROOT, "  first Adam step over all %d variables: max |theta - expected| %.2e"
                    + " (step size about 1e-3)%n", nv, maxAdam);
            for (int l = 0; l < layers; l++) {
                float[] mean = toArray((TFloat32) res.get(2 * l));
                float[] var = toArray((TFloat32) res.get(2 * l + 1));
                int c = (int) shapes[l][3];
                int count = inputs[l].length / c;
                double maxErrMean = 0;
                double maxErrVar = 0;
                for (int ch = 0; ch < c; ch++) {
                    double sum = 0;
                    for (int k = 0; k < count; k++) {
                        sum += inputs[l][k * c + ch];
                    }
                    double mu = sum / count;
                    double sq = 0;
                    for (int k = 0; k < count; k++) {
                        double d = inputs[l][k * c + ch] - mu;
                        sq += d * d;
                    }
                    double unbiased = sq / (count - 1);
                    double expMean = 0.99 * before[l][0][ch] + 0.01 * mu;
                    double expVar = 0.99 * before[l][1][ch] + 0.01 * unbiased;
                    maxErrMean = Math.max(maxErrMean, Math.abs(mean[ch] - expMean) / Math.max(1e-6, Math.abs(expMean)));
                    maxErrVar = Math.max(maxErrVar, Math.abs(var[ch] - expVar) / Math.max(1e-6, Math.abs(expVar)));
                }
                System.out.printf(Locale.ROOT, "  BatchNorm %d (input %s): moving mean max rel err %.2e, moving"
                        + " variance max rel err %.2e (expected 0.99 old + 0.01 batch, unbiased variance)%n", l,
                        java.util.Arrays.toString(shapes[l]), maxErrMean, maxErrVar);
            }
        }
    }

    private static double rel(double a, double f, double norm) {
        return Math.abs(a - f) / Math.max(Math.max(Math.abs(a), Math.abs(f)), Math.max(1e-3 * norm, 1e-9));
    }

    private static Session.Runner runner(Net net, Session s, TFloat32 x, TInt32 y, List<TFloat32> fixed) {
        Session.Runner r = s.runner().feed(net.trainX, x).feed(net.trainY, y).fetch(net.loss);
        for (int i = 0; i < fixed.size(); i++) {
            r.feed(net.dropoutUniforms.get(i), fixed.get(i));
        }
        return r;
    }

    private static double lossWith(Net net, Session s, TFloat32 x, TInt32 y, List<TFloat32> fixed, float[][] params) {
        List<TFloat32> fed = new ArrayList<>();
        try {
            Session.Runner r = runner(net, s, x, y, fixed);
            for (int i = 0; i < params.length; i++) {
                Net.Var v = net.trainables.get(i);
                TFloat32 t = TFloat32.tensorOf(Shape.of(v.shape), DataBuffers.of(params[i], true, false));
                fed.add(t);
                r.feed(v.trainRead, t);
            }
            try (Result res = r.run()) {
                return ((TFloat32) res.get(0)).getFloat();
            }
        } finally {
            fed.forEach(TFloat32::close);
        }
    }

    private static float[] toArray(TFloat32 t) {
        float[] a = new float[(int) t.size()];
        t.asRawTensor().data().asFloats().read(a);
        return a;
    }

    private static float[] axpy(float[] x, double a, float[] d) {
        float[] r = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = (float) (x[i] + a * d[i]);
        }
        return r;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}
