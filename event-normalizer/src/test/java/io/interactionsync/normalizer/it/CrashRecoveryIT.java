package io.interactionsync.normalizer.it;

import static io.interactionsync.normalizer.fixtures.GmailFixtures.message;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.interactionsync.model.RawRecord;
import io.interactionsync.model.Topics;
import io.interactionsync.normalizer.fixtures.GmailFixtures;
import io.interactionsync.normalizer.service.IncomingRecord;
import io.interactionsync.normalizer.service.NormalizerService;
import io.interactionsync.testsupport.DataKeyServerTestResource;
import io.interactionsync.testsupport.EmulatorTestResource;
import io.interactionsync.testsupport.KafkaTestClient;
import io.interactionsync.testsupport.KafkaTestResource;
import io.interactionsync.testsupport.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A crash between the PostgreSQL commit and the Kafka offset commit: a consumer of its own group reads the records,
 * the normalizer commits them, the consumer dies without committing offsets; the restarted consumer resumes from the
 * last committed offset, gets the same records again, and processing them again creates no duplicate rows and
 * publishes nothing twice.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(EmulatorTestResource.class)
@WithTestResource(DataKeyServerTestResource.class)
class CrashRecoveryIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static KafkaTestClient kafka;

    @Inject
    NormalizerService service;

    @BeforeAll
    static void connect() {
        kafka = KafkaTestClient.connect();
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    private static KafkaConsumer<String, byte[]> consumer(String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** Starts like the service does: from the group's committed offsets, or the beginning without any. */
    private static List<ConsumerRecord<String, byte[]>> readFromCommitted(KafkaConsumer<String, byte[]> consumer,
                                                                         String key, int count) {
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.RAW_RECORDS, Duration.ofSeconds(10)).stream()
                .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
        consumer.assign(partitions);
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata c = committed.get(tp);
            if (c == null) {
                consumer.seekToBeginning(List.of(tp));
            } else {
                consumer.seek(tp, c.offset());
            }
        }
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        Instant deadline = Instant.now().plus(WAIT);
        while (out.size() < count && Instant.now().isBefore(deadline)) {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                if (key.equals(r.key())) {
                    out.add(r);
                }
            });
        }
        assertThat(out).hasSize(count);
        return out;
    }

    private static List<IncomingRecord> incoming(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(r -> new IncomingRecord(r.topic(), r.partition(), r.offset(), r.key(), r.value()))
                .toList();
    }

    @Test
    void aCrashAfterTheDatabaseCommitAndBeforeTheOffsetCommitCreatesNoDuplicates() {
        String n = UUID.randomUUID().toString().substring(0, 8);
        String user = "user-" + n;
        String account = "acc-" + n;
        String mailbox = "alice." + n + "@acme.test";
        for (GmailFixtures.Message m : List.of(
                message("c1").labels("INBOX").from("a@client.example").to(mailbox),
                message("c2").labels("SENT").from(mailbox).to("b@client.example, c@client.example"))) {
            JsonNode p = m.json();
            kafka.send(Topics.RAW_RECORDS, account, GmailFixtures.envelope(RawRecord.Op.UPSERT, p.get("id").asText(), p,
                    mailbox, account, user));
        }
        String group = "crash-" + n;

        // 1. read, commit to PostgreSQL, die before the offset commit
        List<Long> firstOffsets;
        try (KafkaConsumer<String, byte[]> c = consumer(group)) {
            List<ConsumerRecord<String, byte[]>> records = readFromCommitted(c, account, 2);
            firstOffsets = records.stream().map(ConsumerRecord::offset).toList();
            service.process(incoming(records)).await().atMost(WAIT);
            assertThat(c.committed(new HashSet<>(c.assignment())).values()).allMatch(o -> o == null);
        }
        assertThat(Db.count("select count(*) from normalizer.interaction_events where user_id = ?", user)).isEqualTo(3);

        // 2. restart: the same records again, processed again, then acknowledged
        try (KafkaConsumer<String, byte[]> c = consumer(group)) {
            List<ConsumerRecord<String, byte[]>> again = readFromCommitted(c, account, 2);
            assertThat(again).extracting(ConsumerRecord::offset).isEqualTo(firstOffsets);
            service.process(incoming(again)).await().atMost(WAIT);
            Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
            again.forEach(r -> commit.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1)));
            c.commitSync(commit);
        }

        assertThat(Db.count("select count(*) from normalizer.interaction_events where user_id = ?", user)).isEqualTo(3);
        // Published exactly once each (the live consumer read the same records too: a third delivery).
        kafka.send(Topics.RAW_RECORDS, account, GmailFixtures.envelope(RawRecord.Op.UPSERT, "marker",
                message("marker").labels("INBOX").from("m@marker.example").to(mailbox).json(), mailbox, account, user));
        kafka.awaitRecords(Topics.INTERACTION_EVENTS, r -> user.equals(r.key()) && r.value().contains("m@marker.example"),
                1, WAIT);
        List<ConsumerRecord<String, String>> published = kafka.readAll(Topics.INTERACTION_EVENTS).stream()
                .filter(r -> user.equals(r.key()) && !r.value().contains("m@marker.example")).toList();
        assertThat(published).hasSize(3);
        assertThat(published.stream().map(r -> r.value().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1")).distinct())
                .hasSize(3);
    }
}
