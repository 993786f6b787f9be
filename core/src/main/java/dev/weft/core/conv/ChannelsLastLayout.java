package dev.weft.core.conv;

/**
 * A group's images channels-last inside a zero border, {@code [items, height, width, inChannels]}, where
 * {@code height} and {@code width} are the bordered sizes: the image lies at {@code (padTop, padLeft)} and every
 * window fits inside. Taps are taken in the order {@code (i, j, c)}, so the taps of one kernel row of a window are
 * {@code kernelWidth * inChannels} consecutive values.
 */
record ChannelsLastLayout(ConvGeometry g, int height, int width) {

    static ChannelsLastLayout of(ConvGeometry g) {
        return new ChannelsLastLayout(g,
                Math.max(g.height() + g.padTop(), (g.outHeight() - 1) * g.stride() + g.kernelHeight()),
                Math.max(g.width() + g.padLeft(), (g.outWidth() - 1) * g.stride() + g.kernelWidth()));
    }

    /** Floats per bordered image. */
    int imageSize() {
        return height * width * g.inChannels();
    }

    /** Where the channels of position {@code (y, x)} of item {@code m} start, in bordered coordinates. */
    int position(int m, int y, int x) {
        return ((m * height + y) * width + x) * g.inChannels();
    }

    /** For each tap {@code t = (i, j, c)} in channels-last order: its index {@code (c, i, j)} in NCHW order. */
    int[] nchwTaps() {
        int[] taps = new int[g.inChannels() * g.kernelHeight() * g.kernelWidth()];
        for (int i = 0, t = 0; i < g.kernelHeight(); i++) {
            for (int j = 0; j < g.kernelWidth(); j++) {
                for (int c = 0; c < g.inChannels(); c++, t++) {
                    taps[t] = (c * g.kernelHeight() + i) * g.kernelWidth() + j;
                }
            }
        }
        return taps;
    }
}
