package io.interactionsync.emulator.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/** A Google account: stable numeric subject, display name, Gmail mailbox and primary calendar. */
public record GoogleUser(String email, String name, String sub, GmailMailbox mailbox, CalendarEvents calendar) {

    public static GoogleUser create(String email, String name, long previousHistoryId) {
        String normalized = email.toLowerCase(Locale.ROOT);
        return new GoogleUser(normalized, name == null || name.isBlank() ? defaultName(normalized) : name,
                subjectFor(normalized), new GmailMailbox(previousHistoryId), new CalendarEvents());
    }

    /** A 21-digit numeric id derived from the address, stable across restarts (like Google's {@code sub}). */
    public static String subjectFor(String email) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(email.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            long value = 0;
            for (int i = 0; i < 8; i++) {
                value = (value << 8) | (hash[i] & 0xff);
            }
            return "1" + String.format(Locale.ROOT, "%020d", Long.remainderUnsigned(value, 100_000_000_000_000_000L));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String defaultName(String email) {
        String local = email.substring(0, email.indexOf('@') < 0 ? email.length() : email.indexOf('@'));
        StringBuilder out = new StringBuilder();
        for (String part : local.split("[._-]")) {
            if (!part.isEmpty()) {
                out.append(out.isEmpty() ? "" : " ").append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return out.toString();
    }
}
