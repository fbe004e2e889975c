package io.interactionsync.microsoftsync.support;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Outlook test data in the emulator (control API {@code /_emulator/microsoft/...}): a user with mail and events. */
public final class Outlook {

    private static final DateTimeFormatter GRAPH_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS")
            .withZone(ZoneOffset.UTC);

    public final String upn;
    private final Map<String, List<Map<String, Object>>> folders = new LinkedHashMap<>();
    private final List<Map<String, Object>> events = new ArrayList<>();
    private final List<String> fullAccessTo = new ArrayList<>();
    private final Set<String> expected = new LinkedHashSet<>();

    private Outlook(String upn) {
        this.upn = upn;
    }

    /** A user with a unique address and no data. */
    public static Outlook create() {
        return new Outlook("u" + UUID.randomUUID().toString().substring(0, 8) + "@contoso.test");
    }

    /** {@code inbox} messages in the inbox, {@code sent} in sent items (recent), plus one 30 months old in the inbox. */
    public static Outlook standard(int inbox, int sent) {
        Outlook o = create();
        Instant now = Instant.now();
        for (int i = 0; i < inbox; i++) {
            o.message("inbox", now.minusSeconds(3600L * (i + 1)), true);
        }
        for (int i = 0; i < sent; i++) {
            o.message("sentitems", now.minusSeconds(1800L * (i + 1)), true);
        }
        o.message("inbox", now.atOffset(ZoneOffset.UTC).minusMonths(30).toInstant(), false);
        return o;
    }

    public Outlook fullAccessTo(String address) {
        fullAccessTo.add(address);
        return this;
    }

    /** Adds a message to {@code folder} (before {@link #load}); {@code expected}: it should be published. */
    public String message(String folder, Instant received, boolean expectedToPublish) {
        return message(folder, message(received), expectedToPublish);
    }

    /** Adds a given message (e.g. the same one to two test mailboxes) to {@code folder}, before {@link #load}. */
    public String message(String folder, Map<String, Object> m, boolean expectedToPublish) {
        folders.computeIfAbsent(folder, f -> new ArrayList<>()).add(m);
        if (expectedToPublish) {
            expected.add((String) m.get("id"));
        }
        return (String) m.get("id");
    }

    public static Map<String, Object> message(Instant received) {
        String id = "AAMk" + UUID.randomUUID().toString().replace("-", "");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("conversationId", "conv-" + id.substring(4, 12));
        m.put("receivedDateTime", received.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        m.put("sentDateTime", received.minusSeconds(5).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        m.put("subject", "Subject " + id.substring(4, 10));
        m.put("isRead", false);
        m.put("from", Map.of("emailAddress", Map.of("name", "Bob Outside", "address", "bob@ext.example")));
        m.put("toRecipients", List.of(Map.of("emailAddress", Map.of("name", "Dana", "address", "dana@contoso.test"))));
        m.put("ccRecipients", List.of());
        m.put("bccRecipients", List.of());
        m.put("internetMessageId", "<" + id + "@ext.example>");
        m.put("internetMessageHeaders", List.of(Map.of("name", "Message-ID", "value", "<" + id + "@ext.example>"),
                Map.of("name", "Subject", "value", "Subject " + id.substring(4, 10)),
                Map.of("name", "Thread-Topic", "value", "Subject " + id.substring(4, 10))));
        m.put("body", Map.of("contentType", "text", "content", "secret body"));
        return m;
    }

    /** Adds an event (before {@link #load}); times are UTC instants stored in the given Windows/IANA zone name. */
    public String event(Instant start, Instant end, boolean cancelled, String timeZone) {
        String id = "AAMkEv" + UUID.randomUUID().toString().replace("-", "");
        events.add(event(id, start, end, cancelled, timeZone));
        return id;
    }

    public static Map<String, Object> event(String id, Instant start, Instant end, boolean cancelled, String timeZone) {
        java.time.ZoneId zone = "UTC".equals(timeZone) ? ZoneOffset.UTC : java.time.ZoneId.of(timeZone);
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", id);
        e.put("subject", "Meeting " + id.substring(6, 12));
        e.put("bodyPreview", "Agenda of meeting " + id.substring(6, 12));
        e.put("location", Map.of("displayName", "Room 12"));
        e.put("isCancelled", cancelled);
        e.put("isAllDay", false);
        e.put("start", Map.of("dateTime", GRAPH_TIME.withZone(zone).format(start), "timeZone", timeZone));
        e.put("end", Map.of("dateTime", GRAPH_TIME.withZone(zone).format(end), "timeZone", timeZone));
        e.put("organizer", Map.of("emailAddress", Map.of("name", "Bob Outside", "address", "bob@ext.example")));
        e.put("attendees", List.of(Map.of("type", "required", "status", Map.of("response", "accepted"),
                "emailAddress", Map.of("address", "bob@ext.example"))));
        return e;
    }

    public Set<String> expectedIds() {
        return expected;
    }

    /** Creates or replaces the user in the emulator. */
    public Outlook load(String emulator) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("displayName", "Test " + upn);
        body.put("folders", folders);
        body.put("events", events);
        body.put("fullAccessTo", fullAccessTo);
        given().baseUri(emulator).contentType(ContentType.JSON).body(body)
                .put("/_emulator/microsoft/users/" + upn).then().statusCode(200);
        return this;
    }

    /** Adds a message live (after the first sync) and returns its id. */
    public String addLive(String emulator, String folder, Instant received) {
        Map<String, Object> m = message(received);
        given().baseUri(emulator).contentType(ContentType.JSON).body(m)
                .post("/_emulator/microsoft/users/" + upn + "/folders/" + folder + "/messages").then().statusCode(200);
        expected.add((String) m.get("id"));
        return (String) m.get("id");
    }

    public void deleteLive(String emulator, String folder, String id) {
        given().baseUri(emulator).delete("/_emulator/microsoft/users/" + upn + "/folders/" + folder + "/messages/" + id)
                .then().statusCode(204);
        expected.remove(id);
    }

    public void expireDelta(String emulator) {
        given().baseUri(emulator).post("/_emulator/microsoft/users/" + upn + "/expire-delta").then().statusCode(204);
    }

    /** Graph mail delta requests the emulator counted for this user's tokens. */
    public int mailRequests(String emulator) {
        return requests(emulator, upn, "graph.mail.delta");
    }

    /** Requests of {@code method} (e.g. {@code graph.messages.get}) the emulator counted for a user's tokens. */
    public static int requests(String emulator, String upn, String method) {
        Integer n = given().baseUri(emulator).get("/_emulator/stats").then().statusCode(200).extract()
                .path("users.'" + upn + "'.methods.'" + method + "'.requests");
        return n == null ? 0 : n;
    }

    /** Moves a message as Graph's move does; returns {@code {id, immutableId, previousId, parentFolderId, folder}}. */
    public Map<String, Object> move(String emulator, String id, String destination) {
        return move(emulator, "/_emulator/microsoft/users/" + upn, id, destination);
    }

    public static Map<String, Object> move(String emulator, String mailboxPath, String id, String destination) {
        return given().baseUri(emulator).contentType(ContentType.JSON).body(Map.of("destination", destination))
                .post(mailboxPath + "/messages/" + id + "/move").then().statusCode(200).extract().jsonPath().getMap("");
    }

    /** The id of a folder of this mailbox by display name ("Inbox", "Sent Items", "Clients", …). */
    public String folderId(String emulator, String displayName) {
        return folderId(emulator, "/_emulator/microsoft/users/" + upn, displayName);
    }

    public static String folderId(String emulator, String mailboxPath, String displayName) {
        List<Map<String, Object>> folders = given().baseUri(emulator).get(mailboxPath + "/folders").then().statusCode(200)
                .extract().jsonPath().getList("folders");
        return folders.stream().filter(f -> displayName.equals(f.get("displayName"))).map(f -> (String) f.get("id"))
                .findFirst().orElseThrow(() -> new AssertionError("no folder " + displayName));
    }

    /** Creates a custom folder under {@code parent} (a well-known name, display name or id); returns its id. */
    public String createFolder(String emulator, String displayName, String parent) {
        return given().baseUri(emulator).contentType(ContentType.JSON).body(Map.of("displayName", displayName, "parent", parent))
                .post("/_emulator/microsoft/users/" + upn + "/folders").then().statusCode(201).extract().path("id");
    }

    /** Moves a whole folder (e.g. into deleteditems, as Outlook's folder delete does). */
    public void moveFolder(String emulator, String folder, String destination) {
        given().baseUri(emulator).contentType(ContentType.JSON).body(Map.of("destination", destination))
                .post("/_emulator/microsoft/users/" + upn + "/folders/" + folder + "/move").then().statusCode(200);
    }

    /** A shared mailbox with {@code count} recent inbox messages; returns their ids. */
    public static Set<String> sharedMailbox(String emulator, String address, int count) {
        return sharedMailbox(emulator, address, count, "inbox");
    }

    /** A shared mailbox with {@code count} recent messages spread over {@code folders} in turn; returns their ids. */
    public static Set<String> sharedMailbox(String emulator, String address, int count, String... folders) {
        Map<String, List<Map<String, Object>>> byFolder = new LinkedHashMap<>();
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < count; i++) {
            Map<String, Object> m = message(Instant.now().minusSeconds(600L * (i + 1)));
            byFolder.computeIfAbsent(folders[i % folders.length], f -> new ArrayList<>()).add(m);
            ids.add((String) m.get("id"));
        }
        given().baseUri(emulator).contentType(ContentType.JSON).body(Map.of("folders", byFolder))
                .put("/_emulator/microsoft/shared-mailboxes/" + address).then().statusCode(200);
        return ids;
    }
}
