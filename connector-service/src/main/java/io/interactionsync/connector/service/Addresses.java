package io.interactionsync.connector.service;

import java.util.Locale;
import java.util.regex.Pattern;

/** Well-formedness and normalisation (trimmed, lower-case) of directory addresses and domains. */
public final class Addresses {

    private static final String LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
    private static final Pattern DOMAIN = Pattern.compile("(?=.{1,253}$)(?:" + LABEL + "\\.)+[a-z]{2,63}");
    private static final Pattern LOCAL = Pattern.compile("[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*");

    private Addresses() {
    }

    /** The normalised address, or null when it is not a plain {@code local@domain} address. */
    public static String normaliseEmail(String raw) {
        if (raw == null) {
            return null;
        }
        String s = raw.trim().toLowerCase(Locale.ROOT);
        int at = s.lastIndexOf('@');
        if (at <= 0 || at > 64 || s.length() > 320) {
            return null;
        }
        String local = s.substring(0, at);
        String domain = s.substring(at + 1);
        return LOCAL.matcher(local).matches() && DOMAIN.matcher(domain).matches() ? s : null;
    }

    /** The normalised domain (a leading {@code @} is dropped), or null when malformed. */
    public static String normaliseDomain(String raw) {
        if (raw == null) {
            return null;
        }
        String s = raw.trim().toLowerCase(Locale.ROOT);
        if (s.startsWith("@")) {
            s = s.substring(1);
        }
        if (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1);
        }
        return DOMAIN.matcher(s).matches() ? s : null;
    }
}
