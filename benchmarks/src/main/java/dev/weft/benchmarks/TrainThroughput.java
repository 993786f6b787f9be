package dev.weft.benchmarks;

import dev.weft.data.FashionMnist;
import dev.weft.data.ImageSet;
import dev.weft.data.Recipe;
import dev.weft.data.RecipeVariant;
import dev.weft.core.Parallel;
import dev.weft.core.Tensor;
import dev.weft.core.simd.Kernels;
import dev.weft.layers.Layer;
import dev.weft.layers.Parameter;
import dev.weft.layers.Residual;
import dev.weft.layers.Sequential;
import dev.weft.layers.SoftmaxCrossEntropy;
import dev.weft.optim.Adam;
import dev.weft.optim.Optimizer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Training and inference throughput of a ready-made model on real Fashion-MNIST images, in images per second.
 *
 * <p>Training: full steps as {@link dev.weft.optim.Trainer} runs them (gather a shuffled mini-batch, clear the
 * gradients, forward, softmax cross-entropy, backward, Adam update), first for a warm-up period (JIT compilation,
 * buffer allocation), then measured for a fixed period. Inference: forward passes in inference mode over batches
 * of 256 test images, warm-up then measurement likewise. Both rates are also given as a share of the FMA peak of
 * the cores in use, measured between the warm-up and the measurement ({@link PeakFmaBenchmark#measure}). The last
 * two lines of output are
 * {@code train_images_per_second=<number>} and {@code infer_images_per_second=<number>}.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar \
 *     dev.weft.benchmarks.TrainThroughput --model reference [--batch 64] [--threads 2] [--images 8192]
 *     [--variant baseline] [--warmup 10] [--seconds 20] [--profile] [--data DIR]
 * </pre>
 * With {@code --model weft}, {@code --variant NAME} measures the network of that {@link RecipeVariant} (only the
 * network matters here: the steps are plain Adam steps without augmentation).
 * With {@code --profile}, a per-layer table of forward and backward milliseconds per training batch is printed
 * before the two result lines. {@code --model seed}, the former name of {@code reference}, is still accepted for
 * one release, with a note.
 */
public final class TrainThroughput {

    private static final int INFERENCE_BATCH = 256;

    private String modelName = "reference";
    private RecipeVariant variant = RecipeVariant.BASELINE;
    private int batch = 64;
    private int threads = Parallel.threads();
    private int images = 8192;
    private double warmupSeconds = 10;
    private double measureSeconds = 20;
    private boolean profile;
    private Path data;

    public static void main(String[] args) throws IOException, InterruptedException {
        TrainThroughput benchmark = new TrainThroughput();
        try {
            benchmark.parse(args);
        } catch (IllegalArgumentException e) {
            BenchmarkOptions.exit(e, "TrainThroughput [--model reference|weft] [--variant NAME] [--batch N]"
                    + " [--threads N] [--images N] [--warmup SECONDS] [--seconds SECONDS] [--profile] [--data DIR]");
        }
        benchmark.run();
    }

    private void parse(String[] args) {
        BenchmarkOptions.parse(args, Set.of("--profile"), (flag, value) -> {
            switch (flag) {
                case "--profile" -> profile = true;
                case "--model" -> modelName = BenchmarkOptions.modelName(value, System.err);
                case "--variant" -> variant = BenchmarkOptions.variant(value);
                case "--batch" -> batch = BenchmarkOptions.positive(flag, value);
                case "--threads" -> threads = BenchmarkOptions.positive(flag, value);
                case "--images" -> images = BenchmarkOptions.positive(flag, value);
                case "--warmup" -> warmupSeconds = Double.parseDouble(value);
                case "--seconds" -> measureSeconds = Double.parseDouble(value);
                case "--data" -> data = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        });
        BenchmarkOptions.requireWeftFor(variant, modelName);
    }

    /** The network measured: the weft recipe's under {@code --variant}, or the reference CNN. */
    Sequential model() {
        return Recipe.of(modelName, 1).withVariant(variant).build(42);
    }

    private void run() throws IOException, InterruptedException {
        Parallel.setThreads(threads);
        FashionMnist fashion = data == null ? FashionMnist.load() : FashionMnist.load(data);
        ImageSet train = fashion.train().first(Math.min(images, fashion.train().size()));
        ImageSet test = fashion.test();
        Sequential model = model();
        double forwardFlops = forwardFlopsPerImage(model);
        double trainFlops = trainingFlopsPerImage(model);

        System.out.printf(Locale.ROOT, "JDK %s (%s), kernels %s, threads %d, model %s (variant %s, %,d parameters),"
                        + " batch %d, %d training images%n", Runtime.version(), System.getProperty("java.vm.name"),
                Kernels.get().name(), threads, modelName, variant.label(), model.trainableParameterCount(), batch,
                train.size());
        System.out.printf(Locale.ROOT, "FLOPs per image: %.2f M forward, %.2f M forward + backward%n",
                forwardFlops / 1e6, trainFlops / 1e6);

        Training training = new Training(model, train, batch);
        training.runFor(warmupSeconds);
        CpuMeter trainCpu = new CpuMeter();
        double trainRate = training.runFor(measureSeconds);
        String trainCpuText = trainCpu.toString();
        if (profile) {
            System.out.print(training.profile(Math.max(5, measureSeconds / 2)));
        }

        Inference inference = new Inference(model, test);
        inference.runFor(warmupSeconds / 2);
        CpuMeter inferCpu = new CpuMeter();
        double inferRate = inference.runFor(measureSeconds / 2);
        String inferCpuText = inferCpu.toString();

        // The FMA peak of the cores in use, measured after the rates (its heat must not slow them) and in the same
        // minutes: the machine's speed drifts, so a fixed figure would mislead.
        double peak = PeakFmaBenchmark.measure(Math.min(threads, Runtime.getRuntime().availableProcessors()), 1)
                * 1e9;
        System.out.printf(Locale.ROOT, "training: %.0f images/s = %.1f GFLOP/s = %.1f%% of %.0f GFLOP/s peak"
                        + " (%d steps, loss %.3f); %s%n", trainRate, trainRate * trainFlops / 1e9,
                100 * trainRate * trainFlops / peak, peak / 1e9, training.steps, training.lastLoss, trainCpuText);
        System.out.printf(Locale.ROOT, "inference (batch %d): %.0f images/s = %.1f GFLOP/s = %.1f%% of peak; %s%n",
                INFERENCE_BATCH, inferRate, inferRate * forwardFlops / 1e9, 100 * inferRate * forwardFlops / peak,
                inferCpuText);

        System.out.printf(Locale.ROOT, "train_images_per_second=%.1f%n", trainRate);
        System.out.printf(Locale.ROOT, "infer_images_per_second=%.1f%n", inferRate);
    }

    /** Training steps over shuffled batches of the loaded images, exactly as the Trainer runs them. */
    private static final class Training {
        final Sequential model;
        final ImageSet data;
        final int batch;
        final Optimizer optimizer = new Adam();
        final SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        final List<Parameter> parameters;
        final Tensor x;
        final int[] labels;
        final int[] order;
        final SplittableRandom random = new SplittableRandom(1);
        int cursor;
        long steps;
        float lastLoss;

        Training(Sequential model, ImageSet data, int batch) {
            this.model = model;
            this.data = data;
            this.batch = Math.min(batch, data.size());
            this.parameters = model.parameters();
            this.x = Tensor.zeros(this.batch, 1, data.rows(), data.cols());
            this.labels = new int[this.batch];
            this.order = new int[data.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            this.cursor = order.length;
        }

        /** Gathers the next mini-batch, reshuffling after each pass over the data. */
        void nextBatch() {
            if (cursor + batch > order.length) {
                for (int i = order.length - 1; i > 0; i--) {
                    int j = random.nextInt(i + 1);
                    int t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
                cursor = 0;
            }
            int size = data.sampleSize();
            for (int i = 0; i < batch; i++) {
                data.copySample(order[cursor + i], x.data(), i * size);
                labels[i] = data.label(order[cursor + i]);
            }
            cursor += batch;
        }

        /** Runs whole steps for about {@code seconds}; returns images per second. */
        double runFor(double seconds) {
            long start = System.nanoTime();
            long deadline = start + (long) (seconds * 1e9);
            long done = 0;
            do {
                nextBatch();
                model.zeroGrad();
                lastLoss = loss.forward(model.forward(x, true), labels);
                model.backward(loss.backward());
                optimizer.step(parameters);
                done += batch;
                steps++;
            } while (System.nanoTime() < deadline);
            return done / ((System.nanoTime() - start) * 1e-9);
        }

        /**
         * Times each layer's part of a training step as {@link Sequential} runs it ({@link
         * Sequential#setLayerTimer}: a layer fused with the ReLU after it is timed with it), plus gathering, loss
         * and optimizer, for about {@code seconds}. Besides wall time it records the CPU time of this thread: with
         * {@code --threads 1} all work runs here, which gives a profile that other processes on a shared machine
         * hardly disturb.
         */
        String profile(double seconds) {
            java.lang.management.ThreadMXBean threadBean = ManagementFactory.getThreadMXBean();
            List<Layer> layers = model.layers();
            int rows = layers.size() + 3;   // layers, then gather, loss, optimizer
            long[] wallForward = new long[rows];
            long[] wallBackward = new long[rows];
            long[] cpuForward = new long[rows];
            long[] cpuBackward = new long[rows];
            boolean[] timed = new boolean[rows];
            // The CPU time since the previous report goes to the layer that reports.
            long[] cpuMark = new long[1];
            model.setLayerTimer((layer, backward, nanos) -> {
                long now = threadBean.getCurrentThreadCpuTime();
                (backward ? wallBackward : wallForward)[layer] += nanos;
                (backward ? cpuBackward : cpuForward)[layer] += now - cpuMark[0];
                cpuMark[0] = now;
                timed[layer] = true;
            });
            long start = System.nanoTime();
            long cpuStart = threadBean.getCurrentThreadCpuTime();
            long deadline = start + (long) (seconds * 1e9);
            int n = 0;
            do {
                long w = System.nanoTime();
                long c = threadBean.getCurrentThreadCpuTime();
                nextBatch();
                model.zeroGrad();
                cpuMark[0] = threadBean.getCurrentThreadCpuTime();
                wallForward[layers.size()] += System.nanoTime() - w;
                cpuForward[layers.size()] += cpuMark[0] - c;
                Tensor logits = model.forward(x, true);
                w = System.nanoTime();
                c = threadBean.getCurrentThreadCpuTime();
                loss.forward(logits, labels);
                Tensor d = loss.backward();
                cpuMark[0] = threadBean.getCurrentThreadCpuTime();
                wallForward[layers.size() + 1] += System.nanoTime() - w;
                cpuForward[layers.size() + 1] += cpuMark[0] - c;
                model.backward(d);
                w = System.nanoTime();
                c = threadBean.getCurrentThreadCpuTime();
                optimizer.step(parameters);
                wallForward[layers.size() + 2] += System.nanoTime() - w;
                cpuForward[layers.size() + 2] += threadBean.getCurrentThreadCpuTime() - c;
                n++;
            } while (System.nanoTime() < deadline);
            model.setLayerTimer(null);
            double wallTotal = System.nanoTime() - start;
            double cpuTotal = threadBean.getCurrentThreadCpuTime() - cpuStart;
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                    "profile over %d training batches of %d: ms per batch, wall clock and CPU time of the calling"
                            + " thread (all the work when --threads 1)%n", n, batch));
            sb.append(String.format(Locale.ROOT, "  %-24s %9s %9s %7s   %9s %9s %7s%n", "step", "wall fwd",
                    "wall bwd", "share", "cpu fwd", "cpu bwd", "share"));
            for (int i = 0; i < rows; i++) {
                String name = i < layers.size() ? layers.get(i).name() + " " + layers.get(i).type()
                        : i == layers.size() ? "gather + zeroGrad"
                        : i == layers.size() + 1 ? "softmax cross-entropy" : "Adam step";
                if (i < layers.size() && !timed[i]) {
                    sb.append(String.format(Locale.ROOT, "  %-24s (run with the layer before it)%n", name));
                    continue;
                }
                sb.append(String.format(Locale.ROOT, "  %-24s %9.2f %9.2f %6.1f%%   %9.2f %9.2f %6.1f%%%n", name,
                        wallForward[i] / 1e6 / n, wallBackward[i] / 1e6 / n,
                        100 * (wallForward[i] + wallBackward[i]) / wallTotal, cpuForward[i] / 1e6 / n,
                        cpuBackward[i] / 1e6 / n, 100 * (cpuForward[i] + cpuBackward[i]) / cpuTotal));
            }
            sb.append(String.format(Locale.ROOT, "  %-24s %9.2f ms per batch = %.0f images/s (wall); %.2f ms CPU"
                            + " per batch = %.0f images per CPU-second of this thread%n", "total", wallTotal / 1e6 / n,
                    batch * n / (wallTotal * 1e-9), cpuTotal / 1e6 / n, batch * n / (cpuTotal * 1e-9)));
            return sb.toString();
        }
    }

    /** Inference-mode forward passes over batches of 256 test images. */
    private static final class Inference {
        final Sequential model;
        final Tensor images;
        int cursor;

        Inference(Sequential model, ImageSet test) {
            this.model = model;
            int n = Math.min(test.size(), 8 * INFERENCE_BATCH);
            this.images = test.images(0, n - n % INFERENCE_BATCH);
        }

        double runFor(double seconds) {
            long start = System.nanoTime();
            long deadline = start + (long) (seconds * 1e9);
            long done = 0;
            float sink = 0;
            do {
                if (cursor + INFERENCE_BATCH > images.dim(0)) {
                    cursor = 0;
                }
                Tensor logits = model.forward(images.slice(cursor, cursor + INFERENCE_BATCH), false);
                sink += logits.get(0, 0);
                cursor += INFERENCE_BATCH;
                done += INFERENCE_BATCH;
            } while (System.nanoTime() < deadline);
            if (Float.isNaN(sink)) {
                System.out.println("(NaN logits)");
            }
            return done / ((System.nanoTime() - start) * 1e-9);
        }
    }

    /**
     * How busy this process kept the CPUs since construction, and the machine's load average: on a shared
     * machine a wall-clock rate means little without them.
     */
    private static final class CpuMeter {
        private final com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        private final long wallStart = System.nanoTime();
        private final long cpuStart = os.getProcessCpuTime();

        @Override
        public String toString() {
            double cores = (os.getProcessCpuTime() - cpuStart) / (double) (System.nanoTime() - wallStart);
            return String.format(Locale.ROOT, "process busy on %.2f cores on average, system load average %.2f",
                    cores, os.getSystemLoadAverage());
        }
    }

    /** Multiply-adds of Conv2D and Dense layers, counted as 2 FLOPs each, for one image forward. */
    static double forwardFlopsPerImage(Sequential model) {
        double flops = 0;
        for (Layer layer : model.layers()) {
            flops += layerFlops(layer);
        }
        return flops;
    }

    /**
     * Forward plus backward: each weighted layer costs its forward FLOPs again for the weight gradient and again
     * for the input gradient, except the first layer, whose input gradient is not computed.
     */
    static double trainingFlopsPerImage(Sequential model) {
        double flops = 0;
        boolean first = true;
        for (Layer layer : model.layers()) {
            double f = layerFlops(layer);
            flops += first ? 2 * f : 3 * f;
            if (f > 0) {
                first = false;
            }
        }
        return flops;
    }

    private static double layerFlops(Layer layer) {
        if (layer instanceof Residual block) {
            double flops = 0;
            for (Layer part : block.body()) {
                flops += layerFlops(part);
            }
            return flops;
        }
        for (Parameter p : layer.parameters()) {
            int[] shape = p.value().shape();
            if (p.name().startsWith("weight") && shape.length == 4) {
                // Conv2D weights [out, in, kh, kw]: every output element is a dot product of in*kh*kw terms.
                int[] out = layer.outputShape();
                return 2.0 * out[0] * out[1] * out[2] * shape[1] * shape[2] * shape[3];
            }
            if (p.name().startsWith("weight") && shape.length == 2) {
                return 2.0 * shape[0] * shape[1];   // Dense [out, in]
            }
        }
        return 0;
    }
}
