package tfpeer;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.TensorFlow;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.ndarray.buffer.IntDataBuffer;
import org.tensorflow.op.Op;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.OptimizerOptions;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * TensorFlow (TF Java, graph mode) peer of Weft's TrainThroughput: times training steps at batch 64 and inference at
 * batch 256 of the weft or reference CNN on Fashion-MNIST, on the CPU.
 *
 * <pre>
 * TfPeer --model weft|reference [--threads 2] [--inter 1] [--warmup 6] [--seconds 12] [--xla]
 *        [--steps-check] [--grad-check] [--show-ops] [--op-profile] [--data DIR]
 * </pre>
 * --steps-check trains one pass over the 60,000 training images (938 steps) and reports the test accuracy instead of
 * timing; --grad-check compares the graph's gradients with finite differences; --show-ops prints the op types of
 * the graph TF actually executes (after Grappler/oneDNN rewrites) for one training and one inference step;
 * --op-profile prints, after the warm-up, each op's wall time per training step and per inference batch.
 */
public final class TfPeer {
    static final int BATCH = 64;
    static final int INFER_BATCH = 256;
    static final int PIXELS = 28 * 28;

    String model = "weft";
    int threads = 2;
    int inter = 1;
    double warmup = 6;
    double seconds = 12;
    boolean xla;
    boolean stepsCheck;
    boolean gradCheck;
    boolean showOps;
    boolean opProfile;
    Path data = Path.of("/usr/share/datasets/fashion-mnist");

    public static void main(String[] args) throws Exception {
        TfPeer p = new TfPeer();
        p.parse(args);
        p.run();
    }

    private void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--model" -> model = args[++i];
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--inter" -> inter = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Double.parseDouble(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--data" -> data = Path.of(args[++i]);
                case "--xla" -> xla = true;
                case "--steps-check" -> stepsCheck = true;
                case "--grad-check" -> gradCheck = true;
                case "--show-ops" -> showOps = true;
                case "--op-profile" -> opProfile = true;
                default -> {
                    System.err.println("unknown option " + a + "\nusage: TfPeer --model weft|reference [--threads N]"
                            + " [--inter N] [--warmup S] [--seconds S] [--xla] [--steps-check] [--grad-check]"
                            + " [--show-ops] [--op-profile] [--data DIR]");
                    System.exit(2);
                }
            }
        }
    }

    private ConfigProto config() {
        ConfigProto.Builder b = ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(threads)
                .setInterOpParallelismThreads(inter);
        if (xla) {
            b.setGraphOptions(GraphOptions.newBuilder().setOptimizerOptions(
                    OptimizerOptions.newBuilder().setGlobalJitLevel(OptimizerOptions.GlobalJitLevel.ON_1)));
        }
        return b.build();
    }

    private void run() throws Exception {
        String onednnEnv = System.getenv("TF_ENABLE_ONEDNN_OPTS");
        System.out.printf(Locale.ROOT, "TensorFlow %s (TF Java), JDK %s; TF_ENABLE_ONEDNN_OPTS=%s (TF 2.x default on"
                        + " x86: on; see TF's 'oneDNN custom operations are on' line above); TF_XLA_FLAGS=%s%n",
                TensorFlow.version(), Runtime.version(), onednnEnv == null ? "<unset>" : onednnEnv,
                System.getenv("TF_XLA_FLAGS"));
        long t0 = System.nanoTime();
        FashionData train = FashionData.load(data, "train");
        FashionData test = FashionData.load(data, "t10k");
        System.out.printf(Locale.ROOT, "data: %d train, %d test images (%.1f s to load)%n", train.n, test.n,
                (System.nanoTime() - t0) / 1e9);

        Net net = Net.build(model);
        System.out.printf(Locale.ROOT, "model %s: %,d trainable parameters (+ %,d non-trainable BatchNorm moving"
                        + " statistics); threads intra %d, inter %d; xla %s; batch %d, inference batch %d%n",
                model, net.trainableCount(), net.nonTrainableCount(), threads, inter, xla ? "ON_1" : "off", BATCH,
                INFER_BATCH);

        try (Session s = new Session(net.g, config())) {
            s.run(net.init);
            if (gradCheck) {
                GradCheck.run(net, s, train);
                return;
            }
            Trainer trainer = new Trainer(net, s, train);
            if (showOps) {
                showOps(net, s, trainer, test);
            }
            if (stepsCheck) {
                epoch(trainer, net, s, train, test);
                return;
            }
            trainer.runFor(warmup);
            if (opProfile) {
                opProfile(net, s, trainer, test);
                return;
            }
            Cpu cpu = new Cpu();
            long steps0 = trainer.steps;
            double trainRate = trainer.runFor(seconds);
            String trainCpu = cpu.toString();
            System.out.printf(Locale.ROOT, "training: %.1f images/s (%d steps of %d in %.1f s, last loss %.4f); %s%n",
                    trainRate, trainer.steps - steps0, BATCH, seconds, trainer.lastLoss, trainCpu);

            // Inference as TrainThroughput times it: half the warm-up, then half the seconds, in whole passes over
            // the test images at batch 256.
            long warmEnd = System.nanoTime() + (long) (warmup / 2 * 1e9);
            do {
                inference(net, s, test);
            } while (System.nanoTime() < warmEnd);
            Cpu inferCpu = new Cpu();
            long inferStart = System.nanoTime();
            long inferDeadline = inferStart + (long) (seconds / 2 * 1e9);
            long images = 0;
            Inference last;
            do {
                last = inference(net, s, test);
                images += test.n;
            } while (System.nanoTime() < inferDeadline);
            double inferRate = images / ((System.nanoTime() - inferStart) * 1e-9);
            System.out.printf(Locale.ROOT, "inference (batch %d): %.1f images/s over %d passes of the %d test images,"
                    + " test accuracy %.4f; %s%n", INFER_BATCH, inferRate, images / test.n, test.n, last.accuracy,
                    inferCpu);
            System.out.printf(Locale.ROOT, "train_images_per_second=%.1f%n", trainRate);
            System.out.printf(Locale.ROOT, "infer_images_per_second=%.1f%n", inferRate);
        }
    }

    /** One pass over the 60,000 training images (937 batches of 64 and one of 32), then test accuracy. */
    private void epoch(Trainer trainer, Net net, Session s, FashionData train, FashionData test) {
        long start = System.nanoTime();
        double sum = 0;
        int count = 0;
        int steps = 0;
        for (int off = 0; off < train.n; off += BATCH) {
            int b = Math.min(BATCH, train.n - off);
            float l = trainer.step(off, b);
            sum += l;
            count++;
            steps++;
            if (steps % 100 == 0 || off + b >= train.n) {
                System.out.printf(Locale.ROOT, "step %4d: mean loss of the last %d steps %.4f (%.1f s)%n", steps,
                        count, sum / count, (System.nanoTime() - start) / 1e9);
                sum = 0;
                count = 0;
            }
        }
        Inference inf = inference(net, s, test);
        System.out.printf(Locale.ROOT, "one epoch: %d steps in %.1f s; test accuracy (moving statistics) %.4f%n",
                steps, (System.nanoTime() - start) / 1e9, inf.accuracy);
    }

    /** Training steps: each one Session.run feeding a freshly copied batch of images and labels. */
    static final class Trainer {
        final Net net;
        final Session s;
        final FashionData train;
        final FloatDataBuffer images;
        final IntDataBuffer labels;
        final List<Op> targets = new ArrayList<>();
        long steps;
        float lastLoss;
        int cursor;

        Trainer(Net net, Session s, FashionData train) {
            this.net = net;
            this.s = s;
            this.train = train;
            this.images = DataBuffers.of(train.images, true, false);
            this.labels = DataBuffers.of(train.labels, true, false);
            targets.add(net.iterIncrement);   // depends on every ResourceApplyAdam
            targets.addAll(net.movingUpdates);
        }

        Session.Runner runner(TFloat32 x, TInt32 y) {
            Session.Runner r = s.runner().feed(net.trainX, x).feed(net.trainY, y).fetch(net.loss);
            for (Op t : targets) {
                r.addTarget(t);
            }
            return r;
        }

        float step(int offset, int b) {
            try (TFloat32 x = TFloat32.tensorOf(Shape.of(b, 28, 28, 1), images.slice((long) offset * PIXELS,
                    (long) b * PIXELS));
                 TInt32 y = TInt32.tensorOf(Shape.of(b), labels.slice(offset, b));
                 Result r = runner(x, y).run()) {
                lastLoss = ((TFloat32) r.get(0)).getFloat();
            }
            steps++;
            return lastLoss;
        }

        /** Whole steps over full batches taken in order (937 per pass), for about {@code seconds}; images/s. */
        double runFor(double seconds) {
            long start = System.nanoTime();
            long deadline = start + (long) (seconds * 1e9);
            long done = 0;
            int perPass = train.n / BATCH;
            do {
                step(cursor * BATCH, BATCH);
                cursor = (cursor + 1) % perPass;
                done += BATCH;
            } while (System.nanoTime() < deadline);
            return done / ((System.nanoTime() - start) * 1e-9);
        }
    }

    record Inference(double rate, double accuracy) {
    }

    /** Inference-mode forward passes over the test set at batch 256 (last batch 16); rate and accuracy. */
    static Inference inference(Net net, Session s, FashionData test) {
        FloatDataBuffer images = DataBuffers.of(test.images, true, false);
        int correct = 0;
        long start = System.nanoTime();
        for (int off = 0; off < test.n; off += INFER_BATCH) {
            int b = Math.min(INFER_BATCH, test.n - off);
            try (TFloat32 x = TFloat32.tensorOf(Shape.of(b, 28, 28, 1),
                    images.slice((long) off * PIXELS, (long) b * PIXELS));
                 Result r = s.runner().feed(net.inferX, x).fetch(net.inferLogits).run()) {
                TFloat32 logits = (TFloat32) r.get(0);
                FloatDataBuffer buf = logits.asRawTensor().data().asFloats();
                for (int i = 0; i < b; i++) {
                    int best = 0;
                    float bestV = buf.getFloat(i * 10L);
                    for (int k = 1; k < 10; k++) {
                        float v = buf.getFloat(i * 10L + k);
                        if (v > bestV) {
                            bestV = v;
                            best = k;
                        }
                    }
                    if (best == test.labels[off + i]) {
                        correct++;
                    }
                }
            }
        }
        double secs = (System.nanoTime() - start) / 1e9;
        return new Inference(test.n / secs, (double) correct / test.n);
    }

    /**
     * Each op's wall time (its start to its end, from FULL_TRACE step stats), largest first: per training step over
     * 60 traced steps, then per inference batch of 256 over 20; with one inter-op thread the ops run one after
     * another, so they add up to the step.
     */
    private void opProfile(Net net, Session s, Trainer trainer, FashionData test) {
        RunOptions trace = RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build();
        Map<String, Double> training = new TreeMap<>();
        int steps = 60;
        long start = System.nanoTime();
        for (int k = 0; k < steps; k++) {
            try (TFloat32 x = TFloat32.tensorOf(Shape.of(BATCH, 28, 28, 1),
                    trainer.images.slice((long) k * BATCH * PIXELS, (long) BATCH * PIXELS));
                 TInt32 y = TInt32.tensorOf(Shape.of(BATCH), trainer.labels.slice((long) k * BATCH, BATCH));
                 Result r = trainer.runner(x, y).setOptions(trace).runAndFetchMetadata()) {
                addOpTimes(r, training);
            }
        }
        printOpTimes("training step of " + BATCH, training, steps, System.nanoTime() - start);
        FloatDataBuffer images = DataBuffers.of(test.images, true, false);
        Map<String, Double> inference = new TreeMap<>();
        int batches = 20;
        start = System.nanoTime();
        for (int k = 0; k < batches; k++) {
            try (TFloat32 x = TFloat32.tensorOf(Shape.of(INFER_BATCH, 28, 28, 1),
                    images.slice((long) k * INFER_BATCH * PIXELS, (long) INFER_BATCH * PIXELS));
                 Result r = s.runner().feed(net.inferX, x).fetch(net.inferLogits).setOptions(trace)
                         .runAndFetchMetadata()) {
                addOpTimes(r, inference);
            }
        }
        printOpTimes("inference batch of " + INFER_BATCH, inference, batches, System.nanoTime() - start);
    }

    /** Adds each traced op's wall time in {@code r} to {@code msByOp}, keyed by node name and op type. */
    private static void addOpTimes(Result r, Map<String, Double> msByOp) {
        r.getMetadata().ifPresent(md -> md.getStepStats().getDevStatsList().forEach(device -> {
            for (NodeExecStats node : device.getNodeStatsList()) {
                // The label reads "[allocations] name = OpType(inputs)"; the op type says which kernel ran.
                String label = node.getTimelineLabel();
                int equals = label.indexOf(" = ");
                String op = equals < 0 ? "" : label.substring(equals + 3).replaceAll("\\(.*", "");
                String key = op.isEmpty() ? node.getNodeName() : node.getNodeName() + " (" + op + ")";
                msByOp.merge(key, node.getAllEndRelMicros() / 1e3, Double::sum);
            }
        }));
    }

    private static void printOpTimes(String what, Map<String, Double> msByOp, int runs, long nanos) {
        List<Map.Entry<String, Double>> ops = new ArrayList<>(msByOp.entrySet());
        ops.sort(Map.Entry.<String, Double>comparingByValue().reversed());
        double sum = ops.stream().mapToDouble(Map.Entry::getValue).sum() / runs;
        System.out.printf(Locale.ROOT, "op profile, %s, %d traced runs: %.2f ms wall per run, the ops' sum %.2f ms%n",
                what, runs, nanos / 1e6 / runs, sum);
        for (Map.Entry<String, Double> op : ops) {
            double ms = op.getValue() / runs;
            if (ms >= 0.02) {
                System.out.printf(Locale.ROOT, "  %7.3f ms  %s%n", ms, op.getKey());
            }
        }
    }

    /** Prints the op types TF executes (partition graphs after Grappler and the oneDNN rewrite). */
    private void showOps(Net net, Session s, Trainer trainer, FashionData test) {
        RunOptions opts = RunOptions.newBuilder().setOutputPartitionGraphs(true).build();
        try (TFloat32 x = TFloat32.tensorOf(Shape.of(BATCH, 28, 28, 1), trainer.images.slice(0, (long) BATCH * PIXELS));
             TInt32 y = TInt32.tensorOf(Shape.of(BATCH), trainer.labels.slice(0, BATCH));
             Result r = trainer.runner(x, y).setOptions(opts).runAndFetchMetadata()) {
            System.out.println("training step executes: " + opCounts(r));
        }
        try (TFloat32 x = TFloat32.tensorOf(Shape.of(INFER_BATCH, 28, 28, 1),
                DataBuffers.of(test.images, true, false).slice(0, (long) INFER_BATCH * PIXELS));
             Result r = s.runner().feed(net.inferX, x).fetch(net.inferLogits).setOptions(opts).runAndFetchMetadata()) {
            System.out.println("inference step executes: " + opCounts(r));
        }
    }

    private static String opCounts(Result r) {
        Map<String, Integer> counts = new TreeMap<>();
        r.getMetadata().ifPresent(md -> md.getPartitionGraphsList().forEach(gd -> {
            for (NodeDef n : gd.getNodeList()) {
                counts.merge(n.getOp(), 1, Integer::sum);
            }
        }));
        return counts.toString();
    }

    /** Process CPU time over wall time since construction, and the load average. */
    static final class Cpu {
        final com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        final long wall = System.nanoTime();
        final long cpu = os.getProcessCpuTime();

        @Override
        public String toString() {
            double w = (System.nanoTime() - wall) / 1e9;
            double c = (os.getProcessCpuTime() - cpu) / 1e9;
            return String.format(Locale.ROOT, "process CPU %.2f cores busy, load average %.2f", c / w,
                    os.getSystemLoadAverage());
        }
    }
}
