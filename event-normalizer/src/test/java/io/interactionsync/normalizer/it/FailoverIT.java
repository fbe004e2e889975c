package io.interactionsync.normalizer.it;

import static io.interactionsync.normalizer.fixtures.GmailFixtures.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.interactionsync.model.Json;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Topics;
import io.interactionsync.normalizer.fixtures.GmailFixtures;
import io.interactionsync.testsupport.DataKeyServerTestResource;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.logging.Log;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Issue 18, fast failover: a replica killed without leaving the group (kill -9, or a static member's graceful stop)
 * and not restarted under its instance id. Its {@code raw-records} partitions must be taken over by the surviving
 * replica — this application, another member id — within 10 s (asserted with a margin for a loaded machine). The dead replica is a plain consumer in the
 * {@code event-normalizer} group with the normalizer's own membership settings (static, session and heartbeat, the
 * cooperative-sticky assignor); it joins, takes its share of the partitions, then stops heartbeating without a
 * LeaveGroup. The figure is from that moment until a record on each of its partitions is normalized.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
@WithTestResource(DataKeyServerTestResource.class)
class FailoverIT {

    private static final String CHANNEL = "mp.messaging.incoming.raw-records.";

    private static String setting(String key) {
        return ConfigProvider.getConfig().getValue(CHANNEL + key, String.class);
    }

    private static void send(KafkaProducer<String, String> producer, TopicPartition tp, String id, String account,
                             String user, String mailbox) throws Exception {
        RawRecord r = GmailFixtures.envelope(RawRecord.Op.UPSERT, id, message(id).labels("INBOX")
                .from("jane@client.example").to(mailbox).json(), mailbox, account, user);
        producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), account, Json.mapper().writeValueAsString(r)))
                .get();
    }

    private static long events(String user) {
        return Db.count("select count(*) from normalizer.interaction_events where user_id = ?", user);
    }

    @Test
    void aDeadReplicasPartitionsResumeOnTheSurvivorWithinTenSeconds() throws Exception {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, setting("group.id"));
        props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "failover-it-" + UUID.randomUUID());
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, setting("session.timeout.ms"));
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, setting("heartbeat.interval.ms"));
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, setting("partition.assignment.strategy"));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false); // it never commits: the survivor resumes where it was
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        assertThat(Integer.parseInt(setting("session.timeout.ms"))).isLessThanOrEqualTo(6000);
        assertThat(Integer.parseInt(setting("heartbeat.interval.ms")) * 3)
                .isLessThanOrEqualTo(Integer.parseInt(setting("session.timeout.ms")));

        String n = UUID.randomUUID().toString().substring(0, 8);
        String account = "acc-failover-" + n;
        String user = "user-failover-" + n;
        String mailbox = "fay." + n + "@acme.test";
        Map<String, Object> producerProps = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaTestResource.bootstrapServers(), ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class.getName(), ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps)) {
            // the survivor is up and warm: it holds every partition and has normalized a record on each
            Set<Integer> partitions = new HashSet<>();
            producer.partitionsFor(Topics.RAW_RECORDS).forEach(p -> partitions.add(p.partition()));
            for (int p : partitions) {
                send(producer, new TopicPartition(Topics.RAW_RECORDS, p), "warm-up-" + p, account, user, mailbox);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> events(user) == partitions.size());

            KafkaConsumer<byte[], byte[]> dead = new KafkaConsumer<>(props);
            Set<TopicPartition> held = new HashSet<>();
            try {
                dead.subscribe(List.of(Topics.RAW_RECORDS));
                // joins the group beside the application's consumers and takes its share (it reads nothing: the
                // survivor's committed offsets stay where they are)
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    dead.poll(Duration.ofMillis(200));
                    dead.pause(dead.assignment());
                    return !dead.assignment().isEmpty();
                });
                held.addAll(dead.assignment());
            } finally {
                // the kill: heartbeats stop, and a static member sends no LeaveGroup
                dead.close(CloseOptions.groupMembershipOperation(GroupMembershipOperation.REMAIN_IN_GROUP));
            }
            long killed = System.nanoTime();
            for (TopicPartition tp : held) {
                send(producer, tp, "failover-" + tp.partition(), account, user, mailbox);
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> events(user) == partitions.size() + held.size());
            Duration resumed = Duration.ofNanos(System.nanoTime() - killed);
            Log.infof("failover: %d raw-records partition(s) of a dead replica resumed on the survivor %d ms after "
                    + "the kill", held.size(), resumed.toMillis());
            // not before the dead member's session expired (it did not leave); the issue asks for 10 s, the bound is
            // generous for a loaded machine (the figure: docs/performance.md), and far below the 45 s it took before
            long session = Long.parseLong(setting("session.timeout.ms"));
            assertThat(resumed).isGreaterThanOrEqualTo(Duration.ofMillis(session / 2))
                    .isLessThan(Duration.ofSeconds(15));
        }
    }
}
