package io.interactionsync.deploy.bench;

import io.interactionsync.model.Source;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The provider-side changes of the freshness benchmark as the emulator's control API takes them, each yielding exactly
 * one InteractionEvent (NORMALIZATION-RULES B3 and D5): a message to the user from one external sender, or a meeting
 * organised by the user with one external attendee who accepted. Every change has its own external address.
 */
final class FreshnessChanges {

    /** The domain of the benchmark's external contacts (outside the team's internal domain). */
    static final String CONTACT_DOMAIN = "partners.example";

    static final List<Source> SOURCES = List.of(Source.GMAIL, Source.GOOGLE_CALENDAR, Source.OUTLOOK_MAIL,
            Source.OUTLOOK_CALENDAR);

    private FreshnessChanges() {
    }

    /** Where a change goes: a source of one mailbox. */
    record Target(Source source, String mailbox) {
    }

    /**
     * {@code n} targets, round robin over the four sources and, within a provider, over its accounts: change i goes to
     * source i mod 4 and to account (i / 4 + shift) mod accounts, where the calendars' shift is half the accounts. So
     * the sources interleave, each account × source gets its changes evenly spaced, and an account's mail and calendar
     * changes alternate half a round apart: a sync job is per account, and a change arriving while the account's job
     * for the other source runs waits for it (a re-run), which would measure that job instead of the notification.
     */
    static List<Target> plan(int n, List<String> google, List<String> microsoft) {
        if (google.isEmpty() || microsoft.isEmpty()) {
            throw new IllegalArgumentException("the benchmark needs Google and Microsoft accounts");
        }
        List<Target> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Source source = SOURCES.get(i % SOURCES.size());
            List<String> accounts = source.provider() == io.interactionsync.model.Provider.GOOGLE ? google : microsoft;
            boolean calendar = source == Source.GOOGLE_CALENDAR || source == Source.OUTLOOK_CALENDAR;
            int shift = calendar ? accounts.size() / 2 : 0;
            out.add(new Target(source, accounts.get((i / SOURCES.size() + shift) % accounts.size())));
        }
        return out;
    }

    /** The external address of change {@code seq} of run {@code run}; {@code nonce} keeps re-runs on one stack apart. */
    static String contact(String run, int seq, String nonce) {
        return String.format(Locale.ROOT, "fresh-%s-%04d-%s@%s", run, seq, nonce, CONTACT_DOMAIN);
    }

    /** The control-API path (under the emulator's base URL) that adds a resource to {@code target}. */
    static String path(Target target) {
        String mailbox = java.net.URLEncoder.encode(target.mailbox(), java.nio.charset.StandardCharsets.UTF_8);
        return switch (target.source()) {
            case GMAIL -> "/_emulator/google/users/" + mailbox + "/messages";
            case GOOGLE_CALENDAR -> "/_emulator/google/users/" + mailbox + "/events";
            case OUTLOOK_MAIL -> "/_emulator/microsoft/users/" + mailbox + "/folders/inbox/messages";
            case OUTLOOK_CALENDAR -> "/_emulator/microsoft/users/" + mailbox + "/events";
        };
    }

    /**
     * The resource for {@code target}: {@code id} is unique per change (Calendar ids use base32hex: digits and a–v),
     * {@code now} the mail's date; a meeting starts two days later (inside both sync windows), a minute per
     * {@code seq} apart.
     */
    static Map<String, Object> resource(Target target, String contact, String id, int seq, Instant now) {
        Instant at = now.truncatedTo(ChronoUnit.SECONDS);
        Instant start = at.truncatedTo(ChronoUnit.MINUTES).plus(2, ChronoUnit.DAYS).plus(seq, ChronoUnit.MINUTES);
        String user = target.mailbox();
        return switch (target.source()) {
            case GMAIL -> gmailMessage(user, contact, id, at);
            case GOOGLE_CALENDAR -> googleMeeting(user, contact, id, start);
            case OUTLOOK_MAIL -> outlookMessage(user, contact, id, at);
            case OUTLOOK_CALENDAR -> outlookMeeting(user, contact, id, start);
        };
    }

    /** A Gmail message in INBOX from {@code contact} to {@code user}, as messages.get(format=metadata) returns it. */
    static Map<String, Object> gmailMessage(String user, String contact, String id, Instant at) {
        List<Map<String, String>> headers = List.of(
                header("From", "Fresh Contact <" + contact + ">"),
                header("To", user),
                header("Subject", "Freshness " + id),
                header("Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(at.atOffset(ZoneOffset.UTC))),
                header("Message-ID", "<" + id + "@" + CONTACT_DOMAIN + ">"));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("labelIds", List.of("INBOX", "UNREAD"));
        m.put("snippet", "");
        m.put("internalDate", Long.toString(at.toEpochMilli()));
        m.put("sizeEstimate", 2048);
        m.put("payload", Map.of("mimeType", "text/plain", "headers", headers));
        return m;
    }

    /** A Calendar event organised by {@code user} with {@code contact} attending, as events.list returns it. */
    static Map<String, Object> googleMeeting(String user, String contact, String id, Instant start) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("kind", "calendar#event");
        e.put("id", id);
        e.put("status", "confirmed");
        e.put("summary", "Freshness " + id);
        e.put("created", start.minus(2, ChronoUnit.DAYS).toString());
        e.put("creator", Map.of("email", user, "self", true));
        e.put("organizer", Map.of("email", user, "self", true));
        e.put("start", Map.of("dateTime", start.toString(), "timeZone", "UTC"));
        e.put("end", Map.of("dateTime", start.plus(30, ChronoUnit.MINUTES).toString(), "timeZone", "UTC"));
        e.put("iCalUID", id + "@google.com");
        e.put("sequence", 0);
        e.put("eventType", "default");
        e.put("attendees", List.of(
                Map.of("email", user, "organizer", true, "self", true, "responseStatus", "accepted"),
                Map.of("email", contact, "displayName", "Fresh Contact", "responseStatus", "accepted")));
        return e;
    }

    /** An Outlook inbox message from {@code contact} to {@code user} (the fields microsoft-sync selects). */
    static Map<String, Object> outlookMessage(String user, String contact, String id, Instant at) {
        Map<String, Object> from = person("Fresh Contact", contact);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("receivedDateTime", at.toString());
        m.put("sentDateTime", at.minusSeconds(1).toString());
        m.put("subject", "Freshness " + id);
        m.put("internetMessageId", "<" + id + "@" + CONTACT_DOMAIN + ">");
        m.put("conversationId", "conv-" + id);
        m.put("isDraft", false);
        m.put("from", from);
        m.put("sender", from);
        m.put("toRecipients", List.of(person(user, user)));
        m.put("ccRecipients", List.of());
        m.put("bccRecipients", List.of());
        m.put("replyTo", List.of());
        return m;
    }

    /** An Outlook meeting organised by {@code user} with {@code contact} attending, as calendarView delta returns it (UTC). */
    static Map<String, Object> outlookMeeting(String user, String contact, String id, Instant start) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("iCalUId", "040000008200E00074C5B7101A82E008" + id);
        e.put("subject", "Freshness " + id);
        e.put("type", "singleInstance");
        e.put("isCancelled", false);
        e.put("isAllDay", false);
        e.put("showAs", "busy");
        e.put("isOrganizer", true);
        e.put("start", Map.of("dateTime", graphTime(start), "timeZone", "UTC"));
        e.put("end", Map.of("dateTime", graphTime(start.plus(30, ChronoUnit.MINUTES)), "timeZone", "UTC"));
        e.put("organizer", person(user, user));
        e.put("responseStatus", Map.of("response", "organizer", "time", "0001-01-01T00:00:00Z"));
        e.put("attendees", List.of(Map.of("type", "required",
                "status", Map.of("response", "accepted", "time", "0001-01-01T00:00:00Z"),
                "emailAddress", Map.of("name", "Fresh Contact", "address", contact))));
        return e;
    }

    private static String graphTime(Instant t) {
        return t.toString().replace("Z", ".0000000");
    }

    private static Map<String, String> header(String name, String value) {
        return Map.of("name", name, "value", value);
    }

    private static Map<String, Object> person(String name, String address) {
        return Map.of("emailAddress", Map.of("name", name, "address", address));
    }
}
