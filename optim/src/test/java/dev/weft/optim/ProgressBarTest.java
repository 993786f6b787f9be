package dev.weft.optim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void onATerminalRedrawsOneLineWithBatchesLossAccuracySpeedAndEta() {
        ProgressBar bar = new ProgressBar(out, true, 3);
        // 5 of 20 batches after 2 seconds: 15 more take 6 seconds.
        bar.update(2, 5, 20, 0.51234, 0.8, 160, 2.0);
        assertThat(text()).isEqualTo("\rEpoch 2/3 [=====>              ] 5/20  loss 0.5123  acc 0.8000  160 img/s  ETA 0:06");
        bar.endEpoch(20, new EpochMetrics(2, 0.5, 0.81, 0.45, 0.83, 1e-3f, 8.0, 160));
        assertThat(text()).contains("\rEpoch 2/3 [====================] 20/20  loss 0.5000  acc 0.8100  "
                + "val_loss 0.4500  val_acc 0.8300  160 img/s  8.0 s").endsWith(System.lineSeparator());
    }

    @Test
    void offATerminalPrintsOnlyTheFinalLineOfEachEpoch() {
        ProgressBar bar = new ProgressBar(out, false, 1);
        bar.update(1, 5, 20, 0.5, 0.8, 160, 2.0);
        assertThat(text()).isEmpty();
        bar.endEpoch(20, new EpochMetrics(1, 0.5, 0.81, Double.NaN, Double.NaN, 1e-3f, 8.0, 160));
        assertThat(text()).isEqualTo("Epoch 1/1 [====================] 20/20  loss 0.5000  acc 0.8100  160 img/s  8.0 s"
                + System.lineSeparator());
    }

    @Test
    void clockShowsMinutesAndHours() {
        assertThat(ProgressBar.clock(7)).isEqualTo("0:07");
        assertThat(ProgressBar.clock(125)).isEqualTo("2:05");
        assertThat(ProgressBar.clock(3725)).isEqualTo("1:02:05");
        assertThat(ProgressBar.clock(Double.NaN)).isEqualTo("?");
    }
}
