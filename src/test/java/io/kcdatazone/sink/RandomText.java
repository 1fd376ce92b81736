package io.kcdatazone.sink;

import java.util.Random;

/** Random strings and bytes for property tests, biased towards the characters that break parsers and patterns. */
final class RandomText {

    /** Characters that matter to ids, JSON and tokens: pattern edges, quotes, escapes, controls, non-ASCII. */
    private static final String INTERESTING =
            "azAZ09_-dzd \"\\{}[]:,\t\n\r\u0000\u0001\u001f\u007f\u0085\u00e9\u20ac\ufffd~!";

    private RandomText() {
    }

    /** A string of 0 to {@code maxLength} characters: printable ASCII, interesting characters, or any code point. */
    static String string(Random random, int maxLength) {
        int length = random.nextInt(maxLength + 1);
        StringBuilder text = new StringBuilder(length);
        int flavour = random.nextInt(3);
        while (text.length() < length) {
            int pick = flavour == 0 ? 0 : random.nextInt(flavour == 1 ? 2 : 3);
            switch (pick) {
                case 0 -> text.append((char) (0x21 + random.nextInt(0x5E)));
                case 1 -> text.append(INTERESTING.charAt(random.nextInt(INTERESTING.length())));
                default -> text.appendCodePoint(randomCodePoint(random));
            }
        }
        return text.toString();
    }

    /** Any code point except lone surrogates, which no converter produces from bytes. */
    private static int randomCodePoint(Random random) {
        int codePoint;
        do {
            codePoint = random.nextInt(Character.MAX_CODE_POINT + 1);
        } while (codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE);
        return codePoint;
    }

    static byte[] bytes(Random random, int maxLength) {
        byte[] bytes = new byte[random.nextInt(maxLength + 1)];
        random.nextBytes(bytes);
        return bytes;
    }

    /** The text with non-printable characters escaped, for assertion messages. */
    static String escaped(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(cp -> {
            if (cp >= 0x20 && cp < 0x7F) {
                out.appendCodePoint(cp);
            } else {
                out.append(String.format("\\u{%x}", cp));
            }
        });
        return out.toString();
    }
}
