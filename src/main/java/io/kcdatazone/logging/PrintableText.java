package io.kcdatazone.logging;

/** Untrusted text made safe to quote in a log line, an exception message or an HTTP header. */
public final class PrintableText {

    private PrintableText() {
    }

    /**
     * The text with control characters (line breaks included) escaped as Java's unicode escapes, cut to its first
     * {@code maxCodePoints} code points with "..." appended when it is longer.
     */
    public static String of(String text, int maxCodePoints) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(maxCodePoints).forEach(cp -> {
            if (Character.isISOControl(cp)) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return isLonger(text, maxCodePoints) ? out.append("...").toString() : out.toString();
    }

    /** Whether {@link #of} cuts the text. */
    public static boolean isLonger(String text, int maxCodePoints) {
        return text.codePointCount(0, text.length()) > maxCodePoints;
    }
}
