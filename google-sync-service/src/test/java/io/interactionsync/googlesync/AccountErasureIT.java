package io.interactionsync.googlesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
import io.interactionsync.googlesync.repository.AccountStateRepository;
import io.interactionsync.googlesync.repository.GmailCursorRepository;
import io.interactionsync.googlesync.support.TestMailbox;
import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncRequest;
import io.interactionsync.model.Topics;
import io.interactionsync.sync.jobs.SyncJobRepository;
import io.interactionsync.sync.jobs.SyncRequestListener;
import io.interactionsync.sync.jobs.SyncWorkerPool;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.FakeConnectorResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.interactionsync.testsupport.TopicReader;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Erasure of a disconnected account's sync state (issue 17): {@code disconnected} deletes every row of the account in
 * {@code google_sync}, a late request does not bring it back, a job in flight leaves nothing behind, and the same
 * mailbox connected again (a new account id) syncs afresh from an empty state.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class AccountErasureIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    /** sync-core's tables and the closed list itself: the rest of the account_id tables are the service's own. */
    private static final Set<String> NOT_THE_SERVICES = Set.of("sync_jobs", "source_audits", "push_channels",
            "closed_accounts");

    private static KafkaTestClient kafka;

    @ConfigProperty(name = "emulator.base-url")
    String emulator;

    @Inject
    SyncJobRepository jobs;

    @Inject
    GmailCursorRepository cursors;

    @Inject
    SyncRequestListener requests;

    @Inject
    SyncWorkerPool workers;

    @Inject
    AgroalDataSource db;

    @BeforeAll
    static void connect() {
        kafka = KafkaTestClient.connect();
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    @Test
    void shouldEraseEveryTableOfTheServiceThatHoldsAccounts() throws SQLException {
        assertThat(accountTables()).as("every per-account table is erased (a new one must join the list)")
                .containsExactlyInAnyOrderElementsOf(concat(AccountStateRepository.TABLES, NOT_THE_SERVICES));
    }

    @Test
    void shouldEraseTheStateOfAPurgedAccountAndIgnoreLateRequests() throws SQLException {
        TestMailbox box = TestMailbox.standard();
        box.event(Instant.now().plusSeconds(86_400), "confirmed");
        box.load(emulator);
        String accountId = backfilled(box);
        Map<String, Long> before = rows(accountId);
        assertThat(before.get("source_cursors")).isEqualTo(2);
        assertThat(before.get("gmail_message_states")).isGreaterThanOrEqualTo(box.expectedIds().size());
        assertThat(before.get("calendar_published_events")).isEqualTo(1);
        assertThat(before.get("sync_jobs")).isEqualTo(1);
        assertThat(before.get("source_audits")).as("the backfill was audited").isEqualTo(2);

        disconnect(accountId, true);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> total(rows(accountId)) == 0);
        assertThat(closed(accountId)).isEqualTo(Boolean.TRUE);

        // a late request (the daily fan-out raced the disconnect) creates no job
        requests.onSyncRequest(SyncRequest.of(accountId, Provider.GOOGLE, List.of(Source.GMAIL), SyncRequest.Mode.AUTO,
                SyncRequest.Reason.SCHEDULE, Instant.now()));
        assertThat(jobs.state(accountId)).isEmpty();
        assertThat(total(rows(accountId))).isZero();
    }

    @Test
    void shouldSyncTheSameMailboxAfreshAsANewAccountAfterADisconnectThatKept() throws SQLException {
        TestMailbox box = TestMailbox.standard().load(emulator);
        String first = backfilled(box);
        String historyId = cursors.load(first).orElseThrow().historyId();
        disconnect(first, false); // kept data: the sync state goes all the same, the id is finished
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> total(rows(first)) == 0);
        assertThat(closed(first)).as("recorded as kept").isEqualTo(Boolean.FALSE);

        String second = FakeConnectorResource.register(box.email); // reconnected: a new account id
        assertThat(cursors.load(second)).as("no cursor carried over").isEmpty();
        request(second, SyncRequest.Mode.AUTO);
        List<JsonNode> records = awaitRecords(second, box.expectedIds().size());
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> jobs.state(second).filter("done"::equals).isPresent());
        assertThat(records.stream().map(r -> r.get("remoteId").asText()).collect(Collectors.toSet()))
                .as("a full backfill of its own, not an incremental continuation").isEqualTo(box.expectedIds());
        assertThat(records).allSatisfy(r -> assertThat(r.get("accountId").asText()).isEqualTo(second));
        assertThat(cursors.load(second).orElseThrow().historyId()).isNotNull().isGreaterThanOrEqualTo(historyId);
        assertThat(total(rows(first))).isZero();
    }

    @Test
    void shouldLeaveNothingBehindOfAJobRunningAtTheDisconnect() throws SQLException {
        TestMailbox box = TestMailbox.standard().load(emulator);
        String accountId = FakeConnectorResource.register(box.email);
        // slow Gmail down for this user, so that the disconnect arrives mid-backfill
        box.faults(emulator, """
                {"rules": [{"provider": "google", "user": "%s", "pathRegex": "/gmail/", "latencyMs": 400}]}"""
                .formatted(box.email));
        try {
            request(accountId, SyncRequest.Mode.AUTO);
            await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
                    .until(() -> rows(accountId).get("gmail_message_states") > 0);
            assertThat(jobs.state(accountId)).contains("running");
            disconnect(accountId, true);
            await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> closed(accountId) != null);
            await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> workers.activeJobs() == 0);
        } finally {
            box.faults(emulator, "{\"rules\": []}");
        }
        assertThat(rows(accountId)).as("the job stopped, and what it wrote after the erasure is erased too")
                .allSatisfy((table, n) -> assertThat(n).as(table).isZero());
        assertThat(TopicReader.valuesWithKey(Topics.RAW_RECORDS, accountId).size())
                .as("the backfill did not run to its end").isLessThan(box.expectedIds().size());
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private String backfilled(TestMailbox box) {
        String accountId = FakeConnectorResource.register(box.email);
        kafka.send(Topics.SYNC_REQUESTS, accountId, SyncRequest.of(accountId, Provider.GOOGLE,
                List.of(Source.GMAIL, Source.GOOGLE_CALENDAR), SyncRequest.Mode.AUTO, SyncRequest.Reason.CONNECT,
                Instant.now()));
        awaitRecords(accountId, box.expectedIds().size());
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> jobs.state(accountId).filter("done"::equals).isPresent());
        return accountId;
    }

    private void request(String accountId, SyncRequest.Mode mode) {
        kafka.send(Topics.SYNC_REQUESTS, accountId, SyncRequest.of(accountId, Provider.GOOGLE, List.of(Source.GMAIL),
                mode, SyncRequest.Reason.CONNECT, Instant.now()));
    }

    private void disconnect(String accountId, boolean purge) {
        kafka.send(Topics.ACCOUNT_EVENTS, accountId, new AccountEvent(AccountEvent.SCHEMA_VERSION,
                AccountEvent.Type.DISCONNECTED, accountId, FakeConnectorResource.userId(accountId), Provider.GOOGLE,
                null, null, null, null, purge, null, Instant.now()));
    }

    private static List<JsonNode> awaitRecords(String accountId, int count) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(300))
                .until(() -> TopicReader.valuesWithKey(Topics.RAW_RECORDS, accountId), list -> list.size() >= count);
    }

    private List<String> accountTables() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select table_name from information_schema.columns
                where table_schema = 'google_sync' and column_name = 'account_id' order by table_name""");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** Rows of the account in every table of the schema that has an account_id (the closed list aside). */
    private Map<String, Long> rows(String accountId) throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Connection c = db.getConnection()) {
            for (String table : accountTables()) {
                if (table.equals("closed_accounts")) {
                    continue;
                }
                try (PreparedStatement ps = c.prepareStatement("select count(*) from google_sync." + table
                        + " where account_id = ?")) {
                    ps.setString(1, accountId);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        out.put(table, rs.getLong(1));
                    }
                }
            }
        }
        return out;
    }

    private Boolean closed(String accountId) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select purged from google_sync.closed_accounts where account_id = ?")) {
            ps.setString(1, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getBoolean(1) : null;
            }
        }
    }

    private static long total(Map<String, Long> rows) {
        return rows.values().stream().mapToLong(Long::longValue).sum();
    }

    private static List<String> concat(List<String> a, Set<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
