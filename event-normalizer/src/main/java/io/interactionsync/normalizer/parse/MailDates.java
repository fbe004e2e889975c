package io.interactionsync.normalizer.parse;

import jakarta.mail.internet.MailDateFormat;
import java.text.ParsePosition;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.Optional;

/** Message times (R-A6): provider epoch milliseconds first, the RFC 5322 Date header only as a fallback; UTC instants. */
public final class MailDates {

    private MailDates() {
    }

    /** Gmail {@code internalDate}: epoch milliseconds (UTC) as a decimal string. */
    public static Optional<Instant> fromEpochMillis(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            long ms = Long.parseLong(value.strip());
            return plausible(Instant.ofEpochMilli(ms));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static final java.util.regex.Pattern TWO_DIGIT_YEAR =
            java.util.regex.Pattern.compile("^((?:[A-Za-z]{3},\\s*)?\\d{1,2}\\s+[A-Za-z]{3}\\s+)(\\d{2,3})(\\s+\\d)");

    /** RFC 5322 §4.3 obs-year: 00–49 → 20xx, 50–99 → 19xx, three digits → +1900. */
    static String expandObsoleteYear(String v) {
        java.util.regex.Matcher m = TWO_DIGIT_YEAR.matcher(v);
        if (!m.find()) {
            return v;
        }
        int y = Integer.parseInt(m.group(2));
        int year = m.group(2).length() == 3 ? y + 1900 : y < 50 ? 2000 + y : 1900 + y;
        return m.group(1) + year + m.group(3) + v.substring(m.end());
    }

    /**
     * An RFC 5322 Date header (obsolete forms tolerated: two-digit years, named zones, missing weekday,
     * comments, extra spaces), as a UTC instant.
     */
    public static Optional<Instant> fromDateHeader(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String v = expandObsoleteYear(value.strip().replaceAll("\\s+", " "));
        try {
            return plausible(ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        } catch (DateTimeParseException ignored) {
            // fall through to the lenient Jakarta Mail parser
        }
        MailDateFormat format = new MailDateFormat(); // not thread-safe: one per call
        ParsePosition pos = new ParsePosition(0);
        Date d = format.parse(v, pos);
        if (d == null || pos.getErrorIndex() >= 0) {
            return Optional.empty();
        }
        return plausible(d.toInstant());
    }

    private static final Instant EARLIEST = Instant.parse("1971-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    /** Times outside 1971…9999 are junk (and beyond PostgreSQL's timestamptz range): treated as missing. */
    public static Optional<Instant> plausible(Instant t) {
        return t.isBefore(EARLIEST) || t.isAfter(LATEST) ? Optional.empty() : Optional.of(t);
    }
}
