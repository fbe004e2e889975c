package io.interactionsync.normalizer.parse;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.google.common.net.InternetDomainName;
import java.net.IDN;
import java.util.Locale;
import java.util.Optional;

/** Validation (R-A2) and identity keys (R-A5) of e-mail addresses. Pure functions. */
public final class AddressKeys {

    private AddressKeys() {
    }

    /**
     * The identity key of {@code address}, or empty when it is not a valid address (R-A2): exactly one
     * {@code @}, a non-empty local part without spaces or brackets, a domain with a dot (or a known public
     * suffix) that converts to ASCII (IDNA).
     * Key (R-A5): local part lower-cased; domain lower-cased, IDNA to ASCII, ideographic full stops to
     * {@code .}, trailing dot stripped; for gmail.com / googlemail.com only, dots removed and {@code +tag}
     * stripped from the local part.
     */
    public static Optional<String> key(String address) {
        return normalized(address).flatMap(AddressKeys::keyOfNormalized);
    }

    /**
     * The address as stored in {@code contact_email}: validated (R-A2), local part lower-cased, domain normalised
     * as for the key — but Gmail dots and {@code +tags} kept, so it is the address people actually use.
     */
    public static Optional<String> normalized(String address) {
        if (address == null) {
            return Optional.empty();
        }
        String a = address.strip();
        if (a.length() > 320) { // RFC 5321: 64 + 1 + 255
            return Optional.empty();
        }
        int at = a.indexOf('@');
        if (at <= 0 || at != a.lastIndexOf('@') || at == a.length() - 1) {
            return Optional.empty();
        }
        String local = a.substring(0, at);
        if (!validLocal(local)) {
            return Optional.empty();
        }
        Optional<String> domain = normalizeDomain(a.substring(at + 1));
        if (domain.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(local.toLowerCase(Locale.ROOT) + "@" + domain.get());
    }

    private static Optional<String> keyOfNormalized(String normalized) {
        int at = normalized.lastIndexOf('@');
        String d = normalized.substring(at + 1);
        String l = normalized.substring(0, at);
        if (d.equals("gmail.com") || d.equals("googlemail.com")) {
            int plus = l.indexOf('+');
            if (plus >= 0) {
                l = l.substring(0, plus);
            }
            l = l.replace(".", "");
            if (l.isEmpty()) {
                return Optional.empty();
            }
        }
        return Optional.of(l + "@" + d);
    }

    /**
     * Domains repeat across a mailbox (the same few hundred correspondents' domains); IDNA and the public-suffix
     * check are the costly part of validating an address, so results are memoised (bounded). The cache's maintenance
     * (evictions) runs on the calling thread: handed to the common pool, it woke a pool thread for every burst of
     * writes, 1.8 CPU-s per 1,000,000 raw records in hand-offs and wake-ups for a few microseconds of work.
     */
    private static final LoadingCache<String, Optional<String>> DOMAINS = Caffeine.newBuilder().maximumSize(50_000)
            .executor(Runnable::run).build(AddressKeys::computeDomain);

    /** The normalised domain (lower-case ASCII, no trailing dot), or empty when it is not a usable domain. */
    public static Optional<String> normalizeDomain(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        return raw.length() > 255 ? Optional.empty() : DOMAINS.get(raw);
    }

    private static Optional<String> computeDomain(String raw) {
        String d = raw.strip().replace('\u3002', '.').replace('\uFF0E', '.').replace('\uFF61', '.');
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        if (d.isEmpty() || d.startsWith(".") || d.contains("..")) {
            return Optional.empty();
        }
        for (int i = 0; i < d.length(); i++) {
            char c = d.charAt(i);
            if (Character.isWhitespace(c) || "<>()[]\\,;:\"@".indexOf(c) >= 0 || Character.isISOControl(c)) {
                return Optional.empty();
            }
        }
        String ascii;
        try {
            ascii = IDN.toASCII(d, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!ascii.contains(".") && !isPublicSuffix(ascii)) {
            return Optional.empty();
        }
        return Optional.of(ascii);
    }

    /** The domain part of an identity key. */
    public static String domainOf(String key) {
        return key.substring(key.indexOf('@') + 1);
    }

    /** The local part of an identity key. */
    public static String localOf(String key) {
        return key.substring(0, key.indexOf('@'));
    }

    private static boolean validLocal(String local) {
        if (local.isEmpty() || local.length() > 64 * 4) {
            return false;
        }
        boolean quoted = local.length() >= 2 && local.startsWith("\"") && local.endsWith("\"");
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            if (Character.isISOControl(c)) {
                return false;
            }
            if (!quoted && (Character.isWhitespace(c) || "<>()[]\\,;:\"".indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isPublicSuffix(String domain) {
        try {
            return InternetDomainName.isValid(domain) && InternetDomainName.from(domain).isPublicSuffix();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
