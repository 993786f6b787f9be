package dev.weft.analysis.charts;

import java.awt.Color;

/**
 * The one colour per class used by every chart, so that "Coat" has the same colour in the PCA scatter, the
 * pair plot, the class-distribution bars and the per-class box plots.
 *
 * <p>The first ten colours are the "tab10" palette (matplotlib's and seaborn's default categorical palette),
 * in class-index order: class 0 blue, 1 orange, 2 green, 3 red, 4 purple, 5 brown, 6 pink, 7 grey, 8 olive,
 * 9 cyan. Class indices from ten on get further hues spaced by the golden angle, so they stay distinct.
 */
public final class ClassPalette {

    private static final int[] TAB10 = {
        0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
        0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf,
    };

    /** Caption colour for a correct prediction (a darker green than class 2, readable on white). */
    public static final Color CORRECT = new Color(0x1a8a1a);

    /** Caption colour for a wrong prediction. */
    public static final Color WRONG = new Color(0xd62728);

    private ClassPalette() {
    }

    /** Number of colours in the base palette. */
    public static int size() {
        return TAB10.length;
    }

    /** The colour of class {@code classIndex} (0-based, not negative). */
    public static Color color(int classIndex) {
        if (classIndex < 0) {
            throw new IllegalArgumentException("class index must not be negative, got " + classIndex);
        }
        if (classIndex < TAB10.length) {
            return new Color(TAB10[classIndex]);
        }
        float hue = (float) ((classIndex - TAB10.length) * 0.618033988749895 % 1.0);
        return Color.getHSBColor(hue, 0.65f, 0.85f);
    }

    /** The colour of class {@code classIndex} with the given opacity (0 transparent .. 255 opaque). */
    public static Color color(int classIndex, int alpha) {
        Color c = color(classIndex);
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), alpha);
    }
}
