package io.interactionsync.deploy.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.interactionsync.testsupport.EmbeddedKafka;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicDumpTests {

    @Test
    void shouldDumpEveryValueInPartitionThenOffsetOrderSkippingTombstones(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("raw-records", 2, (short) 1))).all().get();
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                    new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("raw-records", 1, "b", "{\"n\":1}")).get();
                producer.send(new ProducerRecord<>("raw-records", 0, "a", "{\"n\":2}")).get();
                producer.send(new ProducerRecord<>("raw-records", 1, "b", null)).get();
                producer.send(new ProducerRecord<>("raw-records", 1, "b", "{\"n\":3}")).get();
                producer.send(new ProducerRecord<>("raw-records", 0, "a", "{\"n\":4}")).get();
            }
            Path file = dir.resolve("raw-records.jsonl");

            int count = TopicDump.dump(kafka.bootstrapServers(), "raw-records", file);

            assertThat(count).isEqualTo(4);
            assertThat(Files.readAllLines(file, StandardCharsets.UTF_8))
                    .containsExactly("{\"n\":2}", "{\"n\":4}", "{\"n\":1}", "{\"n\":3}");
        }
    }

    @Test
    void shouldRefuseAValueSpanningLinesNamingWhereItIs() {
        List<ConsumerRecord<byte[], byte[]>> records = List.of(
                new ConsumerRecord<>("raw-records", 2, 41, null, "{\"a\":1}".getBytes(StandardCharsets.UTF_8)),
                new ConsumerRecord<>("raw-records", 2, 42, null, "{\n\"a\":2}".getBytes(StandardCharsets.UTF_8)));

        assertThatThrownBy(() -> TopicDump.write(records, new ByteArrayOutputStream()))
                .hasMessage("raw-records value at 2@42 spans lines; JSON Lines needs one per line");
    }
}
