package dev.weft.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.core.conv.ConvGeometry;
import dev.weft.core.conv.ConvolutionPlan;
import dev.weft.core.conv.ConvolutionPlan.ForwardPath;
import dev.weft.core.conv.ConvolutionPlan.InputGradientPath;
import dev.weft.core.conv.ConvolutionPlan.WeightGradientPath;
import org.junit.jupiter.api.Test;

class Conv2dBenchmarkTest {
    private static final ConvolutionPlan CHOSEN = ConvolutionPlan.choose(ConvGeometry.valid(64, 32, 12, 12, 64, 3, 3, 1));

    @Test
    void chosenRunsThePlansChoice() {
        assertThat(Conv2dBenchmark.plan(CHOSEN, "chosen")).isEqualTo(CHOSEN);
    }

    @Test
    void forcedPassesReplaceOnlyThosePasses() {
        ConvolutionPlan plan = Conv2dBenchmark.plan(CHOSEN, "forward=GEMM+input=GEMM_COL2IM");
        assertThat(plan.forward()).isEqualTo(ForwardPath.GEMM);
        assertThat(plan.inputGradient()).isEqualTo(InputGradientPath.GEMM_COL2IM);
        assertThat(plan.weightGradient()).isEqualTo(CHOSEN.weightGradient());
        assertThat(plan.groupSize()).isEqualTo(CHOSEN.groupSize());
    }

    @Test
    void aGroupOfOneLetsTheWeightGradientRunInPlace() {
        ConvolutionPlan plan = Conv2dBenchmark.plan(CHOSEN, "group=1+weight=IN_PLACE");
        assertThat(plan.groupSize()).isEqualTo(1);
        assertThat(plan.weightGradient()).isEqualTo(WeightGradientPath.IN_PLACE);
    }

    @Test
    void anUnknownPassOrAMissingPathIsRefused() {
        assertThatThrownBy(() -> Conv2dBenchmark.plan(CHOSEN, "backward=GEMM"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not backward");
        assertThatThrownBy(() -> Conv2dBenchmark.plan(CHOSEN, "forward"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PASS=PATH");
    }
}
