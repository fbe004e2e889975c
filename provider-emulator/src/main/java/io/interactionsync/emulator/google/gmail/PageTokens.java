package io.interactionsync.emulator.google.gmail;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Opaque, digits-only page tokens (Gmail's look like long numbers). A token encodes the position after which
 * the next page starts, so paging stays stable while messages are added.
 */
public final class PageTokens {

    private static final String PREFIX = "p1|";

    private PageTokens() {
    }

    public static String encode(String... parts) {
        String text = PREFIX + String.join("|", parts);
        return new BigInteger(1, text.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The parts, or empty if the token was not minted here. */
    public static Optional<String[]> decode(String token, int expectedParts) {
        if (token == null || !token.matches("[0-9]{1,400}")) {
            return Optional.empty();
        }
        String text = new String(new BigInteger(token).toByteArray(), StandardCharsets.UTF_8);
        int start = text.indexOf(PREFIX);
        if (start < 0 || start > 1) {
            return Optional.empty();
        }
        String[] parts = text.substring(start + PREFIX.length()).split("\\|", -1);
        return parts.length == expectedParts ? Optional.of(parts) : Optional.empty();
    }
}
