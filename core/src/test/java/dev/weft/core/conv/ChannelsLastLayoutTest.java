package dev.weft.core.conv;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link ChannelsLastLayout}: the bordered image's sizes, where a position starts, and the channels-last tap order. */
class ChannelsLastLayoutTest {

    @Test
    void anUnpaddedImageIsItsOwnBorderedImage() {
        ChannelsLastLayout layout = ChannelsLastLayout.of(ConvGeometry.valid(2, 3, 5, 6, 4, 3, 3, 1));
        assertThat(layout.height()).isEqualTo(5);
        assertThat(layout.width()).isEqualTo(6);
        assertThat(layout.imageSize()).isEqualTo(5 * 6 * 3);
    }

    @Test
    void paddingAddsTheRowsAndColumnsTheWindowsReach() {
        // "same" on 5x5 with a 3x3 kernel: one row and column of zeros on each side.
        ChannelsLastLayout same = ChannelsLastLayout.of(ConvGeometry.same(1, 2, 5, 5, 4, 3, 3, 1));
        assertThat(same.height()).isEqualTo(7);
        assertThat(same.width()).isEqualTo(7);
        // Stride 2 on 6 columns: outputs at 0, 2, 4 reach column 5 with a 2-wide kernel, padding 0 before and after.
        ChannelsLastLayout strided = ChannelsLastLayout.of(ConvGeometry.same(1, 2, 6, 6, 4, 2, 2, 2));
        assertThat(strided.width()).isEqualTo(6);
    }

    @Test
    void aPositionStartsItsRunOfChannels() {
        ChannelsLastLayout layout = ChannelsLastLayout.of(ConvGeometry.valid(2, 3, 5, 6, 4, 3, 3, 1));
        assertThat(layout.position(0, 0, 0)).isZero();
        assertThat(layout.position(0, 0, 1)).isEqualTo(3);
        assertThat(layout.position(0, 1, 0)).isEqualTo(6 * 3);
        assertThat(layout.position(1, 2, 4)).isEqualTo(((5 + 2) * 6 + 4) * 3);
    }

    @Test
    void tapsRunOverChannelsFirstThenKernelColumnsThenRows() {
        // Two channels, a 2x3 kernel: channels-last tap t = (i * 3 + j) * 2 + c is NCHW tap (c * 2 + i) * 3 + j.
        ChannelsLastLayout layout = ChannelsLastLayout.of(ConvGeometry.valid(1, 2, 4, 4, 1, 2, 3, 1));
        assertThat(layout.nchwTaps()).containsExactly(0, 6, 1, 7, 2, 8, 3, 9, 4, 10, 5, 11);
    }
}
