package io.interactionsync.microsoftsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
import io.interactionsync.microsoftsync.repository.AccountStateRepository;
import io.interactionsync.microsoftsync.repository.SharedMailboxRepository;
import io.interactionsync.microsoftsync.support.Outlook;
import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncRequest;
import io.interactionsync.model.Topics;
import io.interactionsync.sync.jobs.SyncJobRepository;
import io.interactionsync.sync.jobs.SyncRequestListener;
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
import java.util.UUID;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Erasure of sync state (issue 17): a disconnected account's rows in {@code microsoft_sync} (own mailbox, calendar,
 * subscriptions, audits, job), a shared mailbox's rows once its last subscriber left, and the same mailbox connected
 * again (a new account id) syncing afresh.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class AccountErasureIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Set<String> NOT_THE_SERVICES = Set.of("sync_jobs", "source_audits", "closed_accounts",
            "push_channels");
    private static final List<String> SHARED_TABLES = List.of("mail_cursors", "mailboxes", "mail_folders",
            "published_messages");

    private static KafkaTestClient kafka;

    @ConfigProperty(name = "emulator.base-url")
    String emulator;

    @Inject
    SyncJobRepository jobs;

    @Inject
    SharedMailboxRepository sharedMailboxes;

    @Inject
    SyncRequestListener requests;

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
        List<String> expected = new ArrayList<>(AccountStateRepository.ACCOUNT_TABLES);
        expected.addAll(NOT_THE_SERVICES);
        assertThat(accountTables()).as("every per-account table is erased (a new one must join the list)")
                .containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void shouldEraseADisconnectedAccountAndASharedMailboxWhenItsLastSubscriberLeaves() throws SQLException {
        String shared = "deals-" + UUID.randomUUID().toString().substring(0, 6) + "@contoso.test";
        Outlook.sharedMailbox(emulator, shared, 5);
        Outlook alice = Outlook.standard(3, 2).fullAccessTo(shared);
        alice.event(Instant.now().plusSeconds(86_400), Instant.now().plusSeconds(88_200), false, "UTC");
        alice.load(emulator);
        Outlook bob = Outlook.standard(1, 1).fullAccessTo(shared).load(emulator);
        String a = FakeConnectorResource.register(alice.upn);
        String b = FakeConnectorResource.register(bob.upn);
        subscribe(a, shared);
        subscribe(b, shared);
        await().atMost(WAIT).until(() -> sharedMailboxes.subscribers(shared).size() == 2);
        sync(a, List.of(Source.OUTLOOK_MAIL, Source.OUTLOOK_CALENDAR)); // reads the shared mailbox for both
        sync(b, List.of(Source.OUTLOOK_MAIL));

        Map<String, Long> before = rows(a);
        assertThat(before.get("mail_cursors")).isPositive();
        assertThat(before.get("published_messages")).isEqualTo(alice.expectedIds().size());
        assertThat(before.get("calendar_events")).isEqualTo(1);
        assertThat(before.get("shared_mailbox_subscribers")).isEqualTo(1);
        assertThat(before.get("source_audits")).as("own mail, calendar and the shared mailbox audited").isEqualTo(3);
        assertThat(sharedRows(shared)).allSatisfy((table, n) -> assertThat(n).as(table).isPositive());
        assertThat(sharedMailboxes.lastAudit(shared)).hasValueSatisfying(l -> assertThat(l.by()).isEqualTo(a));

        disconnect(a, true);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> total(rows(a)) == 0);
        assertThat(closed(a)).isTrue();
        // Bob still subscribes: the shared mailbox keeps its state, but no trace of Alice's id
        assertThat(sharedRows(shared)).allSatisfy((table, n) -> assertThat(n).as(table).isPositive());
        assertThat(sharedMailboxReferences(a)).isZero();
        requests.onSyncRequest(SyncRequest.of(a, Provider.MICROSOFT, List.of(Source.OUTLOOK_MAIL), SyncRequest.Mode.AUTO,
                SyncRequest.Reason.SCHEDULE, Instant.now()));
        assertThat(jobs.state(a)).as("a late request for a disconnected account creates no job").isEmpty();

        // Bob leaves the shared mailbox: nobody subscribes any more, its state goes
        kafka.send(Topics.ACCOUNT_EVENTS, b, new AccountEvent(AccountEvent.SCHEMA_VERSION,
                AccountEvent.Type.SHARED_MAILBOX_REMOVED, b, FakeConnectorResource.userId(b), Provider.MICROSOFT, null,
                null, null, shared, null, null, Instant.now()));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> total(sharedRows(shared)) == 0 && audits(shared) == 0 && leaseRow(shared) == 0);
        assertThat(rows(b).get("mail_cursors")).as("Bob's own mailbox is untouched").isPositive();
    }

    @Test
    void shouldSyncTheSameMailboxAfreshAsANewAccountAfterADisconnect() throws SQLException {
        Outlook dana = Outlook.standard(4, 2).load(emulator);
        String first = FakeConnectorResource.register(dana.upn);
        sync(first, List.of(Source.OUTLOOK_MAIL));
        disconnect(first, false);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> total(rows(first)) == 0);
        assertThat(closed(first)).as("recorded as kept").isFalse();

        String second = FakeConnectorResource.register(dana.upn);
        sync(second, List.of(Source.OUTLOOK_MAIL));
        List<JsonNode> records = TopicReader.valuesWithKey(Topics.RAW_RECORDS, second);
        assertThat(records.stream().map(r -> r.get("remoteId").asText()).collect(Collectors.toSet()))
                .as("every message again, from a fresh delta round").isEqualTo(dana.expectedIds());
        assertThat(rows(second).get("published_messages")).isEqualTo(dana.expectedIds().size());
        assertThat(total(rows(first))).isZero();
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private void subscribe(String account, String shared) {
        kafka.send(Topics.ACCOUNT_EVENTS, account, new AccountEvent(AccountEvent.SCHEMA_VERSION,
                AccountEvent.Type.SHARED_MAILBOX_ADDED, account, FakeConnectorResource.userId(account), Provider.MICROSOFT,
                null, null, null, shared, null, null, Instant.now()));
    }

    private void sync(String account, List<Source> sources) {
        kafka.send(Topics.SYNC_REQUESTS, account, SyncRequest.of(account, Provider.MICROSOFT, sources,
                SyncRequest.Mode.AUTO, SyncRequest.Reason.MANUAL, Instant.now()));
        await().atMost(WAIT).failFast(() -> jobs.state(account).filter("failed"::equals).isPresent())
                .until(() -> jobs.state(account).filter("done"::equals).isPresent());
    }

    private void disconnect(String account, boolean purge) {
        kafka.send(Topics.ACCOUNT_EVENTS, account, new AccountEvent(AccountEvent.SCHEMA_VERSION,
                AccountEvent.Type.DISCONNECTED, account, FakeConnectorResource.userId(account), Provider.MICROSOFT, null,
                null, null, null, purge, null, Instant.now()));
    }

    private List<String> accountTables() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select table_name from information_schema.columns
                where table_schema = 'microsoft_sync' and column_name = 'account_id' order by table_name""");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private Map<String, Long> rows(String accountId) throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String table : accountTables()) {
            if (!table.equals("closed_accounts")) {
                out.put(table, count("select count(*) from microsoft_sync." + table + " where account_id = ?", accountId));
            }
        }
        return out;
    }

    private Map<String, Long> sharedRows(String address) throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String table : SHARED_TABLES) {
            out.put(table, count("select count(*) from microsoft_sync." + table + " where account_id = '' and mailbox = ?",
                    address));
        }
        return out;
    }

    private long audits(String address) throws SQLException {
        return count("select count(*) from microsoft_sync.source_audits where mailbox = ?", address);
    }

    private long leaseRow(String address) throws SQLException {
        return count("select count(*) from microsoft_sync.shared_mailboxes where address = ?", address);
    }

    private long sharedMailboxReferences(String account) throws SQLException {
        return count("select count(*) from microsoft_sync.shared_mailboxes where last_account_id = ?1 or audited_by = ?1"
                .replace("?1", "?"), account, account);
    }

    private Boolean closed(String accountId) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select purged from microsoft_sync.closed_accounts where account_id = ?")) {
            ps.setString(1, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getBoolean(1) : null;
            }
        }
    }

    private long count(String sql, String... args) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long total(Map<String, Long> rows) {
        return rows.values().stream().mapToLong(Long::longValue).sum();
    }
}
