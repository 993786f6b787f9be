package dev.weft.examples;

/**
 * Text from outside (a file name, a message quoting one) made safe to print in a message: control characters and
 * Unicode format characters (bidirectional overrides, ...) are shown as escapes, so a file name cannot move the
 * cursor, recolour the terminal, reverse the text or break the message's one paragraph.
 */
final class Printable {

    private Printable() {
    }

    /** {@code value} as text, with {@code \n}, {@code \t}, {@code \r} and every other such character escaped. */
    static String of(Object value) {
        return escape(String.valueOf(value), false);
    }

    /**
     * A whole message, which may hold text from elsewhere (an exception's message naming a file): every such
     * character escaped except line breaks and tabs, which {@link Main#paragraph} folds into spaces.
     */
    static String message(String text) {
        return escape(text, true);
    }

    private static String escape(String text, boolean keepWhitespace) {
        StringBuilder shown = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String escape = keepWhitespace && (c == '\n' || c == '\t' || c == '\r') ? null : escape(c);
            if (escape != null && shown == null) {
                shown = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (shown != null) {
                shown.append(escape != null ? escape : String.valueOf(c));
            }
        }
        return shown == null ? text : shown.toString();
    }

    private static String escape(char c) {
        return switch (c) {
            case '\n' -> "\\n";
            case '\t' -> "\\t";
            case '\r' -> "\\r";
            default -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                    ? String.format("\\u%04X", (int) c) : null;
        };
    }
}
