package io.interactionsync.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestResource;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The record is the truth of the mailbox, end to end (packaged services, real Kafka, PostgreSQL, the emulator): mail
 * filed in archive and custom folders counts like the inbox, archiving or filing later deletes nothing, trash and
 * junk delete and restoring revives, and a provider that silently loses changes (emulator {@code omit} faults) is
 * caught by the completeness audit, which repairs every gap, so the final events equal the mailbox's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(StackLogsOnFailure.class)
class CompletenessIT {

    static final String GRACE = "grace@acme.test";
    static final String HUGO = "hugo@acme.test";
    static final String IDA = "ida@acme.test";
    static final String JON = "jon@acme.test";
    static final int LOSSY_MESSAGES = 40;

    static Stack stack;
    StackEndpoints endpoints;
    StackClient client;
    final Map<String, String> accounts = new TreeMap<>();
    final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @BeforeAll
    void startStack() throws IOException {
        endpoints = new StackEndpoints(KafkaTestResource.bootstrapServers(), EmulatorTestResource.baseUrl(),
                new LocalDatabase("127.0.0.1", 5432, "postgres", "interaction_sync_completeness"),
                LocalFiles.freePort(), LocalFiles.freePort(), LocalFiles.freePort(), LocalFiles.freePort(), 0,
                "e2e:" + java.util.Base64.getEncoder().encodeToString(new byte[32]));
        endpoints.database().recreate();
        StackTopics.ensure(endpoints.kafkaBootstrap());
        stack = new Stack(Path.of("..").toAbsolutePath().normalize(), Path.of("target/completeness-logs").toAbsolutePath());
        StackLogsOnFailure.running = stack;
        stack.startServices(endpoints, StackService.pipeline(), Duration.ofSeconds(180));
        client = new StackClient(endpoints);
        String admin = client.mintJwt("admin-completeness", "admin@acme.test", List.of("admin"));
        client.putCollection(admin, "acme-completeness", "Acme", List.of(GRACE, HUGO, IDA, JON), List.of("acme.test"));

        client.putGoogleUser(GRACE, Map.of("name", "Grace Gray", "events", List.of(), "messages", List.of(
                gmail("g-inbox", List.of("INBOX"), 10), gmail("g-archived", List.of(), 9),
                gmail("g-labelled", List.of("Label_1"), 8), gmail("g-archive-later", List.of("INBOX"), 7),
                gmail("g-trash-later", List.of("INBOX", "UNREAD"), 6),
                sentGmail("g-sent", 5))));
        client.putMicrosoftUser(HUGO, Map.of("displayName", "Hugo Hill", "events", List.of(), "folders", Map.of(
                "inbox", List.of(outlook("o-inbox", 10), outlook("o-file-later", 7), outlook("o-delete-later", 6)),
                "archive", List.of(outlook("o-archived", 9)),
                "Clients", List.of(outlook("o-clients", 8)),
                "sentitems", List.of(sentOutlook("o-sent", HUGO, 5)))));
        accounts.put(GRACE, client.connectGoogle(jwt(GRACE), GRACE, "gmail").get("id").asText());
        accounts.put(HUGO, client.connectMicrosoft(jwt(HUGO), HUGO, "mail").get("id").asText());
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void mailInArchiveAndCustomFoldersCountsLikeTheInboxAndOnlyRealDeletionsDelete() throws SQLException {
        awaitLive(GRACE, "g-inbox", "g-archived", "g-labelled", "g-archive-later", "g-trash-later", "g-sent");
        awaitLive(HUGO, "o-inbox", "o-archived", "o-clients", "o-file-later", "o-delete-later", "o-sent");

        // Archive and file after the sync: the interactions happened, nothing is deleted.
        client.relabelGmail(GRACE, "g-archive-later", List.of(), List.of("INBOX"));
        client.moveOutlookMessage(HUGO, "o-file-later", "archive");
        // Trash and deleted items: real deletions.
        client.relabelGmail(GRACE, "g-trash-later", List.of("TRASH"), List.of("INBOX"));
        client.moveOutlookMessage(HUGO, "o-delete-later", "deleteditems");
        syncBoth();
        awaitDeleted(GRACE, "g-trash-later");
        awaitDeleted(HUGO, "o-delete-later");
        assertThat(states(GRACE)).containsEntry("g-archive-later", "live").containsEntry("g-archived", "live");
        assertThat(states(HUGO)).containsEntry("o-file-later", "live").containsEntry("o-archived", "live");

        // Restored: revived.
        client.relabelGmail(GRACE, "g-trash-later", List.of("INBOX"), List.of("TRASH"));
        client.moveOutlookMessage(HUGO, "o-delete-later", "inbox");
        syncBoth();
        awaitLive(GRACE, "g-inbox", "g-archived", "g-labelled", "g-archive-later", "g-trash-later", "g-sent");
        awaitLive(HUGO, "o-inbox", "o-archived", "o-clients", "o-file-later", "o-delete-later", "o-sent");
    }

    @Test
    void theAuditRepairsWhatAProviderThatLosesChangesNeverDelivered() throws SQLException {
        List<String> idaIds = IntStream.range(0, LOSSY_MESSAGES).mapToObj(i -> "ida-" + i).toList();
        List<String> jonIds = IntStream.range(0, LOSSY_MESSAGES).mapToObj(i -> "jon-" + i).toList();
        client.putGoogleUser(IDA, Map.of("name", "Ida Ives", "events", List.of(), "messages",
                idaIds.stream().map(id -> gmail(id, List.of("INBOX"), 20)).toList()));
        client.putMicrosoftUser(JON, Map.of("displayName", "Jon Jones", "events", List.of(), "folders", Map.of(
                "inbox", jonIds.subList(0, 20).stream().map(id -> outlook(id, 20)).toList(),
                "archive", jonIds.subList(20, LOSSY_MESSAGES).stream().map(id -> outlook(id, 20)).toList(),
                "sentitems", List.of())));
        // Every listing, history and delta answer to these two users loses about a third of its items.
        client.faults(16, List.of(
                Map.of("provider", "google", "user", IDA, "pathRegex", "/gmail/v1/users/[^/]+/(messages|history)$",
                        "omit", 0.35),
                Map.of("provider", "microsoft", "user", JON, "pathRegex", "/delta", "omit", 0.35)));
        try {
            accounts.put(IDA, client.connectGoogle(jwt(IDA), IDA, "gmail").get("id").asText());
            accounts.put(JON, client.connectMicrosoft(jwt(JON), JON, "mail").get("id").asText());
            awaitSettled(IDA);
            awaitSettled(JON);
            // Changes after the backfill, lost by the incremental run as well.
            List<String> laterIda = List.of("ida-late-1", "ida-late-2", "ida-late-3", "ida-late-4", "ida-late-5");
            List<String> laterJon = List.of("jon-late-1", "jon-late-2", "jon-late-3", "jon-late-4", "jon-late-5");
            laterIda.forEach(id -> client.addGmailMessage(IDA, gmail(id, List.of("INBOX"), 1)));
            laterJon.forEach(id -> client.addOutlookMessage(JON, "inbox", outlook(id, 1)));
            client.requestSync(jwt(IDA), accounts.get(IDA), "auto");
            client.requestSync(jwt(JON), accounts.get(JON), "auto");
            awaitSettled(IDA);
            awaitSettled(JON);
        } finally {
            client.faults(0, List.of());
        }

        client.requestAudit(jwt(IDA), accounts.get(IDA));
        client.requestAudit(jwt(JON), accounts.get(JON));

        List<String> allIda = new ArrayList<>(idaIds);
        allIda.addAll(List.of("ida-late-1", "ida-late-2", "ida-late-3", "ida-late-4", "ida-late-5"));
        List<String> allJon = new ArrayList<>(jonIds);
        allJon.addAll(List.of("jon-late-1", "jon-late-2", "jon-late-3", "jon-late-4", "jon-late-5"));
        awaitLive(IDA, allIda.toArray(String[]::new));
        awaitLive(JON, allJon.toArray(String[]::new));
        assertThat(states(IDA)).hasSize(allIda.size());
        assertThat(states(JON)).hasSize(allJon.size());
        for (String upn : List.of(IDA, JON)) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                JsonNode account = account(upn);
                assertThat(account.path("syncStatus").asText()).isEqualTo("synced");
                JsonNode completeness = account.path("sources").path(upn.equals(IDA) ? "gmail" : "outlook_mail")
                        .path("completeness");
                assertThat(completeness.path("missing").asLong()).isEqualTo(completeness.path("repaired").asLong());
                assertThat(completeness.path("providerCount").asLong()).isEqualTo(LOSSY_MESSAGES + 5);
            });
        }
    }

    // ---- helpers ----

    private void syncBoth() {
        client.requestSync(jwt(GRACE), accounts.get(GRACE), "auto");
        client.requestSync(jwt(HUGO), accounts.get(HUGO), "auto");
    }

    private String jwt(String email) {
        return client.mintJwt("user-" + email.substring(0, email.indexOf('@')) + "-completeness", email, List.of("user"));
    }

    private JsonNode account(String email) {
        JsonNode list = email.equals(GRACE) || email.equals(IDA) ? client.googleAccounts(jwt(email))
                : client.microsoftAccounts(jwt(email));
        return list.get(0);
    }

    /** The account's first sync is over (whatever its state), so later changes are incremental. */
    private void awaitSettled(String email) {
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            String state = account(email).path("syncStatus").asText();
            return state.equals("synced") || state.equals("incomplete");
        });
    }

    private void awaitLive(String email, String... remoteIds) {
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Map<String, String> states = states(email);
            for (String id : remoteIds) {
                assertThat(states).as("events of %s", id).containsEntry(id, "live");
            }
        });
    }

    private void awaitDeleted(String email, String remoteId) {
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(states(email)).containsEntry(remoteId, "deleted"));
    }

    /** remote id → "live" when it has an event not deleted, else "deleted" (each test message has one contact). */
    private Map<String, String> states(String email) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = endpoints.database().connect(); PreparedStatement ps = c.prepareStatement(
                "select remote_id, bool_or(not deleted) from normalizer.interaction_events where mailbox = ? "
                        + "group by remote_id")) {
            ps.setString(1, email);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getBoolean(2) ? "live" : "deleted");
                }
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) { // the normalizer has not migrated yet
                return out;
            }
            throw e;
        }
        return out;
    }

    /** A received Gmail message (format=metadata) from its own outside sender. */
    private Map<String, Object> gmail(String id, List<String> labels, int daysAgo) {
        return gmailMessage(id, labels, daysAgo, "Sender " + id + " <" + id + "@outside.example>", "%s");
    }

    private Map<String, Object> sentGmail(String id, int daysAgo) {
        return gmailMessage(id, List.of("SENT"), daysAgo, "Grace Gray <" + GRACE + ">", id + "@client.example");
    }

    private Map<String, Object> gmailMessage(String id, List<String> labels, int daysAgo, String from, String to) {
        Instant at = now.minus(daysAgo, ChronoUnit.DAYS);
        List<Map<String, String>> headers = List.of(
                Map.of("name", "From", "value", from),
                Map.of("name", "To", "value", to.equals("%s") ? "owner@acme.test" : to),
                Map.of("name", "Subject", "value", "About " + id),
                Map.of("name", "Date", "value", DateTimeFormatter.RFC_1123_DATE_TIME.format(at.atOffset(ZoneOffset.UTC))),
                Map.of("name", "Message-ID", "value", "<" + id + "@mail.example>"));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("threadId", id);
        m.put("labelIds", labels);
        m.put("snippet", "");
        m.put("internalDate", Long.toString(at.toEpochMilli()));
        m.put("sizeEstimate", 2048);
        m.put("payload", Map.of("mimeType", "text/plain", "headers", headers));
        return m;
    }

    /** A received Outlook message from its own outside sender. */
    private Map<String, Object> outlook(String id, int daysAgo) {
        return outlookMessage(id, daysAgo, person("Sender " + id, id + "@outside.example"), person("Owner", "owner@acme.test"));
    }

    private Map<String, Object> sentOutlook(String id, String owner, int daysAgo) {
        return outlookMessage(id, daysAgo, person("Owner", owner), person("Client", id + "@client.example"));
    }

    private Map<String, Object> outlookMessage(String id, int daysAgo, Map<String, Object> from, Map<String, Object> to) {
        Instant at = now.minus(daysAgo, ChronoUnit.DAYS);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("receivedDateTime", at.toString());
        m.put("sentDateTime", at.minusSeconds(30).toString());
        m.put("subject", "About " + id);
        m.put("internetMessageId", "<" + id + "@mail.example>");
        m.put("conversationId", "conv-" + id);
        m.put("isDraft", false);
        m.put("from", from);
        m.put("sender", from);
        m.put("toRecipients", List.of(to));
        m.put("ccRecipients", List.of());
        m.put("bccRecipients", List.of());
        return m;
    }

    private static Map<String, Object> person(String name, String address) {
        return Map.of("emailAddress", Map.of("name", name, "address", address));
    }
}
