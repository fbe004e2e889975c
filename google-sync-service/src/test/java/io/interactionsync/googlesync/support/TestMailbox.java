package io.interactionsync.googlesync.support;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.interactionsync.model.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A generated Gmail mailbox loaded into the emulator ({@code PUT /_emulator/google/users/{email}}), with the ids
 * a correct backfill must publish: all mail within the horizon but drafts, chats, spam and trash.
 */
public final class TestMailbox {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    public final String email;
    private final List<ObjectNode> messages = new ArrayList<>();
    private final List<ObjectNode> events = new ArrayList<>();
    private final Set<String> expected = new LinkedHashSet<>();
    private int counter;

    private TestMailbox(String email) {
        this.email = email;
    }

    public static TestMailbox create() {
        return new TestMailbox("u" + UUID.randomUUID().toString().substring(0, 8) + "@acme.test");
    }

    /**
     * The standard mailbox of the tests (36 messages): 16 INBOX, 8 SENT, 1 in both, 2 archived (no INBOX), 1 filed
     * only under the user label {@code Label_1} (all recent), 3 INBOX and 1 SENT older than 24 months, 1 SPAM, 1 TRASH,
     * 1 DRAFT, 1 CHAT → 28 expected.
     */
    public static TestMailbox standard() {
        TestMailbox box = create();
        Instant now = Instant.now();
        for (int i = 0; i < 16; i++) {
            box.add(now.minusSeconds(3600L * (i + 1)), true, "INBOX", "UNREAD");
        }
        for (int i = 0; i < 8; i++) {
            box.add(now.minusSeconds(5400L * (i + 1)), true, "SENT");
        }
        box.add(now.minusSeconds(7200), true, "INBOX", "SENT");
        box.add(now.minusSeconds(1800), true, "CATEGORY_PERSONAL");
        box.add(now.minusSeconds(20 * 3600), true, "CATEGORY_UPDATES", "UNREAD");
        box.add(now.minusSeconds(5 * 3600 + 60), true, "Label_1");
        for (int i = 0; i < 3; i++) {
            box.add(monthsAgo(now, 25 + i), false, "INBOX");
        }
        box.add(monthsAgo(now, 30), false, "SENT");
        box.add(now.minusSeconds(600), false, "SPAM");
        box.add(now.minusSeconds(240), false, "TRASH");
        box.add(now.minusSeconds(180), false, "DRAFT");
        box.add(now.minusSeconds(900), false, "CHAT");
        return box;
    }

    private static Instant monthsAgo(Instant now, int months) {
        return now.atOffset(ZoneOffset.UTC).minusMonths(months).toInstant();
    }

    public String add(Instant internalDate, boolean expectedInBackfill, String... labels) {
        return addToThread(null, internalDate, expectedInBackfill, labels);
    }

    /**
     * A message of thread {@code threadId} (null: a thread of its own, named after the message as Gmail names a
     * thread after its first message).
     */
    public String addToThread(String threadId, Instant internalDate, boolean expectedInBackfill, String... labels) {
        String id = String.format("m%05d%s", ++counter, UUID.randomUUID().toString().substring(0, 6));
        ObjectNode m = Json.mapper().createObjectNode();
        m.put("id", id);
        m.put("threadId", threadId == null ? id : threadId);
        ArrayNode labelIds = m.putArray("labelIds");
        for (String l : labels) {
            labelIds.add(l);
        }
        m.put("snippet", "hello " + counter);
        m.put("internalDate", Long.toString(internalDate.toEpochMilli()));
        ObjectNode payload = m.putObject("payload");
        payload.put("mimeType", "text/plain");
        ArrayNode headers = payload.putArray("headers");
        boolean sent = List.of(labels).contains("SENT");
        header(headers, "From", sent ? email : "Bob Outside <bob" + counter + "@example.com>");
        header(headers, "To", sent ? "carol" + counter + "@example.com" : email);
        header(headers, "Subject", "Subject " + counter);
        header(headers, "Date", internalDate.toString());
        header(headers, "Message-ID", "<" + id + "@mail.test>");
        header(headers, "X-Not-Requested", "must not be returned");
        messages.add(m);
        if (expectedInBackfill) {
            expected.add(id);
        }
        return id;
    }

    private static void header(ArrayNode headers, String name, String value) {
        headers.addObject().put("name", name).put("value", value);
    }

    public Set<String> expectedIds() {
        return expected;
    }

    /** Loads the mailbox into the emulator. */
    public TestMailbox load(String emulator) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("name", "Test " + email);
        ArrayNode list = body.putArray("messages");
        messages.forEach(list::add);
        ArrayNode eventList = body.putArray("events");
        events.forEach(eventList::add);
        send(HttpRequest.newBuilder(URI.create(emulator + "/_emulator/google/users/" + email))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body.toString())).build());
        return this;
    }

    /** Deletes one message in the emulator (as if the user deleted it). */
    public void delete(String emulator, String id) {
        send(HttpRequest.newBuilder(URI.create(emulator + "/_emulator/google/users/" + email + "/messages/" + id))
                .DELETE().build());
        expected.remove(id);
    }

    /** A Calendar event (as events.list returns it) for the user, created with the mailbox by {@link #load}. */
    public ObjectNode event(Instant start, String status) {
        ObjectNode e = Json.mapper().createObjectNode();
        e.put("id", String.format("ev%04d%s", ++counter, UUID.randomUUID().toString().replace("-", "").substring(0, 8)));
        e.put("status", status);
        e.put("summary", "Meeting " + counter);
        e.putObject("start").put("dateTime", start.toString()).put("timeZone", "UTC");
        e.putObject("end").put("dateTime", start.plusSeconds(1800).toString()).put("timeZone", "UTC");
        e.putObject("organizer").put("email", email).put("self", true);
        e.put("eventType", "default");
        e.put("etag", "\"" + counter + "\"");
        e.put("updated", Instant.parse("2026-01-01T00:00:00Z").plusSeconds(counter).toString());
        events.add(e);
        return e;
    }

    /** Changes an event in the emulator now (new summary, etag and updated); the box keeps the new version. */
    public void changeEventLive(String emulator, String id) {
        ObjectNode e = events.stream().filter(x -> x.get("id").asText().equals(id)).findFirst().orElseThrow();
        counter++;
        e.put("summary", "Meeting " + counter + " (moved)");
        e.put("etag", "\"" + counter + "\"");
        e.put("updated", Instant.parse("2026-01-01T00:00:00Z").plusSeconds(counter).toString());
        send(HttpRequest.newBuilder(URI.create(emulator + "/_emulator/google/users/" + email + "/events"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(e.toString())).build());
    }

    /** Drops an event from the box: the next {@link #load} replaces the calendar without it (it vanishes). */
    public void forgetEvent(String id) {
        events.removeIf(e -> e.get("id").asText().equals(id));
    }

    /** Adds (or replaces) an event in the emulator now; returns its id. */
    public String addEventLive(String emulator, Instant start) {
        ObjectNode e = event(start, "confirmed");
        send(HttpRequest.newBuilder(URI.create(emulator + "/_emulator/google/users/" + email + "/events"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(e.toString())).build());
        return e.get("id").asText();
    }

    /** Deletes an event in the emulator (it becomes cancelled; sync returns it). */
    public void deleteEvent(String emulator, String id) {
        send(HttpRequest.newBuilder(URI.create(emulator + "/_emulator/google/users/" + email + "/events/" + id))
                .DELETE().build());
    }

    /** Every earlier Calendar sync token of this user → 410 from now on. */
    public void expireSyncTokens(String emulator) {
        send(HttpRequest.newBuilder(URI.create(emulator + "/_emulator/google/users/" + email + "/expire-sync-tokens"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    /** Adds a message to the mailbox in the emulator now (messageAdded history); returns its id. */
    public String addLive(String emulator, Instant internalDate, String... labels) {
        String id = add(internalDate, false, labels);
        ObjectNode m = messages.getLast();
        send(HttpRequest.newBuilder(URI.create(emulator + "/_emulator/google/users/" + email + "/messages"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(m.toString())).build());
        return id;
    }

    /** Changes a message's labels in the emulator (labelAdded / labelRemoved history). */
    public void relabel(String emulator, String id, List<String> add, List<String> remove) {
        ObjectNode body = Json.mapper().createObjectNode();
        add.forEach(body.putArray("add")::add);
        remove.forEach(body.putArray("remove")::add);
        send(HttpRequest.newBuilder(URI.create(emulator + "/_emulator/google/users/" + email + "/messages/" + id + "/labels"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
    }

    /** messages.trash in the emulator: TRASH added, INBOX removed (label change history). */
    public void trash(String emulator, String id) {
        send(HttpRequest.newBuilder(URI.create(emulator + "/_emulator/google/users/" + email + "/messages/" + id + "/trash"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    /** messages.untrash in the emulator: TRASH removed (label change history). */
    public void untrash(String emulator, String id) {
        send(HttpRequest.newBuilder(URI.create(emulator + "/_emulator/google/users/" + email + "/messages/" + id + "/untrash"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    /** The id of the expected message carrying exactly these labels (in the order given when it was added). */
    public String withLabels(String... labels) {
        List<String> wanted = List.of(labels);
        return messages.stream().filter(m -> {
            List<String> have = new ArrayList<>();
            m.get("labelIds").forEach(l -> have.add(l.asText()));
            return have.equals(wanted);
        }).map(m -> m.get("id").asText()).findFirst().orElseThrow();
    }

    /** Every earlier startHistoryId of this user → 404 from now on. */
    public void expireHistory(String emulator) {
        send(HttpRequest.newBuilder(URI.create(emulator + "/_emulator/google/users/" + email + "/expire-history"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    /** Replaces the emulator's fault rules ({@code PUT /_emulator/faults}); scope rules to this user. */
    public void faults(String emulator, String rulesJson) {
        send(HttpRequest.newBuilder(URI.create(emulator + "/_emulator/faults"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(rulesJson)).build());
    }

    /** This user's counters in {@code GET /_emulator/stats}: requests, quotaUnits, throttled, methods. */
    public com.fasterxml.jackson.databind.JsonNode stats(String emulator) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(emulator + "/_emulator/stats")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return Json.mapper().readTree(r.body()).path("users").path(email);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void send(HttpRequest request) {
        try {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300) {
                throw new IllegalStateException("emulator answered " + r.statusCode() + ": " + r.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
