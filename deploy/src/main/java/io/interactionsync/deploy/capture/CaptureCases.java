package io.interactionsync.deploy.capture;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cases the normalization rules care about, read from a raw record's provider payload and added to its unit as
 * {@code group.case} (group: the source, or {@code shared} for a shared mailbox's mail). The sender lists are the
 * ones the provider emulator's generator plants ({@code provider-emulator} generate/Vocabulary).
 */
final class CaptureCases {

    static final Set<String> NEWSLETTER_SENDERS = Set.of("newsletter@mail.saasweekly.example",
            "news@email.termsheet.example", "digest@updates.vcdigest.example", "hello@news.foundersbrief.example",
            "no-reply@mp.marketpulse.example");
    static final Set<String> NOTIFIER_DOMAINS = Set.of("docusign.example", "google.com", "carta.example",
            "zoom.example", "expensify.example", "github.example");
    static final Set<String> LIST_ADDRESSES = Set.of("angels@groups.angelforum.example",
            "climate-founders@lists.climatetech.example");
    private static final Pattern ADDRESS = Pattern.compile("[^\\s<>\",;:]+@[^\\s<>\",;:]+");
    private static final Pattern QUOTED_NAME_WITH_COMMA = Pattern.compile("(?s).*\"[^\"]*,[^\"]*\" <.*");

    private CaptureCases() {
    }

    /** The record's resource: source, account, mailbox and provider id. */
    static String resourceKey(JsonNode r) {
        return r.path("source").asText() + " " + r.path("accountId").asText() + " " + r.path("mailbox").asText() + " "
                + r.path("remoteId").asText();
    }

    /** {@code mail <Message-ID>} for a mail record that carries one, else null. */
    static String messageKey(JsonNode r) {
        JsonNode p = r.path("payload");
        String messageId = switch (r.path("source").asText()) {
            case "gmail" -> header(p.path("payload").path("headers"), "Message-ID");
            case "outlook_mail" -> p.path("internetMessageId").isTextual() ? p.path("internetMessageId").asText() : null;
            default -> null;
        };
        return messageId == null ? null : "mail " + messageId.strip();
    }

    static void tag(CaptureUnit u, JsonNode r, OutlookFolders folders) {
        String source = r.path("source").asText();
        switch (source) {
            case "gmail", "outlook_mail" -> tagMail(u, r, folders);
            case "google_calendar", "outlook_calendar" -> tagCalendar(u, r);
            default -> u.group = u.group == null ? source : u.group;
        }
    }

    private static void tagMail(CaptureUnit u, JsonNode r, OutlookFolders folders) {
        String source = r.path("source").asText();
        JsonNode p = r.path("payload");
        String mailbox = r.path("mailbox").asText().toLowerCase(Locale.ROOT);
        String domain = mailbox.substring(mailbox.indexOf('@') + 1);
        String g = r.path("sharedMailbox").asBoolean() ? "shared" : source;
        u.group = u.group == null ? g : u.group;
        Set<String> c = u.cases;
        if ("delete".equals(r.path("op").asText())) {
            c.add(g + ".deleted"); // the payload of a delete names no participants
            return;
        }
        Map<String, String> h = new HashMap<>();
        JsonNode headers = source.equals("gmail") ? p.path("payload").path("headers") : p.path("internetMessageHeaders");
        headers.forEach(x -> h.putIfAbsent(x.path("name").asText().toLowerCase(Locale.ROOT), x.path("value").asText()));
        String from;
        List<String> all = new ArrayList<>();
        boolean own;
        boolean bcc;
        if (source.equals("gmail")) {
            from = first(addresses(h.get("from")));
            for (String f : List.of("from", "to", "cc", "bcc")) {
                all.addAll(addresses(h.get(f)));
            }
            Set<String> labels = new HashSet<>();
            p.path("labelIds").forEach(l -> labels.add(l.asText()));
            own = labels.contains("SENT");
            bcc = h.containsKey("bcc");
            if (!own && !labels.contains("INBOX")) {
                c.add(g + ".archived");
            }
        } else {
            from = address(p.path("from"));
            all.add(from);
            for (String f : List.of("toRecipients", "ccRecipients", "bccRecipients")) {
                p.path(f).forEach(a -> all.add(address(a)));
            }
            own = from.equals(mailbox);
            bcc = !p.path("bccRecipients").isEmpty();
            switch (folders.kind(r)) {
                case SENT_ITEMS -> {
                    c.add(g + ".in-sent-items");
                    if (!from.isEmpty() && !own) {
                        c.add(g + ".sent-items-alias"); // R-B1 learns this From as the owner's alias
                    }
                }
                case LARGEST -> c.add(g + ".in-largest-folder");
                case SMALLER -> c.add(g + ".in-smaller-folder");
                case NONE -> {
                }
            }
        }
        c.add(g + (own ? ".sent" : ".received"));
        if (bcc) {
            c.add(g + ".bcc");
        }
        String autoSubmitted = h.get("auto-submitted");
        if (autoSubmitted != null && !autoSubmitted.strip().equalsIgnoreCase("no")) {
            c.add(g + ".auto-submitted");
        }
        if (from != null && from.startsWith("calendar-notification@")) {
            c.add(g + ".calendar-notification");
        }
        if (!h.containsKey("message-id")) {
            c.add(g + ".no-message-id");
        }
        if (from != null && NEWSLETTER_SENDERS.contains(from)) {
            c.add(g + ".newsletter");
        }
        if (all.stream().anyMatch(LIST_ADDRESSES::contains)) {
            c.add(g + ".list");
        }
        if (from != null && NOTIFIER_DOMAINS.contains(from.substring(from.indexOf('@') + 1))) {
            c.add(g + ".notification");
        }
        if (all.size() > 26) {
            c.add(g + ".many-recipients");
        }
        if (!all.isEmpty() && all.stream().allMatch(a -> a.endsWith("@" + domain))) {
            c.add(g + ".colleagues-only");
        }
        String names = h.getOrDefault("from", "") + h.getOrDefault("to", "") + h.getOrDefault("cc", "");
        if (names.contains("=?")) {
            c.add(g + ".encoded-name");
        }
        if (QUOTED_NAME_WITH_COMMA.matcher(names).matches()) {
            c.add(g + ".comma-name");
        }
        if (all.stream().anyMatch(a -> a.endsWith("@gmail.com"))) {
            c.add(g + ".gmail-com");
        }
        if (h.containsKey("reply-to")) {
            c.add(g + ".reply-to");
        }
    }

    private static void tagCalendar(CaptureUnit u, JsonNode r) {
        String source = r.path("source").asText();
        JsonNode p = r.path("payload");
        String mailbox = r.path("mailbox").asText().toLowerCase(Locale.ROOT);
        String domain = mailbox.substring(mailbox.indexOf('@') + 1);
        u.group = source;
        Set<String> c = u.cases;
        boolean google = source.equals("google_calendar");
        boolean cancelled = google ? "cancelled".equals(p.path("status").asText())
                : p.path("isCancelled").asBoolean() || p.has("@removed");
        if (cancelled || "delete".equals(r.path("op").asText())) {
            c.add(source + ".cancelled");
            return;
        }
        String type = google ? p.path("eventType").asText("default") : p.path("showAs").asText();
        if (google ? !type.equals("default") : type.equals("oof") || type.equals("workingElsewhere")
                || p.path("type").asText().equals("seriesMaster")) {
            c.add(source + ".not-a-meeting");
            return;
        }
        List<String> people = new ArrayList<>();
        boolean outside = false;
        for (JsonNode a : p.path("attendees")) {
            String email = (google ? a.path("email") : a.path("emailAddress").path("address")).asText("")
                    .toLowerCase(Locale.ROOT);
            boolean room = google ? a.path("resource").asBoolean() : "resource".equals(a.path("type").asText());
            String response = google ? a.path("responseStatus").asText() : a.path("status").path("response").asText();
            boolean self = google ? a.path("self").asBoolean() : email.equals(mailbox);
            if (room) {
                c.add(source + ".room");
                continue;
            }
            people.add(email);
            if (response.equals("declined")) {
                c.add(source + (self ? ".declined-self" : ".declined-other"));
            }
            if (self && response.startsWith("tentative")) {
                c.add(source + ".tentative");
            }
            outside |= !email.endsWith("@" + domain);
        }
        String organizer = (google ? p.path("organizer").path("email")
                : p.path("organizer").path("emailAddress").path("address")).asText("").toLowerCase(Locale.ROOT);
        if (!organizer.isEmpty() && !organizer.endsWith("@" + domain)) {
            c.add(source + ".organizer-outside");
            outside = true;
        }
        if (google ? p.path("start").has("date") : p.path("isAllDay").asBoolean()) {
            c.add(source + ".all-day");
        }
        if (people.size() > 25) {
            c.add(source + ".large");
        }
        boolean instance = google ? p.hasNonNull("recurringEventId") : p.hasNonNull("seriesMasterId");
        if (instance) {
            c.add(source + ".instance");
        }
        if (google ? instance && p.path("sequence").asInt() > 0 : "exception".equals(p.path("type").asText())) {
            c.add(source + ".moved-instance");
        }
        c.add(source + (outside ? ".external" : ".internal-only"));
        if (instance && outside) {
            c.add(source + ".external-instance");
        }
    }

    /** The sender of a received list post (a message to one of the generator's lists), or null. */
    static String listPoster(JsonNode r) {
        JsonNode p = r.path("payload");
        String mailbox = r.path("mailbox").asText().toLowerCase(Locale.ROOT);
        List<String> to = new ArrayList<>();
        String from;
        if (r.path("source").asText().equals("gmail")) {
            from = first(addresses(header(p.path("payload").path("headers"), "From")));
            to.addAll(addresses(header(p.path("payload").path("headers"), "To")));
        } else if (r.path("source").asText().equals("outlook_mail")) {
            from = address(p.path("from"));
            p.path("toRecipients").forEach(a -> to.add(address(a)));
        } else {
            return null;
        }
        return from != null && !from.equals(mailbox) && to.stream().anyMatch(LIST_ADDRESSES::contains) ? from : null;
    }

    /** The recipients of a mailbox's own sent copy (empty for anything else). */
    static Set<String> sentTo(JsonNode r) {
        JsonNode p = r.path("payload");
        String mailbox = r.path("mailbox").asText().toLowerCase(Locale.ROOT);
        Set<String> out = new HashSet<>();
        if (r.path("source").asText().equals("gmail")) {
            JsonNode h = p.path("payload").path("headers");
            if (p.path("labelIds").toString().contains("\"SENT\"")) {
                for (String f : List.of("To", "Cc", "Bcc")) {
                    out.addAll(addresses(header(h, f)));
                }
            }
        } else if (r.path("source").asText().equals("outlook_mail") && address(p.path("from")).equals(mailbox)) {
            for (String f : List.of("toRecipients", "ccRecipients", "bccRecipients")) {
                p.path(f).forEach(a -> out.add(address(a)));
            }
        }
        return out;
    }

    /** A Graph recipient's address, lower case ("" when absent). */
    static String address(JsonNode recipient) {
        return recipient.path("emailAddress").path("address").asText("").toLowerCase(Locale.ROOT);
    }

    /** The addresses in a header value, lower case, in order. */
    static List<String> addresses(String header) {
        List<String> out = new ArrayList<>();
        if (header == null) {
            return out;
        }
        Matcher m = ADDRESS.matcher(header);
        while (m.find()) {
            out.add(m.group().toLowerCase(Locale.ROOT));
        }
        return out;
    }

    static String header(JsonNode headers, String name) {
        for (JsonNode h : headers) {
            if (h.path("name").asText().equalsIgnoreCase(name)) {
                return h.path("value").asText();
            }
        }
        return null;
    }

    private static String first(List<String> l) {
        return l.isEmpty() ? null : l.get(0);
    }
}
