package dev.weft.layers;

import dev.weft.core.conv.ConvGeometry;

/**
 * How a {@link Conv2D} treats the image border: {@code VALID} adds no padding (the output shrinks by
 * {@code kernel - 1}), {@code SAME} adds zeros so that the output is {@code ceil(input / stride)} (as Keras).
 * Model files store the mode by its ordinal, so the order of the constants is part of the file format.
 */
public enum Padding {
    VALID,
    SAME;

    /** The convolution geometry this padding gives a square {@code kernel} on a {@code [batch, inChannels, height, width]} input. */
    ConvGeometry geometry(int batch, int inChannels, int height, int width, int outChannels, int kernel, int stride) {
        return this == VALID
                ? ConvGeometry.valid(batch, inChannels, height, width, outChannels, kernel, kernel, stride)
                : ConvGeometry.same(batch, inChannels, height, width, outChannels, kernel, kernel, stride);
    }
}
