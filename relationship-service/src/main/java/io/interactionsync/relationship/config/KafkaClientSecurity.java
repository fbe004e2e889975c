package io.interactionsync.relationship.config;

import java.util.HashMap;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The connection security of the Kafka clients the service creates itself (the rebuild consumer): the same
 * {@code kafka.security.protocol}, {@code kafka.sasl.*} and {@code kafka.ssl.*}
 * settings as its channels, so in Kubernetes they also log in as the service's KafkaUser. Empty locally (plaintext).
 */
public final class KafkaClientSecurity {

    private KafkaClientSecurity() {
    }

    public static Map<String, Object> properties() {
        Config config = ConfigProvider.getConfig();
        Map<String, Object> properties = new HashMap<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith("kafka.security.") || name.startsWith("kafka.sasl.") || name.startsWith("kafka.ssl.")) {
                config.getOptionalValue(name, String.class)
                        .ifPresent(value -> properties.put(name.substring("kafka.".length()), value));
            }
        }
        return properties;
    }
}
