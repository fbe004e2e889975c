package io.interactionsync.normalizer.rules;

import io.interactionsync.normalizer.parse.AddressKeys;
import io.interactionsync.normalizer.parse.AddressParser;
import io.interactionsync.normalizer.parse.ParsedAddress;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The hard rules R-C1..R-C5: first match wins. Headers only. */
public final class SkipRules {

    private static final Set<String> SKIPPED_FOLDERS = Set.of("spam", "trash", "draft", "junkemail", "deleteditems",
            "drafts");
    private static final Set<String> BOUNCE_LOCALS = Set.of("mailer-daemon", "postmaster");
    /** Google and Outlook calendar mailers (R-C4). */
    private static final Set<String> CALENDAR_SENDERS = Set.of("calendar-notification@google.com",
            "calendar-noreply@google.com");
    private static final Pattern UNSUBSCRIBE_LOCAL = Pattern.compile("(^|[-_.+])unsubscribe|^unsubscribe|^leave[-+]",
            Pattern.CASE_INSENSITIVE);

    private SkipRules() {
    }

    /** The first hard rule that applies, for a message of the given direction. */
    public static Optional<SkipReason> evaluate(MailFacts m, boolean outbound) {
        for (String folder : m.folders()) {
            if (SKIPPED_FOLDERS.contains(folder)) {
                return Optional.of(SkipReason.SPAM_TRASH_DRAFT);
            }
        }
        if (isAutomated(m.headers())) {
            return Optional.of(SkipReason.AUTOMATED);
        }
        if (isBounce(m)) {
            return Optional.of(SkipReason.BOUNCE);
        }
        if (isCalendarNotification(m)) {
            return Optional.of(SkipReason.CALENDAR_NOTIFICATION);
        }
        if (outbound && m.recipientCount() > 0
                && Stream.of(m.to(), m.cc(), m.bcc()).flatMap(java.util.List::stream).allMatch(SkipRules::isUnsubscribe)) {
            return Optional.of(SkipReason.UNSUBSCRIBE_ONLY);
        }
        return Optional.empty();
    }

    /** R-C2 (RFC 3834): {@code Auto-Submitted} present and not {@code no}. */
    static boolean isAutomated(Headers h) {
        String v = h.first("Auto-Submitted");
        if (v == null) {
            return false;
        }
        String token = v.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return !token.equals("no");
    }

    /** R-C3: {@code Return-Path: <>}, mailer-daemon@/postmaster@ sender, or a multipart/report. */
    static boolean isBounce(MailFacts m) {
        String returnPath = m.headers().first("Return-Path");
        if (returnPath != null && isNullPath(returnPath)) {
            return true;
        }
        if (m.from() != null && BOUNCE_LOCALS.contains(AddressKeys.localOf(m.from().key()))) {
            return true;
        }
        String contentType = lower(m.headers().first("Content-Type"));
        return "multipart/report".equals(m.mimeType()) || contentType.startsWith("multipart/report");
    }

    /** {@code <>} with any whitespace around or inside it (no regex: Return-Path is on most messages). */
    private static boolean isNullPath(String returnPath) {
        int seen = 0;
        for (int i = 0; i < returnPath.length(); i++) {
            char c = returnPath.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r') { // regex \s
                continue;
            }
            if (seen == 0 && c == '<' || seen == 1 && c == '>') {
                seen++;
            } else {
                return false;
            }
        }
        return seen == 2;
    }

    /** R-C4: a text/calendar message, or one sent by the Google or Outlook calendar mailers. */
    static boolean isCalendarNotification(MailFacts m) {
        Headers h = m.headers();
        if ("text/calendar".equals(m.mimeType()) || lower(h.first("Content-Type")).contains("text/calendar")) {
            return true;
        }
        if (lower(h.first("Content-Class")).contains("calendarmessage")
                || h.has("X-MS-Exchange-Calendar-Series-Instance-Id")) {
            return true;
        }
        for (String header : new String[] {"Sender", "Reply-To"}) {
            for (ParsedAddress a : AddressParser.parse(h.first(header)).addresses()) {
                if (CALENDAR_SENDERS.contains(a.key())) {
                    return true;
                }
            }
        }
        if (m.from() != null && CALENDAR_SENDERS.contains(m.from().key())) {
            return true;
        }
        String returnPath = lower(h.first("Return-Path"));
        return returnPath.contains("calendar-server.bounces.google.com");
    }

    /** R-C5: an unsubscribe mailbox, e.g. {@code unsubscribe@…}, {@code list-unsubscribe+x@…}, {@code leave-12@…}. */
    static boolean isUnsubscribe(ParsedAddress a) {
        return UNSUBSCRIBE_LOCAL.matcher(AddressKeys.localOf(a.key())).find();
    }

    private static String lower(String v) {
        return v == null ? "" : v.strip().toLowerCase(Locale.ROOT);
    }
}
