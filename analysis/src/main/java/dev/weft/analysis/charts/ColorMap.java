package dev.weft.analysis.charts;

import java.awt.Color;

/**
 * Continuous colour scales for images and heat maps: a value is first mapped to {@code t} in [0, 1] by the
 * caller's range, then to a colour by piecewise-linear interpolation between a few anchor colours.
 */
public enum ColorMap {
    /** Black (low) to white (high): how Fashion-MNIST images are usually shown. */
    GREY(0x000000, 0xffffff),
    /** White (low) to black (high), matplotlib's "binary". */
    GREY_INVERTED(0xffffff, 0x000000),
    /** Perceptually uniform dark blue - green - yellow (matplotlib's "viridis", nine anchors). */
    VIRIDIS(0x440154, 0x472c7a, 0x3b518b, 0x2c718e, 0x21908d, 0x27ad81, 0x5cc863, 0xaadc32, 0xfde725),
    /** Diverging blue - light grey - red (Moreland's "coolwarm"); use with a range symmetric about zero. */
    DIVERGING(0x3b4cc0, 0x8db0fe, 0xdddcdc, 0xf4987a, 0xb40426),
    /** Sequential white - orange - dark red, for non-negative quantities such as importance or counts. */
    HEAT(0xfff5eb, 0xfdbe85, 0xfd8d3c, 0xd94701, 0x7f2704),
    /** Sequential white - dark blue (matplotlib's "Blues"), the usual scale for confusion matrices. */
    BLUES(0xf7fbff, 0xc6dbef, 0x6baed6, 0x2171b5, 0x08306b);

    private static final int LEVELS = 256;
    private final int[] table = new int[LEVELS];

    ColorMap(int... anchors) {
        for (int i = 0; i < LEVELS; i++) {
            double position = i / (double) (LEVELS - 1) * (anchors.length - 1);
            int lo = Math.min((int) position, anchors.length - 2);
            double f = position - lo;
            table[i] = lerp(anchors[lo], anchors[lo + 1], f);
        }
    }

    private static int lerp(int a, int b, double f) {
        int r = (int) Math.round(((a >> 16) & 0xff) * (1 - f) + ((b >> 16) & 0xff) * f);
        int g = (int) Math.round(((a >> 8) & 0xff) * (1 - f) + ((b >> 8) & 0xff) * f);
        int bl = (int) Math.round((a & 0xff) * (1 - f) + (b & 0xff) * f);
        return (r << 16) | (g << 8) | bl;
    }

    /** The 0xRRGGBB colour at {@code t} in [0, 1]; values outside are clamped and NaN maps to the low end. */
    public int rgb(double t) {
        if (!(t > 0)) {
            return table[0];
        }
        if (t >= 1) {
            return table[LEVELS - 1];
        }
        return table[(int) (t * (LEVELS - 1) + 0.5)];
    }

    /** The colour at {@code t} in [0, 1] (clamped). */
    public Color color(double t) {
        return new Color(rgb(t));
    }
}
