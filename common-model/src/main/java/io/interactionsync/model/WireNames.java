package io.interactionsync.model;

import java.util.Locale;

/** The wire name of a contract enum constant: its name in lower case, as JSON and the tables spell it. */
public final class WireNames {

    /** Each enum's wire names by ordinal, computed once: events write several per row, millions of rows. */
    private static final ClassValue<String[]> BY_ORDINAL = new ClassValue<>() {
        @Override
        protected String[] computeValue(Class<?> type) {
            Object[] constants = type.getEnumConstants();
            String[] names = new String[constants.length];
            for (int i = 0; i < constants.length; i++) {
                names[i] = ((Enum<?>) constants[i]).name().toLowerCase(Locale.ROOT);
            }
            return names;
        }
    };

    private WireNames() {
    }

    /** {@code e}'s wire name, or null for null. */
    public static String of(Enum<?> e) {
        return e == null ? null : BY_ORDINAL.get(e.getDeclaringClass())[e.ordinal()];
    }
}
