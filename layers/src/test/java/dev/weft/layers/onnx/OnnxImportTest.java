package dev.weft.layers.onnx;

import dev.weft.core.Tensor;
import dev.weft.layers.Dense;
import dev.weft.layers.Flatten;
import dev.weft.layers.ModelFormatException;
import dev.weft.layers.Sequential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.SplittableRandom;

import static dev.weft.layers.onnx.HandBuiltGraph.integer;
import static dev.weft.layers.onnx.HandBuiltGraph.ints;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Import of operators and attributes that Weft's exports do not write, checked against ONNX Runtime running the
 * same file: SAME padding given as pads, a channels-last Transpose with Reshape, MatMul + Add, Dropout, Identity
 * and a final Softmax (dropped: Weft's {@code predictProbabilities} gives what the file outputs). And the
 * refusals, each naming the node.
 */
class OnnxImportTest {
    @TempDir
    Path dir;

    private final SplittableRandom random = new SplittableRandom(5L);

    private float[] values(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextDouble(-1, 1);
        }
        return v;
    }

    /** Conv 3x3 SAME (as pads) - Relu - Transpose to channels-last - Reshape [0, -1] - MatMul + Add - ... */
    private HandBuiltGraph kerasStyleChain() {
        return new HandBuiltGraph()
                .floats("w", values(3 * 2 * 9), 3, 2, 3, 3).floats("b", values(3), 3)
                .node("Conv", "conv", new String[] {"input", "w", "b"}, ints("kernel_shape", 3, 3),
                        ints("pads", 1, 1, 1, 1), ints("strides", 1, 1))
                .node("Relu", "relu", new String[] {"conv"})
                .node("Transpose", "nhwc", new String[] {"relu"}, ints("perm", 0, 2, 3, 1))
                .longs("shape", new long[] {0, -1}, 2)
                .node("Reshape", "flat", new String[] {"nhwc", "shape"})
                .floats("m", values(3 * 5 * 4 * 6), 3 * 5 * 4, 6).floats("c", values(6), 6)
                .node("MatMul", "dense", new String[] {"flat", "m"})
                .node("Add", "bias", new String[] {"c", "dense"})
                .node("Dropout", "drop", new String[] {"bias"})
                .node("Identity", "same", new String[] {"drop"});
    }

    @Test
    void transposeReshapeMatMulAddAndFinalSoftmaxGiveOnnxRuntimesOutput() throws Exception {
        Path file = kerasStyleChain().node("Softmax", "probabilities", new String[] {"same"}, integer("axis", -1))
                .write(dir.resolve("chain.onnx"), 2, 5, 4);
        Tensor input = Tensor.uniform(new int[] {7, 2, 5, 4}, -1f, 1f, 6L);

        Sequential model = Sequential.importOnnx(file);

        assertThat(model.layers()).hasSize(4);   // Conv2D, ReLU, Flatten, Dense: the rest runs as nothing
        assertThat(model.layers().get(3)).isInstanceOf(Dense.class);
        assertThat(OnnxRuntimeOracle.maxDifference(model.predictProbabilities(input),
                OnnxRuntimeOracle.run(file, input, "probabilities"))).isLessThanOrEqualTo(1e-6);
    }

    @Test
    void aSoftmaxBeforeTheEndIsRefusedNamingIt() throws Exception {
        Path file = kerasStyleChain().node("Softmax", "early", new String[] {"same"})
                .node("Relu", "after", new String[] {"early"}).write(dir.resolve("early.onnx"), 2, 5, 4);

        assertThatThrownBy(() -> Sequential.importOnnx(file)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("node 'early' (Softmax): Weft reads Softmax only as the last node");
    }

    @Test
    void aTransposeThatDoesNotFeedAFlattenIsRefusedNamingTheNextNode() throws Exception {
        Path file = new HandBuiltGraph()
                .node("Transpose", "nhwc", new String[] {"input"}, ints("perm", 0, 2, 3, 1))
                .node("Relu", "relu", new String[] {"nhwc"}).write(dir.resolve("t.onnx"), 2, 5, 4);

        assertThatThrownBy(() -> Sequential.importOnnx(file)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("node 'relu' (Relu): follows a Transpose");
    }

    @Test
    void aGroupedOrDilatedConvolutionIsRefusedNamingIt() throws Exception {
        Path file = new HandBuiltGraph().floats("w", values(2 * 2 * 9), 2, 2, 3, 3)
                .node("Conv", "dilated", new String[] {"input", "w"}, ints("dilations", 2, 2))
                .write(dir.resolve("d.onnx"), 2, 8, 8);

        assertThatThrownBy(() -> Sequential.importOnnx(file)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("node 'dilated' (Conv)").hasMessageContaining("dilation 1 and group 1");
    }

    @Test
    void asymmetricPaddingOtherThanWeftsSameIsRefused() throws Exception {
        Path file = new HandBuiltGraph().floats("w", values(2 * 9), 2, 1, 3, 3)
                .node("Conv", "lopsided", new String[] {"input", "w"}, ints("pads", 0, 0, 2, 2))
                .write(dir.resolve("p.onnx"), 1, 8, 8);

        assertThatThrownBy(() -> Sequential.importOnnx(file)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("node 'lopsided' (Conv): auto_pad NOTSET with pads [0, 0, 2, 2]");
    }

    @Test
    void anAddThatIsNotAMatMulsBiasIsRefused() throws Exception {
        Path file = new HandBuiltGraph().floats("c", values(4), 4)
                .node("Add", "shift", new String[] {"input", "c"}).write(dir.resolve("a.onnx"), 4);

        assertThatThrownBy(() -> Sequential.importOnnx(file)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("node 'shift' (Add): Weft reads Add only as the bias of the MatMul");
    }

    @Test
    void aNodeThatDoesNotTakeThePreviousOutputIsRefused() throws Exception {
        Path file = new HandBuiltGraph().node("Relu", "a", new String[] {"input"})
                .node("Relu", "b", new String[] {"input"}).write(dir.resolve("branch.onnx"), 4);

        assertThatThrownBy(() -> Sequential.importOnnx(file)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("node 'b' (Relu): takes [input]").hasMessageContaining("a chain of layers");
    }

    @Test
    void aGemmWithTransposedWeightsReadsThemAsWeftStoresThem() throws Exception {
        float[] w = values(3 * 4);
        Path file = new HandBuiltGraph().floats("w", w, 3, 4)
                .node("Gemm", "dense", new String[] {"input", "w"}, integer("transB", 1))
                .write(dir.resolve("gemm.onnx"), 4);

        Sequential model = Sequential.importOnnx(file);

        assertThat(((Dense) model.layers().get(0)).weights().value().toArray()).containsExactly(w);
        assertThat(model.layers()).noneMatch(l -> l instanceof Flatten);
    }
}
