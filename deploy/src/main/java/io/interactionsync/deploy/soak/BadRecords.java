package io.interactionsync.deploy.soak;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.model.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The soak's malformed raw records, produced straight to {@code raw-records} under accounts that belong to nobody
 * ({@code soak-bad-account-<n>}, user {@link #USER_ID}): deterministic for a seed. Three kinds must be dead-lettered
 * with a code ({@link Kind#mustDeadLetter}): invalid JSON, invalid UTF-8, schema violations. The others are schema-valid
 * envelopes whose Gmail payload is hostile (broken headers, bad dates, a 10,000-recipient {@code To}): the normalizer
 * may process them or dead-letter them, but must neither crash nor block.
 */
public final class BadRecords {

    public static final String USER_ID = "soak-bad-user";
    static final String ACCOUNT_PREFIX = "soak-bad-account-";
    static final String MAILBOX = "soak-bad@nowhere.example";
    private static final int ACCOUNTS = 16;

    public enum Kind {
        INVALID_JSON(true), INVALID_UTF8(true), SCHEMA_VIOLATION(true), BROKEN_HEADERS(false), BAD_DATES(false),
        FAN_OUT(false);

        public final boolean mustDeadLetter;

        Kind(boolean mustDeadLetter) {
            this.mustDeadLetter = mustDeadLetter;
        }
    }

    /** One record to produce: its Kafka key (an account id), value bytes, and the remote id it names (if any). */
    public record Bad(Kind kind, String key, byte[] value, String remoteId) {
    }

    private BadRecords() {
    }

    /**
     * {@code count} records of which {@code fanOut} carry {@code recipients} addresses in {@code To}; the rest cycle
     * through the other kinds (invalid JSON 20 %, invalid UTF-8 10 %, schema violations 30 %, broken headers 20 %, bad
     * dates 20 %); {@code now} is their {@code observedAt}.
     */
    public static List<Bad> generate(long seed, int count, int fanOut, int recipients, Instant now) {
        Random random = new Random(seed);
        List<Bad> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String account = ACCOUNT_PREFIX + (i % ACCOUNTS);
            String remoteId = "soak-bad-" + seed + "-" + i;
            Kind kind;
            if (i < fanOut) {
                kind = Kind.FAN_OUT;
            } else {
                int slot = i % 10;
                kind = slot < 2 ? Kind.INVALID_JSON : slot < 3 ? Kind.INVALID_UTF8 : slot < 6 ? Kind.SCHEMA_VIOLATION
                        : slot < 8 ? Kind.BROKEN_HEADERS : Kind.BAD_DATES;
            }
            byte[] value = switch (kind) {
                case INVALID_JSON -> invalidJson(random, account, remoteId);
                case INVALID_UTF8 -> invalidUtf8(account, remoteId, now);
                case SCHEMA_VIOLATION -> schemaViolation(random, account, remoteId, now);
                case BROKEN_HEADERS -> bytes(envelope(account, remoteId, now, gmail(remoteId, List.of(
                        header("From", random.nextBoolean() ? "<<@@>>" : "\"unterminated <a@"),
                        header("To", "undisclosed-recipients:;,,, @, a@, <>, \"x\" <y@z>>"),
                        header("Cc", "=?utf-8?B?broken?= <c@@d>"),
                        header("Subject", "\u0000\u0007 control"),
                        header("Date", "Mon, 1 Jan 2024 10:00:00 +0000")), "1704103200000")));
                case BAD_DATES -> bytes(envelope(account, remoteId, now, gmail(remoteId, List.of(
                        header("From", "Sender <sender-" + i + "@bad-dates.example>"),
                        header("To", MAILBOX),
                        header("Date", random.nextBoolean() ? "Thu, 32 Foo 99999 25:61:61 +9999" : "yesterday"),
                        header("Message-ID", "<" + remoteId + "@bad-dates.example>")),
                        random.nextBoolean() ? "not-a-number" : "-99999999999999999")));
                case FAN_OUT -> bytes(envelope(account, remoteId, now, gmail(remoteId, List.of(
                        header("From", "Broadcaster <broadcast-" + i + "@fanout.example>"),
                        header("To", recipients(i, recipients)),
                        header("Date", "Mon, 1 Jan 2024 10:00:00 +0000"),
                        header("Message-ID", "<" + remoteId + "@fanout.example>")), "1704103200000")));
            };
            out.add(new Bad(kind, account, value, remoteId));
        }
        return out;
    }

    private static String recipients(int i, int n) {
        StringBuilder to = new StringBuilder(MAILBOX);
        for (int r = 1; r < n; r++) {
            to.append(", Person ").append(r).append(" <p").append(r).append('-').append(i).append("@fanout.example>");
        }
        return to.toString();
    }

    private static byte[] invalidJson(Random random, String account, String remoteId) {
        String whole = "{\"schemaVersion\":1,\"source\":\"gmail\",\"op\":\"upsert\",\"accountId\":\"" + account
                + "\",\"userId\":\"" + USER_ID + "\",\"remoteId\":\"" + remoteId + "\"}";
        return switch (random.nextInt(3)) {
            case 0 -> bytes(whole.substring(0, 10 + random.nextInt(whole.length() - 20)));
            case 1 -> bytes("not json at all: " + remoteId);
            default -> bytes(whole.replace(":", "=").replace("\"", "'"));
        };
    }

    /** A schema-valid envelope whose bytes hold a malformed UTF-8 sequence (0xC3 0x28) inside a header value. */
    private static byte[] invalidUtf8(String account, String remoteId, Instant now) {
        byte[] json = bytes(envelope(account, remoteId, now, gmail(remoteId, List.of(
                header("From", "MARKER <utf8@bad.example>"), header("To", MAILBOX),
                header("Date", "Mon, 1 Jan 2024 10:00:00 +0000")), "1704103200000")));
        String text = new String(json, StandardCharsets.UTF_8);
        int at = text.indexOf("MARKER");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(json, 0, at);
        out.write(0xC3);
        out.write(0x28);
        out.write(0xFF);
        out.write(json, at + "MARKER".length(), json.length - at - "MARKER".length());
        return out.toByteArray();
    }

    private static byte[] schemaViolation(Random random, String account, String remoteId, Instant now) {
        ObjectNode e = envelope(account, remoteId, now, gmail(remoteId, List.of(header("From", "a@b.example")), "1"));
        switch (random.nextInt(5)) {
            case 0 -> e.remove("accountId");
            case 1 -> e.put("schemaVersion", "one");
            case 2 -> e.put("op", "explode");
            case 3 -> e.put("source", "myspace");
            default -> e.remove("observedAt");
        }
        return bytes(e);
    }

    private static ObjectNode envelope(String account, String remoteId, Instant now, ObjectNode payload) {
        ObjectNode e = Json.mapper().createObjectNode();
        e.put("schemaVersion", 1);
        e.put("source", "gmail");
        e.put("op", "upsert");
        e.put("accountId", account);
        e.put("userId", USER_ID);
        e.put("mailbox", MAILBOX);
        e.put("sharedMailbox", false);
        e.put("remoteId", remoteId);
        e.put("observedAt", now.toString());
        e.put("syncRunId", "soak-bad");
        e.set("payload", payload);
        return e;
    }

    private static ObjectNode gmail(String id, List<ObjectNode> headers, String internalDate) {
        ObjectNode m = Json.mapper().createObjectNode();
        m.put("id", id);
        m.put("threadId", id);
        m.putArray("labelIds").add("INBOX");
        m.put("snippet", "");
        m.put("internalDate", internalDate);
        m.put("sizeEstimate", 2048);
        ObjectNode payload = m.putObject("payload");
        payload.put("mimeType", "text/plain");
        ArrayNode list = payload.putArray("headers");
        headers.forEach(list::add);
        return m;
    }

    private static ObjectNode header(String name, String value) {
        ObjectNode h = Json.mapper().createObjectNode();
        h.put("name", name);
        h.put("value", value);
        return h;
    }

    private static byte[] bytes(Object o) {
        try {
            return o instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : Json.mapper().writeValueAsBytes(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
