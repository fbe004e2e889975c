package io.interactionsync.model;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What may appear in a log line at INFO or above (issue 17, PII hygiene): never a mailbox or contact address. A log
 * names an account by its id and an address by {@link #hash}, a short digest that is the same in every line and every
 * service (so lines about one shared mailbox can still be correlated) but does not give the address back.
 * {@link #redact} applies it to free text: provider error messages and URLs ({@code /users/ann%40x.com/…}).
 */
public final class LogSafe {

    /** An address, plain or URL-encoded ({@code %40}), with the local-part characters real addresses use; a dotted domain. */
    private static final Pattern ADDRESS = Pattern.compile(
            "[A-Za-z0-9._%+'-]+(?:@|%40)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9-]+)+");

    private LogSafe() {
    }

    /** {@code #} and 8 hex digits of the SHA-256 of the address, lower-cased (case never changes the digest). */
    public static String hash(String address) {
        if (address == null) {
            return "#null";
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(address.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return "#" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code text} with every address in it replaced by its {@link #hash}; null stays null. */
    public static String redact(String text) {
        if (text == null || (text.indexOf('@') < 0 && !text.contains("%40"))) {
            return text;
        }
        Matcher m = ADDRESS.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            String found = m.group();
            String address = found.contains("%40") ? URLDecoder.decode(found, StandardCharsets.UTF_8) : found;
            m.appendReplacement(out, Matcher.quoteReplacement(hash(address)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * A copy of {@code thrown} to log in its place: the same types (by name), stack traces and causes, every message
     * {@link #redact}ed. Null stays null.
     */
    public static Throwable redact(Throwable thrown) {
        return redact(thrown, 0);
    }

    private static Throwable redact(Throwable thrown, int depth) {
        if (thrown == null || depth > 16) {
            return null;
        }
        Throwable copy = new Redacted(thrown.getClass().getName(), redact(thrown.getMessage()),
                redact(thrown.getCause() == thrown ? null : thrown.getCause(), depth + 1));
        copy.setStackTrace(thrown.getStackTrace());
        for (Throwable suppressed : thrown.getSuppressed()) {
            copy.addSuppressed(redact(suppressed, depth + 1));
        }
        return copy;
    }

    /** Prints as the original would: {@code type: message}. */
    private static final class Redacted extends RuntimeException {
        private final String type;

        Redacted(String type, String message, Throwable cause) {
            super(message, cause, true, true);
            this.type = type;
        }

        @Override
        public String toString() {
            return getMessage() == null ? type : type + ": " + getMessage();
        }
    }
}
