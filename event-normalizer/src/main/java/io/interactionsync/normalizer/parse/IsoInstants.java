package io.interactionsync.normalizer.parse;

import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.Year;

/**
 * {@link Instant#parse} with a fast path for the form every producer of raw records writes ({@link Instant#toString}:
 * {@code 2026-11-27T01:30:01.123456Z}, 0–9 fraction digits). {@code DateTimeFormatter}'s parse context was 2.7 % of
 * the normalizer's samples. Anything else — offsets, leap seconds, out-of-range fields, garbage — goes to
 * {@code Instant.parse}, so the result and the exceptions are exactly its.
 */
public final class IsoInstants {

    private static final int[] SCALE = {1_000_000_000, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100,
            10, 1};

    private IsoInstants() {
    }

    public static Instant parse(CharSequence text) {
        Instant fast = canonical(text);
        return fast != null ? fast : Instant.parse(text);
    }

    /** The instant if {@code s} is canonical and valid, else null (the caller asks {@code Instant.parse}). */
    private static Instant canonical(CharSequence s) {
        int n = s.length();
        if (n < 20 || n > 30 || n == 21 || s.charAt(n - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-'
                || s.charAt(10) != 'T' || s.charAt(13) != ':' || s.charAt(16) != ':' || n > 20 && s.charAt(19) != '.') {
            return null;
        }
        int year = digits(s, 0, 4), month = digits(s, 5, 7), day = digits(s, 8, 10);
        int hour = digits(s, 11, 13), minute = digits(s, 14, 16), second = digits(s, 17, 19);
        int fraction = n > 20 ? digits(s, 20, n - 1) : 0;
        if ((year | month | day | hour | minute | second | fraction) < 0 || month < 1 || month > 12 || day < 1
                || day > Month.of(month).length(Year.isLeap(year)) || hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        int nanos = n > 20 ? fraction * SCALE[n - 21] : 0;
        long seconds = LocalDate.of(year, month, day).toEpochDay() * 86_400L + hour * 3_600L + minute * 60L + second;
        return Instant.ofEpochSecond(seconds, nanos);
    }

    /** The decimal value of {@code s[from, to)}, or -1 if any of its characters is not an ASCII digit. */
    private static int digits(CharSequence s, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }
}
