package tfpeer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.op.nn.SparseSoftmaxCrossEntropyWithLogits;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.op.train.ResourceApplyAdam;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * One of the two CNNs as a TensorFlow graph, built the way tf.keras (Keras 2, fused ops) lays it out: resource
 * variables, Conv2D + BiasAdd, FusedBatchNormV3, Relu, MaxPool, MatMul + BiasAdd, dropout as a random-uniform mask
 * multiply; a training path (forward, gradients, ResourceApplyAdam, moving-statistics assigns) and a separate
 * inference path (BatchNorm on moving statistics, no dropout) over the same variables.
 */
final class Net {

    /** A float32 resource variable with its Glorot/zero/one initial value. */
    static final class Var {
        final String name;
        final long[] shape;
        final boolean trainable;
        final float[] init;
        VarHandleOp handle;
        Operand<TFloat32> trainRead;   // the ReadVariableOp the training path uses (gradients are w.r.t. it)
        Operand<TFloat32> inferRead;
        VarHandleOp m;
        VarHandleOp v;

        Var(String name, long[] shape, boolean trainable, float[] init) {
            this.name = name;
            this.shape = shape;
            this.trainable = trainable;
            this.init = init;
        }

        int size() {
            int n = 1;
            for (long d : shape) {
                n *= (int) d;
            }
            return n;
        }
    }

    private interface Layer {
        Operand<TFloat32> apply(Net net, Operand<TFloat32> x, boolean training);
    }

    final Graph g;
    final Ops tf;
    final String modelName;
    final List<Var> vars = new ArrayList<>();
    private final List<Layer> layers = new ArrayList<>();
    private final SplittableRandom initRandom = new SplittableRandom(42);
    private int dropoutSeed = 1;

    // Training path.
    Placeholder<TFloat32> trainX;
    Placeholder<TInt32> trainY;
    Operand<TFloat32> loss;
    Operand<TFloat32> trainLogits;
    final List<Op> movingUpdates = new ArrayList<>();
    /** Per BatchNorm layer of the training path: its input, its moving mean and its moving variance. */
    final List<Operand<TFloat32>> bnInputs = new ArrayList<>();
    final List<Var[]> bnMoving = new ArrayList<>();
    final List<Op> applyOps = new ArrayList<>();
    Op iterIncrement;
    /** The RandomUniform outputs of the dropout masks (fed with fixed values by the gradient check). */
    final List<Output<TFloat32>> dropoutUniforms = new ArrayList<>();
    List<Var> trainables;
    Output<?>[] grads;
    // Inference path.
    Placeholder<TFloat32> inferX;
    Operand<TFloat32> inferLogits;
    Op init;

    private Net(String modelName) {
        this.modelName = modelName;
        this.g = new Graph();
        this.tf = Ops.create(g);
    }

    static Net build(String model) {
        Net net = new Net(model);
        switch (model) {
            case "weft" -> {
                net.conv(1, 32).bn(32, false).relu().conv(32, 32).bn(32, false).relu().maxPool()
                        .conv(32, 64).bn(64, false).relu().conv(64, 64).bn(64, false).relu().maxPool()
                        .flatten(4 * 4 * 64).dense(1024, 256).bn(256, true).relu().dropout(0.3f).dense(256, 10);
            }
            case "reference" -> {
                net.conv(1, 32).relu().maxPool().conv(32, 64).relu().maxPool().conv(64, 128).relu()
                        .flatten(3 * 3 * 128).dense(1152, 128).relu().dropout(0.5f).dense(128, 10);
            }
            default -> throw new IllegalArgumentException("unknown model " + model + " (weft|reference)");
        }
        net.buildGraph();
        return net;
    }

    // ---------------------------------------------------------------- layer definitions

    private Var var(String name, long[] shape, boolean trainable, float[] init) {
        Var v = new Var(name + "_" + vars.size(), shape, trainable, init);
        vars.add(v);
        return v;
    }

    private float[] glorot(int n, int fanIn, int fanOut) {
        double limit = Math.sqrt(6.0 / (fanIn + fanOut));
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) ((initRandom.nextDouble() * 2 - 1) * limit);
        }
        return w;
    }

    private static float[] filled(int n, float value) {
        float[] a = new float[n];
        Arrays.fill(a, value);
        return a;
    }

    private Net conv(int cin, int cout) {
        Var w = var("conv_kernel", new long[] {3, 3, cin, cout}, true, glorot(9 * cin * cout, 9 * cin, 9 * cout));
        Var b = var("conv_bias", new long[] {cout}, true, new float[cout]);
        layers.add((net, x, training) -> tf.nn.biasAdd(
                tf.nn.conv2d(x, net.read(w, training), Arrays.asList(1L, 1L, 1L, 1L), "VALID"),
                net.read(b, training)));
        return this;
    }

    private Net dense(int in, int out) {
        Var w = var("dense_kernel", new long[] {in, out}, true, glorot(in * out, in, out));
        Var b = var("dense_bias", new long[] {out}, true, new float[out]);
        layers.add((net, x, training) -> tf.nn.biasAdd(tf.linalg.matMul(x, net.read(w, training)),
                net.read(b, training)));
        return this;
    }

    /** Keras BatchNormalization (momentum 0.99, epsilon 1e-3) as FusedBatchNormV3; 2-D input goes through [N,1,1,C]. */
    private Net bn(int c, boolean twoD) {
        Var gamma = var("bn_gamma", new long[] {c}, true, filled(c, 1f));
        Var beta = var("bn_beta", new long[] {c}, true, new float[c]);
        Var movingMean = var("bn_moving_mean", new long[] {c}, false, new float[c]);
        Var movingVar = var("bn_moving_variance", new long[] {c}, false, filled(c, 1f));
        layers.add((net, x, training) -> {
            Operand<TFloat32> in = twoD ? tf.reshape(x, tf.constant(new int[] {-1, 1, 1, c})) : x;
            // As tf.keras does with a float momentum outside XLA: the op itself blends the batch statistics into the
            // moving ones (exponential_avg_factor = 1 - momentum) and the layer assigns its outputs back.
            FusedBatchNorm<TFloat32, TFloat32> bn = tf.nn.fusedBatchNorm(in, net.read(gamma, training),
                    net.read(beta, training), net.read(movingMean, training), net.read(movingVar, training),
                    FusedBatchNorm.epsilon(1e-3f), FusedBatchNorm.isTraining(training),
                    FusedBatchNorm.exponentialAvgFactor(training ? 0.01f : 1f), FusedBatchNorm.dataFormat("NHWC"));
            if (training) {
                bnInputs.add(in);
                bnMoving.add(new Var[] {movingMean, movingVar});
                movingUpdates.add(tf.assignVariableOp(movingMean.handle, bn.batchMean()));
                movingUpdates.add(tf.assignVariableOp(movingVar.handle, bn.batchVariance()));
            }
            Operand<TFloat32> y = bn.y();
            return twoD ? tf.reshape(y, tf.constant(new int[] {-1, c})) : y;
        });
        return this;
    }

    private Net relu() {
        layers.add((net, x, training) -> tf.nn.relu(x));
        return this;
    }

    /** MaxPool (the attribute form, as Keras emits it; the Java wrapper of tf.nn.maxPool is MaxPoolV2). */
    private Net maxPool() {
        layers.add((net, x, training) -> {
            GraphOperation op = g.opBuilder("MaxPool", tf.scope().makeOpName("MaxPool"), tf.scope())
                    .addInput(x.asOutput())
                    .setAttr("ksize", new long[] {1, 2, 2, 1})
                    .setAttr("strides", new long[] {1, 2, 2, 1})
                    .setAttr("padding", "VALID")
                    .setAttr("data_format", "NHWC")
                    .build();
            return op.<TFloat32>output(0);
        });
        return this;
    }

    private Net flatten(int features) {
        layers.add((net, x, training) -> tf.reshape(x, tf.constant(new int[] {-1, features})));
        return this;
    }

    /** Keras/tf.nn.dropout in training: x * (1/(1-rate)) * cast(uniform >= rate); identity in inference. */
    private Net dropout(float rate) {
        int seed = dropoutSeed++;
        layers.add((net, x, training) -> {
            if (!training) {
                return x;
            }
            RandomUniform<TFloat32> u = tf.random.randomUniform(tf.shape(x), TFloat32.class,
                    RandomUniform.seed(1234L), RandomUniform.seed2((long) seed));
            dropoutUniforms.add(u.output());
            Operand<TFloat32> keep = tf.dtypes.cast(tf.math.greaterEqual(u, tf.constant(rate)), TFloat32.class);
            return tf.math.mul(tf.math.mul(x, tf.constant(1f / (1f - rate))), keep);
        });
        return this;
    }

    private Operand<TFloat32> read(Var v, boolean training) {
        if (training) {
            if (v.trainRead == null) {
                v.trainRead = tf.withName(v.name + "_read").readVariableOp(v.handle, TFloat32.class);
            }
            return v.trainRead;
        }
        if (v.inferRead == null) {
            v.inferRead = tf.withName(v.name + "_read_infer").readVariableOp(v.handle, TFloat32.class);
        }
        return v.inferRead;
    }

    // ---------------------------------------------------------------- graph

    private void buildGraph() {
        List<Op> inits = new ArrayList<>();
        for (Var v : vars) {
            v.handle = tf.withName(v.name).varHandleOp(TFloat32.class, Shape.of(v.shape),
                    VarHandleOp.sharedName(v.name));
            inits.add(tf.assignVariableOp(v.handle, constant(v.shape, v.init)));
            if (v.trainable) {
                v.m = tf.withName(v.name + "_adam_m").varHandleOp(TFloat32.class, Shape.of(v.shape),
                        VarHandleOp.sharedName(v.name + "_adam_m"));
                v.v = tf.withName(v.name + "_adam_v").varHandleOp(TFloat32.class, Shape.of(v.shape),
                        VarHandleOp.sharedName(v.name + "_adam_v"));
                inits.add(tf.assignVariableOp(v.m, constant(v.shape, new float[v.size()])));
                inits.add(tf.assignVariableOp(v.v, constant(v.shape, new float[v.size()])));
            }
        }
        VarHandleOp iterations = tf.withName("adam_iterations").varHandleOp(TFloat32.class, Shape.scalar(),
                VarHandleOp.sharedName("adam_iterations"));
        inits.add(tf.assignVariableOp(iterations, tf.constant(0f)));
        init = tf.withControlDependencies(inits).withName("init").noOp();

        // Training path: forward with batch statistics and dropout.
        trainX = tf.withName("images").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 28, 28, 1)));
        trainY = tf.withName("labels").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
        Operand<TFloat32> h = trainX;
        for (Layer layer : layers) {
            h = layer.apply(this, h, true);
        }
        trainLogits = h;
        SparseSoftmaxCrossEntropyWithLogits<TFloat32> ce =
                tf.nn.sparseSoftmaxCrossEntropyWithLogits(trainLogits, trainY);
        loss = tf.withName("loss").math.mean(ce.loss(), tf.constant(0));
        // SparseSoftmaxCrossEntropyWithLogits has no C++ gradient: its gradient is its own second output (softmax
        // minus one-hot, per example), times d(mean)/d(loss_i) = 1/N, exactly what Python's registered gradient does.
        Operand<TFloat32> invN = tf.math.reciprocal(tf.dtypes.cast(tf.size(trainY), TFloat32.class));
        Operand<TFloat32> dLogits = tf.math.mul(ce.backprop(), invN);

        trainables = vars.stream().filter(v -> v.trainable).toList();
        Output<?>[] xs = new Output<?>[trainables.size()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = trainables.get(i).trainRead.asOutput();
        }
        // Everything from the logits back to the parameters: the C++ gradient registry.
        grads = g.addGradients("gradients", new Output<?>[] {trainLogits.asOutput()}, xs,
                new Output<?>[] {dLogits.asOutput()});

        // Adam (Keras defaults), fused ResourceApplyAdam; bias corrections from the iteration count as Keras does.
        Operand<TFloat32> t = tf.math.add(tf.readVariableOp(iterations, TFloat32.class), tf.constant(1f));
        Operand<TFloat32> beta1 = tf.constant(0.9f);
        Operand<TFloat32> beta2 = tf.constant(0.999f);
        Operand<TFloat32> beta1Power = tf.math.pow(beta1, t);
        Operand<TFloat32> beta2Power = tf.math.pow(beta2, t);
        Operand<TFloat32> lr = tf.constant(1e-3f);
        Operand<TFloat32> epsilon = tf.constant(1e-7f);
        for (int i = 0; i < xs.length; i++) {
            Var v = trainables.get(i);
            @SuppressWarnings("unchecked")
            Operand<TFloat32> grad = (Operand<TFloat32>) grads[i];
            applyOps.add(tf.train.resourceApplyAdam(v.handle, v.m, v.v, beta1Power, beta2Power, lr, beta1, beta2,
                    epsilon, grad, ResourceApplyAdam.useLocking(false)));
        }
        iterIncrement = tf.withControlDependencies(applyOps).assignAddVariableOp(iterations, tf.constant(1f));

        // Inference path: moving statistics, no dropout.
        inferX = tf.withName("infer_images").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 28, 28, 1)));
        h = inferX;
        for (Layer layer : layers) {
            h = layer.apply(this, h, false);
        }
        inferLogits = h;
    }

    /** A constant of {@code shape} holding {@code values}. */
    private Operand<TFloat32> constant(long[] shape, float[] values) {
        return tf.constant(Shape.of(shape), DataBuffers.of(values, true, false));
    }

    long trainableCount() {
        return vars.stream().filter(v -> v.trainable).mapToLong(Var::size).sum();
    }

    long nonTrainableCount() {
        return vars.stream().filter(v -> !v.trainable).mapToLong(Var::size).sum();
    }
}
