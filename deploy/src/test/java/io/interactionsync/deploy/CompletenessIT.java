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
 * caught by the completeness audit, which repairs every gap — no source reads {@code synced} before its backfill's
 * audit closed the gaps — so the final events equal those of the same mailbox synced without faults.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(StackLogsOnFailure.class)
class CompletenessIT {

    static final String GRACE = "grace@acme.test";
    static final String HUGO = "hugo@acme.test";
    static final String IDA = "ida@acme.test";
    static final String JON = "jon@acme.test";
    /** Kim and Leo: Ida's and Jon's mailboxes, synced without faults (the expectation). */
    static final String KIM = "kim@acme.test";
    static final String LEO = "leo@acme.test";
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
        client.putCollection(admin, "acme-completeness", "Acme", List.of(GRACE, HUGO, IDA, JON, KIM, LEO),
                List.of("acme.test"));

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

    /**
     * Ida (Gmail) and Jon (Outlook: inbox and archive) get 40 messages each from a provider that loses items; Kim and
     * Leo get the identical mailboxes without faults (the expectation). Backfill: Ida's first listing loses about a
     * third of its ids (the audit's own listing, the next one, is whole); Jon's message and folder deltas lose about a
     * third of theirs all along (his audit lists without delta). The backfill's audit must find the gaps and repair
     * them, and until it has, neither source may read {@code synced}. Then 5 new messages each, whose incremental run
     * loses them all (omit 1.0), and an audit on demand: it finds them and repairs them. At the end, every message has
     * its events, and per message the same events as the fault-free twin's. (After an incremental run that loses
     * changes a source still reads {@code synced}: the state answers for the last audit; the daily or requested audit
     * catches what came later.)
     */
    @Test
    void theAuditRepairsWhatAProviderThatLosesChangesNeverDeliveredAndNothingReadsSyncedBeforeIt() throws SQLException {
        List<String> idaIds = IntStream.range(0, LOSSY_MESSAGES).mapToObj(i -> "ida-" + i).toList();
        List<String> jonIds = IntStream.range(0, LOSSY_MESSAGES).mapToObj(i -> "jon-" + i).toList();
        for (String email : List.of(IDA, KIM)) {
            client.putGoogleUser(email, Map.of("name", "Lossy " + email, "events", List.of(), "messages",
                    idaIds.stream().map(id -> gmail(id, List.of("INBOX"), 20)).toList()));
        }
        for (String upn : List.of(JON, LEO)) {
            client.putMicrosoftUser(upn, Map.of("displayName", "Lossy " + upn, "events", List.of(), "folders", Map.of(
                    "inbox", jonIds.subList(0, 20).stream().map(id -> outlook(id, 20)).toList(),
                    "archive", jonIds.subList(20, LOSSY_MESSAGES).stream().map(id -> outlook(id, 20)).toList(),
                    "sentitems", List.of())));
        }
        Map<String, Long> omittedBefore = Map.of(IDA, omitted(IDA), JON, omitted(JON));
        client.faults(16, List.of(
                rule("google", IDA, "/gmail/v1/users/[^/]+/messages$", 0.35, 1),
                rule("microsoft", JON, "/delta", 0.35, null)));
        List<String> laterIda = List.of("ida-late-1", "ida-late-2", "ida-late-3", "ida-late-4", "ida-late-5");
        List<String> laterJon = List.of("jon-late-1", "jon-late-2", "jon-late-3", "jon-late-4", "jon-late-5");
        Instant connectedAt = Instant.now().minusSeconds(1);
        try {
            for (String email : List.of(IDA, KIM)) {
                accounts.put(email, client.connectGoogle(jwt(email), email, "gmail").get("id").asText());
            }
            for (String upn : List.of(JON, LEO)) {
                accounts.put(upn, client.connectMicrosoft(jwt(upn), upn, "mail").get("id").asText());
            }

            // Backfill: sampled until both audits reported and every message has its events.
            Map<String, JsonNode> firstAudit = new TreeMap<>();
            List<String> violations = new ArrayList<>();
            boolean[] sawGapWhileNotSynced = {false, false};
            await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(250)).until(() -> {
                boolean done = true;
                for (int u = 0; u < 2; u++) {
                    String email = u == 0 ? IDA : JON;
                    JsonNode source = account(email).path("sources").path(u == 0 ? "gmail" : "outlook_mail");
                    String state = source.path("state").asText();
                    JsonNode completeness = source.path("completeness");
                    Map<String, String> events = states(email);
                    long gaps = (u == 0 ? idaIds : jonIds).stream().filter(id -> !"live".equals(events.get(id))).count();
                    String checkedAt = completeness.path("checkedAt").asText("");
                    if (!checkedAt.isEmpty()) {
                        firstAudit.putIfAbsent(email, completeness);
                    }
                    if (state.equals("synced")) {
                        // Synced only after this backfill's audit, with no gap left open, and while only what that
                        // audit just re-published can still be on its way to the normalizer.
                        if (checkedAt.isEmpty() || Instant.parse(checkedAt).isBefore(connectedAt)) {
                            violations.add(email + " synced before its backfill's audit, " + gaps + " messages missing");
                        } else if (completeness.path("missing").asLong() != completeness.path("repaired").asLong()) {
                            violations.add(email + " synced with open gaps: " + completeness);
                        } else if (gaps > completeness.path("repaired").asLong()) {
                            violations.add(email + " synced while " + gaps + " messages have no events, more than the "
                                    + "audit repaired: " + completeness);
                        }
                    } else if (gaps > 0) {
                        sawGapWhileNotSynced[u] = true;
                    }
                    done &= firstAudit.containsKey(email) && gaps == 0 && state.equals("synced");
                }
                return done;
            });
            assertThat(violations).as("states read while messages were missing").isEmpty();
            assertThat(sawGapWhileNotSynced).as("the gaps were seen, the sources not synced meanwhile")
                    .containsExactly(true, true);
            for (String email : List.of(IDA, JON)) {
                assertThat(omitted(email)).as("items the provider dropped for %s", email)
                        .isGreaterThan(omittedBefore.get(email));
                JsonNode audit = firstAudit.get(email);
                assertThat(audit.path("missing").asLong()).as("%s's backfill audit found the dropped ids: %s", email,
                        audit).isPositive();
                assertThat(audit.path("repaired").asLong()).as("and repaired them all").isEqualTo(
                        audit.path("missing").asLong());
            }

            // Changes after the backfill, every one lost by the incremental run.
            omittedBefore = Map.of(IDA, omitted(IDA), JON, omitted(JON));
            client.faults(17, List.of(
                    rule("google", IDA, "/gmail/v1/users/[^/]+/history$", 1.0, null),
                    rule("microsoft", JON, "/messages/delta", 1.0, null)));
            for (String email : List.of(IDA, KIM)) {
                laterIda.forEach(id -> client.addGmailMessage(email, gmail(id, List.of("INBOX"), 1)));
            }
            for (String upn : List.of(JON, LEO)) {
                laterJon.forEach(id -> client.addOutlookMessage(upn, "inbox", outlook(id, 1)));
            }
            List.of(IDA, KIM, JON, LEO).forEach(e -> client.requestSync(jwt(e), accounts.get(e), "auto"));
            Map<String, Long> before = omittedBefore;
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                assertThat(omitted(IDA) - before.get(IDA)).as("Ida's history items lost").isGreaterThanOrEqualTo(5);
                assertThat(omitted(JON) - before.get(JON)).as("Jon's delta items lost").isGreaterThanOrEqualTo(5);
            });
            assertThat(states(IDA)).as("the incremental run lost them").doesNotContainKeys(laterIda.toArray(String[]::new));
            assertThat(states(JON)).as("the incremental run lost them").doesNotContainKeys(laterJon.toArray(String[]::new));
        } finally {
            client.faults(0, List.of());
        }

        Instant auditRequested = Instant.now().minusSeconds(1);
        client.requestAudit(jwt(IDA), accounts.get(IDA));
        client.requestAudit(jwt(JON), accounts.get(JON));

        List<String> allIda = new ArrayList<>(idaIds);
        allIda.addAll(laterIda);
        List<String> allJon = new ArrayList<>(jonIds);
        allJon.addAll(laterJon);
        awaitLive(IDA, allIda.toArray(String[]::new));
        awaitLive(JON, allJon.toArray(String[]::new));
        awaitLive(KIM, allIda.toArray(String[]::new));
        awaitLive(LEO, allJon.toArray(String[]::new));
        assertThat(states(IDA)).as("the message ids with events are the mailbox's").containsOnlyKeys(allIda);
        assertThat(states(JON)).as("the message ids with events are the mailbox's").containsOnlyKeys(allJon);
        for (String upn : List.of(IDA, JON)) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                JsonNode account = account(upn);
                assertThat(account.path("syncStatus").asText()).isEqualTo("synced");
                JsonNode completeness = account.path("sources").path(upn.equals(IDA) ? "gmail" : "outlook_mail")
                        .path("completeness");
                assertThat(Instant.parse(completeness.path("checkedAt").asText())).isAfter(auditRequested);
                assertThat(completeness.path("missing").asLong()).as("the 5 lost changes at least: %s", completeness)
                        .isGreaterThanOrEqualTo(5);
                assertThat(completeness.path("repaired").asLong()).isEqualTo(completeness.path("missing").asLong());
                assertThat(completeness.path("providerCount").asLong()).isEqualTo(LOSSY_MESSAGES + 5);
            });
        }
        // The same events, message by message, as the identical mailboxes synced without faults.
        assertThat(eventsByMessage(IDA)).isEqualTo(eventsByMessage(KIM)).hasSize(LOSSY_MESSAGES + 5);
        assertThat(eventsByMessage(JON)).isEqualTo(eventsByMessage(LEO)).hasSize(LOSSY_MESSAGES + 5);
    }

    // ---- helpers ----

    /** An {@code omit} fault rule for one user (at most {@code count} responses when set). */
    private static Map<String, Object> rule(String provider, String user, String pathRegex, double omit, Integer count) {
        Map<String, Object> rule = new LinkedHashMap<>(Map.of("provider", provider, "user", user, "pathRegex", pathRegex,
                "omit", omit));
        if (count != null) {
            rule.put("count", count);
        }
        return rule;
    }

    /** Items the emulator dropped from {@code email}'s list, delta and history answers so far. */
    private long omitted(String email) {
        return client.emulatorStats().path("users").path(email).path("omitted").asLong(0);
    }

    /** remote id → its events (contact, role, kind, direction, deleted, newsletter, classification), sorted. */
    private Map<String, List<String>> eventsByMessage(String email) throws SQLException {
        Map<String, List<String>> out = new TreeMap<>();
        try (Connection c = endpoints.database().connect(); PreparedStatement ps = c.prepareStatement(
                "select remote_id, contact_email, role, kind, direction, deleted, newsletter, classification "
                        + "from normalizer.interaction_events where mailbox = ?")) {
            ps.setString(1, email);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(String.join(" ",
                            rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            Boolean.toString(rs.getBoolean(6)), Boolean.toString(rs.getBoolean(7)), rs.getString(8)));
                }
            }
        }
        out.values().forEach(java.util.Collections::sort);
        return out;
    }

    private void syncBoth() {
        client.requestSync(jwt(GRACE), accounts.get(GRACE), "auto");
        client.requestSync(jwt(HUGO), accounts.get(HUGO), "auto");
    }

    private String jwt(String email) {
        return client.mintJwt("user-" + email.substring(0, email.indexOf('@')) + "-completeness", email, List.of("user"));
    }

    private JsonNode account(String email) {
        JsonNode list = List.of(GRACE, IDA, KIM).contains(email) ? client.googleAccounts(jwt(email))
                : client.microsoftAccounts(jwt(email));
        return list.get(0);
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
