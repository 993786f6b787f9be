package dev.weft.examples;

import java.util.Locale;

/**
 * How the study writes numbers and nouns in its sentences, the same way in every stage: thousands separated by
 * commas, ratios as percentages, always in {@link Locale#ROOT} so a report reads the same on every machine.
 */
final class Prose {

    private Prose() {
    }

    /** "an Ankle boot", "a Shirt". */
    static String article(String noun) {
        return ("AEIOUaeiou".indexOf(noun.charAt(0)) >= 0 ? "an " : "a ") + noun;
    }

    /** A ratio as a percentage with one decimal: "91.0%". */
    static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * ratio);
    }

    /** A ratio as a percentage with two decimals, as the reference study prints its metrics: "91.03%". */
    static String percent2(double ratio) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * ratio);
    }

    /** A count with thousands separators: "60,000". */
    static String fmt(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
