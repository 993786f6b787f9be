package dev.weft.analysis.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.GraphicsEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Palette, colour maps, kernel density, PNG writing. */
class SupportTest {

    @TempDir
    Path dir;

    @Test
    void testsRunHeadless() {
        assertThat(GraphicsEnvironment.isHeadless()).isTrue();
    }

    @Test
    void paletteHasTenDistinctColoursAndStaysDistinctBeyond() {
        Set<Integer> colours = new HashSet<>();
        for (int c = 0; c < 20; c++) {
            colours.add(ClassPalette.color(c).getRGB());
        }
        assertThat(colours).hasSize(20);
        assertThat(ClassPalette.color(1).getRGB() & 0xffffff).isEqualTo(0xff7f0e);
        assertThatThrownBy(() -> ClassPalette.color(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void colourMapsClampAndHitTheirEnds() {
        assertThat(ColorMap.GREY.rgb(0)).isEqualTo(0x000000);
        assertThat(ColorMap.GREY.rgb(1)).isEqualTo(0xffffff);
        assertThat(ColorMap.GREY.rgb(-3)).isEqualTo(0x000000);
        assertThat(ColorMap.GREY.rgb(Double.NaN)).isEqualTo(0x000000);
        assertThat(ColorMap.VIRIDIS.rgb(2)).isEqualTo(0xfde725);
        assertThat(ColorMap.DIVERGING.rgb(0)).isEqualTo(0x3b4cc0);
        assertThat(ColorMap.DIVERGING.rgb(1)).isEqualTo(0xb40426);
    }

    @Test
    void kernelDensityIntegratesToOne() {
        SplittableRandom random = new SplittableRandom(1);
        double[] samples = new double[500];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = SyntheticData.gaussian(random);
        }
        double[][] curve = KernelDensity.curve(samples, 400);
        double step = curve[0][1] - curve[0][0];
        double area = 0;
        for (double d : curve[1]) {
            area += d * step;
        }
        assertThat(area).isCloseTo(1.0, within(0.01));
    }

    @Test
    void kernelDensityOfAStandardNormalSampleIsNearTheNormalDensity() {
        SplittableRandom random = new SplittableRandom(2);
        double[] samples = new double[20_000];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = SyntheticData.gaussian(random);
        }
        // 20,000 points take the binned path; the peak of N(0,1) is 1/sqrt(2 pi) = 0.3989.
        double[] at0 = KernelDensity.evaluate(samples, KernelDensity.scottBandwidth(samples), new double[] {0});
        assertThat(at0[0]).isCloseTo(0.3989, within(0.02));
    }

    @Test
    void scottBandwidthFollowsTheRule() {
        // sigma of {1,2,3,4,5} = sqrt(2.5) = 1.58114; h = 1.58114 * 5^-0.2 = 1.58114 * 0.72478 = 1.14597.
        assertThat(KernelDensity.scottBandwidth(new double[] {1, 2, 3, 4, 5})).isCloseTo(1.14597, within(1e-4));
        assertThat(KernelDensity.scottBandwidth(new double[] {0, 0, 0})).isPositive();
    }

    @Test
    void pngIsWrittenAtomicallyWithoutLeftoverTemporaryFiles() throws Exception {
        Path png = dir.resolve("sub/dir/chart.png");
        BarCharts.importance("t", "v", java.util.List.of("a"), new double[] {1}).write(png, 200, 150);
        BarCharts.importance("t", "v", java.util.List.of("b"), new double[] {2}).write(png, 200, 150);
        try (var files = Files.list(png.getParent())) {
            assertThat(files).containsExactly(png);
        }
    }

    @Test
    void rejectsSillySizes() {
        Chart chart = BarCharts.importance("t", "v", java.util.List.of("a"), new double[] {1});
        assertThatThrownBy(() -> chart.render(0, 100)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0x100");
    }

    @Test
    void niceTicksUseRoundSteps() {
        assertThat(Points.niceTicks(0, 783, 8)).containsExactly(0, 100, 200, 300, 400, 500, 600, 700);
        assertThat(Points.tickLabel(0.25)).isEqualTo("0.25");
        assertThat(Points.tickLabel(-2)).isEqualTo("-2");
    }
}
