package io.interactionsync.googlesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.googlesync.repository.GmailCursorRepository;
import io.interactionsync.googlesync.support.TestMailbox;
import io.interactionsync.model.ContractSchemas;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncRequest;
import io.interactionsync.model.Topics;
import io.interactionsync.sync.jobs.SyncJobRepository;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.FakeConnectorResource;
import io.interactionsync.testsupport.FakeNormalizerResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.interactionsync.testsupport.TopicReader;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Gmail completeness audit end to end: a provider that silently loses listing and history items (the emulator's
 * {@code omit} faults), a normalizer that lost records ({@link FakeNormalizerResource}), a message that cannot be
 * fetched; the audit repairs what it can, never deletes what exists, and the status says {@code incomplete} until
 * nothing is open.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class GmailAuditIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    /** messages.list and history.list of one user (not messages/{id}). */
    private static final String LISTINGS = "/gmail/v1/users/[^/]+/(messages|history)$";

    private static KafkaTestClient kafka;

    @ConfigProperty(name = "emulator.base-url")
    String emulator;

    @Inject
    SyncJobRepository jobs;

    @Inject
    GmailCursorRepository states;

    @BeforeAll
    static void connect() {
        kafka = KafkaTestClient.connect();
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    @Test
    void shouldRepairEveryGapLeftByListingAndHistoryLossesSoThatThePublishedSetEqualsTheMailbox() {
        TestMailbox box = TestMailbox.standard();
        Instant now = Instant.now();
        for (int i = 0; i < 30; i++) {
            String thread = i % 3 == 0 ? null : "thr" + (i / 3) + box.email.substring(0, 6);
            box.addToThread(thread, now.minusSeconds(86_400L * (i + 2)), true, i % 4 == 0 ? "SENT" : "INBOX");
        }
        box.load(emulator);
        String accountId = FakeConnectorResource.register(box.email);
        omit(box, LISTINGS, 0.3);
        Set<String> expected = new LinkedHashSet<>(box.expectedIds());
        try {
            // Backfill (and its own audit) while Gmail loses 30 % of listed ids, then new mail lost from the history.
            Instant backfillAt = Instant.now();
            request(accountId, false);
            awaitAudit(accountId, backfillAt);
            for (int i = 0; i < 12; i++) {
                expected.add(box.addLive(emulator, Instant.now().minusSeconds(i), "INBOX", "UNREAD"));
            }
            Instant syncAt = Instant.now();
            request(accountId, false);
            awaitDone(accountId, syncAt);
            assertThat(box.stats(emulator).path("omitted").asLong()).as("the provider lost items").isPositive();
        } finally {
            box.faults(emulator, "{\"rules\": []}");
        }

        Instant auditAt = Instant.now();
        request(accountId, true);
        JsonNode status = awaitAudit(accountId, auditAt);

        List<JsonNode> records = TopicReader.rawRecords(accountId);
        assertThat(records).allSatisfy(r -> assertThat(r.get("op").asText()).isEqualTo("upsert"));
        assertThat(records.stream().map(r -> r.get("remoteId").asText()).toList())
                .as("every in-scope message published live exactly once, none deleted")
                .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
        records.forEach(r -> assertThat(ContractSchemas.validate(ContractSchemas.Contract.RAW_RECORD, r)).isEmpty());
        assertThat(status.get("state").asText()).isEqualTo("synced");
        JsonNode c = status.get("completeness");
        assertThat(c.get("missing").asLong()).as("the lost new mail").isPositive()
                .isEqualTo(c.get("repaired").asLong());
        assertThat(c.get("providerCount").asLong()).isEqualTo(expected.size());
        assertThat(c.get("ingestedCount").asLong()).isEqualTo(expected.size() - c.get("missing").asLong());
        assertThat(ContractSchemas.validate(ContractSchemas.Contract.SYNC_STATUS, status)).isEmpty();
        assertThat(states.live(accountId, expected)).isEqualTo(expected);
    }

    @Test
    void shouldDeleteAMessageTrashedOrDeletedWhileTheHistoryLostItAndReviveItWhenRestored() {
        TestMailbox box = TestMailbox.standard().load(emulator);
        String accountId = backfilled(box);
        int before = box.expectedIds().size();
        List<String> inbox = box.expectedIds().stream().limit(2).toList();
        omit(box, LISTINGS, 1.0);
        try {
            box.trash(emulator, inbox.get(0));
            box.delete(emulator, inbox.get(1));
            Instant syncAt = Instant.now();
            request(accountId, false);
            awaitDone(accountId, syncAt);
            assertThat(TopicReader.rawRecords(accountId)).as("the history lost both")
                    .hasSize(before);
        } finally {
            box.faults(emulator, "{\"rules\": []}");
        }

        Instant auditAt = Instant.now();
        request(accountId, true);
        JsonNode status = awaitAudit(accountId, auditAt);

        List<JsonNode> fresh = recordsAfter(accountId, before);
        assertThat(ops(fresh)).isEqualTo(Map.of(inbox.get(0), "delete", inbox.get(1), "delete"));
        assertThat(fresh).allSatisfy(r -> {
            assertThat(r.path("payload").path("id").asText()).isEqualTo(r.get("remoteId").asText());
            assertThat(r.path("payload").path("threadId").asText()).isNotBlank();
            assertThat(ContractSchemas.validate(ContractSchemas.Contract.RAW_RECORD, r)).isEmpty();
        });
        assertThat(states.states(accountId, inbox).values()).containsOnly(GmailCursorRepository.MessageState.DELETED);
        assertThat(status.get("state").asText()).isEqualTo("synced");
        assertThat(status.get("completeness").get("missing").asLong()).isEqualTo(2);
        assertThat(status.get("completeness").get("repaired").asLong()).isEqualTo(2);

        // Restored from the bin while the history loses that too: the audit revives it.
        omit(box, LISTINGS, 1.0);
        try {
            box.untrash(emulator, inbox.get(0));
            Instant syncAt = Instant.now();
            request(accountId, false);
            awaitDone(accountId, syncAt);
        } finally {
            box.faults(emulator, "{\"rules\": []}");
        }
        Instant reviveAt = Instant.now();
        request(accountId, true);
        JsonNode revived = awaitAudit(accountId, reviveAt);
        assertThat(ops(recordsAfter(accountId, before + 2))).isEqualTo(Map.of(inbox.get(0), "upsert"));
        assertThat(states.live(accountId, inbox)).containsExactly(inbox.get(0));
        assertThat(revived.get("completeness").get("repaired").asLong()).isEqualTo(1);
    }

    @Test
    void shouldRepublishRecordsTheNormalizerNeverProcessed() {
        TestMailbox box = TestMailbox.standard().load(emulator);
        String accountId = backfilled(box);
        int before = box.expectedIds().size();
        List<String> lost = box.expectedIds().stream().skip(3).limit(2).toList();
        FakeNormalizerResource.lose(accountId, "gmail", lost.toArray(String[]::new));
        try {
            Instant auditAt = Instant.now();
            request(accountId, true);
            JsonNode status = awaitAudit(accountId, auditAt);

            List<JsonNode> fresh = recordsAfter(accountId, before);
            assertThat(ops(fresh)).isEqualTo(Map.of(lost.get(0), "upsert", lost.get(1), "upsert"));
            assertThat(fresh).allSatisfy(r -> assertThat(r.path("payload").path("payload").path("headers").toString())
                    .contains("Message-ID").doesNotContain("X-Not-Requested"));
            assertThat(status.get("state").asText()).isEqualTo("synced");
            JsonNode c = status.get("completeness");
            assertThat(c.get("missing").asLong()).isEqualTo(2);
            assertThat(c.get("repaired").asLong()).isEqualTo(2);
            assertThat(c.get("ingestedCount").asLong()).isEqualTo(before - 2);
            assertThat(FakeNormalizerResource.checked(accountId)).as("asked about every published id")
                    .isGreaterThanOrEqualTo(2 * before);
        } finally {
            lost.forEach(id -> FakeNormalizerResource.processed(accountId, "gmail", id));
        }
    }

    @Test
    void shouldStayIncompleteNamingAMessageThatCannotBeFetchedUntilALaterAuditRepairsIt() {
        TestMailbox box = TestMailbox.standard().load(emulator);
        String accountId = backfilled(box);
        int before = box.expectedIds().size();
        omit(box, LISTINGS, 1.0);
        String unreachable;
        try {
            unreachable = box.addLive(emulator, Instant.now(), "INBOX");
            Instant syncAt = Instant.now();
            request(accountId, false);
            awaitDone(accountId, syncAt);
        } finally {
            box.faults(emulator, "{\"rules\": []}");
        }
        // Gmail refuses that one message (403 per user: it never opens the provider-wide circuit breaker).
        box.faults(emulator, """
                {"rules": [{"provider": "google", "user": "%s", "pathRegex": "/messages/%s$", "status": 403}]}"""
                .formatted(box.email, unreachable));
        JsonNode incomplete;
        try {
            Instant auditAt = Instant.now();
            request(accountId, true);
            incomplete = awaitAudit(accountId, auditAt);
        } finally {
            box.faults(emulator, "{\"rules\": []}");
        }
        assertThat(incomplete.get("state").asText()).isEqualTo("incomplete");
        assertThat(incomplete.get("lastError").asText()).contains(unreachable);
        assertThat(incomplete.get("completeness").get("missing").asLong()).isEqualTo(1);
        assertThat(incomplete.get("completeness").get("repaired").asLong()).isZero();
        assertThat(TopicReader.rawRecords(accountId)).hasSize(before);

        // A sync without an audit keeps the source incomplete: its state comes from the last audit.
        Instant syncAt = Instant.now();
        request(accountId, false);
        JsonNode still = awaitFinished(accountId, syncAt);
        assertThat(still.get("state").asText()).isEqualTo("incomplete");
        assertThat(still.get("lastError").asText()).contains(unreachable);

        Instant auditAt = Instant.now();
        request(accountId, true);
        JsonNode repaired = awaitAudit(accountId, auditAt);
        assertThat(repaired.get("state").asText()).isEqualTo("synced");
        assertThat(repaired.path("lastError").isNull() || repaired.path("lastError").isMissingNode()).isTrue();
        assertThat(repaired.get("completeness").get("missing").asLong()).isEqualTo(1);
        assertThat(repaired.get("completeness").get("repaired").asLong()).isEqualTo(1);
        assertThat(ops(recordsAfter(accountId, before))).isEqualTo(Map.of(unreachable, "upsert"));
    }

    @Test
    void shouldNeverDeleteAMessageThatExistsWhenTheAuditsOwnListingLosesItems() {
        TestMailbox box = TestMailbox.standard().load(emulator);
        String accountId = backfilled(box);
        int before = box.expectedIds().size();
        long getsBefore = box.stats(emulator).path("methods").path("users.messages.get").path("requests").asLong();
        omit(box, "/gmail/v1/users/[^/]+/messages$", 0.5);
        JsonNode status;
        try {
            Instant auditAt = Instant.now();
            request(accountId, true);
            status = awaitAudit(accountId, auditAt);
        } finally {
            box.faults(emulator, "{\"rules\": []}");
        }
        long omitted = box.stats(emulator).path("omitted").asLong();
        assertThat(omitted).as("the audit's listing lost ids").isPositive();
        long confirmations = box.stats(emulator).path("methods").path("users.messages.get").path("requests").asLong()
                - getsBefore;
        assertThat(confirmations).as("each unlisted published id looked up before any delete").isPositive();
        assertThat(TopicReader.rawRecords(accountId)).as("nothing deleted or re-published")
                .hasSize(before);
        assertThat(status.get("state").asText()).isEqualTo("synced");
        assertThat(status.get("completeness").get("missing").asLong()).isZero();
        assertThat(status.get("completeness").get("providerCount").asLong()).isEqualTo(before);
    }

    /** Registers the account, runs its backfill (and the audit after it) and waits until the job is done. */
    private String backfilled(TestMailbox box) {
        String accountId = FakeConnectorResource.register(box.email);
        Instant at = Instant.now();
        request(accountId, false);
        JsonNode status = awaitAudit(accountId, at);
        assertThat(status.get("state").asText()).isEqualTo("synced");
        assertThat(TopicReader.rawRecords(accountId)).hasSize(box.expectedIds().size());
        return accountId;
    }

    private void omit(TestMailbox box, String pathRegex, double probability) {
        box.faults(emulator, """
                {"seed": 16, "rules": [{"provider": "google", "user": "%s", "pathRegex": "%s", "omit": %s}]}"""
                .formatted(box.email, pathRegex, probability));
    }

    private void request(String accountId, boolean audit) {
        SyncRequest r = SyncRequest.of(accountId, Provider.GOOGLE, List.of(Source.GMAIL), SyncRequest.Mode.AUTO,
                audit ? SyncRequest.Reason.MANUAL : SyncRequest.Reason.SCHEDULE, Instant.now());
        kafka.send(Topics.SYNC_REQUESTS, accountId, audit ? r.withAudit() : r);
    }

    /** The first finished Gmail status (synced / incomplete) carrying an audit checked after {@code since}. */
    private JsonNode awaitAudit(String accountId, Instant since) {
        return awaitStatus(accountId, since, s -> s.hasNonNull("completeness")
                && Instant.parse(s.get("completeness").get("checkedAt").asText()).isAfter(since));
    }

    /** The first finished Gmail status published after {@code since}. */
    private JsonNode awaitFinished(String accountId, Instant since) {
        return awaitStatus(accountId, since, s -> true);
    }

    private JsonNode awaitStatus(String accountId, Instant since, java.util.function.Predicate<JsonNode> matching) {
        JsonNode status = await().atMost(WAIT).pollInterval(Duration.ofMillis(300))
                .until(() -> TopicReader.valuesWithKey(Topics.SYNC_STATUS, accountId).stream()
                        .filter(s -> s.get("source").asText().equals("gmail"))
                        .filter(s -> Set.of("synced", "incomplete").contains(s.get("state").asText()))
                        .filter(s -> Instant.parse(s.get("at").asText()).isAfter(since))
                        .filter(matching).findFirst(), java.util.Optional::isPresent).orElseThrow();
        awaitDone(accountId, since);
        return status;
    }

    private void awaitDone(String accountId, Instant since) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> jobs.state(accountId).filter("done"::equals).isPresent()
                        && TopicReader.valuesWithKey(Topics.SYNC_STATUS, accountId).stream()
                        .filter(s -> s.get("source").asText().equals("gmail"))
                        .anyMatch(s -> Instant.parse(s.get("at").asText()).isAfter(since)
                                && Set.of("synced", "incomplete", "error").contains(s.get("state").asText())));
    }

    private static List<JsonNode> recordsAfter(String accountId, int before) {
        List<JsonNode> all = TopicReader.rawRecords(accountId);
        return new ArrayList<>(all.subList(before, all.size()));
    }

    private static Map<String, String> ops(List<JsonNode> records) {
        return records.stream().collect(Collectors.toMap(r -> r.get("remoteId").asText(), r -> r.get("op").asText(),
                (a, b) -> a + "," + b));
    }
}
