package io.interactionsync.microsoftsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.interactionsync.microsoftsync.support.Outlook;
import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Topics;
import io.interactionsync.sync.jobs.SyncJobRepository;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.FakeConnectorResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A shared mailbox added after the account's backfill (or while its job ran, after it listed the mailboxes) is read at
 * once: the account-event queues a mail run of the subscriber, no sync request or safety-net poll needed.
 */
@QuarkusTest
@TestProfile(SharedMailboxAddedIT.ReadOnAdd.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class SharedMailboxAddedIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    /** As deployed: on (the other tests place every job themselves). */
    public static class ReadOnAdd implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("microsoft-sync.mail.read-shared-on-add", "true");
        }
    }

    @ConfigProperty(name = "emulator.base-url")
    String emulator;

    @Inject
    SyncJobRepository jobs;

    @Test
    void shouldReadASharedMailboxAddedAfterTheBackfillWithoutAnotherSyncRequest() {
        String shared = "late-" + UUID.randomUUID().toString().substring(0, 6) + "@contoso.test";
        Set<String> sharedIds = Outlook.sharedMailbox(emulator, shared, 3);
        Outlook dana = Outlook.standard(1, 0).fullAccessTo(shared).load(emulator);
        String account = FakeConnectorResource.register(dana.upn);
        try (KafkaTestClient kafka = KafkaTestClient.connect()) {
            SharedMailboxIT.syncAndAwait(kafka, jobs, account);
            assertThat(SharedMailboxIT.sharedRecords(account, shared)).isEmpty();
            // added in the console after the backfill (or while it ran): only the account-event, no sync request
            kafka.send(Topics.ACCOUNT_EVENTS, account, new AccountEvent(AccountEvent.SCHEMA_VERSION,
                    AccountEvent.Type.SHARED_MAILBOX_ADDED, account, FakeConnectorResource.userId(account),
                    Provider.MICROSOFT, null, null, null, shared, null, null, Instant.now()));
            await().atMost(WAIT).untilAsserted(() -> assertThat(SharedMailboxIT.sharedRecords(account, shared))
                    .extracting(r -> r.get("remoteId").asText()).containsExactlyInAnyOrderElementsOf(sharedIds));
        }
    }
}
