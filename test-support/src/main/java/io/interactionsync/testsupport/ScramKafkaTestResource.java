package io.interactionsync.testsupport;

import io.interactionsync.model.Topics;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The cluster trust boundary for a service's test app: its own broker (not the JVM's shared one) with SCRAM-SHA-512
 * and KRaft's authorizer, the contract topics, one SCRAM user per {@code KafkaUser} of the Kubernetes manifest with
 * exactly its ACLs ({@link KafkaUsers}), and the app logged in as the user named by the resource argument
 * {@code user} — through the same {@code kafka.security.protocol} / {@code kafka.sasl.*} settings Kubernetes sets by
 * environment. Tests write and read as the super user ({@link #adminConfig}).
 */
public class ScramKafkaTestResource implements QuarkusTestResourceLifecycleManager {

    static final String ADMIN = "admin";
    private static volatile EmbeddedKafka kafka;
    private static volatile String adminPassword;

    private String user;

    @Override
    public void init(Map<String, String> initArgs) {
        user = initArgs.get("user");
    }

    @Override
    public Map<String, String> start() {
        adminPassword = UUID.randomUUID().toString();
        kafka = EmbeddedKafka.startWithScram(ADMIN, adminPassword);
        Map<String, List<AclBinding>> users = KafkaUsers.acls();
        if (!users.containsKey(user)) {
            throw new IllegalStateException("no KafkaUser " + user + " in " + KafkaUsers.MANIFEST);
        }
        Map<String, String> passwords = new HashMap<>();
        try (Admin admin = Admin.create(adminConfig())) {
            List<NewTopic> topics = new ArrayList<>();
            for (String topic : List.of(Topics.ACCOUNT_EVENTS, Topics.SYNC_REQUESTS, Topics.RAW_RECORDS, Topics.SYNC_STATUS,
                    Topics.INTERACTION_EVENTS, Topics.RAW_RECORDS_DLQ)) {
                topics.add(new NewTopic(topic, 3, (short) 1));
            }
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
            List<UserScramCredentialAlteration> credentials = new ArrayList<>();
            for (String name : users.keySet()) {
                passwords.put(name, UUID.randomUUID().toString());
                credentials.add(new UserScramCredentialUpsertion(name,
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), passwords.get(name)));
            }
            admin.alterUserScramCredentials(credentials).all().get(30, TimeUnit.SECONDS);
            List<AclBinding> acls = users.values().stream().flatMap(List::stream).toList();
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (admin.describeAcls(AclBindingFilter.ANY).values().get(10, TimeUnit.SECONDS).size() < acls.size()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("ACLs not visible after 30 s");
                }
                Thread.sleep(100); // metadata propagation inside the one-node cluster: a bounded poll
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not set up the SCRAM broker", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Map<String, Object> login = kafka.scramClientConfig(user, passwords.get(user));
        return Map.of("kafka.bootstrap.servers", kafka.bootstrapServers(),
                "kafka.security.protocol", (String) login.get("security.protocol"),
                "kafka.sasl.mechanism", (String) login.get("sasl.mechanism"),
                "kafka.sasl.jaas.config", (String) login.get("sasl.jaas.config"));
    }

    /** Client settings of the super user (bootstrap included). */
    public static Map<String, Object> adminConfig() {
        return kafka.scramClientConfig(ADMIN, adminPassword);
    }

    /** Sends {@code value} (JSON text) to {@code topic} as the super user and waits for the ack. */
    public static void send(String topic, String key, String value) {
        Map<String, Object> config = new HashMap<>(adminConfig());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
    }
}
