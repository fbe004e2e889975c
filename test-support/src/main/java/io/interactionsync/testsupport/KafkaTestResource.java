package io.interactionsync.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Starts the test JVM's one real Kafka broker (see {@link EmbeddedKafka}) and points the application at
 * it. Use with {@code @WithTestResource(KafkaTestResource.class)} on every test class of a module so the
 * app starts once. The broker lives until the JVM exits.
 */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

    static final String PROPERTY = "interactionsync.test.kafka.bootstrap";

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", bootstrapServers());
    }

    /** The broker's address, starting it on first use. Also usable outside Quarkus tests. */
    public static String bootstrapServers() {
        return JvmSingletons.getOrStart(PROPERTY, () -> {
            EmbeddedKafka kafka = EmbeddedKafka.start();
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "embedded-kafka-shutdown"));
            return kafka.bootstrapServers();
        });
    }

    @Override
    public void stop() {
        // Shared by every test class of this JVM; stopped by the shutdown hook.
    }
}
