package io.kcdatazone.events;

import java.util.Objects;

/** Reads the string form of an enum that the event schema keeps as a string, so new values never break a reader. */
final class Names {

    private Names() {
    }

    static <E extends Enum<E>> E lookUp(Class<E> type, CharSequence value, E unknown) {
        String name = Objects.requireNonNull(value, "value").toString();
        if (name.equals(unknown.name())) {
            return unknown;
        }
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException newerValue) {
            return unknown;
        }
    }
}
