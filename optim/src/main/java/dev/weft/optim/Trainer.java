package dev.weft.optim;

import dev.weft.core.Tensor;
import dev.weft.core.simd.Kernels;
import dev.weft.layers.Evaluation;
import dev.weft.layers.Layer;
import dev.weft.layers.Parameter;
import dev.weft.layers.Sequential;
import dev.weft.layers.SoftmaxCrossEntropy;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The training loop: mini-batch gradient descent of a {@link Sequential} classifier with softmax cross-entropy,
 * in the manner of Keras's {@code fit}.
 *
 * <p>Each epoch the training samples are shuffled by a generator seeded from ({@link #withSeed seed}, epoch), so a
 * fixed seed gives the same batches, the same {@link BatchTransform} draws and, with the deterministic kernels of
 * Weft, bit-identical weights on every run and for any thread count. Per batch: gather the samples into a reused
 * buffer, transform them (optional), clear the gradients, forward, loss, backward, optimizer step.
 *
 * <pre>{@code
 * Sequential model = Models.referenceCnn(42);
 * History history = new Trainer(model, new Adam())
 *         .withValidation(validation)                 // held out from the training data, never the test set
 *         .withCallbacks(new EarlyStopping(Monitor.VALIDATION_LOSS, 3), new KeepBest(Monitor.VALIDATION_ACCURACY))
 *         .fit(train, 10, 64);
 * Evaluation score = model.evaluate(testImages, testLabels);   // Sequential.evaluate: the one evaluation
 * }</pre>
 *
 * <p>Progress goes to {@code System.out} (a redrawn bar on a terminal, one line per epoch otherwise) unless
 * {@link #quiet()}. A NaN or infinite loss stops training with a {@link NonFiniteLossException} and leaves the
 * model as it was before that step: weights and BatchNorm running statistics. A trainer is
 * not thread-safe; successive {@code fit} calls continue the epoch count (and the optimizer's step count).
 */
public final class Trainer {

    private final Sequential model;
    private final Optimizer optimizer;
    private final SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
    private long seed;
    private Dataset validation;
    private double validationSplit;
    private final List<Callback> callbacks = new ArrayList<>();
    private BatchTransform transform;
    private PrintStream out = System.out;
    private boolean quiet;
    private Boolean interactive;
    private int epochsDone;

    /** A trainer of {@code model} by {@code optimizer}, seed 0, no validation, progress on standard output. */
    public Trainer(Sequential model, Optimizer optimizer) {
        if (model == null || optimizer == null) {
            throw new IllegalArgumentException("model and optimizer must not be null");
        }
        this.model = model;
        this.optimizer = optimizer;
    }

    /** Seeds the shuffling and the batch transform's generator (default 0). */
    public Trainer withSeed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Evaluates on {@code data} after every epoch (loss and accuracy in the {@link History}). */
    public Trainer withValidation(Dataset data) {
        if (data != null && data.size() == 0) {
            throw new IllegalArgumentException("validation data is empty");
        }
        this.validation = data;
        return this;
    }

    /**
     * Holds out the last {@code fraction} of the training data (before any shuffling, as Keras does) for
     * validation; 0 turns it off. Cannot be combined with {@link #withValidation}.
     */
    public Trainer withValidationSplit(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("validation split must be in [0, 1), was " + fraction);
        }
        this.validationSplit = fraction;
        return this;
    }

    /** Adds callbacks, called in the given order. */
    public Trainer withCallbacks(Callback... callbacks) {
        this.callbacks.addAll(Arrays.asList(callbacks));
        return this;
    }

    /** Applies {@code transform} to every training batch (not to validation data); null for none. */
    public Trainer withBatchTransform(BatchTransform transform) {
        this.transform = transform;
        return this;
    }

    /** Writes progress to {@code out} instead of {@code System.out}, one line per epoch (no redrawing). */
    public Trainer withOutput(PrintStream out) {
        this.out = out;
        this.interactive = Boolean.FALSE;
        return this;
    }

    /** Prints nothing. */
    public Trainer quiet() {
        this.quiet = true;
        return this;
    }

    /** The model being trained. */
    public Sequential model() {
        return model;
    }

    /** The optimizer. */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** Number of batches per epoch for {@code samples} training samples: {@code ceil(samples / batchSize)}. */
    public static int stepsPerEpoch(int samples, int batchSize) {
        return (samples + batchSize - 1) / batchSize;
    }

    /**
     * Trains for {@code epochs} epochs of mini-batches of {@code batchSize} (the last batch of an epoch may be
     * smaller) and returns the per-epoch figures.
     *
     * @throws NonFiniteLossException if the loss becomes NaN or infinite
     * @throws IllegalArgumentException if the data does not fit the model
     */
    public History fit(Dataset train, int epochs, int batchSize) {
        if (epochs < 1 || batchSize < 1) {
            throw new IllegalArgumentException("epochs and batchSize must be at least 1, were " + epochs + " and "
                    + batchSize);
        }
        Dataset trainPart = train;
        Dataset validationPart = validation;
        if (validationSplit > 0) {
            if (validation != null) {
                throw new IllegalStateException("use either withValidation or withValidationSplit, not both");
            }
            int held = (int) Math.round(train.size() * validationSplit);
            if (held < 1 || held >= train.size()) {
                throw new IllegalArgumentException("validation split " + validationSplit + " of " + train.size()
                        + " samples leaves " + held + " for validation and " + (train.size() - held) + " for training");
            }
            trainPart = new Subset(train, 0, train.size() - held);
            validationPart = new Subset(train, train.size() - held, train.size());
        }
        checkFits(trainPart, "training");
        if (validationPart != null) {
            checkFits(validationPart, "validation");
        } else {
            // Fail now rather than after the first epoch.
            for (Callback c : callbacks) {
                Monitor m = c instanceof EarlyStopping s ? s.monitor() : c instanceof KeepBest k ? k.monitor() : null;
                if (m != null && m.needsValidation()) {
                    throw m.missingValidation();
                }
            }
        }

        ProgressBar progress = quiet ? null
                : new ProgressBar(out, interactive != null ? interactive : ProgressBar.stdoutIsTerminal(),
                        epochsDone + epochs);
        History history = new History();
        for (Callback c : callbacks) {
            c.onTrainBegin(model);
        }
        // Gathered once: validation then runs through the one evaluation of the library, Sequential.evaluate.
        Validation validationSet = validationPart == null ? null : Validation.gather(validationPart);
        Batches batches = new Batches(trainPart, batchSize);
        int lastPlanned = epochsDone + epochs;
        for (int e = 0; e < epochs; e++) {
            int epoch = ++epochsDone;
            long start = System.nanoTime();
            double[] trained = trainEpoch(trainPart, batches, epoch, progress);
            long trainedAt = System.nanoTime();
            double valLoss = Double.NaN;
            double valAccuracy = Double.NaN;
            if (validationSet != null) {
                Evaluation v = model.evaluate(validationSet.samples(), validationSet.labels());
                valLoss = v.loss();
                valAccuracy = v.accuracy();
            }
            double seconds = (System.nanoTime() - start) * 1e-9;
            EpochMetrics metrics = new EpochMetrics(epoch, trained[0], trained[1], valLoss, valAccuracy,
                    optimizer.learningRate(), seconds, trainPart.size() / ((trainedAt - start) * 1e-9));
            history.add(metrics);
            if (progress != null) {
                progress.endEpoch(batches.count, metrics);
            }
            boolean stop = false;
            for (Callback c : callbacks) {
                stop |= c.onEpochEnd(model, metrics);
            }
            if (stop) {
                if (e < epochs - 1) {
                    history.markStoppedEarly();
                    if (progress != null) {
                        out.println("Stopped early after epoch " + epoch + " of " + lastPlanned);
                    }
                }
                break;
            }
        }
        for (Callback c : callbacks) {
            c.onTrainEnd(model, history);
        }
        return history;
    }

    /** One pass over the shuffled training data; returns {mean loss, accuracy}. */
    private double[] trainEpoch(Dataset data, Batches batches, int epoch, ProgressBar progress) {
        // Each epoch's generators depend only on (seed, epoch): resuming or re-running gives the same batches.
        SplittableRandom epochRandom = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
        SplittableRandom transformRandom = epochRandom.split();
        int[] order = batches.order;
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // Fisher-Yates shuffle.
        for (int i = order.length - 1; i > 0; i--) {
            int j = epochRandom.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        List<Parameter> parameters = model.parameters();
        StatisticsBackup statistics = new StatisticsBackup(model);
        Kernels kernels = Kernels.get();
        double lossSum = 0;
        long correct = 0;
        int seen = 0;
        long start = System.nanoTime();
        for (int b = 0; b < batches.count; b++) {
            int from = b * batches.size;
            int count = Math.min(batches.size, order.length - from);
            Tensor x = batches.gather(from, count);
            int[] labels = batches.labels;
            if (transform != null) {
                transform.apply(x.data(), count, data.sampleShape(), transformRandom);
            }
            model.zeroGrad();
            statistics.save();
            Tensor logits = model.forward(x, true);
            float batchLoss = loss.forward(logits, labels);
            if (!Float.isFinite(batchLoss)) {
                statistics.restore();
                throw new NonFiniteLossException(epoch, b + 1, batches.count, batchLoss);
            }
            int classes = logits.dim(1);
            for (int n = 0; n < count; n++) {
                if (kernels.argmax(classes, logits.data(), logits.offset() + n * classes) == labels[n]) {
                    correct++;
                }
            }
            model.backward(loss.backward());
            optimizer.step(parameters);
            lossSum += (double) batchLoss * count;
            seen += count;
            if (progress != null) {
                double elapsed = (System.nanoTime() - start) * 1e-9;
                progress.update(epoch, b + 1, batches.count, lossSum / seen, (double) correct / seen,
                        seen / elapsed, elapsed);
            }
        }
        return new double[] {lossSum / seen, (double) correct / seen};
    }

    private void checkFits(Dataset data, String what) {
        if (data.size() == 0) {
            throw new IllegalArgumentException("the " + what + " data is empty");
        }
        int[] expected = model.inputShape();
        if (!Arrays.equals(data.sampleShape(), expected)) {
            throw new IllegalArgumentException("the " + what + " samples have shape "
                    + Arrays.toString(data.sampleShape()) + " but the model expects " + Arrays.toString(expected));
        }
        if (model.numClasses() != data.numClasses()) {
            throw new IllegalArgumentException("the " + what + " data has " + data.numClasses()
                    + " classes but the model outputs " + model.numClasses());
        }
    }

    /**
     * A copy of every layer's statistics (BatchNorm's running mean and variance), taken before each training
     * forward: that forward folds the batch into them before the loss is known, and a step whose loss is not
     * finite must leave the model as it was. One buffer per tensor, reused for every batch.
     */
    private static final class StatisticsBackup {
        private final List<Tensor> tensors = new ArrayList<>();
        private final float[][] saved;

        StatisticsBackup(Sequential model) {
            for (Layer layer : model.layers()) {
                tensors.addAll(layer.statistics().values());
            }
            saved = new float[tensors.size()][];
            for (int i = 0; i < saved.length; i++) {
                saved[i] = new float[tensors.get(i).size()];
            }
        }

        void save() {
            for (int i = 0; i < saved.length; i++) {
                Tensor t = tensors.get(i);
                System.arraycopy(t.data(), t.offset(), saved[i], 0, t.size());
            }
        }

        void restore() {
            for (int i = 0; i < saved.length; i++) {
                Tensor t = tensors.get(i);
                System.arraycopy(saved[i], 0, t.data(), t.offset(), t.size());
            }
        }
    }

    /**
     * Gathers mini-batches into one reused buffer: full batches and the last, smaller one are views onto the same
     * array, so steady-state training allocates nothing here.
     */
    private static final class Batches {
        final Dataset data;
        final int size;
        final int count;
        final int sampleSize;
        final int[] order;
        final float[] buffer;
        final int[] labels;
        private final Tensor full;
        private Tensor partial;

        Batches(Dataset data, int batchSize) {
            this.data = data;
            this.size = Math.min(batchSize, data.size());
            this.count = stepsPerEpoch(data.size(), size);
            this.sampleSize = data.sampleSize();
            this.order = new int[data.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            this.buffer = new float[size * sampleSize];
            this.labels = new int[size];
            this.full = Tensor.view(buffer, 0, shape(size));
        }

        private int[] shape(int n) {
            int[] sample = data.sampleShape();
            int[] shape = new int[sample.length + 1];
            shape[0] = n;
            System.arraycopy(sample, 0, shape, 1, sample.length);
            return shape;
        }

        /** Samples {@code order[from .. from+count)} as a tensor {@code [count, sampleShape...]}, labels alongside. */
        Tensor gather(int from, int count) {
            for (int i = 0; i < count; i++) {
                int index = order[from + i];
                data.copySample(index, buffer, i * sampleSize);
                labels[i] = data.label(index);
            }
            if (count == size) {
                return full;
            }
            if (partial == null || partial.dim(0) != count) {
                partial = Tensor.view(buffer, 0, shape(count));
            }
            return partial;
        }
    }

    /** A dataset's samples as one tensor {@code [size, sampleShape...]} and its labels, in order. */
    private record Validation(Tensor samples, int[] labels) {
        static Validation gather(Dataset data) {
            int[] indices = new int[data.size()];
            for (int i = 0; i < indices.length; i++) {
                indices[i] = i;
            }
            int[] labels = new int[indices.length];
            return new Validation(data.batch(indices, 0, indices.length, labels), labels);
        }
    }

    /** The samples {@code [from, to)} of another dataset. */
    private static final class Subset implements Dataset {
        private final Dataset source;
        private final int from;
        private final int size;

        Subset(Dataset source, int from, int to) {
            this.source = source;
            this.from = from;
            this.size = to - from;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public int[] sampleShape() {
            return source.sampleShape();
        }

        @Override
        public int numClasses() {
            return source.numClasses();
        }

        @Override
        public int label(int index) {
            return source.label(from + Objects.checkIndex(index, size));
        }

        @Override
        public void copySample(int index, float[] destination, int offset) {
            source.copySample(from + Objects.checkIndex(index, size), destination, offset);
        }
    }
}
