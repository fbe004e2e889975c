package io.interactionsync.microsoftsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.interactionsync.microsoftsync.repository.SharedMailboxRepository;
import io.interactionsync.microsoftsync.support.Outlook;
import io.interactionsync.model.AccountEvent;
import io.interactionsync.model.Json;
import io.interactionsync.model.Provider;
import io.interactionsync.model.Source;
import io.interactionsync.model.SyncRequest;
import io.interactionsync.model.Topics;
import io.interactionsync.sync.jobs.SyncJobRepository;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.FakeConnectorResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.interactionsync.testsupport.ScramKafkaTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * microsoft-sync on a broker that authenticates (SCRAM-SHA-512) and authorizes (KRaft ACLs) as production does, logged
 * in as its {@code KafkaUser} of the Kubernetes manifest: it reads account-events and sync-requests in its group and
 * writes raw-records and sync-status within those ACLs.
 */
@QuarkusTest
@WithTestResource(value = ScramKafkaTestResource.class,
        initArgs = @ResourceArg(name = "user", value = "microsoft-sync-service"))
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
class ScramKafkaIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @ConfigProperty(name = "emulator.base-url")
    String emulator;

    @Inject
    SyncJobRepository jobs;

    @Inject
    SharedMailboxRepository sharedMailboxes;

    @Test
    void shouldSyncOwnAndSharedMailAsItsOwnKafkaUser() throws Exception {
        String shared = "scram-" + UUID.randomUUID().toString().substring(0, 6) + "@contoso.test";
        Set<String> sharedIds = Outlook.sharedMailbox(emulator, shared, 3);
        Outlook box = Outlook.standard(4, 1).fullAccessTo(shared).load(emulator);
        String account = FakeConnectorResource.register(box.upn);

        ScramKafkaTestResource.send(Topics.ACCOUNT_EVENTS, account, Json.mapper().writeValueAsString(new AccountEvent(
                AccountEvent.SCHEMA_VERSION, AccountEvent.Type.SHARED_MAILBOX_ADDED, account,
                FakeConnectorResource.userId(account), Provider.MICROSOFT, null, null, null, shared, null, null,
                Instant.now())));
        await().atMost(WAIT).until(() -> sharedMailboxes.subscribers(shared).size() == 1);
        ScramKafkaTestResource.send(Topics.SYNC_REQUESTS, account, Json.mapper().writeValueAsString(SyncRequest.of(account,
                Provider.MICROSOFT, List.of(Source.OUTLOOK_MAIL), SyncRequest.Mode.AUTO, SyncRequest.Reason.MANUAL,
                Instant.now())));
        await().atMost(WAIT).failFast(() -> jobs.state(account).filter("failed"::equals).isPresent())
                .until(() -> jobs.state(account).filter("done"::equals).isPresent());

        Set<String> expected = new HashSet<>(box.expectedIds());
        expected.addAll(sharedIds);
        assertThat(remoteIds(Topics.RAW_RECORDS, account)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(remoteIds(Topics.SYNC_STATUS, account)).isNotEmpty();
    }

    /** The records keyed by {@code key} in {@code topic}, read as the super user: their remoteId (or state). */
    private static List<String> remoteIds(String topic, String key) throws Exception {
        Map<String, Object> config = new HashMap<>(ScramKafkaTestResource.adminConfig());
        List<String> found = new java.util.ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (key.equals(r.key())) {
                        var json = Json.mapper().readTree(r.value());
                        found.add(json.has("remoteId") ? json.get("remoteId").asText() : json.path("state").asText());
                    }
                }
            }
        }
        return found;
    }
}
