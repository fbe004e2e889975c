package io.interactionsync.normalizer.parse;

/** Text going into PostgreSQL: {@code text} columns cannot hold NUL, and btree index rows are limited (~2.7 kB). */
public final class Text {

    /** Longest identifier stored in an indexed column (remote ids, user/account ids, message ids). */
    public static final int MAX_ID = 1000;

    private Text() {
    }

    /** {@code s} without NUL characters; null and blank stay null. */
    public static String clean(String s) {
        if (s == null) {
            return null;
        }
        String c = s.indexOf('\u0000') >= 0 ? s.replace("\u0000", "") : s;
        return c.isBlank() ? null : c;
    }

    /** A usable identifier: non-blank, no control characters, at most {@link #MAX_ID} characters. */
    public static boolean isSafeId(String s) {
        if (s == null || s.isBlank() || s.length() > MAX_ID) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
