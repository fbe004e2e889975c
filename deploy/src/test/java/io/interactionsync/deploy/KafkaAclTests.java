package io.interactionsync.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.interactionsync.model.Topics;
import io.interactionsync.testsupport.EmbeddedKafka;
import io.interactionsync.testsupport.KafkaUsers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The cluster trust boundary on a real broker: SCRAM-SHA-512 authentication and KRaft's {@code StandardAuthorizer}
 * with exactly the ACLs of the Strimzi {@code KafkaUser}s in {@code k8s/base/kafka-users.yaml}. A forged
 * {@code account-events} record can come from the connector's principal only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaAclTests {

    static final String ADMIN = "admin";
    static final Duration WAIT = Duration.ofSeconds(20);

    final String adminPassword = UUID.randomUUID().toString();
    final Map<String, String> passwords = new HashMap<>();
    EmbeddedKafka kafka;

    @BeforeAll
    void startBrokerWithTheKafkaUsers() throws Exception {
        kafka = EmbeddedKafka.startWithScram(ADMIN, adminPassword);
        Map<String, List<AclBinding>> users = kafkaUserAcls();
        try (Admin admin = Admin.create(kafka.scramClientConfig(ADMIN, adminPassword))) {
            List<NewTopic> topics = new ArrayList<>();
            StackTopics.PARTITIONS.forEach((topic, partitions) -> topics.add(new NewTopic(topic, partitions, (short) 1)));
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
            List<UserScramCredentialAlteration> credentials = new ArrayList<>();
            for (String user : users.keySet()) {
                passwords.put(user, UUID.randomUUID().toString());
                credentials.add(new UserScramCredentialUpsertion(user,
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), passwords.get(user)));
            }
            admin.alterUserScramCredentials(credentials).all().get(30, TimeUnit.SECONDS);
            admin.createAcls(users.values().stream().flatMap(List::stream).toList()).all().get(30, TimeUnit.SECONDS);
        }
        // Credentials and ACLs reach the broker through the metadata log: wait until the connector may write.
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> send("connector-service", Topics.ACCOUNT_EVENTS));
    }

    @AfterAll
    void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldDeclareOneScramUserPerServiceWithAcls() {
        List<String> users = new ArrayList<>(KubernetesManifestsTests.SERVICES);
        users.add(KubernetesManifestsTests.KEDA_USER);
        assertThat(kafkaUserAcls()).containsOnlyKeys(users.toArray(String[]::new))
                .allSatisfy((user, acls) -> assertThat(acls).isNotEmpty());
    }

    @Test
    void shouldRefuseAWrongPassword() {
        Map<String, Object> config = new HashMap<>(kafka.scramClientConfig("connector-service", "not-the-password"));
        assertThatThrownBy(() -> send(config, Topics.ACCOUNT_EVENTS))
                .satisfies(e -> assertThat(causes(e)).hasAtLeastOneElementOfType(SaslAuthenticationException.class));
    }

    @Test
    void shouldLetOnlyTheConnectorWriteAccountEvents() throws Exception {
        send("connector-service", Topics.ACCOUNT_EVENTS);
        for (String other : List.of("google-sync-service", "microsoft-sync-service", "event-normalizer",
                "relationship-service")) {
            assertThatThrownBy(() -> send(other, Topics.ACCOUNT_EVENTS)).as(other).satisfies(KafkaAclTests::refusedWrite);
        }
    }

    @Test
    void shouldLetEachSyncServiceWriteRawRecordsAndStatusButNotEvents() throws Exception {
        for (String sync : List.of("google-sync-service", "microsoft-sync-service")) {
            send(sync, Topics.RAW_RECORDS);
            send(sync, Topics.SYNC_STATUS);
            assertThatThrownBy(() -> send(sync, Topics.INTERACTION_EVENTS)).as(sync)
                    .satisfies(e -> assertThat(causes(e)).hasAtLeastOneElementOfType(TopicAuthorizationException.class));
        }
    }

    @Test
    void shouldLetAServiceConsumeOnlyWithItsOwnGroup() throws Exception {
        assertThat(consume("google-sync-service", Topics.SYNC_REQUESTS, "google-sync-service")).isGreaterThanOrEqualTo(0);
        assertThat(consume("event-normalizer", Topics.RAW_RECORDS, "event-normalizer-replay")).isGreaterThanOrEqualTo(0);
        assertThatThrownBy(() -> consume("google-sync-service", Topics.SYNC_REQUESTS, "microsoft-sync-service"))
                .satisfies(e -> assertThat(causes(e)).hasAtLeastOneElementOfType(GroupAuthorizationException.class));
        assertThatThrownBy(() -> consume("google-sync-service", Topics.RAW_RECORDS, "google-sync-service"))
                .satisfies(e -> assertThat(causes(e)).hasAtLeastOneElementOfType(TopicAuthorizationException.class));
    }

    /** The downstream consumer reads the public topics and nothing else, and writes nowhere. */
    @Test
    void shouldLetRelationshipServiceOnlyReadThePublicTopics() throws Exception {
        send("event-normalizer", Topics.INTERACTION_EVENTS_STATE);
        assertThat(consume("relationship-service", Topics.INTERACTION_EVENTS_STATE, "relationship-service"))
                .isGreaterThanOrEqualTo(0);
        assertThat(consume("relationship-service", Topics.ACCOUNT_EVENTS, "relationship-service")).isGreaterThanOrEqualTo(0);
        assertThatThrownBy(() -> consume("relationship-service", Topics.RAW_RECORDS, "relationship-service"))
                .satisfies(e -> assertThat(causes(e)).hasAtLeastOneElementOfType(TopicAuthorizationException.class));
        for (String topic : List.of(Topics.INTERACTION_EVENTS_STATE, Topics.INTERACTION_EVENTS, Topics.SYNC_REQUESTS)) {
            assertThatThrownBy(() -> send("relationship-service", topic)).as(topic).satisfies(KafkaAclTests::refusedWrite);
        }
    }

    /**
     * A write refused: on the topic, or — for a principal that may write no topic at all, like relationship-service —
     * already on the idempotent producer's cluster-level {@code IdempotentWrite}.
     */
    private static void refusedWrite(Throwable e) {
        assertThat(causes(e)).anyMatch(c -> c instanceof TopicAuthorizationException
                || c instanceof org.apache.kafka.common.errors.ClusterAuthorizationException);
    }

    /**
     * KEDA's Kafka scaler as keda-operator: the normalizer group's committed offsets and raw-records' end offsets (the
     * lag), nothing more: it can neither read records in that group nor look at another group.
     */
    @Test
    void shouldLetKedaReadTheNormalizersLagAndNothingElse() throws Exception {
        consume("event-normalizer", Topics.RAW_RECORDS, "event-normalizer");
        String keda = KubernetesManifestsTests.KEDA_USER;
        Map<String, Object> login = new HashMap<>(kafka.scramClientConfig(keda, passwords.get(keda)));
        login.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        login.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        try (Admin admin = Admin.create(login)) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("event-normalizer")
                    .partitionsToOffsetAndMetadata().get(15, TimeUnit.SECONDS);
            assertThat(committed).hasSize(StackTopics.PARTITIONS.get(Topics.RAW_RECORDS));
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            committed.keySet().forEach(tp -> ends.put(tp, OffsetSpec.latest()));
            assertThat(admin.listOffsets(ends).all().get(15, TimeUnit.SECONDS)).hasSameSizeAs(committed);
            assertThatThrownBy(() -> admin.listConsumerGroupOffsets("google-sync-service").partitionsToOffsetAndMetadata()
                    .get(15, TimeUnit.SECONDS))
                    .satisfies(e -> assertThat(causes(e)).hasAtLeastOneElementOfType(GroupAuthorizationException.class));
        }
        assertThatThrownBy(() -> consume(keda, Topics.RAW_RECORDS, "event-normalizer"))
                .satisfies(e -> assertThat(causes(e)).hasAtLeastOneElementOfType(GroupAuthorizationException.class));
    }

    static Map<String, List<AclBinding>> kafkaUserAcls() {
        return KafkaUsers.acls();
    }

    private void send(String user, String topic) throws Exception {
        send(kafka.scramClientConfig(user, passwords.get(user)), topic);
    }

    private static void send(Map<String, Object> login, String topic) throws Exception {
        Map<String, Object> config = new HashMap<>(login);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "acc-acl", "{\"schemaVersion\":1}")).get(15, TimeUnit.SECONDS);
        }
    }

    /** Joins {@code group}, reads {@code topic} until its end and commits: the number of records read. */
    private int consume(String user, String topic, String group) {
        Map<String, Object> config = new HashMap<>(kafka.scramClientConfig(user, passwords.get(user)));
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            int read = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < deadline) {
                read += consumer.poll(Duration.ofMillis(500)).count();
                if (!consumer.assignment().isEmpty()) {
                    consumer.commitSync(Duration.ofSeconds(10));
                    return read;
                }
            }
            throw new AssertionError("no partitions of " + topic + " assigned to " + user + " in group " + group);
        }
    }

    private static List<Throwable> causes(Throwable e) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = e; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }
}
